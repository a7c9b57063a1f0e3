"""This node's identity: an Ed25519 signing key and an X25519 encryption key (PyNaCl).

They live in `$LIAISON_HOME/node/keys.json` (file 0600, folder 0700). A rotation keeps the
previous keys for an overlap period: peers still verify what was signed with the old key and
this node still opens what was encrypted for it. A partner that has not yet acknowledged the
announcement of new keys knows this node only by the old ones, so those are kept past the overlap
until it has (see `rotation`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from nacl.encoding import HexEncoder
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.settings import get_settings

KEYS_FILE = "keys.json"
NODE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def fingerprint(public_key_hex: str) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits, for reading aloud."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def key_id(public_hex: str) -> str:
    """The short id of a public key that an envelope's header names (`from_key`, `to_key`)."""
    return public_hex[:16]


@dataclass(frozen=True)
class PreviousKeys:
    """Keys replaced by a rotation, still honoured until `valid_until`."""

    signing: SigningKey
    encryption: PrivateKey
    valid_until: datetime


@dataclass(frozen=True)
class Identity:
    """Who this node is: its id, its home agency's reference, its keys."""

    node_id: str
    agency: str
    signing: SigningKey
    encryption: PrivateKey
    previous: tuple[PreviousKeys, ...] = field(default=())

    @property
    def signing_public(self) -> str:
        return self.signing.verify_key.encode(HexEncoder).decode()

    @property
    def encryption_public(self) -> str:
        return _hex_public(self.encryption)

    def decryption_keys(self) -> list[PrivateKey]:
        """The current private key first, then every previous one kept: a partner's envelope
        sealed for an old key before it heard of the rotation still opens."""
        return [self.encryption, *(p.encryption for p in self.previous)]

    def generation(self, encryption_key_id: str) -> Identity | None:
        """This node as it was when its encryption key had this short id (the header's
        `from_key`): the current keys, or previous ones still kept; None once dropped."""
        for signing, encryption in (
            (self.signing, self.encryption),
            *((p.signing, p.encryption) for p in self.previous),
        ):
            if key_id(_hex_public(encryption)) == encryption_key_id:
                return Identity(self.node_id, self.agency, signing, encryption)
        return None

    def describe(self) -> dict[str, str]:
        return {
            "node_id": self.node_id,
            "agency": self.agency,
            "signing_key": self.signing_public,
            "encryption_key": self.encryption_public,
            "signing_fingerprint": fingerprint(self.signing_public),
            "encryption_fingerprint": fingerprint(self.encryption_public),
        }


def _hex_public(key: PrivateKey) -> str:
    return key.public_key.encode(HexEncoder).decode()


def node_dir(home: Path | None = None) -> Path:
    return (home or get_settings().home) / "node"


def _hex(key: SigningKey | PrivateKey) -> str:
    return key.encode(HexEncoder).decode()


def save(identity: Identity, home: Path | None = None) -> None:
    """Write the key file atomically (a new file renamed over the old), readable by this user only."""
    folder = node_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    document = {
        "node_id": identity.node_id,
        "agency": identity.agency,
        "signing": _hex(identity.signing),
        "encryption": _hex(identity.encryption),
        "previous": [
            {
                "signing": _hex(p.signing),
                "encryption": _hex(p.encryption),
                "valid_until": p.valid_until.isoformat(),
            }
            for p in identity.previous
        ],
    }
    path = folder / KEYS_FILE
    temporary = folder / (KEYS_FILE + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    load.cache_clear()


def init(node_id: str, agency: str = "", home: Path | None = None) -> Identity:
    """Create this node's keys; refuses to overwrite existing ones (rotate instead)."""
    if not NODE_ID.match(node_id):
        raise Invalid(
            "A node id is 2 to 63 lower-case letters, digits or hyphens, such as vn-mps.",
            fields={"node_id": "Use lower-case letters, digits and hyphens."},
        )
    if (node_dir(home) / KEYS_FILE).exists():
        raise Conflict(
            "This node already has keys in {folder}: rotate them instead.", folder=str(node_dir(home))
        )
    identity = Identity(node_id, agency, SigningKey.generate(), PrivateKey.generate())
    save(identity, home)
    return identity


@lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> Identity:
    document = json.loads(path.read_text())
    return Identity(
        node_id=document["node_id"],
        agency=document.get("agency", ""),
        signing=SigningKey(bytes.fromhex(document["signing"])),
        encryption=PrivateKey(bytes.fromhex(document["encryption"])),
        previous=tuple(
            PreviousKeys(
                SigningKey(bytes.fromhex(p["signing"])),
                PrivateKey(bytes.fromhex(p["encryption"])),
                datetime.fromisoformat(p["valid_until"]),
            )
            for p in document.get("previous", [])
        ),
    )


class _Loader:
    """`load(home)`: the identity, read again only when the key file changed (a rotation)."""

    def __call__(self, home: Path | None = None) -> Identity:
        path = node_dir(home) / KEYS_FILE
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise NotFound(
                "This node has no keys yet: run `liaison node init --node-id NAME`.", folder=str(path.parent)
            ) from None
        return _load(path, mtime)

    def cache_clear(self) -> None:
        _load.cache_clear()


load = _Loader()


def exists(home: Path | None = None) -> bool:
    return (node_dir(home) / KEYS_FILE).exists()


def rotated(current: Identity, overlap_days: int, still_known_by: Collection[str] = ()) -> Identity:
    """New keys; the current ones stay valid for `overlap_days`. Older ones are dropped once their
    overlap is over, unless a partner still knows this node by them (`still_known_by`: encryption
    key ids). Nothing is written: `save` does, once the announcement is queued."""
    if overlap_days < 0 or overlap_days > 365:
        raise Invalid(
            "The overlap is 0 to 365 days.", fields={"overlap_days": "Give a number of days from 0 to 365."}
        )
    now = utcnow()
    kept = tuple(
        p
        for p in current.previous
        if p.valid_until > now or key_id(_hex_public(p.encryption)) in still_known_by
    )
    previous = (PreviousKeys(current.signing, current.encryption, now + timedelta(days=overlap_days)), *kept)
    return Identity(current.node_id, current.agency, SigningKey.generate(), PrivateKey.generate(), previous)


def verify_key(hex_key: str) -> VerifyKey:
    return VerifyKey(bytes.fromhex(hex_key))


def public_key(hex_key: str) -> PublicKey:
    return PublicKey(bytes.fromhex(hex_key))
