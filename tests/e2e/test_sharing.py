"""Sharing and STIX in a real Chromium, on one node (nothing needs the partner to answer): a
supervisor shares a person sought and an engagement's minutes with a partner's node, a follow-up of
the shared commitment goes by itself, a bundle is exported as a file and imported again, and bad
input answers with a readable message."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import stix2
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.core import accounts
from liaison.engagements import service as engagements
from liaison.engagements.schemas import CommitmentIn, EngagementIn
from liaison.subjects import service as subjects
from liaison.subjects.schemas import SubjectIn
from tests.conftest import make_account
from tests.e2e.conftest import LiveServer, sign_in
from tests.exchange.test_messages import UNIT, ensure_node_keys, make_peer


def test_a_supervisor_shares_with_a_partner_and_moves_stix_bundles(  # type: ignore[no-untyped-def]
    live_server: LiveServer, chromium, tmp_path: Path
) -> None:
    ensure_node_keys()
    make_account(live_server.engine, "supervisor", "minh.supervisor", unit=UNIT)
    with Session(live_server.engine) as session:
        peer = make_peer(session)
        supervisor = accounts.get_user(session, "minh.supervisor")
        wanted = {
            "names": [{"full_name": "Trần Văn Bình"}],
            "birth_dates": ["1975-06-02"],
            "handling_code": "H1",
        }
        person = subjects.create_subject(session, supervisor, SubjectIn.model_validate(wanted))
        minutes = EngagementIn(
            kind="talks",
            title="Talks with the MIA",
            held_on=date(2026, 3, 12),
            agency_ids=[peer.agency_id or 0],
        )
        talks = engagements.create_engagement(session, supervisor, minutes)
        pledge = engagements.create_commitment(session, supervisor, CommitmentIn(
            engagement_id=talks.id, text="Exchange lists of fugitives", kind="agreed"))  # fmt: skip
        session.commit()
        person_id, talks_id, pledge_id = person.id, talks.id, pledge.id

    page = chromium.new_context(locale="en-GB", accept_downloads=True).new_page()
    sign_in(page, live_server, make_account(live_server.engine, "supervisor", "lan.supervisor", unit=UNIT))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Share with partners").click()
    expect(page.get_by_text("Nothing shared yet.")).to_be_visible()

    page.get_by_label("Person sought (number)", exact=True).fill("not a number")
    page.get_by_label("Partner agency", exact=True).select_option(label="Agency of ru-mia")
    page.get_by_role("button", name="Share the person sought").click()
    expect(page.get_by_role("alert")).to_contain_text("Number")

    page.get_by_label("Person sought (number)", exact=True).fill(str(person_id))
    page.get_by_label("Partner agency", exact=True).select_option(label="Agency of ru-mia")
    page.get_by_role("button", name="Share the person sought").click()
    shared = page.get_by_role("table", name="Shared so far")
    expect(shared.get_by_role("row", name="Trần Văn Bình")).to_contain_text("Sent")

    page.get_by_label("Engagement (number)").fill(str(talks_id))
    page.get_by_label("Partner agency that was present").select_option(label="Agency of ru-mia")
    page.get_by_role("button", name="Share the engagement").click()
    expect(shared.get_by_role("row", name="Talks with the MIA")).to_contain_text("ru-mia")

    page.goto(f"{live_server.url}/engagements/commitments/{pledge_id}")
    page.get_by_label("Follow-up note").fill("First list sent on 20 March.")
    page.get_by_role("button", name="Add follow-up").click()
    page.goto(f"{live_server.url}/exchange/sharing")
    expect(shared.get_by_role("row", name="follow-up: Exchange lists of fugitives")).to_contain_text("Sent")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="STIX bundles").click()
    page.get_by_label("Persons sought (numbers separated by commas; empty for every one you may read)").fill(
        str(person_id)
    )
    page.get_by_label("Note written into the bundle (optional)").fill("Seen in Moscow on 3 March.")
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Download the bundle").click()
    saved = tmp_path / "bundle.json"
    downloaded.value.save_as(saved)
    bundle = stix2.parse(saved.read_text(), allow_custom=True)
    names = [getattr(o, "name", "") for o in bundle.objects]
    assert "Trần Văn Bình" in names
    assert any(getattr(o, "content", "") == "Seen in Moscow on 3 March." for o in bundle.objects)

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"type": "bundle", "objects": [{"type": "identity"}]}))
    page.get_by_label("STIX 2.1 bundle (JSON file)").set_input_files(broken)
    page.get_by_role("button", name="Import the bundle").click()
    expect(page.get_by_role("alert")).to_contain_text("The STIX bundle is not valid")

    page.get_by_label("STIX 2.1 bundle (JSON file)").set_input_files(saved)
    page.get_by_role("button", name="Import the bundle").click()
    report = page.get_by_role("region", name="Imported")
    expect(report).to_contain_text(bundle.id)
    expect(report.get_by_role("link", name="Person sought")).not_to_have_count(0)
    page.context.close()
