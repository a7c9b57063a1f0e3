"""Fitting the scoring weights: from a labelled benchmark, and from this installation's reviewers.

One fit serves both. `bench/screening.py` fits the shipped `weights.json` on the generator's
records and the other sources' labelled sets; `liaison screening calibrate` refits them from the
hits this installation's reviewers confirmed (a match) and dismissed (not a match). The fit is a
logistic regression over the verdicts of each pair's features (`feature_vector`), by iteratively
reweighted least squares, with a ridge penalty that pulls every weight towards a prior
(`prior_vector`): the hand-set `Weights()` for the benchmark, the weights in use for a
calibration. The prior keeps the weights from the extremes that one source pulls them to, one
generator or one installation's reviewers alike; in the benchmark every source also weighs the
same (`source_balance`), and the threshold is the best mean F1 over the sources on the fit's own
pairs (`balanced_threshold`). A calibration keeps the threshold in use, since reviewers decide
only pairs that alerted, and those cannot say where the pairs that did not should start to.

A calibration (`calibrate`):

1. reads the decided hits (`decisions`): the traveller record as stored and the subject as it is
   now, for subjects the reader may read through the record-access gate (the others are counted
   as excluded, never read); the same record and subject decided twice count once, as last
   decided;
2. scores each pair again with the live index's candidates (`labelled`), so the features are
   those screening computes today, not the explanation stored with the hit;
3. holds back a part of the decisions (seeded, stratified: the same share of each class);
4. fits on the rest, from the weights in use as the prior;
5. reports precision, recall and F1 before and after on the held-back part and on the
   project's own multi-source evaluation (`evaluation.json`, frozen from
   `bench/screening_eval.py --freeze`: the generator, pypinyin's romanisations, the `nicknames`
   package, ICU's script transforms and the ten kinds of issue 11);
6. refuses the fit when recall on that evaluation (all its true pairs) falls by more than the
   floor (`refusals`): reviewers who dismiss true matches must not teach the engine to miss them.
   A single source falling by more is said (`warnings`) but does not refuse: its few dozen true
   pairs move by more than a floor of 0.02 with one pair.

`apply` writes an accepted fit to the installation's weights file (`LIAISON_SCREENING_WEIGHTS`,
see docs/operations.md), which the live index loads when it is built (`scoring.installed_weights`);
the packaged `weights.json` is never touched.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core.security import gate
from liaison.core.security.gate import Reader
from liaison.screening.engine import ScreeningIndex, ScreenRecord, SubjectEntry, prepare
from liaison.screening.models import Hit as StoredHit
from liaison.screening.models import ScreenedRecord
from liaison.screening.scoring import (
    NAME_BANDS,
    Feature,
    Weights,
    bounded_score,
    name_band,
    save_weights,
)

RIVALS = ("none", "one", "few", "many")
NAMESAKES = ("unique", "rare", "common", "very_common")
DATE_VERDICTS = (
    "exact",
    "same_month",
    "same_year",
    "in_range",
    "day_month_swapped",
    "day_off",
    "month_off",
    "one_year_off",
    "years_off",
    "near_year",
    "same_year_other_day",
    "near_year_other_day",
    "conflict",
    "subject_undated",
)
MIN_DECISIONS = 50  # fewer decided hits say too little to move a weight
MIN_PER_CLASS = 5  # ... and each of confirmed and dismissed needs some in both parts
PRIOR_STRENGTH = 3.0  # the ridge pull towards the weights in use
EVALUATION_FILE = Path(__file__).resolve().parent / "evaluation.json"


# -- the fit --------------------------------------------------------------------------------------


def feature_vector(features: Sequence[Feature]) -> list[float]:
    """A pair's verdicts as indicators: intercept, name bands, namesakes, rivals, date, the rest."""
    by = {f.feature: f for f in features}
    band = name_band(float(by["name"].verdict))
    vector = [1.0] + [1.0 if band == b else 0.0 for b in NAME_BANDS[:-1]]
    vector += [1.0 if by["namesakes"].verdict == v else 0.0 for v in NAMESAKES[1:]]
    vector += [1.0 if by["rivals"].verdict == v else 0.0 for v in RIVALS[1:]]
    vector += [1.0 if by["birth_date"].verdict == v else 0.0 for v in DATE_VERDICTS]
    for feature in ("nationality", "document_number", "gender"):
        vector += [
            1.0 if by[feature].verdict == "same" else 0.0,
            1.0 if by[feature].verdict == "different" else 0.0,
        ]
    return vector


