"""The demo data from the five press releases: loaded twice without duplicates, and the partner
views show what the releases say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.app import create_app
from liaison.core.db import unit_of_work
from liaison.core.settings import get_settings
from liaison.engagements import demo as engagements_demo
from liaison.engagements.models import Commitment, Engagement
from liaison.registry import demo as registry_demo
from liaison.registry.models import Agency, Agreement, Official, SearchEntry
from tests.conftest import BACKENDS, fresh_engine, make_account

# one worker holds this module's shared fixture (started once, not once per worker)
pytestmark = pytest.mark.xdist_group("registry-demo")

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def load_demo(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        registry_demo.load(session, "demo")
        engagements_demo.load(session, "demo")


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One database per backend with the demo loaded, shared by this module's read-only tests."""
    engine = fresh_engine(request.param, request, tmp_path_factory.mktemp("demo"))
    load_demo(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def client(demo: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings(), demo)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def headers(demo: Engine) -> dict[str, str]:
    return make_account(demo, "analyst").headers


def counts(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Agency, Official, Agreement, Engagement, Commitment, SearchEntry)
        }


def test_loading_the_demo_twice_creates_no_duplicates(demo: Engine) -> None:
    before = counts(demo)
    load_demo(demo)
    assert counts(demo) == before
    assert before["engagement"] == 8 and before["commitment"] >= 40


def test_russia_shows_both_coordinated_action_programmes(client: TestClient, headers: dict[str, str]) -> None:
    view = client.get("/api/v1/partners/RU", headers=headers).json()
    programmes = {(p["start_year"], p["end_year"]): p["status"] for p in view["programmes"]}
    assert programmes == {(2022, 2024): "active", (2025, 2027): "preparing"}
    assert any("Kolokoltsev" in o["name"] for o in view["officials"])
    assert view["citizen_protection_cases"] and view["engagements"][0]["held_on"] == "2023-10-31"


def test_singapore_shows_the_2018_framework_and_proposed_agreements(
    client: TestClient, headers: dict[str, str]
) -> None:
    view = client.get("/api/v1/partners/sg", headers=headers).json()
    in_force = view["agreements_by_status"]["in_force"]
    assert len(in_force) == 1 and "(2018)" in in_force[0]["title"]
    assert {a["kind"] for a in view["agreements_by_status"]["proposed"]} == {
        "extradition",
        "transfer_of_sentenced_persons",
    }
    assert any(m["name"].startswith("Annual meeting") for m in view["mechanisms"])
    assert any(e["ordinal"] == 12 for e in view["engagements"])


def test_kazakhstan_shows_the_february_2025_reception_and_its_commitments(
    client: TestClient, headers: dict[str, str]
) -> None:
    view = client.get("/api/v1/partners/KZ", headers=headers).json()
    reception = next(
        e for e in view["engagements"] if e["kind"] == "reception" and "Lương Tam Quang" in e["title"]
    )
    assert reception["held_on"] == "2025-02-25"  # "on Tuesday" in the release of Wednesday 26 February
    assert reception["commitments"] == 8
    texts = [c["text"] for c in view["open_commitments"] if c["engagement_id"] == reception["id"]]
    assert any("extradition and transfer of sentenced persons" in t for t in texts)
    engagement = client.get(f"/api/v1/engagements/{reception['id']}", headers=headers).json()
    assert engagement["sources"][0]["file"].endswith("000_804d8f5ba8e522cf.txt")
    assert {p["role"] for p in engagement["participants"]} == {"host", "head_of_delegation"}


def test_asean_shows_its_mechanisms_and_the_coordinator_roles(
    client: TestClient, headers: dict[str, str]
) -> None:
    partners = {p["key"]: p["name"] for p in client.get("/api/v1/partners", headers=headers).json()}
    assert partners["ASEAN"] == "Association of Southeast Asian Nations" and partners["KZ"] == "Kazakhstan"
    view = client.get("/api/v1/partners/ASEAN", headers=headers).json()
    assert {"AMMTC", "SOMTC", "AMMD"} <= {m["acronym"] for m in view["mechanisms"]}
    roles = [r for m in view["mechanisms"] for r in m["roles"] if r["role"] == "coordinator"]
    current = {
        (r["counterpart_country"], r["start_date"][:4], r["end_date"][:4])
        for r in roles
        if r["status"] == "held"
    }
    assert current == {("GB", "2024", "2027"), ("NZ", "2024", "2027")}


def test_demo_quotes_are_verbatim_from_the_press_releases() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"press releases not found at {SEEDS}")
    data = yaml.safe_load(registry_demo.DEMO_FILE.read_text(encoding="utf-8"))
    for engagement in data["engagements"]:
        assert engagement["sources"], engagement["ref"]
        for source in engagement["sources"]:
            text = (SEEDS.parent / data["sources"][source["source"]]["file"]).read_text(encoding="utf-8")
            assert source["quote"] in text, (engagement["ref"], source["quote"][:60])
