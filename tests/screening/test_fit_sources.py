"""The benchmark's fit over several labelled sources: every source weighs the same, so a
generator's thousands of pairs do not outvote a set of a hundred, and the threshold is the best
mean F1 over the sources, not the largest source's best."""

from __future__ import annotations

import numpy as np
import pytest

from liaison.screening.calibration import balanced_threshold, choose_threshold, fit_logistic, source_balance


def test_every_source_weighs_the_same_in_total_and_a_pair_one_on_average() -> None:
    sources = ["generator"] * 900 + ["nicknames"] * 100
    weights = source_balance(sources)
    generator, nicknames = weights[:900].sum(), weights[900:].sum()
    assert generator == pytest.approx(nicknames) and weights.mean() == pytest.approx(1.0)


def test_a_pair_weighed_twice_fits_as_the_pair_written_twice() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(60), rng.integers(0, 2, (60, 2))]).astype(float)
    y = (rng.random(60) < 0.3 + 0.4 * x[:, 1]).astype(float)
    twice = np.ones(60)
    twice[:20] = 2.0
    weighed = fit_logistic(x, y, l2=1.0, sample_weight=twice)
    written = fit_logistic(np.vstack([x, x[:20]]), np.concatenate([y, y[:20]]), l2=1.0)
    assert weighed == pytest.approx(written, abs=1e-6)
    assert not np.allclose(weighed, fit_logistic(x, y, l2=1.0), atol=1e-3)  # the weights count


def test_the_threshold_serves_the_small_source_that_the_pooled_best_would_silence() -> None:
    # the large source: 100 true pairs at 0.9 and 100 others at 0.5; the small: 10 true pairs at 0.4
    scored = [(0.9, True)] * 100 + [(0.5, False)] * 100 + [(0.4, True)] * 10
    sources = ["large"] * 200 + ["small"] * 10
    assert choose_threshold(scored, 110, floor=None) == 0.9  # the small source's recall 0
    # at 0.4: the large source's F1 0.667, the small one's 1.0: a mean of 0.83 against 0.5
    assert balanced_threshold(scored, sources, {"large": 100, "small": 10}) == 0.4


def test_a_source_without_true_pairs_does_not_count_in_the_mean() -> None:
    scored = [(0.8, True), (0.3, False), (0.2, False)]
    assert balanced_threshold(scored, ["a", "b", "b"], {"a": 1, "b": 0}) == 0.8
