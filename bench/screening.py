"""Screening benchmark: quality, real-time latency, batch throughput and memory, against Splink
(DuckDB) and a brute-force RapidFuzz baseline on the same labelled data, in the same run.

    .venv/bin/python bench/screening.py    # full run: 100,000 subjects, 1,000,000 batch records
    .venv/bin/python bench/screening.py --subjects 5000 --batch-records 50000 --quick

Steps: generate subjects and traveller records (`screening_data.py`, fixed seeds); build the
index; fit the scoring weights by logistic regression on a training half of the labelled records
and the fit halves of the other sources' sets, every source weighing the same, pulled towards
the hand-set `Weights()`, and choose the threshold of the best mean F1 over the sources there
(the fit is `liaison.screening.calibration.fit`, which `liaison screening calibrate` uses too;
the weights are written to `src/liaison/screening/weights.json` with `--save-weights`); measure
precision, recall and F1 on the other half, per script and per kind of variation; time single
screens (p50, p99) and two processes screening at once; screen a Parquet file of
`--batch-records` records with the DuckDB batch engine; run Splink and RapidFuzz on the same test half.
The labelled sets of other sources (`screening_eval.py`) are fitted on their fit halves with the
generator's and reported per source and per kind on their held-out halves, with the shipped
weights and with the fitted ones. Writes the `## Screening` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import screening_eval
from harness import write_section
from liaison.screening import batch, calibration
from liaison.screening.calibration import recall_at_precision
from liaison.screening.engine import ScreeningIndex, ScreenRecord, prepare
from liaison.screening.scoring import WEIGHTS_FILE, Weights, load_weights, save_weights
from screening_data import (
    Record,
    Subject,
    folded_latin,
    make_records,
    make_subjects,
    true_pairs,
)
from screening_eval import entry_of as entry


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def screen_record(record: Record) -> ScreenRecord:
    return ScreenRecord(
        record.record_id,
        record.name,
        record.birth_date,
        record.nationality,
        record.document_number,
        record.gender,
    )


# -- calibration (the fit itself is liaison.screening.calibration's) ------------------------------


def candidate_pairs(index: ScreeningIndex, records: list[Record]) -> list[tuple[str, int, tuple[Any, ...]]]:
    """Every pair the screen scores, with any weights (only the verdicts are used).

    The same candidates as `screen` (namesakes born more than a year away are left out
    before scoring), so the weights are fitted on the pairs they will score, not on thousands
    of far-off namesakes the screen never sees."""
    pairs = []
    for record in records:
        query = prepare(screen_record(record))
        for hit in index.score(query, index.name_matches(query), threshold=0.0, limit=50):
            pairs.append((record.record_id, hit.subject_id, hit.features))
    return pairs


# -- quality --------------------------------------------------------------------------------------


def quality(predicted: set[tuple[str, int]], truth: set[tuple[str, int]]) -> dict[str, float]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def recall_by(
    records: list[Record],
    predicted: set[tuple[str, int]],
    truth: set[tuple[str, int]],
    key: Callable[[Record], list[str]],
) -> dict[str, tuple[float, int]]:
    by_id = {r.record_id: r for r in records}
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for pair in truth:
        record = by_id.get(pair[0])
        if record is None:
            continue
        for group in key(record):
            total[group] += 1
            found[group] += pair in predicted
    return {group: (found[group] / total[group], total[group]) for group in sorted(total)}


# -- speed ----------------------------------------------------------------------------------------

_SHARED: ScreeningIndex | None = None


def _screen_many(records: list[ScreenRecord]) -> int:
    assert _SHARED is not None
    for record in records:
        _SHARED.screen(record)
    return len(records)


def latency(index: ScreeningIndex, records: list[Record]) -> dict[str, float]:
    times = []
    for record in records:
        started = time.perf_counter()
        index.screen(screen_record(record))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * len(times))],
        "p99_ms": times[int(0.99 * len(times))],
        "single_core_per_s": len(times) / (sum(times) / 1000),
    }


def parallel_throughput(index: ScreeningIndex, records: list[Record], processes: int) -> float:
    global _SHARED
    _SHARED = index
    parts = [[screen_record(r) for r in records[i::processes]] for i in range(processes)]
    gc.freeze()  # keep the collector from touching (and so copying) the forked index's pages
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_screen_many, [part[:200] for part in parts], chunksize=1)  # warm up each worker
        started = time.perf_counter()
        done = sum(pool.map(_screen_many, parts, chunksize=1))
        seconds = time.perf_counter() - started
    gc.unfreeze()
    _SHARED = None
    return done / seconds


def records_table(records: list[Record]) -> Any:
    """The records as the batch file a border post sends: `batch.COLUMNS`, nothing of the truth."""
    import pyarrow as pa

    return pa.table(
        {
            "record_id": [r.record_id for r in records],
            "name": [r.name for r in records],
            "birth_date": [r.birth_date for r in records],
            "nationality": [r.nationality for r in records],
            "document_number": [r.document_number for r in records],
            "gender": [r.gender for r in records],
        }
    )


def batch_throughput(
    index: ScreeningIndex, subjects: list[Subject], count: int, workers: int
) -> dict[str, float]:
    import pyarrow.parquet as pq

    records = make_records(subjects, count, seed=99, match_share=0.02)
    table = records_table(records)
    distinct = len({r.name for r in records})
    del records
    gc.collect()
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "records.parquet", Path(folder) / "hits.csv"
        pq.write_table(table, source)
        report = batch.screen_file(source, out, index, workers=workers)
    return {
        "records": report.rows,
        "seconds": report.seconds,
        "per_s": report.rows_per_second,
        "hits": report.hits,
        "distinct_names": distinct,
    }


# -- reference systems ----------------------------------------------------------------------------


def splink_row(
    uid: str, name: str, birth: str | None, nationality: str | None, gender: str | None
) -> dict[str, object]:
    """A person as a competent Splink user prepares them: the name folded to ASCII (anyascii,
    then lower-cased without marks), its words, the first and the last word, the words sorted and
    joined (the same name in another order), the full birth date or none, the birth year."""
    folded = folded_latin(name)
    tokens = folded.split() or [""]
    return {
        "unique_id": uid,
        "full_name": folded,
        "name_tokens": tokens,
        "first_token": tokens[0],
        "last_token": tokens[-1],
        "name_sorted": " ".join(sorted(tokens)),
        "dob": birth if birth and len(birth) == 10 else None,
        "dob_year": (birth or "")[:4] or None,
        "nationality": nationality,
        "gender": gender,
    }


def splink_run(subjects: list[Subject], test: list[Record], truth: set[tuple[str, int]]) -> dict[str, float]:
    """Splink 5 on DuckDB: names folded to ASCII (anyascii), link-only, EM-trained, best-F1 threshold."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    row = splink_row
    left = pd.DataFrame(
        [
            row(f"s{s.id}_{k}", n, s.birth_date, s.nationality, s.gender)
            for s in subjects
            for k, n in enumerate(s.names)
        ]
    )
    right = pd.DataFrame([row(r.record_id, r.name, r.birth_date, r.nationality, r.gender) for r in test])
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_token", "dob_year"),
            block_on("last_token", "dob_year"),
            block_on("dob"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88, 0.8]),
            cl.JaroWinklerAtThresholds("first_token", [0.92, 0.8]),
            cl.ExactMatch("dob"),
            cl.ExactMatch("dob_year"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("gender"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(
        [db_api.register(left, table_name="subjects"), db_api.register(right, table_name="records")], settings
    )
    linker.training.estimate_probability_two_random_records_match([block_on("full_name", "dob")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("last_token", "dob_year"))
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    scores: dict[tuple[str, int], float] = {}
    for left_id, right_id, probability in zip(
        predictions["unique_id_l"], predictions["unique_id_r"], predictions["match_probability"], strict=True
    ):
        subject_side, record_side = (
            (left_id, right_id) if str(left_id).startswith("s") else (right_id, left_id)
        )
        pair = (str(record_side), int(str(subject_side)[1:].split("_")[0]))
        scores[pair] = max(scores.get(pair, 0.0), float(probability))
    best = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "threshold": 0.5}
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999):
        result = quality({p for p, s in scores.items() if s >= threshold}, truth)
        if result["f1"] > best["f1"]:
            best = {**result, "threshold": threshold}
    return {**best, "per_s": len(test) / seconds, "seconds": seconds}


def rapidfuzz_run(
    subjects: list[Subject], sample: list[Record], truth: set[tuple[str, int]]
) -> dict[str, float]:
    """Brute force: token-sort ratio of ASCII-folded names against every subject name, then the birth year."""
    from rapidfuzz import fuzz, process

    names, owners, years = [], [], []
    for subject in subjects:
        for name in subject.names:
            names.append(folded_latin(name))
            owners.append(subject.id)
            years.append(int(subject.birth_date[:4]) if subject.birth_date else None)
    predicted = set()
    started = time.perf_counter()
    for record in sample:
        year = int(record.birth_date[:4]) if record.birth_date else None
        for _, _, position in process.extract(
            folded_latin(record.name), names, scorer=fuzz.token_sort_ratio, score_cutoff=88, limit=50
        ):
            known = years[position]
            if year is None or known is None or abs(known - year) <= 1:
                predicted.add((record.record_id, owners[position]))
    seconds = time.perf_counter() - started
    sample_ids = {r.record_id for r in sample}
    return {
        **quality(predicted, {p for p in truth if p[0] in sample_ids}),
        "per_s": len(sample) / seconds,
        "sample": len(sample),
    }


# -- report ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument(
        "--records", type=int, default=20_000, help="labelled records (half to fit, half to test)"
    )
    parser.add_argument("--batch-records", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--splink", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--show-misses", type=int, default=0, help="print this many missed true pairs")
    parser.add_argument(
        "--save-weights", action="store_true", help="write the fitted weights for the product"
    )
    parser.add_argument("--quick", action="store_true", help="print only; do not touch docs/benchmarks.md")
    parser.add_argument(
        "--eval-cases", type=int, default=300, help="records per labelled set of other sources"
    )
    parser.add_argument(
        "--prior-strength", type=float, default=3.0, help="ridge pull of the fit towards the hand-set weights"
    )
    args = parser.parse_args()
    random.seed(1)
    log = lambda text: print(text, flush=True)  # noqa: E731

    log(f"generating {args.subjects:,} subjects and {args.records:,} labelled records")
    subjects = make_subjects(args.subjects)
    records = make_records(subjects, args.records)
    truth = true_pairs(records, subjects)
    train, test = records[: len(records) // 2], records[len(records) // 2 :]
    train_ids = {r.record_id for r in train}
    train_truth = {p for p in truth if p[0] in train_ids}
    test_truth = truth - train_truth

    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = ScreeningIndex(Weights())
    index.add_many(entry(s) for s in subjects)
    build_seconds = time.perf_counter() - started
    gc.collect()
    memory = rss_mb() - before
    stats = index.stats()
    log(f"index: {stats} in {build_seconds:.1f} s, {memory:.0f} MB")

    log(f"labelled sets from other sources ({args.eval_cases} records each; screening_eval.py)")
    sets = screening_eval.build(subjects, args.eval_cases)
    index.add_many(sets.extra)
    fit_cases = [
        (name, case) for name, cases in sets.cases.items() for case in screening_eval.split(cases)[0]
    ]
    index.weights = load_weights()
    before_rows, before_mean = screening_eval.report(index, sets)
    log(f"shipped weights on the held-out halves: mean F1 {before_mean:.3f}")

    log("fitting weights on the training half and the fit halves of the other sets")
    pairs = candidate_pairs(index, train)
    sources = ["generator"] * len(pairs)  # the training half is the generator's, as its set is
    fit_truth = set(train_truth)
    positives = Counter({"generator": len(train_truth)})
    for name, case in fit_cases:
        for hit in index.score(prepare(case.record), index.name_matches(prepare(case.record)), 0.0, 50):
            pairs.append((case.record.record_id, hit.subject_id, hit.features))
            sources.append(name)
        fit_truth |= {(case.record.record_id, s) for s in case.truth}
        positives[name] += len(case.truth)
    # pulled towards the hand-set weights, and every source weighing the same, so that no one
    # source drives a weight to an extreme
    fitted = calibration.fit(
        [(features, (r, s) in fit_truth) for r, s, features in pairs],
        Weights(),
        strength=args.prior_strength,
        free_intercept=True,
        positives=len(fit_truth),
        sources=sources,
        positives_by_source=dict(positives),
    )
    threshold = fitted.threshold
    index.weights = fitted
    log(f"threshold {threshold}; weights {fitted}")
    if args.save_weights:
        save_weights(
            fitted,
            WEIGHTS_FILE,
            fitted_on=f"bench/screening.py, {len(train)} labelled records, {args.subjects} subjects",
        )

    log("screening the test half")
    predicted: set[tuple[str, int]] = set()
    test_scored: list[tuple[float, bool]] = []
    bands: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for record in test:
        for hit in index.screen(screen_record(record), threshold=0.0, limit=50):
            pair = (record.record_id, hit.subject_id)
            band = min(0.9, int(hit.score * 10) / 10)
            bands[band][0] += 1
            bands[band][1] += pair in test_truth
            test_scored.append((hit.score, pair in test_truth))
            if hit.score >= threshold:
                predicted.add(pair)
    ours = quality(predicted, test_truth)
    curve_recall = recall_at_precision(test_scored, len(test_truth))
    by_script = recall_by(test, predicted, test_truth, lambda r: [r.record_script])
    by_culture = recall_by(test, predicted, test_truth, lambda r: [r.culture])
    by_tag = recall_by(test, predicted, test_truth, lambda r: r.tags or ["as_stored"])
    log(f"ours: {ours}; recall at precision >= 0.95 on the test curve {curve_recall:.3f}")
    by_id, subject_by_id = {r.record_id: r for r in test}, {s.id: s for s in subjects}
    for record_id, subject_id in sorted(test_truth - predicted)[: args.show_misses]:
        record, subject = by_id[record_id], subject_by_id[subject_id]
        hits = index.screen(screen_record(record), threshold=0.0)
        found = [f"{h.score:.2f} {h.explanation[:150]}" for h in hits if h.subject_id == subject_id]
        log(
            f"  missed {record.name!r} {record.birth_date} {record.tags} -> "
            f"{subject.names[:2]} {subject.birth_date}: "
            f"{found or 'not a candidate'}"
        )

    after_rows, after_mean = screening_eval.report(index, sets)
    log(f"fitted weights on the held-out halves: mean F1 {after_mean:.3f}")
    log("\n".join(after_rows))

    log("latency and throughput")
    timing_records = test[:5000]
    times = latency(index, timing_records)
    per_second = parallel_throughput(index, timing_records, args.workers)
    log(f"latency {times}, {per_second:.0f}/s on {args.workers} processes")

    log("reference: RapidFuzz brute force on a sample")
    brute = rapidfuzz_run(subjects, test[:200], test_truth)
    log(f"rapidfuzz: {brute}")
    splink: dict[str, float] | None = None
    if args.splink:
        log("reference: Splink (DuckDB)")
        try:
            splink = splink_run(subjects, test, test_truth)
            log(f"splink: {splink}")
        except Exception as error:  # a reference system failing must not hide our numbers
            log(f"splink failed: {type(error).__name__}: {error}")

    log(f"batch: {args.batch_records:,} records")
    batched = batch_throughput(index, subjects, args.batch_records, args.workers)
    log(f"batch: {batched}")

    lines = [
        "## Screening",
        "",
        f"`bench/screening.py` (`make bench`), {os.cpu_count()} cores, "
        f"{stats['subjects']:,} subjects with {stats['names']:,} names, {len(test):,} labelled test records "
        f"({len(test_truth):,} true pairs; weights and threshold fitted on another {len(train):,}). "
        f"Threshold {threshold}.",
        "",
        "| system | precision | recall | F1 | records/s |",
        "|---|---|---|---|---|",
        f"| Liaison (real-time index, 1 process) | {ours['precision']:.3f} | {ours['recall']:.3f} | "
        f"{ours['f1']:.3f} | "
        f"{times['single_core_per_s']:,.0f} |",
        f"| Liaison, best threshold on the test half's precision–recall curve with precision ≥ 0.95 "
        f"| ≥ 0.950 | {curve_recall:.3f} | | |",
        f"| Liaison batch (DuckDB, {args.workers} processes, {batched['records']:,} records) "
        "| same scoring | | | "
        f"{batched['per_s']:,.0f} |",
    ]
    if splink:
        lines.append(
            f"| Splink 5 (DuckDB, EM-trained, best threshold {splink['threshold']}) | "
            f"{splink['precision']:.3f} | "
            f"{splink['recall']:.3f} | {splink['f1']:.3f} | {splink['per_s']:,.0f} (prediction only) |"
        )
    else:
        lines.append("| Splink 5 (DuckDB) | failed in this run | | | |")
    lines += [
        f"| RapidFuzz brute force (token-sort ratio ≥ 88 + birth year, {brute['sample']} sampled records, "
        f"extrapolated) | {brute['precision']:.3f} | {brute['recall']:.3f} | {brute['f1']:.3f} | "
        f"{brute['per_s']:,.1f} |",
        "",
        "| real time | value | target |",
        "|---|---|---|",
        f"| single record p50 / p95 / p99 | {times['p50_ms']:.2f} / {times['p95_ms']:.2f} / "
        f"{times['p99_ms']:.2f} ms | "
        "p99 ≤ 10 ms |",
        f"| screens per second, {args.workers} processes | {per_second:,.0f} | ≥ 500 |",
        f"| index build at start-up | {build_seconds:.1f} s | |",
        f"| index memory (process RSS growth) | {memory:,.0f} MB | ≤ 1 GB |",
        f"| batch of {batched['records']:,} records ({batched['distinct_names']:,} distinct names) | "
        f"{batched['seconds']:.1f} s, {batched['hits']:,} hits | ≤ 60 s for 1,000,000 |",
        "",
        "Recall by the script the record was written in, and by the tradition of the name:",
        "",
        "| script | recall | true pairs |",
        "|---|---|---|",
        *[f"| {k} | {v[0]:.3f} | {v[1]} |" for k, v in by_script.items()],
        "",
        "| tradition | recall | true pairs |",
        "|---|---|---|",
        *[f"| {k} | {v[0]:.3f} | {v[1]} |" for k, v in by_culture.items()],
        "",
        "| variation in the record | recall | true pairs |",
        "|---|---|---|",
        *[f"| {k} | {v[0]:.3f} | {v[1]} |" for k, v in by_tag.items()],
        "",
        "F1 on the held-out halves of the labelled sets (`bench/screening_eval.py` says where each "
        f"comes from), with the weights fitted in this run (mean over sets {after_mean:.3f}):",
        "",
        *after_rows,
        "",
        f"The same sets with the weights shipped before this run (mean over sets {before_mean:.3f}):",
        "",
        *before_rows,
        "",
        "Calibration on the test half (all candidate pairs, by score band):",
        "",
        "| score band | pairs | share that were true |",
        "|---|---|---|",
        *[f"| {b:.1f}–{b + 0.1:.1f} | {n} | {t / n:.2f} |" for b, (n, t) in sorted(bands.items()) if n],
        "",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    if not args.quick:
        write_section("## Screening", markdown)


if __name__ == "__main__":
    main()
