"""The reports' JSON routes: one router gathering each document's routes (briefings, ...)."""

from __future__ import annotations

from fastapi import APIRouter

from liaison.reports import briefing_api, statistics_api

router = APIRouter()
router.include_router(briefing_api.router)
router.include_router(statistics_api.router)
