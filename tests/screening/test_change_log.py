"""The subject change log, in one process, on SQLite and PostgreSQL: a change and its log row commit
together, numbered without gaps; a follower applies what another process committed, reloads its
whole index when the log was pruned past it, and `/readyz` waits until it has applied the log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison import capabilities
from liaison.core.db import make_engine, unit_of_work
from liaison.core.db import utcnow as now
from liaison.core.settings import get_settings
from liaison.screening import changelog, live
from liaison.screening.engine import ScreenRecord
from liaison.screening.follow import Follower
from liaison.screening.models import SubjectChange
from liaison.subjects.schemas import NameIn, SubjectIn
from liaison.subjects.service import change_status, create_subject
from tests.subjects.factories import actor

OFFICER = actor("officer")


@pytest.fixture(autouse=True)
def subscribed() -> None:
    """The subscriptions of every capability, as a started node has them (no app is built here)."""
    capabilities.install(capabilities.enabled(get_settings().capabilities))


@pytest.fixture
def elsewhere(engine: Engine) -> Iterator[Engine]:
    """Another engine on the same database: what another server process (or the CLI) writes with."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def add(engine: Engine, name: str) -> int:
    with unit_of_work(engine) as session:
        return int(create_subject(session, OFFICER, SubjectIn(names=[NameIn(full_name=name)])).id)


def head(engine: Engine) -> int:
    with engine.connect() as connection:
        return changelog.head(connection)


def found(follower: Follower, name: str) -> list[int]:
    return [hit.subject_id for hit in follower.index.screen(ScreenRecord("r1", name, None))]


def test_a_change_writes_one_numbered_row_in_its_own_transaction(engine: Engine) -> None:
    before = head(engine)
    subject_id = add(engine, "Nguyễn Văn An")
    with engine.connect() as connection:
        (change,) = changelog.changes_after(connection, before)
    assert (change.seq, change.subject_ids) == (before + 1, (subject_id,))
    assert head(engine) == before + 1


def test_a_rolled_back_change_leaves_no_row_and_no_gap(engine: Engine) -> None:
    before = head(engine)
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        create_subject(session, OFFICER, SubjectIn(names=[NameIn(full_name="Lê Văn Tám")]))
        raise RuntimeError("the request failed after the change")
    with engine.connect() as connection:
        assert changelog.changes_after(connection, before) == []
    add(engine, "Lê Văn Tám")
    assert head(engine) == before + 1


def test_a_follower_applies_what_another_process_committed(engine: Engine, elsewhere: Engine) -> None:
    follower = Follower(engine, live.build_index(engine), head(engine))
    subject_id = add(elsewhere, "Kolokoltsev Vladimir")
    assert found(follower, "Колокольцев Владимир") == []  # nothing told this index yet
    assert follower.catch_up() == 1
    assert found(follower, "Колокольцев Владимир") == [subject_id]
    with unit_of_work(elsewhere) as session:
        change_status(session, OFFICER, subject_id, "cancelled")
    follower.catch_up()
    assert found(follower, "Колокольцев Владимир") == []
    assert follower.applied == head(engine) and follower.reloads == 0


def test_a_follower_skips_its_own_changes_but_counts_them(engine: Engine) -> None:
    before = head(engine)
    follower = Follower(engine, live.build_index(engine), before)
    try:
        add(engine, "Trần Văn Bình")  # written on the follower's engine: marked as its own
        with engine.connect() as connection:
            (change,) = changelog.changes_after(connection, before)
        assert change.origin == follower.token
        assert follower.catch_up() == 1 and follower.applied == change.seq
    finally:
        follower.stop()


def test_a_follower_pruned_past_reloads_its_whole_index(engine: Engine, elsewhere: Engine) -> None:
    follower = Follower(engine, live.build_index(engine), head(engine))
    subject_id = add(elsewhere, "Phan Văn Khải")
    add(elsewhere, "Võ Văn Kiệt")
    assert changelog.prune(engine, now() + timedelta(hours=1)) == 2
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SubjectChange)) == 0
    follower.catch_up()
    assert follower.reloads == 1 and follower.applied == head(engine)
    assert found(follower, "Phan Van Khai") == [subject_id]


def test_pruning_keeps_what_is_younger_than_the_retention(engine: Engine) -> None:
    add(engine, "Đỗ Mười")
    assert changelog.prune(engine, changelog.cutoff(24.0)) == 0


def test_readyz_waits_until_the_index_has_applied_the_log(client: TestClient, elsewhere: Engine) -> None:
    assert client.get("/readyz").status_code == 200
    follower: Follower = client.app.state.screening_follower  # type: ignore[attr-defined]
    follower.stop()  # a follower that does not keep up
    add(elsewhere, "Nông Đức Mạnh")
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert "has not applied every change" in behind.json()["detail"]
    follower.catch_up()
    assert client.get("/readyz").status_code == 200
