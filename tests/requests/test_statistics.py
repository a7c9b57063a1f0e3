"""Response-time percentiles over the days to answer that the database computes equal `percentile`, on
SQLite and PostgreSQL: odd and even counts, fractions of a day, an answer dated before the opening
(counted as 0 days), groups of one, and requests the reader may not see left out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.requests.models import CooperationRequest
from liaison.requests.statistics import answer_percentiles, percentile
from tests.requests.conftest import Partners

OFFICER = SystemActor(username="stats.officer", role="officer", unit="international-cooperation")
OPENED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
HOURS: dict[tuple[str, str], list[float]] = {
    ("extradition", "outgoing"): [5, 30, 49, 300, 1000, 27],
    ("extradition", "incoming"): [12, 400, 3, 77, 250],
    ("information_request", "outgoing"): [36],
    ("information_request", "incoming"): [-4, 24, 48.5, 100],
}


def _request(
    partners: Partners, kind: str, direction: str, hours: float, **values: object
) -> CooperationRequest:
    outgoing = direction == "outgoing"
    return CooperationRequest(
        kind=kind,
        direction=direction,
        status="answered",
        requesting_agency_id=partners.mps.id if outgoing else partners.russia.id,
        requested_agency_id=partners.russia.id if outgoing else partners.mps.id,
        partner_agency_id=partners.russia.id,
        request_date=date(2026, 3, 1),
        opened_at=OPENED,
        responded_at=OPENED + timedelta(hours=hours),
        **{"owning_unit": "international-cooperation", **values},
    )


def test_days_counted_by_the_database_give_the_percentiles_of_the_timestamps(
    session: Session, partners: Partners
) -> None:
    for (kind, direction), hours in HOURS.items():
        session.add_all(_request(partners, kind, direction, h) for h in hours)
    hidden = _request(partners, "extradition", "outgoing", 5000, handling_code="H3", owning_unit="other")
    session.add(hidden)
    session.flush()
    r = CooperationRequest
    found = answer_percentiles(
        session, OFFICER, [r.partner_agency_id == partners.russia.id], [r.kind, r.direction]
    )
    assert set(found) == set(HOURS)
    for key, hours in HOURS.items():
        days = [max(h, 0) / 24 for h in hours]
        answered, median, p90 = found[key]
        assert answered == len(hours)
        assert median == pytest.approx(percentile(days, 50), abs=1e-6)
        assert p90 == pytest.approx(percentile(days, 90), abs=1e-6)
