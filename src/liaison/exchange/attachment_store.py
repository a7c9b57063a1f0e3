"""Where the exchange keeps the bytes of message attachments and correspondence documents while
they wait (for approval, for a reader): under `settings.documents_dir`, once per SHA-256.

The layout is the document store's (`ab/abcdef…`), so a file attached to a request and to a
message is kept once. The exchange does not sniff types as request documents do: what travels
is what the partner sent, and it is shown for download only, never rendered.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from liaison.core.errors import NotFound
from liaison.core.settings import get_settings


def _path(sha256: str) -> Path:
    return get_settings().documents_dir / sha256[:2] / sha256


def keep(content: bytes) -> str:
    """Store the bytes (once) and answer their SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    path = _path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".exchange-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    return digest


def read(sha256: str) -> bytes:
    path = _path(sha256)
    if len(sha256) != 64 or not path.is_file():
        raise NotFound("The attachment's content is missing from the document store.")
    return path.read_bytes()
