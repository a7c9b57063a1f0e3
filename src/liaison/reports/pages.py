"""The reports' pages: one router gathering each document's page routes (briefings, ...)."""

from __future__ import annotations

from fastapi import APIRouter

from liaison.reports import READ, briefing_pages, statistics_pages
from liaison.web.rendering import NavItem

router = APIRouter(include_in_schema=False)
router.include_router(briefing_pages.router)
router.include_router(statistics_pages.router)

NAV = (
    NavItem("Partner briefing", "/reports/briefings", READ),
    NavItem("Cooperation statistics", "/reports/statistics", READ),
)
