"""The audit page: a page at a time, filtered by user, object type (a select of readable labels),
action and local days, each change a row of field, before, after; bad filters are refused with a
readable page and nothing written. The API takes the same filters. Both backends."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from liaison.core import audit
from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from tests.conftest import Account, make_account

SRC = Path(__file__).resolve().parents[2] / "src" / "liaison"


def _write(
    engine: Engine,
    actor: str,
    count: int,
    *,
    object_type: str = "agreement",
    action: str = "update",
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    with unit_of_work(engine) as session:
        for n in range(count):
            audit.record(
                session,
                actor,
                action,
                object_type,
                n + 1,
                before=before or {"title": f"old {n}"},
                after=after or {"title": f"new {n}"},
            )
    audit.chain_pending(engine)


def _rows(html: str) -> int:
    """Events shown: rows of the trail's table (the inner tables of changes not counted)."""
    body = html.split('<table class="audit">', 1)[1]
    return len(re.findall(r"<tr><td>\d*</td><td>", body))


def _count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_the_trail_comes_a_page_at_a_time_and_the_pager_keeps_the_filter(
    client: TestClient, engine: Engine
) -> None:
    auditor = make_account(engine, "auditor")
    _write(engine, "paged", 60)
    first = client.get("/audit", params={"actor": "paged"}, headers=auditor.headers)
    assert first.status_code == 200, first.text
    assert _rows(first.text) == 50
    assert "60 found" in first.text
    link = re.search(r'href="\?(actor=paged&amp;upto=\d+&amp;page=2)"', first.text)
    assert link is not None, "the pager keeps the filter and where the first page began"
    _write(engine, "paged", 5)  # written while the first page is read: the next page does not shift
    second = client.get(f"/audit?{unescape(link.group(1))}", headers=auditor.headers)
    assert _rows(second.text) == 10
    assert "Page 2 of 2" in second.text


def test_filters_by_object_type_label_action_and_user(client: TestClient, engine: Engine) -> None:
    auditor = make_account(engine, "auditor")
    _write(engine, "filterer", 2, object_type="citizen_protection_case", action="create")
    _write(engine, "filterer", 3, object_type="agreement", action="update")
    _write(engine, "someone", 4, object_type="agreement", action="update")
    page = client.get("/audit", params={"actor": "filterer"}, headers=auditor.headers).text
    assert _rows(page) == 5
    # the select offers labels; the stored names are only the options' values
    assert '<option value="citizen_protection_case">Citizen-protection case</option>' in page
    assert ">citizen_protection_case<" not in page and "Citizen-protection case 1" in page
    by_type = client.get(
        "/audit", params={"actor": "filterer", "object_type": "agreement"}, headers=auditor.headers
    ).text
    assert _rows(by_type) == 3
    assert '<option value="agreement" selected>Agreement</option>' in by_type
    by_action = client.get(
        "/audit",
        params={"object_type": "citizen_protection_case", "action": "create", "actor": ""},
        headers=auditor.headers,
    ).text
    assert _rows(by_action) == 2 and "filterer" in by_action and "someone" not in by_action
    empty_fields = {"actor": "someone", "object_type": "", "action": "", "from": "", "to": ""}
    assert _rows(client.get("/audit", params=empty_fields, headers=auditor.headers).text) == 4


def test_changes_are_a_table_of_field_before_and_after_never_python_literals(
    client: TestClient, engine: Engine
) -> None:
    auditor = make_account(engine, "auditor")
    before = {"due_date": None, "aliases": ["Nguyễn A"], "is_active": True}
    after = {"due_date": "2026-12-31", "aliases": ["Nguyễn A", "Nguyen B"], "is_active": False}
    _write(engine, "differ", 1, object_type="commitment", before=before, after=after)
    page = client.get("/audit", params={"actor": "differ"}, headers=auditor.headers).text
    assert '<th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th>' in page
    assert "<tr><td>Due date</td><td>—</td><td>2026-12-31</td></tr>" in page
    assert "<tr><td>Active</td><td>yes</td><td>no</td></tr>" in page
    assert "[&#34;Nguyễn A&#34;, &#34;Nguyen B&#34;]" in page  # JSON, as stored
    assert "[&#39;" not in page and "None" not in page  # no Python notation
    vietnamese = client.get(
        "/audit", params={"actor": "differ"}, headers={**auditor.headers, "Accept-Language": "vi"}
    ).text
    assert "Trước" in vietnamese and "Cam kết 1" in vietnamese


def test_days_are_the_local_days_of_the_node(client: TestClient, engine: Engine) -> None:
    """01:00 on 1 December in Hà Nội is still 30 November in UTC: it belongs to 1 December."""
    auditor = make_account(engine, "auditor")
    _write(engine, "late", 1)
    with unit_of_work(engine) as session:  # an old event, moved to 2026-11-30 18:00 UTC
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.actor == "late")
            .values(at=datetime(2026, 11, 30, 18, tzinfo=UTC))
        )
    day = {"actor": "late", "from": "2026-12-01", "to": "2026-12-01"}
    assert _rows(client.get("/audit", params=day, headers=auditor.headers).text) == 1
    before = {"actor": "late", "to": "2026-11-30"}
    assert _rows(client.get("/audit", params=before, headers=auditor.headers).text) == 0
    after = {"actor": "late", "from": "2026-12-02"}
    assert _rows(client.get("/audit", params=after, headers=auditor.headers).text) == 0
    api = client.get("/api/v1/audit", params=day, headers=auditor.headers)
    assert api.status_code == 200 and len(api.json()) == 1
    assert client.get("/api/v1/audit", params=before, headers=auditor.headers).json() == []


def test_bad_filters_are_refused_with_a_readable_page_and_nothing_written(
    client: TestClient, engine: Engine
) -> None:
    auditor = make_account(engine, "auditor")
    bad = [
        ({"object_type": "audit_event"}, "Object type"),  # a table name, not an object type
        ({"action": "drop table"}, "Action"),
        ({"from": "2026-13-01"}, "From"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "To"),
        ({"page": "0"}, "Page"),
    ]
    for params, field in bad:
        written = _count(engine)
        response = client.get("/audit", params=params, headers=auditor.headers)
        assert response.status_code == 422, (params, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), params
        assert field in response.text, (params, response.text)
        assert _count(engine) == written, f"{params} wrote an audit event"


def test_the_api_takes_the_same_filters(
    client: TestClient, engine: Engine, accounts_by_role: dict[str, Account]
) -> None:
    auditor = accounts_by_role["auditor"]
    _write(engine, "apier", 2, object_type="programme", action="create")
    _write(engine, "apier", 1, object_type="programme", action="update")
    events = client.get(
        "/api/v1/audit", params={"actor": "apier", "action": "create"}, headers=auditor.headers
    )
    assert events.status_code == 200
    assert [e["action"] for e in events.json()] == ["create", "create"]
    refused = client.get("/api/v1/audit", params={"object_type": "audit_event"}, headers=auditor.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_every_object_type_the_source_records_has_a_label() -> None:
    recorded: set[str] = {"report", "briefing"}  # reports.exports: Export(document, …)
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if ast.unparse(node.func.value) != "audit" or node.func.attr not in ("record", "record_read"):
                continue
            where = 3 if node.func.attr == "record" else 2
            if len(node.args) > where and isinstance(node.args[where], ast.Constant):
                recorded.add(node.args[where].value)
    assert len(recorded) > 25
    assert recorded - set(audit.object_types()) == set()
    assert all(label.en and label.vi for label in audit.object_types().values())
