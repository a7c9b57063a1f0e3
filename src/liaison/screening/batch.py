"""Batch screening of a CSV or Parquet file: DuckDB by default, Apache Spark for larger volumes.

Both engines read `record_id,name,birth_date,nationality,document_number,gender` (only `name`
is required; `record_id` is made up from the row number when absent), screen every row against
the same in-memory index with the same scoring, and write the hits file `disclosure.HIT_COLUMNS`
through the record-access gate for the reader given: a subject the reader may not read alerts
with its id, handling code and owning unit, and none of its particulars (`disclosure.py`).
Workers write both explanations (in full, and with the subject's side withheld), so the gate is
asked once per hit where the file is written, whichever engine screened.

DuckDB reads and checks the file (missing `name` column, unknown columns, wrong types), casts
every column to text and streams it in chunks; the chunks are screened by worker processes that
share the index copy-on-write (fork).

Spark reads the file itself and runs the same function per partition with `mapInPandas`; the
index travels to the executors as a broadcast variable.

Rows that cannot be screened are counted by reason, never dropped silently: an empty name or one
without letters, an impossible birth date (screened without it, and counted).
"""

from __future__ import annotations

import codecs
import csv
import gc
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from liaison.core.errors import Invalid
from liaison.core.security.gate import Reader
from liaison.core.security.policy import CLI_ACTOR
from liaison.names.nicknames import load as load_given_names
from liaison.screening import disclosure
from liaison.screening.disclosure import HIT_COLUMNS, SubjectCard
from liaison.screening.engine import DEFAULT_THRESHOLD, Screened, ScreeningIndex, ScreenRecord

COLUMNS = ("record_id", "name", "birth_date", "nationality", "document_number", "gender")
OUTPUT_COLUMNS = HIT_COLUMNS
CHUNK_ROWS = 20_000
MAX_FIELD_CHARS = 10_000

Row = tuple[str, str, str | None, str | None, str | None, str | None]
# record_id, record name, subject_id, score, explanation, explanation with the subject's side withheld
HitRow = tuple[str, str, int, float, str, str]


@dataclass
class BatchReport:
    """What a batch run did: rows read and screened, hits written, and rows with problems by reason."""

    rows: int = 0
    hits: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        text = f"{self.rows:,} records screened, {self.hits:,} hits in {self.seconds:.1f} s"
        if self.problems:
            text += "; " + ", ".join(f"{count:,} {reason}" for reason, count in sorted(self.problems.items()))
        if self.ignored_columns:
            text += f"; columns ignored: {', '.join(self.ignored_columns)}"
        return text


def _file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise Invalid(
        "{file}: screening reads .csv or .parquet files.", file=path.name, fields={"file": "unsupported type"}
    )


def check_content(filename: str, head: bytes) -> None:
    """Refuse a file whose first bytes are not what its name says: Parquet starts with `PAR1`,
    CSV is UTF-8 text (a renamed spreadsheet or executable is neither)."""
    if _file_format(Path(filename)) == "parquet":
        if not head.startswith(b"PAR1"):
            raise Invalid(
                "{file}: this is not a Parquet file.", file=filename, fields={"file": "not parquet"}
            )
        return
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
    except UnicodeDecodeError as error:
        raise Invalid(
            "{file}: this is not a UTF-8 CSV file.", file=filename, fields={"file": "not text"}
        ) from error
    if "\x00" in text:
        raise Invalid("{file}: this is not a UTF-8 CSV file.", file=filename, fields={"file": "not text"})


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn DuckDB's complaint about a file into an `Invalid` naming the file."""
    import duckdb

    try:
        yield
    except duckdb.Error as error:
        raise Invalid(
            "{file}: cannot be read ({reason}).",
            file=path.name,
            reason=str(error).splitlines()[0][:200],
            fields={"file": "unreadable"},
        ) from error


