"""JSON routes of the partner briefing."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
