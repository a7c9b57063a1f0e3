"""Pydantic bases for the API: unknown fields are refused, text is length-limited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

ItemT = TypeVar("ItemT")

ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=300)]  # a person's or body's name
Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]  # a vocabulary code
CountryCode = Annotated[str, StringConstraints(min_length=1, max_length=3)]  # ISO 3166-1 (or INT)
Ref = Annotated[str, StringConstraints(min_length=1, max_length=80)]  # an external reference


def _declared_code(code: str) -> str:
    """A handling code the vocabulary declares (`vocab/handling_codes.yaml`), never a hard-coded list."""
    from liaison.core.errors import Invalid
    from liaison.core.security.gate import check_handling_code

    try:
        return check_handling_code(code)
    except Invalid as error:
        raise ValueError(error.detail) from None


HandlingCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_declared_code)]


class Input(BaseModel):
    """What clients send: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[ItemT]):
    """One page of a list, with the total so clients can paginate."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int


class UserOut(Output):
    id: int
    username: str
    full_name: str
    email: str
    role: str
    unit: str
    is_active: bool
    locked_until: datetime | None = Field(
        default=None, description="Set while the account is locked after too many failed sign-ins."
    )


class UserIn(Input):
    username: Annotated[str, StringConstraints(min_length=2, max_length=80)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: str
    full_name: ShortText = ""
    email: ShortText = ""
    unit: Annotated[str, StringConstraints(max_length=80)] = ""


class UserPatch(Input):
    role: str | None = None
    is_active: bool | None = None
    unit: Annotated[str | None, StringConstraints(max_length=80)] = None
    email: Annotated[str | None, StringConstraints(max_length=200)] = None
    full_name: Annotated[str | None, StringConstraints(max_length=200)] = None


Password = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=False)]


class PasswordReset(Input):
    """An administrator sets a user's password."""

    password: Password


class PasswordChange(Input):
    """A user changes their own password; the current one proves it is them."""

    current_password: Password
    password: Password


class TokenIn(Input):
    username: Annotated[str, StringConstraints(min_length=2, max_length=80)]
    expires_days: int | None = Field(default=None, ge=1, le=3650)
    label: ShortText = ""


class TokenOut(Output):
    id: int
    user_id: int
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The bearer secret. Shown once; only its hash is kept.")


class AuditEventOut(Output):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    detail: str
    hash: str
    owning_unit: str = ""
    handling_code: str = ""


class ChainOut(BaseModel):
    events: int
    is_intact: bool
    first_broken_seq: int | None
    reason: str