def inspect_columns(path: Path) -> tuple[list[str], list[str]]:
    """(columns screening uses, columns it ignores); raises `Invalid` without a `name` column."""
    import duckdb

    if not path.exists():
        raise Invalid("{file}: no such file.", file=path, fields={"file": "not found"})
    with _reading(path), duckdb.connect() as connection:
        described = connection.execute(f"DESCRIBE SELECT * FROM {_source_sql(path)}").fetchall()
    columns = [str(row[0]) for row in described]
    lowered = {c.lower().strip(): c for c in columns}
    if "name" not in lowered:
        raise Invalid(
            "{file}: there is no 'name' column (found: {found}).",
            file=path.name,
            found=columns[:20],
            fields={"name": "column missing"},
        )
    used = [lowered[c] for c in COLUMNS if c in lowered]
    ignored = [c for c in columns if c.lower().strip() not in COLUMNS]
    return used, ignored


def _source_sql(path: Path) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if _file_format(path) == "parquet":
        return f"read_parquet({quoted})"
    return (
        f"read_csv({quoted}, all_varchar = true, header = true, null_padding = true, ignore_errors = false)"
    )


def count_rows(path: Path) -> int:
    """How many records the file holds (for a progress bar)."""
    import duckdb

    inspect_columns(path)
    with _reading(path), duckdb.connect() as connection:
        row = connection.execute(f"SELECT count(*) FROM {_source_sql(path)}").fetchone()
    return int(row[0]) if row else 0


def read_rows(path: Path, chunk_rows: int = CHUNK_ROWS, used: list[str] | None = None) -> Iterator[list[Row]]:
    """The file's records in chunks, every field as text (or None), via DuckDB."""
    import duckdb

    if used is None:  # not inspected by the caller yet
        used, _ = inspect_columns(path)
    by_name = {c.lower().strip(): c for c in used}
    selects = []
    for column in COLUMNS:
        if column in by_name:
            selects.append(f'left(CAST("{by_name[column]}" AS VARCHAR), {MAX_FIELD_CHARS}) AS {column}')
        elif column == "record_id":
            selects.append("CAST(row_number() OVER () AS VARCHAR) AS record_id")
        else:
            selects.append(f"NULL AS {column}")
    query = f"SELECT {', '.join(selects)} FROM {_source_sql(path)}"
    with _reading(path), duckdb.connect() as connection:
        result = connection.execute(query)
        while batch := result.fetchmany(chunk_rows):
            yield [cast(Row, tuple(batch_row)) for batch_row in batch]


# -- screening a chunk (also what Spark runs per partition) ---------------------------------------

_WORKER_INDEX: ScreeningIndex | None = None
_WORKER_THRESHOLD = DEFAULT_THRESHOLD


def screen_rows(
    index: ScreeningIndex, rows: Sequence[Row], threshold: float
) -> tuple[list[HitRow], Counter[str]]:
    """Screen rows with the real-time engine, counting rows with problems by reason."""
    screened = index.screen_records(to_records(rows), threshold)
    problems = Counter(problem.split(":")[0] for item in screened for problem in item.problems)
    return hit_rows(screened), problems


def to_records(rows: Sequence[Row]) -> list[ScreenRecord]:
    return [ScreenRecord(row[0] or "", row[1] or "", *row[2:]) for row in rows]


def hit_rows(screened: Sequence[Screened]) -> list[HitRow]:
    """The hits before the gate: each with its explanation in full and with the subject's side withheld."""
    return [
        (
            h.record_id,
            item.record.name,
            h.subject_id,
            h.score,
            h.explanation,
            disclosure.explanation_text(
                disclosure.withheld_features([f.as_dict() for f in h.features], item.record)
            ),
        )
        for item in screened
        for h in item.hits
    ]


