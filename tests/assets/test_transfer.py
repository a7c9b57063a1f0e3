"""Assets out and in as FollowTheMoney entities: a round trip into a second node keeps kind,
identifiers, value, currency, date and owner; a bad IBAN refuses the whole file with its line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from followthemoney import model
from sqlalchemy import Engine

from liaison.assets import service, transfer
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from tests.assets.test_service import asset_in, subject
from tests.conftest import fresh_engine
from tests.requests.factories import SUPERVISOR


@pytest.fixture
def second_node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    folder = tmp_path / "second"
    folder.mkdir()
    other = fresh_engine("sqlite", request, folder)
    yield other
    other.dispose()


def _export(engine: Engine) -> str:
    with unit_of_work(engine) as session:
        owner = subject(session)
        company = service.create_asset(
            session, SUPERVISOR,
            asset_in(owner, kind="company", name="Demo Trading Co.", iban="", registration_number="9144"),
        )  # fmt: skip
        service.create_asset(session, SUPERVISOR, asset_in(owner))
        service.create_asset(
            session, SUPERVISOR,
            asset_in(None, owner_asset_id=company.id, kind="vessel", name="MV Example", iban="",  # type: ignore[arg-type]
                     imo_number="IMO 9074729", currency="USD", value="750000"),
        )  # fmt: skip
        out = io.StringIO()
        assert transfer.export_assets(session, SUPERVISOR, out) == 3
    return out.getvalue()


def test_assets_round_trip_through_followthemoney(engine: Engine, second_node: Engine) -> None:
    text = _export(engine)
    proxies = [model.get_proxy(json.loads(line)) for line in text.splitlines()]
    by_schema = {p.schema.name: p for p in proxies}
    assert set(by_schema) == {"Company", "BankAccount", "Vessel", "Ownership"}
    assert by_schema["BankAccount"].get("iban") == ["DE89370400440532013000"]
    assert by_schema["Vessel"].get("imoNumber") == ["IMO9074729"]  # FtM writes the prefix
    with unit_of_work(second_node) as session:
        subject(session)  # the same person sought, id 1, on the second node
        report = transfer.import_assets(session, SUPERVISOR, text)
    assert (report.created, report.skipped) == (3, 0)
    with unit_of_work(second_node) as session:
        assets, _ = service.list_assets(session, SUPERVISOR, service.AssetQuery(), sort="id")
        outs = {a.kind: service.asset_out(a) for a in assets}
        again = transfer.import_assets(session, SUPERVISOR, text)
    assert again.skipped == 3
    account, vessel, company = outs["bank_account"], outs["vessel"], outs["company"]
    assert (account.iban, account.value, account.currency, account.country) == (
        "DE89370400440532013000",
        "1000000.00",
        "CNY",
        "CN",
    )
    assert account.value_date is not None and account.owner_subject_id == 1
    assert vessel.owner_asset_id == company.id and vessel.imo_number == "9074729"


def test_a_wrong_iban_refuses_the_file_and_saves_nothing(engine: Engine, second_node: Engine) -> None:
    text = _export(engine).replace("DE89370400440532013000", "DE88370400440532013000")
    with unit_of_work(second_node) as session:
        subject(session)
    with pytest.raises(Invalid, match=r"Line .*IBAN"), unit_of_work(second_node) as session:
        transfer.import_assets(session, SUPERVISOR, text)
    with unit_of_work(second_node) as session:
        assert service.list_assets(session, SUPERVISOR, service.AssetQuery())[1] == 0
