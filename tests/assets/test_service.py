"""The asset register's service on SQLite and PostgreSQL: recording, checked identifiers and
values, the status machine, freezing through a request, the access gate and the figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.assets import schemas, service
from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.models import AuditEvent
from liaison.core.records import today
from liaison.requests import service as requests_service
from liaison.requests.schemas import RequestIn
from liaison.subjects import service as subjects_service
from liaison.subjects.schemas import SubjectIn
from tests.requests.factories import OFFICER, SUPERVISOR, agency
from tests.subjects.factories import actor

GOOD_IBAN = "DE89 3704 0044 0532 0130 00"
SECRET_UNIT = "special-cases"


@pytest.fixture(autouse=True)
def _subscribed() -> Iterator[None]:
    capabilities.install(capabilities.enabled())
    yield


def subject(session: Session, handling_code: str = "H0", unit: str = "international-cooperation") -> int:
    who = actor("officer", unit=unit)
    data = SubjectIn.model_validate(
        {"names": [{"full_name": "Phạm Văn Thử"}], "believed_country": "CN", "handling_code": handling_code}
    )
    return subjects_service.create_subject(session, who, data).id


def asset_in(owner: int, **values: Any) -> schemas.AssetIn:
    fields: dict[str, Any] = {
        "kind": "bank_account",
        "name": "Account at a bank in Shenzhen",
        "owner_subject_id": owner,
        "country": "CN",
        "iban": GOOD_IBAN,
        "value": "1000000",
        "currency": "CNY",
        "value_date": (today() - timedelta(days=30)).isoformat(),
        "identified_on": (today() - timedelta(days=30)).isoformat(),
    }
    return schemas.AssetIn.model_validate(fields | values)


def freezing_request(session: Session) -> int:
    home, china = agency(session, "Bộ Công an", "VN"), agency(session, "Ministry of Public Security", "CN")
    data = RequestIn.model_validate(
        {
            "kind": "mla_freezing_and_confiscation",
            "direction": "outgoing",
            "requesting_agency_id": home.id,
            "requested_agency_id": china.id,
            "title": "Freezing of a fugitive's account",
        }
    )
    return requests_service.create_request(session, SUPERVISOR, data).id


def walk(session: Session, request_id: int, *steps: str) -> None:
    for document in ("request_letter", "freezing_order"):
        requests_service.attach_document(
            session, SUPERVISOR, request_id, document, f"{document}.pdf", b"%PDF-1.4\n%%EOF\n", _docs(), 10**6
        )
    for step in steps:
        requests_service.transition_request(session, SUPERVISOR, request_id, step)


def _docs() -> Any:
    from liaison.core.settings import get_settings

    return get_settings().documents_dir


def test_asset_is_recorded_identified_with_its_iban_compacted_and_its_value_in_cents(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        owner = subject(session)
        asset = service.create_asset(session, OFFICER, asset_in(owner, value="1250000.5"))
        out = service.asset_out(asset)
    assert out.iban == "DE89370400440532013000"
    assert out.value == "1250000.50" and out.currency == "CNY"
    assert out.status == "identified" and [c.to_status for c in out.status_changes] == ["identified"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"value": "-5"}, "value"),
        ({"value": "a lot"}, "value"),
        ({"currency": "XYZ"}, "currency"),
        ({"iban": "DE88370400440532013000"}, "iban"),
        ({"kind": "vessel", "iban": "", "imo_number": "9074728"}, "imo_number"),
        ({"kind": "crypto_wallet", "iban": "", "wallet_address": "not-a-wallet"}, "wallet_address"),
        ({"iban": ""}, "iban"),
        ({"value_date": None}, "value_date"),
        ({"country": "XX"}, "country"),
    ],
    ids=["negative", "not-a-number", "unknown-currency", "iban-check-digit", "imo-check-digit",
         "wallet-shape", "no-identifier", "value-without-date", "unknown-country"],
)  # fmt: skip
def test_bad_value_or_identifier_is_refused_and_nothing_is_saved(
    engine: Engine, values: dict[str, Any], field: str
) -> None:
    with unit_of_work(engine) as session:
        owner = subject(session)
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        service.create_asset(session, OFFICER, asset_in(owner, **values))
    assert field in refused.value.fields
    with unit_of_work(engine) as session:
        assert service.list_assets(session, OFFICER, service.AssetQuery())[1] == 0


def test_a_staff_member_or_nobody_cannot_own_an_asset(engine: Engine) -> None:
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        service.create_asset(session, OFFICER, asset_in(None))  # type: ignore[arg-type]
    assert "owner_subject_id" in refused.value.fields
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        service.create_asset(session, OFFICER, asset_in(987654))


def test_confiscation_before_freezing_is_refused_and_each_step_names_its_cause(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        asset_id = service.create_asset(session, OFFICER, asset_in(subject(session))).id
    with pytest.raises(Conflict) as refused, unit_of_work(engine) as session:
        step = schemas.StatusChangeIn(status="confiscated", decision="Court order 12/2026")
        service.change_status(session, OFFICER, asset_id, step)
    assert "frozen" in refused.value.extra["allowed"]
    with pytest.raises(Invalid), unit_of_work(engine) as session:
        service.change_status(session, OFFICER, asset_id, schemas.StatusChangeIn(status="frozen"))
    with unit_of_work(engine) as session:
        step = schemas.StatusChangeIn(status="frozen", decision="Freezing order 3/2026")
        out = service.asset_out(service.change_status(session, OFFICER, asset_id, step))
    assert out.status == "frozen" and out.status_changes[-1].decision == "Freezing order 3/2026"


def test_executing_a_freezing_request_freezes_the_assets_it_names(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        asset_id = service.create_asset(session, OFFICER, asset_in(subject(session))).id
        request_id = freezing_request(session)
        link = schemas.RequestLinkIn(request_id=request_id, action="freeze")
        service.link_request(session, OFFICER, asset_id, link)
        walk(session, request_id, "submit", "grant")
        assert service.asset_out(service.get_asset(session, OFFICER, asset_id)).status == "identified"
        requests_service.transition_request(session, SUPERVISOR, request_id, "execute")
    with unit_of_work(engine) as session:
        out = service.asset_out(service.get_asset(session, OFFICER, asset_id))
        named = service.list_assets(session, OFFICER, service.AssetQuery(request_id=request_id))[0]
    assert out.status == "frozen"
    assert out.status_changes[-1].request_id == request_id and out.status_changes[-1].effective_on == today()
    assert [a.id for a in named] == [asset_id]


def test_executing_a_confiscation_of_an_unfrozen_asset_refuses_the_request_step_too(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        asset_id = service.create_asset(session, OFFICER, asset_in(subject(session))).id
        request_id = freezing_request(session)
        service.link_request(
            session, OFFICER, asset_id, schemas.RequestLinkIn(request_id=request_id, action="confiscate")
        )
        walk(session, request_id, "submit", "grant")
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        requests_service.transition_request(session, SUPERVISOR, request_id, "execute")
    with unit_of_work(engine) as session:
        assert requests_service.get_request(session, SUPERVISOR, request_id).status == "granted"
        assert service.get_asset(session, OFFICER, asset_id).status == "identified"


def test_a_request_of_another_kind_cannot_freeze(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        asset_id = service.create_asset(session, OFFICER, asset_in(subject(session))).id
        request_id = freezing_request(session)
    with pytest.raises(Invalid), unit_of_work(engine) as session:
        service.link_request(
            session, OFFICER, asset_id, schemas.RequestLinkIn(request_id=request_id, action="trace")
        )


def test_asset_of_a_restricted_subject_is_hidden_from_who_cannot_read_the_subject(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        owner = subject(session, handling_code="H3", unit=SECRET_UNIT)
        insider = actor("officer", unit=SECRET_UNIT)
        asset = service.create_asset(session, insider, asset_in(owner))
        asset_id = asset.id
        assert asset.handling_code == "H3" and asset.owning_unit == SECRET_UNIT
        service.change_status(
            session, insider, asset_id, schemas.StatusChangeIn(status="frozen", decision="Order 1")
        )
    outsider = actor("supervisor", unit="international-cooperation")
    with unit_of_work(engine) as session:
        with pytest.raises(NotFound):
            service.get_asset(session, outsider, asset_id)
        assert service.list_assets(session, outsider, service.AssetQuery())[1] == 0
        assert service.figures(session, outsider, "CN").totals["frozen"] == "0.00"
        assert service.figures(session, insider, "CN").totals["frozen"] != "0.00"
        with pytest.raises(NotFound):
            service.create_asset(session, outsider, asset_in(owner, iban="GB33BUKB20201555555555"))


def test_figures_convert_each_years_frozen_value_at_the_stated_rate(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        owner = subject(session)
        for iban, value in ((GOOD_IBAN, "1000000"), ("GB33BUKB20201555555555", "500000")):
            asset_id = service.create_asset(session, OFFICER, asset_in(owner, iban=iban, value=value)).id
            step = schemas.StatusChangeIn(status="frozen", decision="Order 7")
            service.change_status(session, OFFICER, asset_id, step)
        figures = service.figures(session, OFFICER, "CN")
        events = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "asset")).all()
    rate = service.vocabulary().rates["CNY"].rate
    assert figures.currency == "USD" and "CNY" in figures.rates
    assert [(r.year, r.status, r.assets) for r in figures.rows] == [(today().year, "frozen", 2)]
    assert figures.totals["frozen"] == str((1500000 * rate).quantize(rate.__class__("0.01")))
    assert {"create", "change status", "read"} <= set(events)


def test_the_same_iban_cannot_be_two_assets(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        owner = subject(session)
        service.create_asset(session, OFFICER, asset_in(owner))
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        service.create_asset(session, OFFICER, asset_in(owner, iban="DE89370400440532013000"))


def test_a_step_dated_before_the_last_is_refused(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        asset_id = service.create_asset(session, OFFICER, asset_in(subject(session))).id
    early = date.today() - timedelta(days=400)
    with pytest.raises(Invalid), unit_of_work(engine) as session:
        step = schemas.StatusChangeIn(status="frozen", decision="Order 1", effective_on=early)
        service.change_status(session, OFFICER, asset_id, step)
