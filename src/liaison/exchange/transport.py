"""Node-to-node HTTP: the routes a partner node calls, authenticated by its signature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