class HitWriter:
    """Writes hits files through the gate: `reader` sees what `cards` (the subjects) allow them.

    A subject without a card (none given) is withheld from everyone, so a file written without
    knowing the subjects names none of them."""

    def __init__(self, handle: Any, reader: Reader, cards: Mapping[int, SubjectCard] | None) -> None:
        self.writer = csv.writer(handle)
        self.reader, self.cards = reader, cards or {}
        self.writer.writerow(HIT_COLUMNS)

    def write(self, hits: Sequence[HitRow]) -> None:
        for record_id, name, subject_id, score, explanation, withheld in hits:
            card = self.cards.get(subject_id) or SubjectCard(subject_id)
            line = disclosure.hit_line(self.reader, card, record_id, name, score, explanation, withheld)
            self.writer.writerow(line)


def _screen_in_worker(rows: list[Row]) -> tuple[list[HitRow], Counter[str], int]:
    assert _WORKER_INDEX is not None
    hits, problems = screen_rows(_WORKER_INDEX, rows, _WORKER_THRESHOLD)
    return hits, problems, len(rows)


def _split(rows: list[Row], parts: int) -> list[list[Row]]:
    size = max(1, -(-len(rows) // parts))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def screen_file(
    path: Path,
    out: Path,
    index: ScreeningIndex,
    *,
    engine: str = "duckdb",
    threshold: float | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    reader: Reader = CLI_ACTOR,
    cards: Mapping[int, SubjectCard] | None = None,
) -> BatchReport:
    """Screen a CSV or Parquet file and write the hits as CSV, through the gate for `reader`
    (`cards` tell the gate the subjects'); `progress(rows_done)` after each chunk. The threshold
    is the index's weights' unless given."""
    started = time.perf_counter()
    threshold = index.weights.threshold if threshold is None else threshold
    if engine == "spark":
        report = _screen_file_spark(path, out, index, threshold, reader, cards)
    elif engine == "duckdb":
        report = _screen_file_duckdb(path, out, index, threshold, workers, progress, reader, cards)
    else:
        raise Invalid(
            "Unknown engine {engine!r}: use duckdb or spark.", engine=engine, fields={"engine": "unknown"}
        )
    report.seconds = time.perf_counter() - started
    return report


def _screen_file_duckdb(
    path: Path,
    out: Path,
    index: ScreeningIndex,
    threshold: float,
    workers: int | None,
    progress: Callable[[int], None] | None,
    reader: Reader,
    cards: Mapping[int, SubjectCard] | None,
) -> BatchReport:
    global _WORKER_INDEX, _WORKER_THRESHOLD
    used, ignored = inspect_columns(path)
    report = BatchReport(ignored_columns=ignored)
    workers = workers or min(os.cpu_count() or 1, 8)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = HitWriter(handle, reader, cards)

        def write(hits: list[HitRow], problems: Counter[str], rows: int) -> None:
            writer.write(hits)
            report.hits += len(hits)
            report.problems.update(problems)
            report.rows += rows
            if progress:
                progress(report.rows)

        use_processes = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
        if not use_processes:
            for chunk in read_rows(path, used=used):
                hits, problems = screen_rows(index, chunk, threshold)
                write(hits, problems, len(chunk))
            return report
        _WORKER_INDEX, _WORKER_THRESHOLD = index, threshold
        load_given_names()  # once here, shared by the forked workers, not once in each
        gc.freeze()  # the collector would otherwise touch, and so copy, every page of the forked index
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for chunk in read_rows(path, used=used):
                    for hits, problems, rows in pool.imap(_screen_in_worker, _split(chunk, workers)):
                        write(hits, problems, rows)
        finally:
            gc.unfreeze()
            _WORKER_INDEX = None
    return report


def _screen_file_spark(
    path: Path,
    out: Path,
    index: ScreeningIndex,
    threshold: float,
    reader: Reader,
    cards: Mapping[int, SubjectCard] | None,
) -> BatchReport:
    from liaison.screening.spark import screen_with_spark

    _, ignored = inspect_columns(path)
    report = screen_with_spark(path, out, index, threshold, reader, cards)
    report.ignored_columns = ignored
    return report