def prior_vector(weights: Weights | None = None) -> np.ndarray:
    """`weights` (default: the hand-set `Weights()`) in the layout of `feature_vector`: the mean the
    fit is pulled towards. Each table is taken relative to its base verdict (the lowest name band,
    `unique`, `none`), whose weight the intercept carries."""
    d = weights or Weights()
    base = d.name[NAME_BANDS[-1]] + d.namesakes[NAMESAKES[0]] + d.rivals[RIVALS[0]]
    vector = [d.prior + base, *(d.name[b] - d.name[NAME_BANDS[-1]] for b in NAME_BANDS[:-1])]
    vector += [d.namesakes[v] - d.namesakes[NAMESAKES[0]] for v in NAMESAKES[1:]]
    vector += [d.rivals[v] - d.rivals[RIVALS[0]] for v in RIVALS[1:]]
    vector += [d.date[v] for v in DATE_VERDICTS]
    vector += [d.nationality_same, d.nationality_other, d.document_same, d.document_other]
    vector += [d.gender_same, d.gender_other]
    return np.array(vector)


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    rounds: int = 30,
    mean: np.ndarray | None = None,
    free_intercept: bool = True,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Logistic regression by iteratively reweighted least squares, with a ridge penalty that
    pulls the weights towards `mean` (zero without one). The intercept is free unless
    `free_intercept` is false: reviewers decide only the pairs that alerted, so their share of
    dismissals says nothing of the pairs that did not, and must not move the prior alone.
    `sample_weight` weighs each pair's likelihood (1 each without it)."""
    centre = np.zeros(x.shape[1]) if mean is None else mean
    s = np.ones(len(y)) if sample_weight is None else sample_weight
    w = centre.copy()
    penalty = l2 * np.eye(x.shape[1])
    if free_intercept:
        penalty[0, 0] = 0.0

    def objective(v: np.ndarray) -> float:  # the penalised log-likelihood
        z = np.clip(x @ v, -30, 30)
        return float((s * y) @ z - s @ np.logaddexp(0, z) - 0.5 * (v - centre) @ penalty @ (v - centre))

    for _ in range(rounds):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (s * (y - p)) - penalty @ (w - centre)
        hessian = (x * (s * p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        # Newton's step, halved until it improves: on pairs one verdict separates (every hit of
        # one kind confirmed), pairs scored near 0 or 1 weigh nothing and the full step overshoots
        # back and forth without end
        here = objective(w)
        for _ in range(30):
            if objective(w + step) >= here:
                break
            step = step / 2
        w = w + step
        if np.abs(step).max() < 1e-6:
            break
    return w


def weights_from(coefficients: np.ndarray, threshold: float = 0.5, base: Weights | None = None) -> Weights:
    """Coefficients in the layout of `feature_vector` as `Weights`; the bounds (`soft_limit`,
    `ambiguity_scale`) are not fitted and come from `base`."""
    c = [round(float(v), 3) for v in coefficients]
    bands = len(NAME_BANDS) - 1
    names = {**dict(zip(NAME_BANDS[:-1], c[1 : 1 + bands], strict=True)), NAME_BANDS[-1]: 0.0}
    namesakes = dict(zip(NAMESAKES, [0.0, *c[1 + bands : 1 + bands + 3]], strict=True))
    rivals = dict(zip(RIVALS, [0.0, *c[1 + bands + 3 : 1 + bands + 6]], strict=True))
    rest = c[1 + bands + 6 :]
    dates = len(DATE_VERDICTS)
    bounds = base or Weights()
    return Weights(
        rivals=rivals,
        prior=c[0],
        name=names,
        namesakes=namesakes,
        date=dict(zip(DATE_VERDICTS, rest[:dates], strict=True)),
        nationality_same=rest[dates],
        nationality_other=rest[dates + 1],
        document_same=rest[dates + 2],
        document_other=rest[dates + 3],
        gender_same=rest[dates + 4],
        gender_other=rest[dates + 5],
        threshold=threshold,
        soft_limit=bounds.soft_limit,
        ambiguity_scale=bounds.ambiguity_scale,
    )


def precision_recall_curve(
    scored: list[tuple[float, bool]], positives: int
) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) for each score, highest first."""
    curve: list[tuple[float, float, float]] = []
    tp = fp = 0
    for score, label in sorted(scored, reverse=True):
        tp += label
        fp += not label
        curve.append((score, tp / (tp + fp), tp / positives if positives else 0.0))
    return curve


def choose_threshold(scored: list[tuple[float, bool]], positives: int, floor: float | None = 0.95) -> float:
    """The lowest threshold keeping precision at or above `floor` (else, or without a floor, the
    best-F1 threshold). The fit over several sources uses the best F1: one source's precision
    floor would silence the others."""
    best_f1, best_f1_at, best_recall_at = 0.0, 0.5, None
    for score, precision, recall in precision_recall_curve(scored, positives):
        f1 = 2 * precision * recall / (precision + recall) if recall else 0.0
        if f1 > best_f1:
            best_f1, best_f1_at = f1, score
        if floor is not None and precision >= floor:
            best_recall_at = score
    return round(best_recall_at if best_recall_at is not None else best_f1_at, 4)


def balanced_threshold(
    scored: Sequence[tuple[float, bool]], sources: Sequence[str], positives: dict[str, int]
) -> float:
    """The threshold of the best mean F1 over the sources, each source's F1 on its own pairs: a
    pooled F1 is the largest source's, and one generator's best threshold silenced a source of
    nicknames whole (its recall 0.000 at the pooled threshold, 1.000 at the shipped one)."""
    tp, fp = Counter[str](), Counter[str]()
    f1 = {source: 0.0 for source, count in positives.items() if count}  # a source of no true pair has none
    best, best_at = -1.0, 0.5
    ranked = sorted(zip(scored, sources, strict=True), key=lambda item: item[0][0], reverse=True)
    for (score, label), source in ranked:
        if source not in f1:
            continue
        tp[source] += label
        fp[source] += not label
        f1[source] = quality(tp[source], tp[source] + fp[source], positives[source])["f1"]
        mean = sum(f1.values()) / len(f1)
        if mean > best:
            best, best_at = mean, score
    return round(best_at, 4)


def source_balance(sources: Sequence[str]) -> np.ndarray:
    """Sample weights that give every source the same total weight (a mean of 1 a pair, so the
    ridge pull keeps its strength): the generator's thousands of pairs must not outvote a set of
    a hundred on the verdicts that only that set shows."""
    counts = Counter(sources)
    raw = np.array([1.0 / counts[source] for source in sources])
    return raw * len(sources) / raw.sum()


def recall_at_precision(scored: list[tuple[float, bool]], positives: int, floor: float = 0.95) -> float:
    """The highest recall of any threshold whose precision is at least `floor` (a point of the curve)."""
    return max((r for _, p, r in precision_recall_curve(scored, positives) if p >= floor), default=0.0)


def reweigh(features: Iterable[Feature], weights: Weights) -> tuple[Feature, ...]:
    """A pair's features with the weights of `weights` for the same verdicts."""
    same_other = {
        "nationality": (weights.nationality_same, weights.nationality_other),
        "document_number": (weights.document_same, weights.document_other),
        "gender": (weights.gender_same, weights.gender_other),
    }
    out = []
    for f in features:
        if f.feature == "name":
            weight = weights.name[name_band(float(f.verdict))]
        elif f.feature == "namesakes":
            weight = weights.namesakes[f.verdict]
        elif f.feature == "rivals":
            weight = weights.rivals[f.verdict]
        elif f.feature == "birth_date":
            weight = weights.date.get(f.verdict, 0.0)  # `unknown` counts nothing
        elif f.feature in same_other:
            same, other = same_other[f.feature]
            weight = same if f.verdict == "same" else other if f.verdict == "different" else 0.0
        else:
            weight = f.weight
        out.append(Feature(f.feature, f.verdict, weight, f.detail))
    return tuple(out)


def score_with(features: Iterable[Feature], weights: Weights) -> float:
    """The score a pair with these verdicts has under `weights` (bounds and ambiguity included)."""
    return bounded_score(reweigh(features, weights), weights)[0]


def fit(
    labelled: Sequence[tuple[Sequence[Feature], bool]],
    prior: Weights,
    strength: float = PRIOR_STRENGTH,
    free_intercept: bool = True,
    positives: int | None = None,
    threshold: float | None = None,
    sources: Sequence[str] | None = None,
    positives_by_source: dict[str, int] | None = None,
) -> Weights:
    """Weights fitted on labelled pairs, pulled towards `prior`, at `threshold`, or without one at
    the best-F1 threshold on the same pairs (`positives`: the true pairs, candidates or not, for
    the recall; default those labelled). Pairs of several `sources` (one name a pair) weigh the
    same in total per source, and the threshold is the best mean F1 over them
    (`positives_by_source`: each source's true pairs, needed with `sources`). Scores depend on
    the threshold (ambiguity and soft disagreements are bounded by it), so it is chosen twice."""
    x = np.array([feature_vector(f) for f, _ in labelled])
    y = np.array([1.0 if label else 0.0 for _, label in labelled])
    balance = None if sources is None else source_balance(sources)
    coefficients = fit_logistic(x, y, l2=strength, mean=prior_vector(prior), free_intercept=free_intercept,
                                sample_weight=balance)  # fmt: skip
    if threshold is not None:
        return weights_from(coefficients, threshold, prior)
    true_pairs = int(y.sum()) if positives is None else positives
    threshold = prior.threshold
    for _ in range(2):
        weights = weights_from(coefficients, threshold, prior)
        scored = [(score_with(f, weights), label) for f, label in labelled]
        if sources is None or positives_by_source is None:
            threshold = choose_threshold(scored, true_pairs, floor=None)
        else:
            threshold = balanced_threshold(scored, sources, positives_by_source)
    return weights_from(coefficients, threshold, prior)


# -- figures --------------------------------------------------------------------------------------


def quality(found: int, predicted: int, positives: int) -> dict[str, float]:
    precision = found / predicted if predicted else 1.0
    recall = found / positives if positives else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "positives": positives}


