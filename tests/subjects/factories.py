"""Test data for persons sought, made with the formats' own tools: INTERPOL notices in the shape
INTERPOL's public notice API documents, FollowTheMoney entities made with the followthemoney library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from followthemoney import model

from liaison.core.security.policy import SystemActor

INTERPOL_API = "https://ws-public.interpol.int/notices/v1"


def actor(role: str = "officer", unit: str = "", username: str | None = None) -> SystemActor:
    return SystemActor(username=username or f"test-{role}", role=role, unit=unit)


def subject_payload(name: str = "Nguyễn Văn An", **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "names": [{"full_name": name}],
        "birth_dates": ["1980-01-15"],
        "nationalities": ["VN"],
    }
    payload.update(overrides)
    return payload


def interpol_notice(
    entity_id: str,
    forename: str,
    name: str,
    *,
    date_of_birth: str = "1970/05/12",
    nationalities: tuple[str, ...] = ("VN",),
    sex_id: str = "M",
    charges: tuple[tuple[str, str], ...] = (("Fraud", "VN"),),
    colour: str = "red",
) -> dict[str, Any]:
    """One notice as the public notice API serves it at /notices/v1/<colour>/<id>."""
    path = entity_id.replace("/", "-")
    notice: dict[str, Any] = {
        "entity_id": entity_id,
        "forename": forename,
        "name": name,
        "date_of_birth": date_of_birth,
        "nationalities": list(nationalities),
        "sex_id": sex_id,
        "country_of_birth_id": nationalities[0] if nationalities else None,
        "place_of_birth": "",
        "languages_spoken_ids": ["VIE"],
        "height": 1.7,
        "weight": 65,
        "eyes_colors_id": ["BRO"],
        "hairs_id": ["BLA"],
        "distinguishing_marks": None,
        "_embedded": {"links": []},
        "_links": {
            "self": {"href": f"{INTERPOL_API}/{colour}/{path}"},
            "images": {"href": f"{INTERPOL_API}/{colour}/{path}/images"},
            "thumbnail": {"href": f"{INTERPOL_API}/{colour}/{path}/images/1"},
        },
    }
    if colour == "red":
        notice["arrest_warrants"] = [
            {"charge": charge, "issuing_country_id": country, "charge_translation": None}
            for charge, country in charges
        ]
    return notice


def interpol_list_page(notices: list[dict[str, Any]], colour: str = "red") -> dict[str, Any]:
    """The list page shape of /notices/v1/<colour>: total, query, _embedded.notices, _links."""
    return {
        "total": len(notices),
        "query": {"page": 1, "resultPerPage": len(notices)},
        "_embedded": {"notices": notices},
        "_links": {"self": {"href": f"{INTERPOL_API}/{colour}?page=1"}},
    }


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def ftm_person(
    entity_id: str,
    names: list[str],
    *,
    aliases: tuple[str, ...] = (),
    birth_date: str | None = "1975-03-02",
    nationality: str = "kz",
    passport: str | None = None,
    sanction_authority: str | None = None,
) -> list[dict[str, Any]]:
    """A Person (with a Passport and a Sanction when asked) as followthemoney makes them."""
    person = model.make_entity("Person")
    person.id = entity_id
    person.add("name", names)
    person.add("alias", list(aliases))
    person.add("birthDate", birth_date)
    person.add("nationality", nationality)
    person.add("topics", "wanted")
    entities = [person]
    if passport:
        document = model.make_entity("Passport")
        document.make_id(entity_id, "passport", passport)
        document.add("holder", person.id)
        document.add("number", passport)
        document.add("country", nationality)
        entities.append(document)
    if sanction_authority:
        sanction = model.make_entity("Sanction")
        sanction.make_id(entity_id, "sanction")
        sanction.add("entity", person.id)
        sanction.add("authority", sanction_authority)
        sanction.add("program", "Asset freeze")
        sanction.add("startDate", "2022-04-01")
        entities.append(sanction)
    return [entity.to_dict() for entity in entities]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def a_request(session: Any, who: Any, handling_code: str = "H0") -> int:
    """A real cooperation request (the requests capability's service), for links to point at."""
    from liaison.requests import service as requests
    from tests.requests.factories import agency, request_data

    ours = agency(session, f"Ministry of Public Security {handling_code}", "VN")
    theirs = agency(session, f"Anti-Corruption Agency {handling_code}", "KZ")
    return requests.create_request(session, who, request_data(ours, theirs, handling_code=handling_code)).id
