"""The files a composer attaches to a message, read the same way by the compose page and the JSON
route (`POST /api/v1/exchange/messages/with-attachments`): how large a form may be, and what
each uploaded part becomes. `messages.compose` then checks each attachment against the limit."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import UploadFile

from liaison.core.settings import Settings
from liaison.exchange.envelope import Attachment
from liaison.exchange.transport import API_PREFIX

API_ROUTE = "/exchange/messages/with-attachments"
ROUTES = ("/exchange/compose", API_PREFIX + API_ROUTE)  # `Capability.upload_routes`' prefixes


def upload_limit(settings: Settings) -> int:
    """The largest compose form: one attachment of the exchange's size and the form's fields (the
    body limit); `BodySizeLimit` refuses more before anything is read."""
    return settings.exchange_max_attachment_bytes + settings.max_body_bytes


def read_attachments(files: Iterable[UploadFile], limit: int) -> list[Attachment]:
    """Each uploaded part as an attachment, read up to one byte past `limit` (so that `compose`
    can say it is too large without holding more); its declared media type, else octet-stream. A
    part with neither a file name nor bytes is a file input left empty: skipped."""
    attachments = []
    for upload in files:
        content = upload.file.read(limit + 1)
        if not upload.filename and not content:
            continue
        media_type = upload.content_type or "application/octet-stream"
        attachments.append(Attachment(upload.filename or "attachment", content, media_type))
    return attachments
