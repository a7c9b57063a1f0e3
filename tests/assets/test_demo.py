"""The demo: a fictitious fugitive's assets in China frozen through a demo request, and the
Singapore training programme with fictitious officers (and the session sharing experience in
digital transformation linked to the Singapore meeting); China's partner view shows the value
frozen and Singapore's the officers trained, in English and Vietnamese. Loading twice adds nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison import capabilities
from liaison.assets import demo as assets_demo
from liaison.assets.models import Asset
from liaison.capacity import demo as capacity_demo
from liaison.capacity.models import CapacityActivity
from liaison.core.db import unit_of_work
from liaison.core.records import by_ref
from liaison.engagements import demo as engagements_demo
from liaison.engagements.models import Engagement
from liaison.registry import demo as registry_demo
from tests.conftest import make_account, sign_in_pages


def test_demo_freezes_assets_in_china_and_trains_officers_in_singapore(
    client: TestClient, engine: Engine
) -> None:
    capabilities.install(capabilities.enabled())
    for _ in range(2):
        with unit_of_work(engine) as session:
            registry_demo.load(session, "demo")
            engagements_demo.load(session, "demo")
            assets_demo.load(session, "demo")
            capacity_demo.load(session, "demo")
    with unit_of_work(engine) as session:
        statuses = sorted(session.scalars(select(Asset.status)))
        assert statuses == ["frozen", "frozen", "identified"]
        assert session.scalar(select(func.count()).select_from(CapacityActivity)) == len(
            capacity_demo.ACTIVITIES
        )
        digital = by_ref(session, CapacityActivity, "demo-capacity-sg-digital")
        assert digital.engagement_id == by_ref(session, Engagement, "sg-2024-10-09-meeting").id
    officer = make_account(engine, "officer")
    china = client.get("/api/v1/partners/CN", headers=officer.headers).json()
    frozen = china["asset_figures"]["totals"]["frozen"]
    assert float(frozen) > 0
    singapore = client.get("/api/v1/partners/SG", headers=officer.headers).json()
    assert singapore["capacity_building"]["officers_trained"] == 3
    sign_in_pages(client, officer)
    words = (
        ("en", "Total frozen", "Officers trained"),
        ("vi", "Tổng đã phong tỏa", "Số cán bộ được đào tạo"),
    )
    for language, frozen_words, trained_words in words:
        page = client.get("/registry/partners/CN", headers={"Accept-Language": language}).text
        assert frozen_words in page and f"{frozen} USD" in page
        page = client.get("/registry/partners/SG", headers={"Accept-Language": language}).text
        assert trained_words in page and 'data-figure="officers-trained">3<' in page
