"""Domain events: delivered in the transaction or after commit, never after a rollback; the live
screening index follows every write path of the subjects service through `SubjectChanged`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.core import audit
from liaison.core.capability import Capability
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from liaison.core.events import AfterCommit, Event, InTransaction, SubjectChanged
from liaison.core.models import AuditEvent
from liaison.screening import live
from liaison.screening.engine import ScreeningIndex
from liaison.subjects import service, transfer
from liaison.subjects.models import Subject
from liaison.subjects.schemas import NameIn, SubjectIn
from liaison.web.forms import attempt
from tests.screening.factories import record
from tests.subjects.factories import actor

OFFICER = actor("officer")
SUPERVISOR = actor("supervisor")


class Probe:
    """A capability that records what it is told, in both phases."""

    def __init__(self) -> None:
        self.committed: list[Event] = []
        self.seen_in_transaction: list[tuple[Session, Event, bool]] = []

    def in_transaction(self, session: Session, event: SubjectChanged) -> None:
        visible = all(session.get(Subject, i) is not None for i in event.subject_ids)
        self.seen_in_transaction.append((session, event, visible))
        audit.record(session, "probe", "read", "subject", event.subject_ids[0], detail="outbox row")

    def after_commit(self, engine: Engine, event: SubjectChanged) -> None:
        self.committed.append(event)

    @property
    def capability(self) -> Capability:
        return Capability(
            name="probe",
            subscriptions=(
                InTransaction(SubjectChanged, self.in_transaction),
                AfterCommit(SubjectChanged, self.after_commit),
            ),
        )


@pytest.fixture
def probe() -> Iterator[Probe]:
    found = Probe()
    capabilities.install([*capabilities.enabled(), found.capability])
    yield found
    capabilities.install(capabilities.enabled())


def new_subject(session: Session, name: str = "Nguyễn Văn An") -> int:
    return service.create_subject(session, OFFICER, SubjectIn(names=[NameIn(full_name=name)])).id


def probe_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(AuditEvent).where(AuditEvent.actor == "probe")).all())


def test_an_event_of_a_rolled_back_transaction_is_never_delivered(engine: Engine, probe: Probe) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        new_subject(session)
        raise RuntimeError("the request failed after the subject was stored")
    with unit_of_work(engine) as session:
        pass  # a later, empty commit must not deliver the forgotten event either
    assert probe.committed == []
    assert len(probe.seen_in_transaction) == 1 and probe_rows(engine) == 0


def test_an_event_is_delivered_once_after_commit(engine: Engine, probe: Probe) -> None:
    with unit_of_work(engine) as session:
        subject_id = new_subject(session)
        assert probe.committed == []  # not before the commit
    assert [e.subject_ids for e in probe.committed] == [(subject_id,)]
    with unit_of_work(engine):
        pass
    assert len(probe.committed) == 1


def test_in_transaction_subscribers_see_the_session_and_write_with_it(engine: Engine, probe: Probe) -> None:
    with unit_of_work(engine) as session:
        subject_id = new_subject(session)
        ((seen_session, event, visible),) = probe.seen_in_transaction
        assert seen_session is session and visible and event.subject_ids == (subject_id,)
    assert probe_rows(engine) == 1


def test_an_event_of_a_rolled_back_savepoint_is_dropped_and_the_rest_delivered(
    engine: Engine, probe: Probe
) -> None:
    def fails() -> None:
        new_subject(session, "Lê Văn Hỏng")
        raise Invalid("the form was wrong")

    with unit_of_work(engine) as session:
        assert isinstance(attempt(session, fails), Invalid)
        kept = attempt(session, lambda: new_subject(session, "Trần Văn Giữ"))
    assert [e.subject_ids for e in probe.committed] == [(kept,)]


@pytest.fixture
def watched(engine: Engine) -> Iterator[ScreeningIndex]:
    capabilities.install(capabilities.enabled())
    index = live.build_index(engine)
    live.watch(engine, index)
    yield index


def test_the_live_index_sees_a_new_subject_right_after_commit_and_not_a_rolled_back_one(
    engine: Engine, watched: ScreeningIndex
) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        new_subject(session, "Lê Văn Hỏng")
        raise RuntimeError
    with unit_of_work(engine) as session:
        subject_id = new_subject(session)
        assert subject_id not in watched.subject_ids()
    assert set(watched.subject_ids()) == {subject_id}


def test_the_live_index_follows_names_status_and_bulk_imports(
    engine: Engine, watched: ScreeningIndex
) -> None:
    with unit_of_work(engine) as session:
        subject_id = new_subject(session)
    with unit_of_work(engine) as session:
        service.add_name(session, OFFICER, subject_id, NameIn(full_name="王小洪"))
    assert watched.screen(record("Wang Xiaohong"))[0].subject_id == subject_id
    with unit_of_work(engine) as session:
        service.change_status(session, OFFICER, subject_id, "arrested")
    assert subject_id not in watched.subject_ids()
    report = transfer.import_text(
        lambda: unit_of_work(engine), SUPERVISOR, "source_id,primary_name\nL-1,Колокольцев Владимир\n", "csv",
        source="partner-list",
    )  # fmt: skip
    assert report.created == 1
    with Session(engine) as session:
        imported = session.scalar(select(Subject.id).where(Subject.source_id == "L-1"))
    assert imported in watched.subject_ids()