def evaluate(
    index: ScreeningIndex, cases: Iterable[Any], group: Callable[[Any], str] = lambda c: c.kind
) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 over the (record, subject) pairs at the index's threshold, overall
    (`all`) and by `group`; each case has a `record` and the subject ids it must alert on (`truth`)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    threshold = index.weights.threshold
    for case in cases:
        hits = {h.subject_id for h in index.screen(case.record, threshold=threshold, limit=50)}
        for key in ("all", group(case)):
            counts[key][0] += len(hits & case.truth)
            counts[key][1] += len(hits)
            counts[key][2] += len(case.truth)
    return {key: quality(*value) for key, value in sorted(counts.items())}


# -- the project's evaluation, as shipped ---------------------------------------------------------


@dataclass(frozen=True)
class EvaluationCase:
    source: str
    kind: str
    record: ScreenRecord
    truth: frozenset[int]


@dataclass(frozen=True)
class Evaluation:
    """Labelled sets from several sources and the subjects they screen against."""

    subjects: tuple[SubjectEntry, ...]
    cases: tuple[EvaluationCase, ...]
    built_by: str = ""


def save_evaluation(evaluation: Evaluation, path: Path = EVALUATION_FILE) -> None:
    """One subject or case per line, so a rebuild reads as a diff."""
    lines = [json.dumps({"built_by": evaluation.built_by}, ensure_ascii=False)]
    for s in evaluation.subjects:
        lines.append(
            json.dumps(
                ["subject", s.id, s.names, s.birth_dates, s.nationalities, s.documents, s.gender],
                ensure_ascii=False,
            )
        )
    for c in evaluation.cases:
        r = c.record
        record = [r.record_id, r.name, r.birth_date, r.nationality, r.document_number, r.gender]
        lines.append(json.dumps(["case", c.source, c.kind, record, sorted(c.truth)], ensure_ascii=False))
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n")


