"""Documents attached to requests: size-limited, typed by their bytes, stored once by SHA-256.

The client's file name and declared type are not trusted: the type is sniffed from the content
(`puremagic` for binary formats; OpenDocument and Word files are told apart by looking inside
the ZIP container; plain text is UTF-8 without control characters), must be one of the allowed
types, and must agree with the file name's extension, so an executable renamed `.pdf` or a PDF
renamed `.txt` is refused. Content lives under `settings.documents_dir/ab/abcdef…` (the SHA-256
in hex); the same bytes uploaded twice are stored once.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

import puremagic

from liaison.core.errors import Invalid, NotFound, Phrase, TooLarge
from liaison.core.i18n import megabytes

ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/tiff": (".tif", ".tiff"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "text/plain": (".txt",),
}
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_CONTROL_ALLOWED = frozenset("\t\n\r\f")


@dataclass(frozen=True)
class StoredContent:
    sha256: str
    size_bytes: int
    content_type: str


def _zip_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return "application/zip"


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ch < " " and ch not in TEXT_CONTROL_ALLOWED for ch in text)


def sniff_type(content: bytes) -> str:
    """The media type the bytes really are ("" when unknown)."""
    if content.startswith(b"PK\x03\x04"):
        return _zip_type(content) or ""
    if content.startswith(b"MZ"):
        return "application/x-msdownload"
    try:
        found = str(puremagic.from_string(content, mime=True))
    except puremagic.PureError:
        found = ""
    if found:
        return found
    return "text/plain" if _is_text(content) else ""


def checked_type(content: bytes, filename: str, limit: int) -> str:
    """The content's type when it may be stored, else the error that refuses it."""
    if len(content) > limit:
        raise TooLarge(
            "The document is {size} MB; the limit is {limit} MB.",
            size=megabytes(len(content)),
            limit=megabytes(limit),
        )
    if not content:
        raise Invalid("The document is empty.", fields={"file": "empty"})
    sniffed = sniff_type(content)
    extension = PurePath(filename).suffix.lower()
    allowed = ", ".join(sorted({e for exts in ALLOWED_TYPES.values() for e in exts}))
    if sniffed not in ALLOWED_TYPES:
        raise Invalid(
            "This kind of file ({found}) is not accepted; accepted: {allowed}.",
            found=sniffed or "?",
            allowed=allowed,
            fields={"file": Phrase("type {found} not accepted", {"found": sniffed or "?"})},
        )
    if extension not in ALLOWED_TYPES[sniffed]:
        raise Invalid(
            "The file is named {extension} but its content is {found}.",
            extension=extension or "—",
            found=sniffed,
            fields={
                "file": Phrase(
                    "content is {found}, name says {extension}",
                    {"found": sniffed, "extension": extension or "—"},
                )
            },
        )
    return sniffed


def content_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store(root: Path, content: bytes, filename: str, limit: int) -> StoredContent:
    """Check and store the bytes once under their SHA-256; storing them again is a no-op."""
    content_type = checked_type(content, filename, limit)
    digest = hashlib.sha256(content).hexdigest()
    path = content_path(root, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)  # atomic: a reader never sees half a file
    return StoredContent(digest, len(content), content_type)


def read(root: Path, sha256: str) -> bytes:
    path = content_path(root, sha256)
    if not path.is_file():
        raise NotFound("The document's content is missing from the document store.")
    return path.read_bytes()


def safe_filename(filename: str) -> str:
    """The base name only, without any folder part a client might send."""
    name = PurePath(filename.replace("\\", "/")).name.strip()
    return name[:255] or "document"
