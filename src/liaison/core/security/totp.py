"""Time-based one-time passwords (RFC 6238, with `pyotp`), recovery codes and the enrolment QR code.

Codes are six digits for a 30-second step; a code of the step before or after is accepted too, for
clocks a little apart. A code is good once: the caller keeps the last step used and passes it, and
a code of that step or an earlier one is refused (replay). The QR code is drawn here, on the server,
as inline SVG (`segno`, pure Python): no image service, no script in the browser.
"""

from __future__ import annotations

import hmac
import re
import secrets
import string
from datetime import datetime

import pyotp
import segno

ISSUER = "Liaison"
DRIFT_STEPS = 1  # steps accepted either side of now
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand
_RECOVERY_GROUPS, _RECOVERY_GROUP = 3, 4
TOTP_PATTERN = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """A fresh key: 160 random bits in base32, as authenticator apps expect."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The key in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The `otpauth://` address as an inline SVG QR code, with a title for screen readers."""
    code = segno.make(uri, error="m")
    return str(code.svg_inline(scale=5, border=4, dark="#000", light="#fff", title="QR code"))


def clean_code(code: str) -> str:
    """What the person typed, without the spaces and dashes people add."""
    return re.sub(r"[\s-]", "", code)[:64].lower()


def is_totp_form(code: str) -> bool:
    return TOTP_PATTERN.match(clean_code(code)) is not None


def matching_step(secret: str, code: str, last_step: int, now: datetime) -> int | None:
    """The step whose code `code` is (now, or one step either side), if it is later than
    `last_step`; None for a wrong code or a replayed one."""
    totp = pyotp.TOTP(secret)
    code = clean_code(code)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and step > last_step:
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten single-use codes, each about 59 random bits, written `abcd-efgh-jkmn`."""
    return [
        "-".join(
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP))
            for _ in range(_RECOVERY_GROUPS)
        )
        for _ in range(RECOVERY_CODES)
    ]


def is_recovery_form(code: str) -> bool:
    cleaned = clean_code(code)
    return len(cleaned) == _RECOVERY_GROUPS * _RECOVERY_GROUP and set(cleaned) <= set(
        _RECOVERY_ALPHABET + string.digits
    )
