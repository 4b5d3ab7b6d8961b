"""Default weights and weights learned from outcomes."""

import random

import pytest

from matching.weights import COMPONENTS, DEFAULT_WEIGHTS, fit_weights, normalise_weights


def test_defaults_are_documented_normalised_and_stable():
    assert tuple(DEFAULT_WEIGHTS) == COMPONENTS == ("skills", "history", "language", "practical")
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert DEFAULT_WEIGHTS["skills"] > DEFAULT_WEIGHTS["history"] > DEFAULT_WEIGHTS["language"]


def test_normalise_rejects_nonsense():
    with pytest.raises(ValueError):
        normalise_weights({"age": 1.0})
    with pytest.raises(ValueError):
        normalise_weights({"skills": 0.0})
    assert normalise_weights({"skills": -1, "history": 2})["skills"] == 0.0


def synthetic(driver: str, n: int, seed: int = 7):
    """Outcomes that depend only on ``driver``: the right answer is known."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        comps = {k: rnd.random() for k in COMPONENTS}
        good = rnd.random() < 0.05 + 0.9 * comps[driver]
        outcome = (
            rnd.choice(["hired", "completed"]) if good else rnd.choice(["declined", "aborted"])
        )
        rows.append((comps, outcome))
    return rows


@pytest.mark.parametrize("driver", ["language", "history"])
def test_learned_weights_find_the_component_that_drives_outcomes(driver):
    weights = fit_weights(synthetic(driver, 400))
    assert max(weights, key=weights.get) == driver
    assert weights[driver] > 0.6
    assert sum(weights.values()) == pytest.approx(1.0)
    assert all(w >= 0 for w in weights.values())


def test_too_few_outcomes_keep_the_defaults():
    assert fit_weights(synthetic("language", 49)) == DEFAULT_WEIGHTS


def test_one_class_only_keeps_the_defaults():
    rows = [({k: 0.5 for k in COMPONENTS}, "hired")] * 100
    assert fit_weights(rows) == DEFAULT_WEIGHTS


def test_other_outcomes_are_ignored():
    rows = synthetic("language", 30) + [({k: 1.0 for k in COMPONENTS}, "ongoing")] * 100
    assert fit_weights(rows) == DEFAULT_WEIGHTS


def test_learned_weights_plug_into_the_ranker(make_candidate, make_need):
    from matching import CandidateRanker

    weights = fit_weights(synthetic("language", 400))
    cands = [
        make_candidate("a", norwegian={"oral": "C2"}),
        make_candidate("b", norwegian={"oral": "A2"}),
    ]
    ranking = CandidateRanker(weights=weights).fit(cands).rank(make_need())
    assert ranking.matches[0].candidate_id == "a"
