"""Start-up: validate the persons-sought vocabulary, so a broken file stops the start with its line."""

from __future__ import annotations

from fastapi import FastAPI

from liaison.subjects.vocabulary import vocabulary


def start(app: FastAPI) -> None:
    vocabulary()
