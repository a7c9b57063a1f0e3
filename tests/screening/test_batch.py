"""Batch screening of files: CSV and Parquet, bad files and bad rows, the CLI, and Spark."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from liaison.core.security.policy import CLI_ACTOR
from liaison.screening import batch
from liaison.subjects.schemas import NameIn, SubjectIn
from liaison.subjects.service import create_subject
from tests.screening.factories import index_of, subject

INDEX = index_of(
    subject(1, "Nguyễn Văn An", born="1970-03-15"),
    subject(2, "Колокольцев Владимир Александрович", born="1961-05-11"),
    subject(3, "王小洪"),
)
ROWS = [
    {"record_id": "r1", "name": "Nguyen Van An", "birth_date": "1970-03-15", "nationality": "VN"},
    {"record_id": "r2", "name": "Kolokoltsev Vladimir", "birth_date": "1961", "nationality": "RU"},
    {"record_id": "r3", "name": "Wang Xiaohong", "birth_date": "", "nationality": ""},
    {"record_id": "r4", "name": "Nguyen Van An", "birth_date": "1995-01-01", "nationality": "VN"},
    {"record_id": "r5", "name": "", "birth_date": "", "nationality": ""},
    {"record_id": "r6", "name": "?!", "birth_date": "1970-02-30", "nationality": ""},
    {"record_id": "r7", "name": "Nguyễn Văn Ан", "birth_date": "31/02/1970", "nationality": ""},
]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def hits_of(out: Path) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == list(batch.OUTPUT_COLUMNS)
        for row in reader:
            found.setdefault(row["record_id"], set()).add(int(row["subject_id"]))
            assert float(row["score"]) > 0 and "name" in row["explanation"]
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_csv_is_screened_and_bad_rows_are_counted_not_dropped(tmp_path: Path, workers: int) -> None:
    out = tmp_path / "hits.csv"
    report = batch.screen_file(write_csv(tmp_path / "in.csv", ROWS), out, INDEX, workers=workers)
    assert hits_of(out) == {"r1": {1}, "r2": {2}, "r3": {3}, "r7": {1}}
    assert report.rows == len(ROWS) and report.hits == 4
    assert report.problems == {"name has no letters": 2, "birth date ignored": 2}


def test_parquet_with_other_types_is_read_as_text(tmp_path: Path) -> None:
    table = pa.table({
        "record_id": pa.array([101, 102], pa.int64()),
        "name": ["Nguyen Van An", "Колокольцев Владимир"],
        "birth_date": pa.array([date(1970, 3, 15), date(1961, 5, 11)], pa.date32()),
        "nationality": ["VN", "RU"],
        "gender": pa.array([1, 0], pa.int8()),
    })  # fmt: skip
    pq.write_table(table, tmp_path / "in.parquet")
    report = batch.screen_file(tmp_path / "in.parquet", tmp_path / "hits.csv", INDEX, workers=1)
    assert hits_of(tmp_path / "hits.csv") == {"101": {1}, "102": {2}} and report.rows == 2


def test_parquet_whose_name_column_is_not_text_still_screens_without_crashing(tmp_path: Path) -> None:
    pq.write_table(pa.table({"name": pa.array([1, 2, 3], pa.int32())}), tmp_path / "numbers.parquet")
    report = batch.screen_file(tmp_path / "numbers.parquet", tmp_path / "hits.csv", INDEX, workers=1)
    assert report.rows == 3 and report.hits == 0 and report.problems == {"name has no letters": 3}


def test_csv_with_extra_columns_screens_and_names_the_ignored_ones(tmp_path: Path) -> None:
    rows = [{**row, "seat": "12A"} for row in ROWS[:2]]
    report = batch.screen_file(write_csv(tmp_path / "in.csv", rows), tmp_path / "hits.csv", INDEX, workers=1)
    assert report.ignored_columns == ["seat"] and report.hits == 2


def test_csv_without_optional_columns_numbers_its_records(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [{"name": "Nguyen Van An"}, {"name": "Wang Xiaohong"}])
    batch.screen_file(source, tmp_path / "hits.csv", INDEX, workers=1)
    assert set(hits_of(tmp_path / "hits.csv")) == {"1", "2"}


def test_csv_without_a_name_column_is_refused_with_the_columns_found(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [{"record_id": "1", "surname": "Nguyen"}])
    with pytest.raises(Invalid, match=r"no 'name' column.*surname"):
        batch.screen_file(source, tmp_path / "hits.csv", INDEX)


@pytest.mark.parametrize("content", [b"\x00\x01\x02 not a table", b""])
def test_unreadable_or_empty_files_are_refused_clearly(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.parquet").write_bytes(content)
    with pytest.raises(Invalid):
        batch.screen_file(tmp_path / "bad.parquet", tmp_path / "hits.csv", INDEX)


def test_cli_screens_csv_and_parquet_against_the_database_with_a_summary(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    with unit_of_work(sqlite_engine) as session:
        create_subject(session, CLI_ACTOR, SubjectIn(names=[NameIn(full_name="Нгуен Фу Чонг")]))
    source = write_csv(tmp_path / "in.csv", [*ROWS, {"record_id": "r8", "name": "Nguyen Phu Trong"}])
    out = tmp_path / "hits.csv"
    database = sqlite_engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "LIAISON_DATABASE_URL": database}
    command = [sys.executable, "-m", "liaison", "screen", str(source), "--out", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "8 records screened" in done.stderr and "2 name has no letters" in done.stderr
    assert re.search(r"8/8 [\d,]+ records/s \d:\d\d:\d\d 0:00:00 left", done.stderr), (
        done.stderr
    )  # rate, time left
    assert set(hits_of(out)) == {"r8"}
    pq.write_table(pa.table({"name": ["Nguyen Phu Trong", "Kolokoltsev"], "record_id": ["p1", "p2"]}),
                   tmp_path / "in.parquet")  # fmt: skip
    command[4:] = [str(tmp_path / "in.parquet"), "--out", str(out), "--workers", "1"]  # forking is above
    from_parquet = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert from_parquet.returncode == 0 and "2 records screened" in from_parquet.stderr
    assert set(hits_of(out)) == {"p1"}
    command[4] = str(tmp_path / "none.csv")
    missing = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert missing.returncode == 1 and missing.stderr.startswith("error:")


@pytest.mark.spark
def test_spark_engine_gives_the_same_hits_as_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")
    monkeypatch.setenv("LIAISON_SPARK_MASTER", "local[1]")  # one Python worker: the suite shares two cores
    source = write_csv(tmp_path / "in.csv", ROWS)
    report = batch.screen_file(source, tmp_path / "spark.csv", INDEX, engine="spark")
    batch.screen_file(source, tmp_path / "duckdb.csv", INDEX, workers=1)
    assert hits_of(tmp_path / "spark.csv") == hits_of(tmp_path / "duckdb.csv")
    assert report.rows == len(ROWS) and report.problems["name has no letters"] == 2
