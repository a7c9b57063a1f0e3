"""Words for people: every domain error has a Vietnamese message, field codes are shown as labels,
Pydantic's complaints are in plain words, and pages and the API speak the reader's language."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import liaison
from liaison.core import i18n
from liaison.core.errors import Invalid
from liaison.registry.models import Agency
from liaison.registry.schemas import AgencyIn
from liaison.requests import service as requests_service
from tests.conftest import make_account
from tests.requests.factories import OFFICER, agency, request_data

SOURCE = Path(liaison.__file__).resolve().parent
ERRORS = {"DomainError", "NotFound", "Conflict", "Invalid", "Forbidden", "Locked", "TooLarge"}
ERRORS |= {"Unavailable", "Unauthenticated", "SessionExpired", "SecondFactorRequired", "WrongCode"}
MESSAGE_MAKERS = {*ERRORS, "Phrase"}


def _catalogued() -> set[str]:
    """Every msgid that some `translations/vi.po` gives a Vietnamese text."""
    found = set()
    for path in i18n.catalogue_files("vi"):
        with path.open("rb") as handle:
            found |= {m.id for m in read_po(handle) if m.id and m.string}
    return found


def _message_sites() -> Iterator[tuple[str, ast.expr]]:
    """(where, message) for each message given to a domain error, a `Phrase` or a field reason."""
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            if name in MESSAGE_MAKERS and node.args:
                yield where, node.args[0]
            if name == "from_validation" and len(node.args) > 1:
                yield where, node.args[1]
            for keyword in node.keywords:
                if name in ERRORS and keyword.arg == "fields" and isinstance(keyword.value, ast.Dict):
                    for reason in keyword.value.values:
                        if not isinstance(reason, ast.Call):
                            yield where, reason


def test_every_domain_error_message_is_a_template_with_a_vietnamese_translation() -> None:
    catalogued = _catalogued()
    sites = list(_message_sites())
    assert len(sites) > 150  # the walk finds the raise sites
    built = (ast.JoinedStr, ast.BinOp)  # an f-string or a concatenation cannot be a msgid
    formatted = [w for w, m in sites if isinstance(m, ast.Call) and getattr(m.func, "attr", "") == "format"]
    not_templates = [w for w, m in sites if isinstance(m, built)] + formatted
    untranslated = sorted(
        f"{w}: {m.value!r}" for w, m in sites if isinstance(m, ast.Constant) and m.value not in catalogued
    )
    assert not_templates == [], "write messages as templates with named parameters, not f-strings"
    assert untranslated == []


def test_pydantic_messages_and_field_labels_are_translated() -> None:
    catalogued = _catalogued()
    texts = {*i18n.PYDANTIC_MESSAGES.values(), *i18n.FIELD_LABELS.values(), "Must not be empty."}
    assert sorted(texts - catalogued) == []


def test_every_input_field_has_a_vietnamese_label() -> None:
    """A field error on a page names the field by its label, so every input field needs one."""
    labels: dict[str, str] = {}
    for found in pkgutil.walk_packages(liaison.__path__, "liaison."):
        if not found.name.endswith(".schemas"):
            continue
        module = importlib.import_module(found.name)
        for name, schema in inspect.getmembers(module, inspect.isclass):
            is_input = name.endswith(("In", "Patch", "Reset", "Change"))
            if is_input and issubclass(schema, BaseModel) and schema.__module__ == module.__name__:
                labels |= {i18n.field_label(f, "en"): f"{name}.{f}" for f in schema.model_fields}
    catalogued = _catalogued()
    assert sorted(f"{where} ({label})" for label, where in labels.items() if label not in catalogued) == []


@pytest.mark.parametrize(
    ("data", "english", "vietnamese"),
    [
        ({"name": "", "kind": "police"}, "Name: Must not be empty.", "Không được để trống."),
        ({"name": "x" * 301, "kind": "police"}, "Must be at most 300 characters long.", "tối đa 300 ký tự"),
        (
            {"name": "Bộ Công an", "kind": "police", "parent_id": "one"},
            "Parent agency: Must be a whole number.",
            "Phải là số nguyên.",
        ),
        ({"kind": "police"}, "Name: This field is required.", "Trường này là bắt buộc."),
    ],
    ids=["too-short", "too-long", "not-a-number", "missing"],
)
def test_pydantic_errors_read_as_plain_words_in_both_languages(
    data: dict[str, object], english: str, vietnamese: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        AgencyIn.model_validate(data)
    invalid = Invalid.from_validation(caught.value.errors())
    assert english in invalid.render("en") and "String should" not in invalid.render("en")
    assert vietnamese in invalid.render("vi") and invalid.render("vi").startswith("Vui lòng sửa lại biểu mẫu")


def test_missing_requirements_name_the_action_and_field_labels_in_both_languages(engine: Engine) -> None:
    with Session(engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        kz = agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
        request = requests_service.create_request(session, OFFICER, request_data(vn, kz, details={}))
        with pytest.raises(Invalid) as refused:
            requests_service.transition_request(session, OFFICER, request.id, "submit")
    english, vietnamese = refused.value.render("en"), refused.value.render("vi")
    assert english.startswith("Cannot “Submit to partner” yet: missing Offence and its legal qualification")
    assert "warrant_reference" not in english and "Signed request letter" in english
    assert vietnamese.startswith("Chưa thể “Gửi đối tác”: còn thiếu Tội danh")
    problem = refused.value.problem("/x", "vi")
    assert problem["detail"] == vietnamese and problem["missing_fields"][0] == "offence"


def _agency_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Agency)) or 0


def test_a_page_in_vietnamese_shows_the_vietnamese_message(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    vietnamese = {**officer.headers, "Accept-Language": "vi"}
    empty = client.post("/registry/agencies", data={"name": "", "kind": "police"}, headers=vietnamese)
    assert empty.status_code == 422 and "Không được để trống." in empty.text
    unknown = {"name": "Cảnh sát biển", "kind": "police", "country": "ZZ"}
    refused = client.post("/registry/agencies", data=unknown, headers=vietnamese)
    assert refused.status_code == 422 and "Mã quốc gia &#39;ZZ&#39; không xác định." in refused.text
    english = client.post("/registry/agencies", data=unknown, headers=officer.headers)
    assert "Unknown country code &#39;ZZ&#39;." in english.text
    assert _agency_count(engine) == 0


def test_api_answers_in_english_unless_asked_for_vietnamese(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    plain = client.get("/api/v1/agencies/999999", headers=officer.headers)
    assert plain.status_code == 404 and plain.json()["detail"] == "No agency with id 999999."
    asked = client.get("/api/v1/agencies/999999", headers={**officer.headers, "Accept-Language": "vi"})
    assert asked.json()["detail"] == "Không có cơ quan nào mang mã 999999."
    bad = client.post("/api/v1/agencies", json={"name": "", "kind": "police"}, headers=officer.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0] == {"field": "name", "label": "Name", "message": "Must not be empty."}


def test_oversized_page_form_is_a_page_in_its_language_stating_the_limit(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    data = {"name": "x" * 1_200_000, "kind": "police"}
    vietnamese = client.post(
        "/registry/agencies", data=data, headers={**officer.headers, "Accept-Language": "vi"}
    )
    assert vietnamese.status_code == 413 and vietnamese.headers["content-type"].startswith("text/html")
    assert "vượt quá giới hạn 1 MB" in vietnamese.text
    english = client.post("/registry/agencies", data=data, headers=officer.headers)
    assert english.status_code == 413 and "larger than the limit of 1 MB" in english.text
    assert _agency_count(engine) == 0


def test_upload_forms_state_their_limit(client: TestClient, engine: Engine) -> None:
    analyst = make_account(engine, "analyst")
    assert "CSV or Parquet, at most 20 MB." in client.get("/screening/batch", headers=analyst.headers).text
    with Session(engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        kz = agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
        request_id = requests_service.create_request(session, OFFICER, request_data(vn, kz)).id
        session.commit()
    officer = make_account(engine, "officer")
    page = client.get(f"/requests/{request_id}", headers={**officer.headers, "Accept-Language": "vi"})
    assert "Tối đa 20 MB." in page.text
