"""Countries (ISO 3166-1, preloaded by the migration): list, get, and check a code an input gives."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.errors import Invalid, NotFound
from liaison.core.security.policy import Actor, ensure
from liaison.registry import READ
from liaison.registry.models import Country


def country_code(session: Session, code: str | None, field: str = "country") -> str | None:
    """The upper-case ISO 3166-1 alpha-2 code, or `Invalid` when there is no such country."""
    if code is None or code == "":
        return None
    upper = code.strip().upper()
    if len(upper) != 2 or session.get(Country, upper) is None:
        raise Invalid(
            "Unknown country code {code!r}.", code=code, fields={field: "an ISO 3166-1 alpha-2 code, e.g. VN"}
        )
    return upper


def countries(session: Session, actor: Actor) -> list[Country]:
    ensure(actor, READ)
    return list(session.scalars(select(Country).order_by(Country.name_en)))


def get_country(session: Session, actor: Actor, code: str) -> Country:
    ensure(actor, READ)
    country = session.get(Country, code.upper()) if len(code) == 2 else None
    if country is None:
        raise NotFound("No country with code {code!r}.", code=code)
    return country
