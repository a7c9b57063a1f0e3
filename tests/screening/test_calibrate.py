"""`liaison screening calibrate`: the weights refitted from this installation's reviewers.

Each test builds an installation the way it comes to be: persons sought created through the
subjects service, a batch of travellers screened through the screening service, and every hit
decided by a reviewer through the review service. The command then runs as the real CLI.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from liaison.core import accounts
from liaison.core.db import get_engine, unit_of_work
from liaison.core.errors import Forbidden
from liaison.core.models import AuditEvent
from liaison.core.security.policy import SystemActor
from liaison.core.settings import get_settings
from liaison.screening import cli as screening_cli
from liaison.screening import live, scoring, service
from liaison.screening.engine import ScreenRecord
from liaison.screening.models import Hit
from liaison.screening.schemas import DecisionIn, RecordIn
from liaison.screening.scoring import WEIGHTS_FILE, load_weights
from liaison.screening.service import Screener
from liaison.subjects.schemas import NameIn, SubjectIn
from liaison.subjects.service import create_subject
from tests.conftest import make_account

FAMILIES = ("Nguyễn", "Trần", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
GIVENS = ("Văn Thắng", "Thị Phượng", "Quốc Khánh", "Minh Triết", "Hữu Nghĩa")


def _spelt(name: str, number: int) -> str:
    """The name as a clerk at a border post may write it: without its marks, and one in three
    times with a letter dropped, or two letters swapped."""
    folded = "".join(c for c in unicodedata.normalize("NFD", name.replace("Đ", "D")) if c.isascii())
    family, *given = folded.split()
    if number % 3 == 1:
        given[-1] = given[-1][0] + given[-1][2:]
    elif number % 3 == 2:
        word = given[-1]
        given[-1] = word[:2] + word[3] + word[2] + word[4:]
    return " ".join([family, *given])


def _installation(engine: Engine, subjects: int, *, contradict: bool = False, restricted: int = 0) -> None:
    """`subjects` persons sought, each screened twice: as themselves (their name as a clerk spelt
    it, birth date, nationality) and as a namesake from elsewhere (the name alone, another
    nationality). The reviewer confirms the first and dismisses the second, or, when `contradict`,
    dismisses every true match and confirms the namesakes. `restricted` more persons sought are H3
    of a unit the command line's administrator does not belong to, decided by that unit's reviewer."""
    names = [f"{family} {given}" for given in GIVENS for family in FAMILIES]
    make_account(engine, "officer", "reviewer")
    make_account(engine, "officer", "fugitives-reviewer", unit="fugitives")
    truth: dict[str, int] = {}
    records: list[RecordIn] = []
    with unit_of_work(engine) as session:
        owner = SystemActor(username="registrar", role="officer", unit="fugitives")
        for number in range(subjects + restricted):
            born = f"{1950 + number % 40}-{1 + number % 12:02d}-{1 + number % 27:02d}"
            data = SubjectIn(
                names=[NameIn(full_name=names[number])],
                birth_dates=[born],
                nationalities=["VN"],
                handling_code="H3" if number >= subjects else "H1",
                owning_unit="fugitives",
            )
            subject_id = create_subject(session, owner, data).id
            truth[f"T{number}"] = subject_id
            spelt = _spelt(names[number], number)
            records.append(RecordIn(record_id=f"T{number}", name=spelt, birth_date=born, nationality="VN"))
            records.append(RecordIn(record_id=f"O{number}", name=names[number], nationality="LA"))
    index = live.build_index(engine)
    with unit_of_work(engine) as session:
        screener = Screener.of(accounts.acting_user(session, "reviewer"))
        service.screen(session, screener, index, records, kind="api")
    with unit_of_work(engine) as session:
        reviewers = {
            unit: Screener.of(accounts.acting_user(session, name))
            for unit, name in (("", "reviewer"), ("fugitives", "fugitives-reviewer"))
        }
        for hit in session.scalars(select(Hit).order_by(Hit.id)):
            record_id = hit.record.record_id
            own = truth.get("T" + record_id[1:]) == hit.subject_id  # on the subject of this name
            true_match = own and record_id.startswith("T")
            confirm = (own and not true_match) if contradict else true_match
            restricted_hit = int(record_id[1:]) >= subjects
            who = reviewers["fugitives" if restricted_hit else ""]
            decision = DecisionIn(
                decision="confirm" if confirm else "dismiss", reason="" if confirm else "other"
            )
            service.decide(session, who, hit.id, decision)


@pytest.fixture
def weights_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_engine: Engine) -> Iterator[Path]:
    """The installation's weights file and database as the command line finds them (settings)."""
    path = tmp_path / "installation" / "screening_weights.json"
    monkeypatch.setenv("LIAISON_SCREENING_WEIGHTS", str(path))
    monkeypatch.setenv("LIAISON_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    get_engine.cache_clear()  # the command line's engine is made once per process, from the settings
    monkeypatch.setattr(screening_cli.report_console, "width", 160)  # the table's rows, unwrapped
    yield path
    monkeypatch.undo()
    get_settings.cache_clear()
    get_engine.cache_clear()


def calibrate(*arguments: str) -> tuple[int, str]:
    from liaison.cli import app

    result = CliRunner().invoke(app, ["screening", "calibrate", *arguments])
    print(result.output)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _audit(engine: Engine) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "screening.calibrate")))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_dry_run_reports_before_and_after_and_writes_nothing(
    sqlite_engine: Engine, weights_file: Path
) -> None:
    _installation(sqlite_engine, 36, restricted=4)
    packaged = _digest(WEIGHTS_FILE)
    code, output = calibrate("--dry-run")
    assert code == 0, output
    assert "36 confirmed and 36 dismissed" in output
    assert "8 subject not readable by you" in output  # H3 of a unit the administrator is not in
    assert "fitted on 50, 22 held back" in output  # 11 of the 36 of each kind (30 %)
    assert "held-back decisions" in output and "evaluation · generator" in output
    assert "evaluation · kinds" in output and "Dry run: nothing written" in output
    assert not weights_file.exists() and _digest(WEIGHTS_FILE) == packaged
    (event,) = _audit(sqlite_engine)
    assert event.detail.startswith("dry run; nothing written: 36 confirmed, 36 dismissed, 8 excluded")
    assert "Nguyen" not in event.detail and "Nguyễn" not in event.detail  # figures, no names


