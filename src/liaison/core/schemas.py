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
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue

from liaison.core.vocab import Codes

ItemT = TypeVar("ItemT")
MAX_INTEGER = 2**63 - 1  # a signed 64-bit column, on SQLite as on PostgreSQL
# The bound the OpenAPI document states for a body's integers: FastAPI writes the document's bounds
# as floats, and 2^63 - 1 would round up to 2^63; this is the largest float below it.
DOCUMENTED_MAX_INTEGER = 2**63 - 1024


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


def _handling_codes() -> list[str]:
    from liaison.core.security.policy import handling_codes

    return list(handling_codes().codes)


def _roles() -> tuple[str, ...]:
    from liaison.core.security.policy import ROLES

    return ROLES


HandlingCode = Annotated[
    str, StringConstraints(max_length=8), AfterValidator(_declared_code), Codes(_handling_codes)
]
Role = Annotated[str, Codes(_roles)]  # checked by `accounts`, which names the roles


NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


def _bound_integers(schema: dict[str, Any]) -> None:
    """Say in an input's schema what `_check_value` refuses: integers beyond a 64-bit column, and
    NUL in text (on every free text; a pattern or a list of codes already leaves it out)."""
    if schema.get("type") == "integer":
        schema.setdefault("maximum", DOCUMENTED_MAX_INTEGER)
        schema.setdefault("minimum", -DOCUMENTED_MAX_INTEGER)
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        # Input is stripped of surrounding white space: a text that must not be empty needs more.
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) > 0 else NO_NUL
    for key in ("properties", "$defs"):
        for child in schema.get(key, {}).values():
            _bound_integers(child)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for child in schema.get(key, []):
            _bound_integers(child)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _bound_integers(schema[key])


class Documented:
    """Annotated metadata: a rule the document states (`pattern`, `minLength`, `minItems` ...) for
    a rule the service checks itself, in its own words (a name with a letter, a password's length):
    the document and the generated requests know it, the answer to a breach stays the service's."""

    def __init__(self, kind: str = "string", **keywords: Any) -> None:
        self.kind, self.keywords = kind, keywords

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        for branch in [schema, *schema.get("anyOf", [])]:
            if branch.get("type") == self.kind:
                branch.update(self.keywords)
        return schema


class NoNulText:
    """Annotated metadata: the document says a text parameter holds no NUL (`refuse_nul`), as
    `Input` does for bodies; a text with a pattern or a list of codes says more already."""

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        for branch in [schema, *schema.get("anyOf", [])]:
            if branch.get("type") == "string" and not {"pattern", "enum", "format"} & set(branch | schema):
                branch["pattern"] = NO_NUL
        return schema


class Input(BaseModel):
    """What clients send: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=lambda schema, _: _bound_integers(schema)
    )

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
        422: (
            "Input that does not parse or breaks a rule; `errors` names each field. Besides what the "
            "schema says (each vocabulary's codes, lengths, ranges), a well-formed request is refused when "
            "a record it refers to by id does not exist, the current password is not right, a rule across "
            "fields is broken (an end before its start), or an uploaded file does not hold what it should"
        ),
        429: "Too many attempts",
    }.items()
}


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LinkedOut(Output):
    """A record of another capability linked to this one (a request naming a subject, the hit
    that opened a request ...), as the record's page lists it: only what the reader may read."""

    type: str
    id: int
    label: str
    href: str
    relation: str


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
    username: Annotated[
        str,
        StringConstraints(min_length=2, max_length=80),
        Documented(pattern=r"^[a-z0-9][a-z0-9._-]{1,79}$"),
    ]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200), Documented(minLength=12)]
    role: Role
    full_name: ShortText = ""
    email: ShortText = ""
    unit: Annotated[str, StringConstraints(max_length=80)] = ""


class UserPatch(Input):
    role: Role | None = None
    is_active: bool | None = None
    unit: Annotated[str | None, StringConstraints(max_length=80)] = None
    email: Annotated[str | None, StringConstraints(max_length=200)] = None
    full_name: Annotated[str | None, StringConstraints(max_length=200)] = None


Password = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=False)]
# A password being set: the policy's length in the document too (`accounts.check_password` checks it all).
NewPassword = Annotated[Password, Documented(minLength=12)]


class PasswordReset(Input):
    """An administrator sets a user's password."""

    password: NewPassword


class PasswordChange(Input):
    """A user changes their own password; the current one proves it is them."""

    current_password: Password
    password: NewPassword


class TokenIn(Input):
    username: Annotated[str, StringConstraints(min_length=2, max_length=80)]
    expires_days: int | None = Field(default=None, ge=1, le=3650)
    label: ShortText = ""
    code: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None,
        description="The token's user's current second-factor code (or one of their recovery codes): "
        "required when that user has a second factor, as administrators and supervisors must.",
    )


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


class NotificationOut(Output):
    """One of your notifications: what it is about (`kind`), the record's title and link."""

    id: int
    kind: str
    title: str
    detail: str
    link: str
    due: date | None
    created_at: datetime
    read_at: datetime | None
    email: str


class NotificationChoice(Input):
    """Whether one kind of notification reaches you in the app and by e-mail."""

    in_app: bool
    email: bool


class NotificationPreferencesIn(Input):
    """Your choices per kind of notification (`vocab/notification_kinds.yaml`); kinds left out
    keep what they were."""

    deadline_passed: NotificationChoice | None = None
    deadline_soon: NotificationChoice | None = None
    incoming_request: NotificationChoice | None = None
    commitment_due: NotificationChoice | None = None
    commitment_proposal: NotificationChoice | None = None
    hit_review: NotificationChoice | None = None
    approval: NotificationChoice | None = None
