"""Batch screening on Apache Spark: the same index and scoring, run per partition.

For national or regional volumes that outgrow one machine. Spark reads the CSV or Parquet file,
casts the columns to text, and `mapInPandas` screens each partition with
`batch.screen_rows` against the index, which reaches the executors as a broadcast variable. The
session is local (`local[2]`) unless `LIAISON_SPARK_MASTER` names a cluster.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from liaison.core.security.gate import Reader
from liaison.screening.batch import COLUMNS, BatchReport, HitWriter, Row, screen_rows
from liaison.screening.disclosure import SubjectCard
from liaison.screening.engine import ScreeningIndex

PROBLEM_PREFIX = "__problem__:"


def spark_session() -> Any:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(os.environ.get("LIAISON_SPARK_MASTER", "local[2]"))
        .appName("liaison-screening")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def screen_with_spark(
    path: Path,
    out: Path,
    index: ScreeningIndex,
    threshold: float,
    reader: Reader,
    cards: Mapping[int, SubjectCard] | None = None,
) -> BatchReport:
    """Screen the file on Spark; the driver writes the hits file through the gate for `reader`."""
    from pyspark.sql import functions as F

    spark = spark_session()
    if path.suffix.lower() in (".parquet", ".pq"):
        frame = spark.read.parquet(str(path))
    else:
        frame = spark.read.option("header", "true").csv(str(path))
    present = {c.lower().strip(): c for c in frame.columns}
    frame = frame.select(
        *[
            (F.col(f"`{present[c]}`").cast("string") if c in present else F.lit(None).cast("string")).alias(c)
            for c in COLUMNS
        ]
    )
    if "record_id" not in present:
        frame = frame.withColumn("record_id", F.monotonically_increasing_id().cast("string"))
    shared = spark.sparkContext.broadcast(index)
    fields = ["record_id", "record_name", "subject_id", "score", "explanation", "withheld"]
    schema = (
        "record_id string, record_name string, subject_id long, score double, explanation string, "
        "withheld string"
    )

    def screen_partition(frames: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        for chunk in frames:
            rows = [
                cast(Row, tuple(None if v is None or v != v else str(v) for v in row))
                for row in chunk[list(COLUMNS)].itertuples(index=False)
            ]
            hits, problems = screen_rows(shared.value, rows, threshold)
            records = [dict(zip(fields, hit, strict=True)) for hit in hits]
            counts = [*problems.items(), ("rows", len(rows))]
            empty = {"record_name": "", "score": 0.0, "explanation": "", "withheld": ""}
            records += [
                {**empty, "record_id": PROBLEM_PREFIX + reason, "subject_id": count}
                for reason, count in counts
            ]
            yield pd.DataFrame.from_records(records, columns=fields)

    report = BatchReport()
    problems: Counter[str] = Counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = HitWriter(handle, reader, cards)
        for row in frame.mapInPandas(screen_partition, schema).toLocalIterator():
            record_id = row["record_id"]
            if record_id.startswith(PROBLEM_PREFIX):
                reason = record_id.removeprefix(PROBLEM_PREFIX)
                if reason == "rows":
                    report.rows += int(row["subject_id"])
                else:
                    problems[reason] += int(row["subject_id"])
                continue
            writer.write([(record_id, row["record_name"], int(row["subject_id"]), float(row["score"]),
                           row["explanation"], row["withheld"])])  # fmt: skip
            report.hits += 1
    report.problems = problems
    shared.unpersist()
    return report
