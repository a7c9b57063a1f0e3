"""An officer pastes a ministry's report of a meeting, links the minister it names to the registry's
record (written another way), creates the visitor's record, links an agreement the report names to
the registry's and creates another from the report, corrects one commitment (text, owner, due
date) and removes another, confirms; then pastes another outlet's report of the same meeting,
sees it proposed as that engagement with the reasons, and merges it: the engagement has both
reports as sources and nobody or nothing twice, and the draft leaves no empty engagement behind.
In a real Chromium."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from liaison.core.db import unit_of_work
from liaison.engagements.models import Commitment, Engagement
from liaison.registry.models import Agreement
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
        mha = factories.agency(session, "Ministry of Home Affairs", country="SG")
        extradition_id = factories.agreement(
            session,
            mps,
            mha,
            title="Agreement on extradition between Viet Nam and Singapore",
            kind="extradition",
            history=[("proposed", date(2023, 5, 1))],
        ).id
        quang_id, mps_id = quang.id, mps.id
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))

    paste(page, live_server, first_text, "2024-10-09", "https://vietnamnews.example/sg-2024")
    # the mechanism the report names is marked in the report beside the draft
    expect(page.locator('mark[title="mechanism"]')).to_have_text("the 12th annual meeting")
    minister = page.get_by_role("region", name="Lương Tam Quang")
    minister.get_by_role("button", name="Link to Luong Tam Quang").click()
    expect(page.get_by_test_id("draft-participants")).to_contain_text("Luong Tam Quang")
    expect(page.get_by_role("region", name="Lương Tam Quang")).to_contain_text("Linked to the registry.")

    visitor = page.get_by_role("region", name="Aubeck Kam")
    visitor.get_by_text("Create it in the registry").click()
    visitor.get_by_label("Post").fill("Permanent Secretary, Ministry of Home Affairs")
    visitor.get_by_role("button", name="Create the official").click()
    expect(page.get_by_test_id("draft-participants")).to_contain_text("Aubeck Kam")
    draft_url = page.url

    # the agreements the report names: one linked to the registry's, one created from the report
    extradition = page.get_by_role("region", name="Agreement: the agreements on extradition (Extradition)")
    expect(extradition).to_contain_text("The same kind of agreement.")
    extradition.get_by_role(
        "button", name="Link to Agreement on extradition between Viet Nam and Singapore"
    ).click()
    expect(
        page.get_by_role("region", name="Agreement: the agreements on extradition (Extradition)")
    ).to_contain_text("Linked to the registry.")
    transfer = page.get_by_role(
        "region", name="Agreement: the agreements on extradition (Transfer of sentenced persons)"
    )
    transfer.get_by_text("Create it in the registry").click()
    transfer.get_by_label("Title").fill("Agreement on the transfer of sentenced persons with Singapore")
    transfer.get_by_role("button", name="Create the agreement").click()
    expect(
        page.get_by_role(
            "region", name="Agreement: the agreements on extradition (Transfer of sentenced persons)"
        )
    ).to_contain_text("Created in the registry.")

    # the commitments: one corrected (text, owner, due date), one the report does not make removed
    with unit_of_work(live_server.engine) as session:
        draft_id = int(draft_url.rstrip("/").rsplit("/", 1)[1])
        commitments = list(session.scalars(select(Commitment).where(Commitment.engagement_id == draft_id)))
        tied = next(c.id for c in commitments if c.agreement_id == extradition_id)
        edited_id, removed_id = [c.id for c in commitments if c.agreement_id is None][:2]
    edited = page.get_by_test_id(f"commitment-{edited_id}")
    edited.get_by_label("What was committed").fill("Keep up delegation exchanges at every level.")
    edited.get_by_label("Owner").select_option(str(mps_id))
    edited.get_by_label("Due date").fill("2025-06-30")
    edited.get_by_role("button", name="Save the commitment").click()
    expect(page.get_by_test_id("draft-commitments")).to_contain_text(
        "Keep up delegation exchanges at every level."
    )
    page.get_by_test_id(f"commitment-{removed_id}").get_by_role(
        "button", name="Remove the commitment"
    ).click()
    expect(page.get_by_test_id(f"commitment-{removed_id}")).to_have_count(0)
    expect(page.get_by_test_id(f"commitment-{tied}")).to_have_count(1)

    page.get_by_role("button", name="Confirm the draft").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    first_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with unit_of_work(live_server.engine) as session:
        kept = {
            c.id: c for c in session.scalars(select(Commitment).where(Commitment.engagement_id == first_id))
        }
        assert removed_id not in kept and kept[tied].agreement_id == extradition_id
        assert (kept[edited_id].owner_agency_id, kept[edited_id].due_date) == (mps_id, date(2025, 6, 30))
        created = session.scalars(
            select(Agreement).where(
                Agreement.title == "Agreement on the transfer of sentenced persons with Singapore"
            )
        ).one()
        assert (created.kind, {p.country_code for p in created.parties}) == (
            "transfer_of_sentenced_persons",
            {"VN", "SG"},
        )

    paste(page, live_server, SECOND_OUTLET, "2024-10-10", "https://straits.example/vn-2024")
    proposal = page.get_by_test_id(f"proposal-{first_id}")
    expect(proposal).to_contain_text("Held on the same day.")
    expect(proposal).to_contain_text("The same partner country: SG.")
    expect(proposal).to_contain_text("Participants in common: 2.")
    second_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
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
        # no empty engagement is left behind: the merged draft's own engagement is gone
        assert session.get(Engagement, second_id) is None
        assert session.scalar(select(func.count()).select_from(Engagement)) == 1
        assert not list(session.scalars(select(Commitment.id).where(Commitment.engagement_id == second_id)))
    # the merged draft's page sends to the engagement its report went into; it is in no list
    page.goto(f"{live_server.url}/ingest/drafts/{second_id}")
    assert page.url.endswith(f"/engagements/{first_id}")
    page.goto(f"{live_server.url}/engagements")
    expect(page.locator(f'a[href="/engagements/{second_id}"]')).to_have_count(0)
