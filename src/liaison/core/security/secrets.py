"""Password hashing (Argon2id), one-way hashing of bearer and session secrets, and sealing
(authenticated encryption) of the few secrets the server must read back: second-factor keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_hasher = PasswordHasher()  # argon2-cffi defaults to Argon2id with RFC 9106's low-memory profile


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    """A random secret for a token or session, shown to its holder once."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What we store of a token or session secret: its SHA-256, never the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def sign(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# Recovery codes are random (about 59 bits each), not chosen by people: a guess is as hard as the
# code itself, so Argon2id needs no memory-hard profile to protect them. The light profile keeps
# ten hashes per enrolment at a few milliseconds, where the password profile takes a second.
_light_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def hash_recovery_code(code: str) -> str:
    return _light_hasher.hash(code)


def verify_recovery_code(code_hash: str, code: str) -> bool:
    try:
        return _light_hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


SEALED_PREFIX = "v1:"


def _sealing_key(key: str, purpose: str) -> bytes:
    """A 256-bit key for one purpose, derived from the node's secret key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key.encode())


def seal(key: str, purpose: str, plaintext: str) -> str:
    """Encrypt and authenticate `plaintext` (AES-256-GCM) under a key derived from the node's key.

    `purpose` is bound into the key and the associated data, so a value sealed for one use (a
    stored second-factor secret) cannot be passed off as another (an enrolment in progress)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_sealing_key(key, purpose)).encrypt(nonce, plaintext.encode(), purpose.encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(key: str, purpose: str, sealed: str) -> str | None:
    """The plaintext of `seal`, or None when the value was altered, sealed for another purpose or
    under another key."""
    if not sealed.startswith(SEALED_PREFIX) or len(sealed) > 1000:
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :].encode())
        plain = AESGCM(_sealing_key(key, purpose)).decrypt(raw[:12], raw[12:], purpose.encode())
    except (InvalidTag, ValueError):
        return None
    return plain.decode()