@lru_cache(maxsize=2)
def load_evaluation(path: Path = EVALUATION_FILE) -> Evaluation:
    rows = json.loads(path.read_text())
    subjects, cases = [], []
    for row in rows[1:]:
        if row[0] == "subject":
            _, id_, names, born, nationalities, documents, gender = row
            subjects.append(
                SubjectEntry(id_, tuple(names), tuple(born), tuple(nationalities), tuple(documents), gender)
            )
        else:
            _, source, kind, record, truth = row
            cases.append(EvaluationCase(source, kind, ScreenRecord(*record), frozenset(truth)))
    return Evaluation(tuple(subjects), tuple(cases), rows[0].get("built_by", ""))


@lru_cache(maxsize=2)
def _evaluation_index(path: Path) -> ScreeningIndex:
    index = ScreeningIndex()
    index.add_many(load_evaluation(path).subjects)
    return index


def evaluate_sources(weights: Weights, path: Path = EVALUATION_FILE) -> dict[str, dict[str, float]]:
    """The figures of `weights` on the shipped evaluation: overall (`all`) and per source."""
    index = _evaluation_index(path)
    index.weights = weights  # one index, built once, scored with each set of weights in turn
    return evaluate(index, load_evaluation(path).cases, group=lambda c: c.source)


# -- the reviewers' decisions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    hit_id: int
    record: ScreenRecord
    subject_id: int
    confirmed: bool


