"""Name similarity for many (record, subject name) pairs at once, in NumPy.

A reading is a row of at most `MAX_TOKENS` token ids with their weights (a missing patronymic
costs little, a missing family name much). Two readings are aligned order-free and greedily: the
most alike token pair first (`scoring.token_similarity`, at least `MATCH_FLOOR`), then the next
among the tokens left; unmatched tokens cost their weight:

    similarity = Σ score × max(weights) / (Σ max(weights) + Σ unmatched weights)

Screening compares a record with thousands of candidate names a second, so the alignment runs on
a whole stack of reading pairs at once (`greedy_alignment`), over token similarities looked up
from a cache keyed by token ids (`PairSimilarities`). The words run together (`wangxiaohong`)
are compared too, at 0.98 of their Levenshtein similarity, when the tokens did not align well.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

from liaison.names.variants import MAX_TOKENS, Reading, Token
from liaison.screening.scoring import MATCH_FLOOR, token_similarity

JOINED_FACTOR = 0.98  # the words run together never count as a perfect match
CACHE_LIMIT = 4_000_000  # token pairs remembered before the cache starts again
UNKNOWN = 1 << 62  # marks a pair code whose record word no subject has


class PairSimilarities:
    """Token similarities by (token id, token id), computed once and then looked up.

    Right-hand ids index the subjects' interned tokens; left-hand ids index the tokens of the
    records being screened, with `known[id]` their subject-token id (-1 for a word no subject
    has, whose similarities are computed but not kept). The cache is a sorted array of pair codes,
    searched in bulk; threads read a snapshot and replace it whole when they add to it.
    """

    def __init__(self) -> None:
        # (sorted codes, values), replaced as one so that a reader never pairs old codes with new values
        self._table = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._table[0])

    def __getstate__(self) -> tuple[np.ndarray, np.ndarray]:
        return self._table

    def __setstate__(self, state: tuple[np.ndarray, np.ndarray]) -> None:
        self._table = state
        self._lock = threading.Lock()

    def lookup(
        self,
        left: np.ndarray,
        right: np.ndarray,
        query_tokens: Sequence[Token],
        known: np.ndarray,
        subject_tokens: Sequence[Token],
    ) -> np.ndarray:
        """Similarity of `query_tokens[left[k]]` and `subject_tokens[right[k]]` for every k."""
        as_known = known[left]
        codes = np.where(as_known >= 0, as_known << 32, UNKNOWN | (left.astype(np.int64) << 32)) | right
        cached_codes, cached_values = self._table
        values = np.empty(len(codes), dtype=np.float32)
        at, hit = _find(cached_codes, codes)
        values[hit] = cached_values[at[hit]]
        if hit.all():
            return values
        missing, first, inverse = np.unique(codes[~hit], return_index=True, return_inverse=True)
        missing_left, missing_right = left[~hit][first].tolist(), right[~hit][first].tolist()
        computed = np.array(
            [
                token_similarity(query_tokens[a], subject_tokens[b])
                for a, b in zip(missing_left, missing_right, strict=True)
            ],
            dtype=np.float32,
        )
        values[~hit] = computed[inverse]
        keep = missing < UNKNOWN
        self._remember(missing[keep], computed[keep])
        return values

    def _remember(self, codes: np.ndarray, values: np.ndarray) -> None:
        with self._lock:
            current_codes, current_values = self._table
            if len(current_codes) + len(codes) > CACHE_LIMIT:
                current_codes, current_values = codes[:0], values[:0]
            at, found = _find(current_codes, codes)
            new = ~found
            self._table = (
                np.insert(current_codes, at[new], codes[new]),
                np.insert(current_values, at[new], values[new]),
            )


def _find(sorted_codes: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each code is, or would go, in the sorted array, and whether it is there."""
    at = np.searchsorted(sorted_codes, codes)
    if not len(sorted_codes):
        return at, np.zeros(len(codes), dtype=bool)
    return at, sorted_codes[np.minimum(at, len(sorted_codes) - 1)] == codes


def greedy_alignment(
    similarities: np.ndarray, query_weights: np.ndarray, subject_weights: np.ndarray
) -> np.ndarray:
    """Aligned similarity of each stacked reading pair.

    `similarities[p, i, j]` compares token i of the query reading with token j of the subject
    reading of pair p; `query_weights[p, i]` and `subject_weights[p, j]` are 0 for padding.
    Among equally alike token pairs the later tokens are taken first (as a descending sort of
    (score, i, j) would).
    """
    pairs, rows, columns = similarities.shape
    work = np.where(similarities >= MATCH_FLOOR, similarities, -1.0)[:, ::-1, ::-1].copy()
    numerator = np.zeros(pairs)
    denominator = np.zeros(pairs)
    used_rows = np.zeros((pairs, rows), dtype=bool)
    used_columns = np.zeros((pairs, columns), dtype=bool)
    everyone = np.arange(pairs)
    for _ in range(min(rows, columns)):
        flat = work.reshape(pairs, -1)
        best = flat.argmax(axis=1)
        score = flat[everyone, best]
        found = score >= 0
        if not found.any():
            break
        where = everyone[found]
        row, column = best[found] // columns, best[found] % columns  # in the reversed frame
        i, j = rows - 1 - row, columns - 1 - column
        weight = np.maximum(query_weights[where, i], subject_weights[where, j])
        numerator[where] += score[found] * weight
        denominator[where] += weight
        used_rows[where, i] = True
        used_columns[where, j] = True
        work[where, row, :] = -1.0
        work[where, :, column] = -1.0
    denominator += np.where(used_rows, 0.0, query_weights).sum(axis=1)
    denominator += np.where(used_columns, 0.0, subject_weights).sum(axis=1)
    return np.divide(numerator, denominator, out=np.zeros(pairs), where=denominator > 0)


def joined_similarity(left: Sequence[str], right: Sequence[str], floor: float = 0.0) -> np.ndarray:
    """`JOINED_FACTOR` × Levenshtein similarity of each pair of run-together forms (0 below `floor`)."""
    if not left:
        return np.zeros(0)
    similarity = cpdist(
        left, right, scorer=Levenshtein.normalized_similarity, score_cutoff=floor, dtype=np.float64
    )
    return JOINED_FACTOR * similarity


def reading_row(reading: Reading, token_id: dict[Token, int]) -> tuple[list[int], list[float]]:
    """A reading as padded token ids (-1) and weights (0), at most `MAX_TOKENS` long."""
    tokens = reading[:MAX_TOKENS]
    padding = MAX_TOKENS - len(tokens)
    return (
        [token_id[t] for t in tokens] + [-1] * padding,
        [t.weight for t in tokens] + [0.0] * padding,
    )
