"""The stacked NumPy alignment gives what comparing names one pair at a time gives.

`reference_similarity` below is the plain-Python statement of the rule (it was the engine's code
before the alignment was stacked for speed); the engine must agree with it on every candidate of
a list mixing scripts, orders, missing parts and typos.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from liaison.names.variants import Reading
from liaison.screening.alignment import JOINED_FACTOR, PairSimilarities, greedy_alignment
from liaison.screening.engine import NAME_FLOOR, ScreeningIndex, prepare
from liaison.screening.scoring import MATCH_FLOOR, joined_forms, token_similarity
from tests.screening.factories import index_of, record, subject


def reference_align(query: Reading, subject_reading: Reading) -> float:
    pairs = []
    for i, a in enumerate(query):
        for j, b in enumerate(subject_reading):
            score = token_similarity(a, b)
            if score >= MATCH_FLOOR:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_s: set[int] = set()
    numerator = denominator = 0.0
    for score, i, j in pairs:
        if i in used_q or j in used_s:
            continue
        used_q.add(i)
        used_s.add(j)
        weight = max(query[i].weight, subject_reading[j].weight)
        numerator += score * weight
        denominator += weight
    denominator += sum(t.weight for i, t in enumerate(query) if i not in used_q)
    denominator += sum(t.weight for j, t in enumerate(subject_reading) if j not in used_s)
    return numerator / denominator if denominator else 0.0


def reference_similarity(query: tuple[Reading, ...], name: tuple[Reading, ...]) -> float:
    best = max(reference_align(q, s) for s in name for q in query)
    if best < JOINED_FACTOR:
        query_joined = {j for r in query for j in joined_forms(r, rotations=True)}
        name_joined = {j for r in name for j in joined_forms(r, rotations=False)}
        for x in query_joined:
            for y in name_joined:
                best = max(best, JOINED_FACTOR * Levenshtein.normalized_similarity(x, y))
    return best


FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Ngọc"]
GIVENS = ["An", "Bình", "Dũng", "Hùng", "Lan", "Trọng", "Phú", "Tuấn"]
RUSSIAN = ["Колокольцев Владимир Александрович", "Иванов Сергей Петрович", "Смирнова Ольга", "Кузьмин Михаил"]
KAZAKH = ["Сәрсенбаев Ерлан Қайратұлы", "Жұмабекова Айгүл"]
CHINESE = ["王小洪", "王小红", "李明", "张伟", "阮富仲"]
OTHERS = ["Mohammed bin Salman", "Kim Jong Un", "Somchai Wongsawat", "Hun Sen", "John Smith"]


def _names(rng: random.Random, count: int) -> list[str]:
    names = [*RUSSIAN, *KAZAKH, *CHINESE, *OTHERS]
    while len(names) < count:
        names.append(" ".join([rng.choice(FAMILIES), rng.choice(MIDDLES), rng.choice(GIVENS)]))
    return names


def _variant(rng: random.Random, name: str) -> str:
    from liaison.names.fold import strip_marks

    words = name.split()
    change = rng.randrange(5)
    if change == 0 and len(words) > 1:
        words = words[1:] + words[:1]
    elif change == 1 and len(words) > 2:
        del words[1]
    elif change == 2:
        word = rng.randrange(len(words))
        if len(words[word]) > 3:
            letters = list(words[word])
            del letters[rng.randrange(1, len(letters))]
            words[word] = "".join(letters)
    elif change == 3:
        return strip_marks(name).upper()
    return " ".join(words)


@pytest.fixture(scope="module")
def crowded_index() -> tuple[ScreeningIndex, list[str]]:
    rng = random.Random(11)
    names = _names(rng, 400)
    entries = [subject(number, name, born=f"{1950 + number % 30}") for number, name in enumerate(names, 1)]
    records = [_variant(rng, rng.choice(names)) for _ in range(150)] + ["Нгуен Фу Чонг", "Wang Xiaohong"]
    return index_of(*entries), records


def test_stacked_alignment_agrees_with_the_pairwise_rule(crowded_index) -> None:  # type: ignore[no-untyped-def]
    index, names = crowded_index
    queries = [prepare(record(name, record_id=str(n))) for n, name in enumerate(names)]
    stacked = index.name_matches_many(queries, use_dates=False)
    compared = 0
    for query, matches in zip(queries, stacked, strict=True):
        expected: dict[int, float] = {}
        for name_id in index.candidates(query, use_dates=False):
            similarity = reference_similarity(query.readings, index._name_readings[name_id])
            subject_id = index._name_subject[name_id]
            if similarity >= NAME_FLOOR:
                expected[subject_id] = max(similarity, expected.get(subject_id, 0.0))
            compared += 1
        found = {m.subject_id: m.similarity for m in matches}
        assert found.keys() == expected.keys(), query.record.name
        for subject_id, similarity in expected.items():
            assert found[subject_id] == pytest.approx(similarity, abs=1e-6), query.record.name
    assert compared > 1000  # the list is crowded enough for the stack to matter


def test_a_stack_gives_what_one_record_at_a_time_gives(crowded_index) -> None:  # type: ignore[no-untyped-def]
    index, names = crowded_index
    queries = [prepare(record(name, record_id=str(n))) for n, name in enumerate(names)]
    one_by_one = [index.screen_query(q, threshold=0.0) for q in queries]
    assert index.screen_many(queries, threshold=0.0) == one_by_one


def test_equally_alike_words_are_taken_from_the_end_first() -> None:
    # query tokens 0 and 1 are both 0.9 alike subject token 0; the later one takes it, as a
    # descending sort of (score, i, j) does, leaving token 0 to its 0.7 partner
    similarities = np.array([[[0.9, 0.7], [0.9, 0.0]]])
    weights = np.array([[1.0, 1.0]])
    aligned = greedy_alignment(similarities, weights, weights)
    assert aligned[0] == pytest.approx((0.9 + 0.7) / 2)


def test_words_below_the_floor_are_not_aligned_and_cost_their_weight() -> None:
    similarities = np.array([[[MATCH_FLOOR - 0.01, 0.0], [0.0, 1.0]]])
    weights = np.array([[1.0, 0.5]])
    aligned = greedy_alignment(similarities, weights, weights)
    assert aligned[0] == pytest.approx(0.5 / (0.5 + 1.0 + 1.0))


def test_pairs_with_a_word_no_subject_has_are_computed_but_not_kept(crowded_index) -> None:  # type: ignore[no-untyped-def]
    index, _ = crowded_index
    cache = PairSimilarities()
    query = prepare(record("Xqzzv Nguyen"))
    tokens = list(query.readings[0])
    known = np.array([index._token_ids.get(t, -1) for t in tokens], dtype=np.int64)
    assert known[0] == -1 and known[1] >= 0
    left = np.array([0, 1, 1])
    right = np.array([known[1], known[1], 0])
    values = cache.lookup(left, right, tokens, known, index._tokens)
    assert values[1] == 1.0  # nguyen and nguyen
    assert values[0] == pytest.approx(token_similarity(tokens[0], tokens[1]))
    assert len(cache) == 2  # the two pairs of known words
    again = cache.lookup(left, right, tokens, known, index._tokens)
    assert again.tolist() == values.tolist()