def decisions(session: Session, reader: Reader) -> tuple[list[Decision], Counter[str]]:
    """The decided hits, as last decided per (record, subject), on subjects `reader` may read;
    and how many were left out, by reason (no particular of a left-out subject is read)."""
    from liaison.subjects.models import Subject

    rows = session.execute(
        select(StoredHit.id, StoredHit.subject_id, StoredHit.status, ScreenedRecord)
        .join(ScreenedRecord, StoredHit.screened_record_id == ScreenedRecord.id)
        .where(StoredHit.status.in_(("confirmed", "dismissed")))
        .order_by(StoredHit.decided_at, StoredHit.id)
    ).all()
    excluded: Counter[str] = Counter()
    cards = {
        id_: (code, unit)
        for id_, code, unit in session.execute(
            select(Subject.id, Subject.handling_code, Subject.owning_unit).where(
                Subject.id.in_({row[1] for row in rows})
            )
        )
    }
    latest: dict[tuple[str, int], Decision] = {}
    for hit_id, subject_id, status, stored in rows:
        code, unit = cards[subject_id]
        if not gate.may_read(reader, _Card(code, unit or "")):
            excluded["subject not readable by you"] += 1
            continue
        record = ScreenRecord(
            stored.record_id or f"hit{hit_id}",
            stored.name,
            stored.birth_date or None,
            stored.nationality or None,
            stored.document_number or None,
            stored.gender or None,
        )
        key = (stored.fingerprint, subject_id)
        if key in latest:
            excluded["decided again later"] += 1
        latest[key] = Decision(hit_id, record, subject_id, status == "confirmed")
    return list(latest.values()), excluded


@dataclass(frozen=True)
class _Card:
    handling_code: str
    owning_unit: str


