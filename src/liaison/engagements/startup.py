"""Load the engagements' vocabulary at start-up, so an invalid file stops the start with its line."""

from __future__ import annotations

from fastapi import FastAPI

from liaison.engagements.vocabulary import vocabulary


def start(app: FastAPI) -> None:
    vocabulary()