def test_only_the_subjects_the_calibrator_may_read_count(sqlite_engine: Engine, weights_file: Path) -> None:
    _installation(sqlite_engine, 36, restricted=4)
    make_account(sqlite_engine, "supervisor", "fugitives-supervisor", unit="fugitives")
    code, output = calibrate("--user", "fugitives-supervisor")
    assert code == 0, output
    assert "40 confirmed and 40 dismissed hits (excluded: none)" in output  # its unit's H3 subjects too
    with pytest.raises(Forbidden):  # an officer reviews hits; refitting the weights is not theirs
        calibrate("--user", "reviewer")
    assert len(_audit(sqlite_engine)) == 1


def test_applying_writes_the_installation_file_and_the_index_then_scores_with_it(
    sqlite_engine: Engine, weights_file: Path
) -> None:
    _installation(sqlite_engine, 36)
    namesake = ScreenRecord("x", "Trần Văn Thắng", nationality="LA")
    before = live.build_index(sqlite_engine)
    (old,) = [h.score for h in before.screen(namesake, threshold=0.0) if h.matched_name == "Trần Văn Thắng"]
    packaged = _digest(WEIGHTS_FILE)
    code, output = calibrate("--apply", "--holdout", "0.25")
    assert code == 0, output
    assert "Weights written to" in output
    assert weights_file.is_file() and _digest(WEIGHTS_FILE) == packaged
    assert "calibrate" in json.loads(weights_file.read_text())["fitted_on"]
    after = live.build_index(sqlite_engine)
    assert after.weights == load_weights(weights_file) != before.weights
    (new,) = [h.score for h in after.screen(namesake, threshold=0.0) if h.matched_name == "Trần Văn Thắng"]
    assert new < old  # the reviewers dismissed namesakes from elsewhere: such a hit now scores lower
    (event,) = _audit(sqlite_engine)
    assert event.detail.startswith("applied")


def test_a_fit_that_would_lower_recall_on_the_evaluation_is_refused(
    sqlite_engine: Engine, weights_file: Path
) -> None:
    _installation(sqlite_engine, 36, contradict=True)  # every true match dismissed
    code, output = calibrate("--apply")
    assert code != 0
    assert "Not applied" in output and "would fall from" in output and "more than the floor of 0.02" in output
    assert not weights_file.exists()
    (event,) = _audit(sqlite_engine)
    assert event.detail.startswith("refused; nothing written") and "would fall" in event.detail


def test_too_few_decisions_say_so_and_change_nothing(sqlite_engine: Engine, weights_file: Path) -> None:
    _installation(sqlite_engine, 12)
    code, output = calibrate("--apply")
    assert code == 1
    assert "Too few decided hits to calibrate on: 12 confirmed and 12 dismissed" in output
    assert "Nothing was changed" in output and not weights_file.exists()


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (("--holdout", "1.5"), "not between 0 and 1"),
        (("--holdout", "0"), "not between 0 and 1"),
        (("--recall-floor", "-0.1"), "not from 0 to 1"),
        (("--recall-floor", "2"), "not from 0 to 1"),
    ],
)
def test_bad_input_is_a_readable_error(
    sqlite_engine: Engine, weights_file: Path, arguments: tuple[str, ...], says: str
) -> None:
    code, output = calibrate(*arguments)
    assert code != 0 and says in output
    assert not weights_file.exists() and not _audit(sqlite_engine)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"name": 3}', '{"threshold": {"a": 1}, "x": 1}'])
def test_a_broken_installation_file_is_named_and_the_packaged_weights_screen(
    weights_file: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    weights_file.parent.mkdir(parents=True, exist_ok=True)
    weights_file.write_text(content)
    with caplog.at_level("ERROR"):
        assert scoring.installed_weights() == scoring.WEIGHTS
    assert str(weights_file) in caplog.text and "packaged weights" in caplog.text