def decision_index(session: Session, subject_ids: Iterable[int]) -> ScreeningIndex:
    """The live index (every subject still sought, with the weights in use), plus the decided
    subjects no longer sought: their pairs are scored among the same namesakes as screening's."""
    from liaison.screening import live
    from liaison.subjects.models import Subject

    index = live.index_of_session(session)
    missing = [i for i in set(subject_ids) if i not in index]
    query = select(Subject).where(Subject.id.in_(missing))
    query = query.options(
        selectinload(Subject.names),
        selectinload(Subject.birth_dates),
        selectinload(Subject.nationalities),
        selectinload(Subject.documents),
    )
    for subject in session.scalars(query):
        index.upsert(live.entry_of(subject))
    return index


def labelled(
    index: ScreeningIndex, found: Sequence[Decision]
) -> tuple[list[tuple[Decision, tuple[Feature, ...]]], Counter[str]]:
    """Each decision with its pair's features as screening computes them now; a pair that is no
    longer a candidate (the subject's names changed) is left out and counted."""
    out, excluded = [], Counter[str]()
    for decision in found:
        query = prepare(decision.record)
        hits = index.score(query, index.name_matches(query), threshold=0.0, limit=200)
        match = next((h for h in hits if h.subject_id == decision.subject_id), None)
        if match is None:
            excluded["no longer a candidate"] += 1
            continue
        out.append((decision, match.features))
    return out, excluded


def held_back(items: Sequence[tuple[Decision, Any]], share: float, seed: int) -> tuple[list[Any], list[Any]]:
    """(fit, held back): `share` of each class held back, chosen by a seeded shuffle."""
    fit_part: list[Any] = []
    held: list[Any] = []
    for label in (True, False):
        of_class = sorted((i for i in items if i[0].confirmed is label), key=lambda i: i[0].hit_id)
        random.Random(f"{seed}-{label}").shuffle(of_class)
        count = min(len(of_class) - 1, max(1, round(share * len(of_class))))
        held += of_class[:count]
        fit_part += of_class[count:]
    return fit_part, held


def _figures(pairs: Sequence[tuple[Decision, tuple[Feature, ...]]], weights: Weights) -> dict[str, float]:
    alerted = [d.confirmed for d, f in pairs if score_with(f, weights) >= weights.threshold]
    return quality(sum(alerted), len(alerted), sum(d.confirmed for d, _ in pairs))


# -- a calibration --------------------------------------------------------------------------------


class TooFewDecisions(Exception):
    """Not enough decided hits to calibrate on; nothing was fitted."""


@dataclass
class Calibration:
    current: Weights
    fitted: Weights
    confirmed: int
    dismissed: int
    excluded: dict[str, int]
    fit_size: int
    held_size: int
    held_before: dict[str, float]
    held_after: dict[str, float]
    evaluation_before: dict[str, dict[str, float]]
    evaluation_after: dict[str, dict[str, float]]
    recall_floor: float
    holdout: float
    refusals: list[str] = field(default_factory=list)  # why the fit may not be applied
    warnings: list[str] = field(default_factory=list)  # sources whose recall falls, said but not refused

    @property
    def acceptable(self) -> bool:
        return not self.refusals

    def summary(self) -> str:
        """The figures, for the audit trail: counts and rates, never a name."""
        held = (
            f"held back {self.held_size}: F1 {self.held_before['f1']:.3f} → {self.held_after['f1']:.3f}, "
            f"precision {self.held_before['precision']:.3f} → {self.held_after['precision']:.3f}, "
            f"recall {self.held_before['recall']:.3f} → {self.held_after['recall']:.3f}"
        )
        sources = ", ".join(
            f"{source} {self.evaluation_before[source]['recall']:.3f} → {after['recall']:.3f}"
            for source, after in self.evaluation_after.items()
        )
        verdict = "acceptable" if self.acceptable else "refused: " + "; ".join(self.refusals)
        if self.warnings:
            verdict += "; note: " + "; ".join(self.warnings)
        excluded = sum(self.excluded.values())
        return (
            f"{self.confirmed} confirmed, {self.dismissed} dismissed, {excluded} excluded; "
            f"fit on {self.fit_size}; {held}; evaluation recall {sources}; "
            f"threshold {self.current.threshold:g} → {self.fitted.threshold:g}; "
            f"floor {self.recall_floor:g}; {verdict}"
        )


