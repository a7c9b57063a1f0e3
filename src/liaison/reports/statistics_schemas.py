"""What a cooperation report holds: the figures the JSON API returns, the statistics page charts
and the XLSX, CSV, PDF and DOCX exports write, one table per list field of `CooperationReport`.

Codes (request kinds, directions, crime areas, statuses, partner keys) stay codes here; the
exports and pages put labels in the reader's language beside them. A table whose capability the
reader's role may not read (screening for an auditor) is `None`, not an empty list.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class RequestsByKind(BaseModel):
    """Requests of one kind and direction: opened and answered in the period, overdue at its end."""

    kind: str
    direction: str
    opened: int
    answered: int
    overdue: int
    answered_within_deadline: int
    within_deadline_share: float = Field(description="answered within the deadline / answered (0–1)")
    median_days: float = Field(description="median days from opening to answer, of those answered")
    p90_days: float


class RequestsByPartner(BaseModel):
    """The same figures for one partner agency (every kind and direction together)."""

    partner_agency_id: int
    partner: str
    country: str
    opened: int
    answered: int
    overdue: int
    answered_within_deadline: int
    within_deadline_share: float
    median_days: float
    p90_days: float


class RequestsByMonth(BaseModel):
    """Requests opened in one calendar month (local time) of the period, by kind."""

    month: str = Field(description="YYYY-MM")
    kind: str
    opened: int


class EngagementsByPartner(BaseModel):
    """Engagements held in the period with one partner country in one crime area. An engagement
    on two crime areas counts in both rows; `crime_area` is empty for one that names none."""

    country: str = Field(description="the partner country's code, empty for a multilateral event")
    crime_area: str
    engagements: int


class CommitmentsByStatus(BaseModel):
    """Commitments made at engagements held in the period, by partner country and current status."""

    country: str
    status: str
    commitments: int


class ProgrammeProgress(BaseModel):
    """A programme running during the period: its action items and how many are done."""

    programme_id: int
    title: str
    start_year: int
    end_year: int
    status: str
    action_items: int = Field(description="action items, dropped ones excluded")
    done: int
    progress: float = Field(description="done / action_items (0–1)")


class ScreeningHitsConfirmed(BaseModel):
    """Screening hits confirmed in the period, by the country the subject is believed to be in."""

    country: str
    confirmed: int


class AssetValues(BaseModel):
    """Value that became frozen, confiscated, returned or shared in the period, in one currency."""

    status: str
    assets: int
    value: str = Field(description="a decimal in `currency`, at the asset register's stated rates")
    currency: str


class ReportTotals(BaseModel):
    requests_opened: int
    requests_answered: int
    requests_overdue: int
    answered_within_deadline: int
    within_deadline_share: float
    engagements: int
    commitments_done: int
    commitments_open: int
    hits_confirmed: int | None


class CooperationReport(BaseModel):
    """A monthly, quarterly, annual (or any) period's cooperation figures, overall or for one partner."""

    partner: str | None = Field(description="the partner's key (country code or organisation acronym)")
    partner_name: str
    since: date
    until: date
    as_of: datetime = Field(description="the instant 'overdue' is measured at: the period's end or now")
    totals: ReportTotals
    requests_by_kind: list[RequestsByKind] | None
    requests_by_partner: list[RequestsByPartner] | None
    requests_by_month: list[RequestsByMonth] | None
    engagements_by_partner: list[EngagementsByPartner] | None
    commitments_by_status: list[CommitmentsByStatus] | None
    programmes: list[ProgrammeProgress] | None
    screening_hits: list[ScreeningHitsConfirmed] | None
    asset_values: list[AssetValues] | None = None


TABLES: tuple[str, ...] = (
    "requests_by_kind",
    "requests_by_partner",
    "requests_by_month",
    "engagements_by_partner",
    "commitments_by_status",
    "programmes",
    "screening_hits",
    "asset_values",
)
"""The report's tables, in the order every export writes them (after the totals)."""
