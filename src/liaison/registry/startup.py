"""Load the registry's vocabularies at start-up, so an invalid file stops the start with its line."""

from __future__ import annotations

from fastapi import FastAPI

from liaison.registry.vocabulary import countries, crime_areas, vocabulary


def start(app: FastAPI) -> None:
    vocabulary()
    crime_areas()
    countries()
