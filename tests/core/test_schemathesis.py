"""Schemathesis against the whole API (issue 12): every operation, generated inputs both valid and
invalid, every check, as an administrator; the document must describe what the server answers.
Derandomised with a small example count so that it stays within CI's time."""

from __future__ import annotations

import sqlite3
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import Engine

from liaison.app import create_app
from liaison.core.settings import get_settings
from liaison.screening import live
from tests.conftest import make_account

EXAMPLES = 4
# What a well-formed request can still be refused for, which no schema can say: the record an id
# points at does not exist, the current password is not right, a rule across fields (an end before
# its start, two parties that are the same one), what an uploaded file holds. The problem's
# `errors` say which (the document's 422 names these too); any other 422 to valid data fails.
BEYOND_THE_SCHEMA = (
    "with this id",  # core.records.referenced
    "no such ",  # a reference by id in requests and subjects
    "not right",  # the current password
    "or later",  # an end before its start
    "on or after the start",
    "before it was issued",  # a document that expires before it was issued
    "different parties",
    "an address such as",  # an e-mail address email-validator refuses (a domain without a dot ...)
    "a country or an agency",  # a party names one of the two
    "not a field of",  # a detail of another request kind
    "not in the bundle",  # a STIX note about an object the bundle it is written into does not hold
    # assets: check digits and shapes of identifiers, one of two owners, rules across kind and fields
    "is not a valid IBAN",
    "is not an IMO number",
    "wallet address",
    "give at least one identifier",
    "not identified by this field",
    "name the person sought or the company",
    "is required with a value",  # an estimate's currency and date
    "cannot be dated in the future",
    "today or earlier",
    "or a request",  # a step names its request or its decision
    "on or after the last step",
    "a request of kind",
    # capacity building: a participant is one of two, rules of an activity's kind
    "a partner's name instead",
    "for this kind of activity",
    "for training",
    "one of the kind's roles",
    "ten years after the start",  # a report's period longer than ten years
    "a year from 1900 to 2199",  # a report's period outside the years it covers
    # planned engagements: who is on a delegation or owns a task, a feed's partner, the calendar's days
    "a user of this node",
    "an official, a user or a name",
    "our side only",
    "required for this scope",
    "a day of years 1–9999",
    "an earlier day",
)
FILE_FIELDS = {"file", "name"}  # an upload's type by its first bytes, its columns


def refused_beyond_the_schema(case: Any, response: Any) -> bool:
    """Whether a 422 answers something the schema cannot describe (see BEYOND_THE_SCHEMA)."""
    if response.status_code != 422:
        return False
    errors = response.json().get("errors") or []
    if case.media_type == "multipart/form-data":  # what the file holds
        return all(error["field"] in FILE_FIELDS for error in errors)
    return bool(errors) and all(
        any(reason in str(error.get("message", "")) for reason in BEYOND_THE_SCHEMA) for error in errors
    )


def validate(case: Any, response: Any) -> None:
    """Every check; acceptance of valid data is waived only for a refusal beyond the schema."""
    waived = [positive_data_acceptance] if refused_beyond_the_schema(case, response) else []
    case.validate_response(response, excluded_checks=waived)


def _run(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        validate(case, case.call(headers=headers))

    check()


def test_every_operation_answers_as_documented(sqlite_engine: Engine) -> None:
    app = create_app(get_settings(), sqlite_engine)
    admin = make_account(sqlite_engine, "admin")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, headers=admin.headers)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            _run(operation, admin.headers)
        except BaseExceptionGroup as group:  # collect every operation's failures, then report all
            failures.append(f"{operation.label}: {group}")
    assert not failures, "\n\n".join(failures)


def test_a_wrong_method_names_every_method_of_the_path(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    for method, path, allowed in [
        ("DELETE", "/api/v1/agencies", "GET, POST"),
        ("PUT", "/api/v1/agencies/1", "GET, PATCH"),
        ("DELETE", "/api/v1/requests/kinds", "GET"),
    ]:
        answer = client.request(method, path, headers=admin.headers)
        assert answer.status_code == 405, path
        assert answer.headers.get_list("allow") == [allowed], path


def test_the_document_describes_the_problems_the_server_sends(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    document = client.get("/api/v1/openapi.json", headers=admin.headers).json()
    answers = document["paths"]["/api/v1/agencies/{agency_id}"]["patch"]["responses"]
    for status in ("401", "403", "404", "409", "413", "422"):
        assert answers[status]["content"]["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
    assert "HTTPValidationError" not in document["components"]["schemas"]
    invalid = client.patch("/api/v1/agencies/1", json={"name": 1}, headers=admin.headers).json()
    assert set(invalid) <= set(document["components"]["schemas"]["Problem"]["properties"])


def test_sequences_of_operations_answer_as_documented(sqlite_engine: Engine) -> None:
    app = create_app(get_settings(), sqlite_engine)
    admin = make_account(sqlite_engine, "admin")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, headers=admin.headers)

    pristine = sqlite3.connect(":memory:")
    raw = sqlite_engine.raw_connection()
    raw.driver_connection.backup(pristine)  # type: ignore[union-attr]
    raw.close()

    class Scenarios(schema.as_state_machine()):  # type: ignore[misc]
        def teardown(self) -> None:
            """Each sequence starts from the same database, as Hypothesis replays need (valid
            requests now create records); the screening index follows the subjects back."""
            raw = sqlite_engine.raw_connection()
            pristine.backup(raw.driver_connection)  # type: ignore[arg-type]
            raw.close()
            live.on_subject_changed(sqlite_engine, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": admin.headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            validate(case, response)

    Scenarios.run(
        settings=settings(
            max_examples=EXAMPLES * 5,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
