"""An officer pastes a ministry's report of a meeting, links the minister it names to the registry's
record (written another way), creates the visitor's record, confirms; then pastes another outlet's
report of the same meeting, sees it proposed as that engagement with the reasons, and merges it:
the engagement has both reports as sources and nobody or nothing twice. In a real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.engagements.models import Commitment, Engagement
from tests.e2e.conftest import sign_in
from tests.registry import factories

HERE = Path(__file__).resolve().parent
SEEDS = next(
    (p / "shared" / "seeds" for p in HERE.parents if (p / "shared" / "seeds").is_dir()),
    HERE.parents[2] / "shared" / "seeds",
)
SECOND_OUTLET = (HERE.parent / "ingest" / "second_outlet_sg_2024.txt").read_text(encoding="utf-8")


def seed_report() -> str:
    """The seed of the Singapore meeting of 9 October 2024 (VNS)."""
    found = sorted(SEEDS.glob("002_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"the seed reports are not in {SEEDS}")
    return found[0].read_text(encoding="utf-8")


def paste(page, server, text: str, published: str, source: str) -> None:
    page.goto(server.url + "/ingest")
    page.get_by_label("Or paste the report").fill(text)
    page.get_by_label("Published on").fill(published)
    page.get_by_label("Source address").fill(source)
    page.get_by_role("button", name="Make a draft").click()
    expect(page.get_by_test_id("draft-status")).to_have_text("Draft: not in the registry until confirmed.")


def test_officer_reviews_links_confirms_then_merges_a_second_report(live_server, browser_page) -> None:
    first_text = seed_report()
    with unit_of_work(live_server.engine) as session:
        mps = factories.agency(session, "Ministry of Public Security", country="VN")
        quang = factories.official(session, "Luong Tam Quang", agency_id=mps.id)
        quang_id = quang.id
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))

    paste(page, live_server, first_text, "2024-10-09", "https://vietnamnews.example/sg-2024")
    minister = page.get_by_role("region", name="Lương Tam Quang")
    minister.get_by_role("button", name="Link to Luong Tam Quang").click()
    expect(page.get_by_test_id("draft-participants")).to_contain_text("Luong Tam Quang")
    expect(page.get_by_role("region", name="Lương Tam Quang")).to_contain_text("Linked to the registry.")

    visitor = page.get_by_role("region", name="Aubeck Kam")
    visitor.get_by_text("Create it in the registry").click()
    visitor.get_by_label("Post").fill("Permanent Secretary, Ministry of Home Affairs")
    visitor.get_by_role("button", name="Create the official").click()
    expect(page.get_by_test_id("draft-participants")).to_contain_text("Aubeck Kam")
    page.get_by_role("button", name="Confirm the draft").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    first_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    paste(page, live_server, SECOND_OUTLET, "2024-10-10", "https://straits.example/vn-2024")
    proposal = page.get_by_test_id(f"proposal-{first_id}")
    expect(proposal).to_contain_text("Held on the same day.")
    expect(proposal).to_contain_text("The same partner country: SG.")
    expect(proposal).to_contain_text("Participants in common: 2.")
    draft_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    proposal.get_by_role("button", name="Merge into this engagement").click()
    assert page.url.endswith(f"/engagements/{first_id}")
    expect(page.get_by_role("link", name="https://vietnamnews.example/sg-2024")).to_be_visible()
    expect(page.get_by_role("link", name="https://straits.example/vn-2024")).to_be_visible()

    with unit_of_work(live_server.engine) as session:
        engagement = session.get(Engagement, first_id)
        assert engagement is not None and engagement.status == "confirmed"
        assert len(engagement.sources) == 2
        officials = [p.official_id for p in engagement.participants]
        assert len(officials) == len(set(officials)) and quang_id in officials
        texts = list(session.scalars(select(Commitment.text).where(Commitment.engagement_id == first_id)))
        assert len(texts) == len(set(texts))
        assert session.get(Engagement, draft_id).status == "merged"  # type: ignore[union-attr]
        assert not list(session.scalars(select(Commitment.id).where(Commitment.engagement_id == draft_id)))
    # the merged draft is gone from the list; its page says where the report went
    page.goto(f"{live_server.url}/ingest/drafts/{draft_id}")
    expect(page.get_by_test_id("draft-status")).to_have_text("Merged into another engagement.")
    page.goto(f"{live_server.url}/engagements")
    expect(page.locator(f'a[href="/engagements/{draft_id}"]')).to_have_count(0)