def calibrate(
    session: Session,
    reader: Reader,
    current: Weights,
    holdout: float = 0.3,
    recall_floor: float = 0.02,
    seed: int = 11,
    strength: float = PRIOR_STRENGTH,
    evaluation: Path = EVALUATION_FILE,
) -> Calibration:
    """Refit `current` from the reviewers' decisions `reader` may read; raises `TooFewDecisions`."""
    if not 0.0 < holdout < 1.0:
        raise ValueError("The held-back share is a number between 0 and 1 (exclusive).")
    if not 0.0 <= recall_floor <= 1.0:
        raise ValueError("The recall floor is a number from 0 to 1.")
    found, excluded = decisions(session, reader)
    index = decision_index(session, {d.subject_id for d in found})
    index.weights = current
    pairs, left_out = labelled(index, found)
    excluded += left_out
    confirmed = sum(d.confirmed for d, _ in pairs)
    dismissed = len(pairs) - confirmed
    if len(pairs) < MIN_DECISIONS or min(confirmed, dismissed) < MIN_PER_CLASS:
        left = f" ({sum(excluded.values())} more excluded)" if excluded else ""
        raise TooFewDecisions(
            f"Too few decided hits to calibrate on: {confirmed} confirmed and {dismissed} dismissed{left}; "
            f"it takes at least {MIN_DECISIONS}, with at least {MIN_PER_CLASS} of each. Nothing was changed."
        )
    fit_part, held = held_back(pairs, holdout, seed)
    # the threshold stays: reviewers decide only the pairs that alerted, which cannot say where
    # the pairs that did not alert should start to
    fitted = fit(
        [(features, d.confirmed) for d, features in fit_part],
        current,
        strength,
        free_intercept=False,
        threshold=current.threshold,
    )
    before, after = evaluate_sources(current, evaluation), evaluate_sources(fitted, evaluation)
    refusals, warnings = [], []
    for source, figures in after.items():
        fall = before[source]["recall"] - figures["recall"]
        if fall <= recall_floor + 1e-9:
            continue
        said = (
            f"recall on {'the evaluation' if source == 'all' else source} would fall from "
            f"{before[source]['recall']:.3f} to {figures['recall']:.3f}"
        )
        if source == "all":
            refusals.append(f"{said}, more than the floor of {recall_floor:g}")
        else:  # a set of a few dozen true pairs moves by more than the floor with one pair
            lost = round(fall * figures["positives"])
            warnings.append(f"{said} ({lost} of its {figures['positives']:.0f} true pairs)")
    return Calibration(
        current=current,
        fitted=fitted,
        confirmed=confirmed,
        dismissed=dismissed,
        excluded=dict(excluded),
        fit_size=len(fit_part),
        held_size=len(held),
        held_before=_figures(held, current),
        held_after=_figures(held, fitted),
        evaluation_before=before,
        evaluation_after=after,
        recall_floor=recall_floor,
        holdout=holdout,
        refusals=refusals,
        warnings=warnings,
    )


def apply(calibration: Calibration, path: Path) -> None:
    """Write an acceptable fit to the installation's weights file (whole, or not at all)."""
    if not calibration.acceptable:
        raise ValueError("This fit was refused: " + "; ".join(calibration.refusals))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    save_weights(
        calibration.fitted,
        partial,
        fitted_on=(
            f"liaison screening calibrate: {calibration.confirmed} confirmed and {calibration.dismissed} "
            f"dismissed hits, {calibration.held_size} held back"
        ),
    )
    partial.replace(path)
