"""The requests and engagements services tell what happened through domain events."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.core.capability import Capability
from liaison.core.events import (
    CommitmentChanged,
    EngagementRecorded,
    Event,
    InTransaction,
    RequestCreated,
    RequestOpened,
    RequestTransitioned,
)
from liaison.requests import service
from tests.registry import factories
from tests.requests.conftest import Partners
from tests.requests.factories import SUPERVISOR, request_data


@pytest.fixture
def told(session: Session) -> Iterator[list[Event]]:
    heard: list[Event] = []
    listener = Capability(
        name="listener", subscriptions=(InTransaction(Event, lambda _s, e: heard.append(e)),)
    )
    capabilities.install([*capabilities.enabled(), listener])
    yield heard
    capabilities.install(capabilities.enabled())


def test_creating_and_moving_a_request_is_told(
    session: Session, partners: Partners, told: list[Event]
) -> None:
    request = service.create_request(session, SUPERVISOR, request_data(partners.mps, partners.kazakhstan))
    service.transition_request(session, SUPERVISOR, request.id, "withdraw", reason="no longer needed")
    assert told == [
        RequestCreated(
            actor=SUPERVISOR.username, request_id=request.id, kind="extradition", direction="outgoing"
        ),
        RequestTransitioned(
            actor=SUPERVISOR.username,
            request_id=request.id,
            transition="withdraw",
            from_state="draft",
            to_state=request.status,
            kind="extradition",
            subject_ids=(),
        ),
    ]


def test_showing_a_request_is_told_and_internal_reads_are_not(
    session: Session, partners: Partners, told: list[Event]
) -> None:
    request = service.create_request(session, SUPERVISOR, request_data(partners.mps, partners.kazakhstan))
    service.get_request(session, SUPERVISOR, request.id)
    service.add_comment(session, SUPERVISOR, request.id, "internal read")
    service.transition_request(session, SUPERVISOR, request.id, "withdraw", reason="no longer needed")
    assert not [e for e in told if isinstance(e, RequestOpened)]
    service.show_request(session, SUPERVISOR, request.id)
    assert told[-1] == RequestOpened(actor=SUPERVISOR.username, request_id=request.id, direction="outgoing")


def test_recording_an_engagement_and_its_commitment_is_told(session: Session, told: list[Event]) -> None:
    engagement = factories.engagement(session, "Talks in Astana")
    commitment = factories.commitment(session, engagement.id)
    assert [type(e) for e in told] == [EngagementRecorded, CommitmentChanged]
    assert told[1] == CommitmentChanged(
        actor=factories.ADMIN.username,
        commitment_id=commitment.id,
        engagement_id=engagement.id,
        status="open",
        change="create",
    )
