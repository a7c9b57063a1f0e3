"""Demo capacity building from the press releases: Singapore's training programme for Vietnamese
public security officers, an officer seconded to the ASEAN Secretariat and an application for a
post there, officers deployed to a UN peacekeeping mission, and a session sharing experience in
digital transformation with Singapore, linked to the Singapore meeting of 9 October 2024 when the
engagements' demo holds it.

Every person is fictitious (names end in "(demo)"); references start with "demo-capacity-".
Loading again adds nothing. It runs after the registry's demo and finds partners by their `ref`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.capacity import schemas, service
from liaison.capacity.models import CapacityActivity, StaffMember
from liaison.core.records import by_ref
from liaison.core.security.policy import SystemActor
from liaison.registry.models import Agency

STAFF = (
    ("demo-staff-1", "Nguyễn Văn Học (demo)", "Major", "Department of Foreign Relations"),
    ("demo-staff-2", "Trần Thị Tập (demo)", "Captain", "Cybersecurity Department"),
    (
        "demo-staff-3",
        "Lê Minh Rèn (demo)",
        "Lieutenant Colonel",
        "Drug Crime Investigation Police Department",
    ),
    ("demo-staff-4", "Phạm Quốc Phái (demo)", "Colonel", "Department of Foreign Relations"),
    ("demo-staff-5", "Hoàng Gìn Giữ (demo)", "Major", "Peacekeeping Police Unit"),
)
ACTIVITIES: list[tuple[str, str, dict[str, Any], list[tuple[str, str]]]] = [
    (
        "demo-capacity-sg-training",
        "sg-mha",
        {
            "kind": "training",
            "title": "Singapore training programme for Vietnamese public security officers (demo)",
            "direction": "received",
            "subject_areas": ["drug_trafficking", "cybercrime", "emergency_response"],
            "start_date": "2024-05-06",
            "end_date": "2024-05-24",
            "outcome": "Fictitious demo course; three officers completed it.",
        },
        [
            ("demo-staff-1", "trainee"),
            ("demo-staff-2", "trainee"),
            ("demo-staff-3", "trainee"),
            ("Instructor Tan (demo)", "trainer"),
        ],
    ),
    (
        "demo-capacity-sg-digital",
        "sg-mha",
        {
            "kind": "experience_sharing",
            "title": "Sharing experience in digital transformation (demo)",
            "subject_areas": ["digital_transformation"],
            "start_date": "2024-10-09",
            "engagement": "sg-2024-10-09-meeting",
        },
        [("demo-staff-2", "speaker")],
    ),
    (
        "demo-capacity-asean-secondment",
        "asean-secretariat",
        {
            "kind": "secondment",
            "title": "Secondment to the ASEAN Secretariat (demo)",
            "post": "Senior Officer, Security Cooperation Division (demo)",
            "subject_areas": ["transnational_crime"],
            "start_date": "2024-01-15",
            "end_date": "2026-01-14",
        },
        [("demo-staff-4", "seconded_officer")],
    ),
    (
        "demo-capacity-asean-application",
        "asean-secretariat",
        {
            "kind": "post_application",
            "title": "Application for a post at the ASEAN Secretariat (demo)",
            "post": "Technical Officer, Transnational Crime (demo)",
            "start_date": "2025-03-01",
        },
        [("demo-staff-1", "applicant")],
    ),
    (
        "demo-capacity-un-peacekeeping",
        "un",
        {
            "kind": "deployment",
            "title": "Police officers deployed to UN peacekeeping (demo)",
            "mission": "UNMISS (South Sudan)",
            "subject_areas": ["peacekeeping"],
            "start_date": "2024-06-01",
            "end_date": "2025-06-01",
        },
        [("demo-staff-5", "staff_officer")],
    ),
]
STATUSES = {
    "demo-capacity-sg-training": ["ongoing", "completed"],
    "demo-capacity-sg-digital": ["completed"],
    "demo-capacity-asean-secondment": ["ongoing"],
    "demo-capacity-un-peacekeeping": ["deployed", "completed"],
}


def engagement_id(session: Session, ref: str | None) -> int | None:
    """The engagement with this `ref`, if the engagements' demo holds it."""
    table = service.engagement_table()
    if ref is None or table is None:
        return None
    found: int | None = session.scalar(select(table.c.id).where(table.c.ref == ref))
    return found


def load(session: Session, actor: str) -> None:
    """The demo staff and activities (once)."""
    if by_ref(session, CapacityActivity, ACTIVITIES[0][0]) is not None:
        return
    who = SystemActor(username=actor)
    staff: dict[str, int] = {}
    for ref, name, rank, unit in STAFF:
        found = by_ref(session, StaffMember, ref)
        member = found or service.create_staff_member(
            session, who, schemas.StaffMemberIn(full_name=name, rank=rank, unit=unit), ref=ref
        )
        staff[ref] = member.id
    for ref, partner_ref, data, people in ACTIVITIES:
        partner = by_ref(session, Agency, partner_ref)
        if partner is None:
            continue
        participants = [
            {"staff_member_id": staff[who_ref], "role": role}
            if who_ref in staff
            else {"partner_name": who_ref, "role": role}
            for who_ref, role in people
        ]
        linked = {"engagement_id": engagement_id(session, data.get("engagement"))}
        body = schemas.ActivityIn.model_validate(
            {k: v for k, v in data.items() if k != "engagement"}
            | linked
            | {"partner_agency_id": partner.id, "participants": participants}
        )
        activity = service.create_activity(session, who, body, ref=ref)
        for status in STATUSES.get(ref, []):
            service.change_status(session, who, activity.id, schemas.StatusIn(status=status))
