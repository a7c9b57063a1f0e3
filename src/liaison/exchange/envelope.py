"""The envelope: a canonical JSON header, a body and attachments encrypted for the recipient, and
an Ed25519 signature.

The signature is over the canonical header bytes; the header holds the SHA-256 of the body's
ciphertext and of every attachment chunk's ciphertext, so it covers header and ciphertext alike and
a receiver can check each chunk as it arrives, before any envelope. Encryption is NaCl `Box`
(X25519 + XSalsa20-Poly1305) between this node's key and the recipient's; the header names both
keys' short ids so a rotation in progress picks the right private key without trial.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import Box, PrivateKey, PublicKey

from liaison.exchange import keys
from liaison.exchange.keys import Identity, key_id

VERSION = 1
CHUNK_SIZE = 512 * 1024
EVALUATION = re.compile(r"^[ABCX][1-4]$")


def canonical(document: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the one byte form that is signed and digested."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def uuid7() -> str:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids sort by time."""
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=value))


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", re.ASCII)


def parse_timestamp(text: str) -> datetime:
    """The inverse of `timestamp`: only its exact form (a ValueError for any other, a TypeError for
    what is not text). `fromisoformat` reads it, a tenth of what `strptime` costs, which every
    envelope and receipt paid."""
    if _TIMESTAMP.fullmatch(text) is None:
        raise ValueError(f"not a timestamp: {text!r}"[:80])
    return datetime.fromisoformat(text)


def evaluation_code(code: str | None) -> dict[str, Any] | None:
    """`B2` → {"source": "B", "information": 2}: the 4×4 evaluation (source A/B/C/X, information 1–4)."""
    if code is None:
        return None
    if not EVALUATION.match(code):
        raise ValueError(code)
    return {"source": code[0], "information": int(code[1])}


@lru_cache(maxsize=256)
def box(private_hex: str, public_hex: str) -> Box:
    """The Box of a key pair, its shared key computed once (a batch reuses it)."""
    return Box(PrivateKey(bytes.fromhex(private_hex)), PublicKey(bytes.fromhex(public_hex)))


def _private_hex(key: PrivateKey) -> str:
    return bytes(key).hex()


@dataclass(frozen=True)
class Attachment:
    """A file travelling with a message, up to tens of megabytes, sent in chunks."""

    name: str
    content: bytes
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Sealed:
    """An envelope ready to send: its header bytes, signature, body ciphertext and chunks."""

    header: dict[str, Any]
    header_bytes: bytes
    signature: bytes
    ciphertext: bytes
    chunks: tuple[tuple[bytes, ...], ...]


def seal(
    identity: Identity,
    *,
    recipient: str,
    recipient_encryption_key: str,
    message_id: str,
    sequence: int,
    created: datetime,
    type: str,
    body: dict[str, Any],
    handling_code: str,
    thread: str | None = None,
    in_reply_to: str | None = None,
    evaluation: str | None = None,
    releasability: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> Sealed:
    """Encrypt body and attachments for the recipient and sign the header that binds them."""
    shared = box(_private_hex(identity.encryption), recipient_encryption_key)
    manifest = [
        {"name": a.name, "media_type": a.media_type, "size": len(a.content), "sha256": digest(a.content)}
        for a in attachments
    ]
    ciphertext = bytes(shared.encrypt(canonical({"body": body, "attachments": manifest})))
    chunks = tuple(
        tuple(
            bytes(shared.encrypt(a.content[i : i + CHUNK_SIZE]))
            for i in range(0, max(len(a.content), 1), CHUNK_SIZE)
        )
        for a in attachments
    )
    header = {
        "v": VERSION,
        "sender": identity.node_id,
        "recipient": recipient,
        "message_id": message_id,
        "sequence": sequence,
        "created": timestamp(created),
        "type": type,
        "thread": thread,
        "in_reply_to": in_reply_to,
        "handling_code": handling_code,
        "evaluation": evaluation_code(evaluation),
        "releasability": releasability,
        "from_key": key_id(identity.encryption_public),
        "to_key": key_id(recipient_encryption_key),
        "body_sha256": digest(ciphertext),
        "body_size": len(ciphertext),
        "attachments": [
            {"size": len(a.content), "chunks": [digest(c) for c in parts]}
            for a, parts in zip(attachments, chunks, strict=True)
        ],
    }
    header_bytes = canonical(header)
    return Sealed(header, header_bytes, identity.signing.sign(header_bytes).signature, ciphertext, chunks)


def restamp(identity: Identity, header_bytes: bytes, moment: datetime) -> tuple[bytes, bytes]:
    """The same envelope sealed again with a fresh `created`: header bytes and signature.

    Message id, sequence, keys, body and attachment digests stay as they were (the ciphertext is
    not touched); `queued` keeps when it was first queued (its first `created`) and `replaces` the
    SHA-256 of the header this one replaces, so a receipt for an earlier stamp still names it."""
    header: dict[str, Any] = orjson.loads(header_bytes)
    header["queued"] = header.get("queued") or header["created"]
    header["replaces"] = digest(header_bytes)
    header["created"] = timestamp(moment)
    data = canonical(header)
    return data, identity.signing.sign(data).signature


def verify(header_bytes: bytes, signature: bytes, signing_keys: Sequence[str]) -> bool:
    """True when one of these public keys (the peer's current, then its previous) signed it."""
    for hex_key in signing_keys:
        try:
            keys.verify_key(hex_key).verify(header_bytes, signature)
            return True
        except (BadSignatureError, ValueError):
            continue
    return False


def open_body(
    identity: Identity, header: dict[str, Any], ciphertext: bytes, sender_keys: Sequence[str]
) -> dict[str, Any]:
    """Decrypt a body with the private key the header names and the sender's key it names."""
    shared = _box_for(identity, header, sender_keys)
    document: dict[str, Any] = orjson.loads(shared.decrypt(ciphertext))
    return document


def open_chunk(identity: Identity, header: dict[str, Any], data: bytes, sender_keys: Sequence[str]) -> bytes:
    return bytes(_box_for(identity, header, sender_keys).decrypt(data))


def _box_for(identity: Identity, header: dict[str, Any], sender_keys: Sequence[str]) -> Box:
    private = next(
        (k for k in identity.decryption_keys() if key_id(k.public_key.encode().hex()) == header["to_key"]),
        None,
    )
    public = next((k for k in sender_keys if key_id(k) == header["from_key"]), None)
    if private is None or public is None:
        raise CryptoError("no key for this envelope")
    return box(_private_hex(private), public)


def sign_document(identity: Identity, document: dict[str, Any]) -> tuple[bytes, bytes]:
    """A receipt or request stamp: canonical bytes and this node's signature over them."""
    data = canonical(document)
    return data, identity.signing.sign(data).signature


def transport_stamp(method: str, path: str, body: bytes, moment: datetime) -> bytes:
    """What a node signs for one HTTP call: method, path, time and the body's digest."""
    return f"{method}\n{path}\n{timestamp(moment)}\n{digest(body)}".encode()
