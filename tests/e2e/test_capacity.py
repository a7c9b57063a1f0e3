"""An officer records a Singapore training programme with two officers of the ministry as
trainees, adds the partner's trainer and marks the course under way, in a real Chromium."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from liaison.capacity import schemas, service
from liaison.core.db import unit_of_work
from liaison.core.records import today
from tests.e2e.conftest import sign_in
from tests.requests.factories import SUPERVISOR, agency


def test_officer_records_a_training_with_its_participants_and_moves_it_on(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(live_server.engine) as session:
        agency(session, "Singapore Police Force", "SG")
        staff = [
            service.create_staff_member(session, SUPERVISOR, schemas.StaffMemberIn(full_name=name)).id
            for name in ("Nguyễn Văn Học", "Trần Thị Viên")
        ]
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.goto(live_server.url + "/capacity")
    form = page.get_by_role("form", name="Record an activity")
    form.get_by_label("Title").fill("Singapore course on digital forensics")
    form.get_by_label("Partner agency or secretariat").select_option(label="Singapore Police Force")
    form.get_by_label("Training: direction").select_option("received")
    form.get_by_label("Start date").fill((today() - timedelta(days=3)).isoformat())
    form.get_by_label("Our participants (staff record numbers, separated by spaces)").fill(
        " ".join(str(i) for i in staff)
    )
    form.get_by_role("button", name="Record activity").click()
    expect(page.get_by_role("heading", name="Singapore course on digital forensics")).to_be_visible()
    participants = page.get_by_role("region", name="Participants")
    expect(participants.get_by_role("cell", name="Nguyễn Văn Học")).to_be_visible()
    expect(participants.get_by_role("cell", name="Trần Thị Viên")).to_be_visible()

    page.get_by_label("Or partner's participant (name)").fill("Tan Wei Ming")
    page.get_by_label("Role", exact=True).select_option("trainer")
    page.get_by_role("button", name="Add participant").click()
    expect(participants.get_by_role("row", name="Tan Wei Ming")).to_contain_text("Partner")

    page.get_by_label("New status").select_option("ongoing")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("definition").filter(has_text="Under way")).to_be_visible()
    expect(page.get_by_label("New status").locator("option")).to_have_text(["Completed", "Cancelled"])
