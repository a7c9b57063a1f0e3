"""Pydantic bases for the API: unknown fields are refused, text is length-limited, and values
the databases cannot hold (NUL in text, integers beyond 64 bits, date-times without a zone) or
that only look like the right type (`0` for false, `0` for 1970-01-01) are refused as input."""

from __future__ import annotations

import types
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

ItemT = TypeVar("ItemT")
MAX_INTEGER = 2**63 - 1  # a signed 64-bit column, on SQLite as on PostgreSQL


def refuse_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    return text


def refuse_naive_datetime(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("needs a time zone, e.g. 2024-01-01T00:00:00Z")
    return value


def annotation_types(annotation: Any) -> set[Any]:
    """The plain types an annotation admits: `int | None` gives {int, NoneType}."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return annotation_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, tuple, set, frozenset):
        return {t for arg in get_args(annotation) for t in annotation_types(arg)}
    return {annotation}


def _check_value(value: Any, expected: set[Any]) -> None:
    """Refuse what the databases cannot hold and numbers that stand in for a bool or a date."""
    if isinstance(value, str):
        refuse_nul(value)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int | float):
        if bool in expected and not expected & {int, float}:
            raise ValueError("must be true or false")
        if expected & {date, datetime} and not expected & {int, float}:
            raise ValueError("must be an ISO 8601 date or date-time text, not a number")
        if isinstance(value, int) and not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
            raise ValueError("is too large")
    elif isinstance(value, list | tuple | set):
        for item in value:
            _check_value(item, expected)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, {str})
            _check_value(item, set())


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

    @field_validator("*", mode="wrap")
    @classmethod
    def _refuse_unstorable(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        _check_value(value, annotation_types(field.annotation) if field else set())
        result = handler(value)
        if isinstance(result, datetime):
            refuse_naive_datetime(result)
        return result


class ProblemField(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An error answer (RFC 9457 `application/problem+json`), as `core.http` sends it."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str = ""
    errors: list[ProblemField] | None = Field(default=None, description="422: each field at fault")
    allowed: list[str] | None = Field(default=None, description="409: what would have been accepted")


_PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description, "content": _PROBLEM_CONTENT}
    for status, description in {
        400: "Malformed request",
        401: "No valid bearer token or session",
        403: "The user's role or the record's handling code does not allow this",
        404: "No such record",
        409: "Conflicts with the record's state or an existing record",
        413: "The body is larger than the limit",
        422: "Input that does not parse or breaks a rule; `errors` names each field",
        429: "Too many attempts",
    }.items()
}


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
    seq: int | None = Field(
        description="Place in the hash chain; empty for a moment after commit, until chained."
    )
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    detail: str
    hash: str | None = Field(description="Chain hash; empty until the event is chained.")
    owning_unit: str = ""
    handling_code: str = ""


class ChainOut(BaseModel):
    events: int
    is_intact: bool
    first_broken_seq: int | None
    reason: str
