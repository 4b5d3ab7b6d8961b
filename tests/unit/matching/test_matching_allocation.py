"""Pool-wide allocation: one proposal per candidate, eligible pairs only, maximal fit."""

import itertools
import random

import pytest

from matching import allocate


def brute_force(scores, places):
    """Best total score by trying every assignment (tiny cases only)."""
    slots = [v for v in sorted(places) for _ in range(places[v])]
    cands = sorted({c for s in scores.values() for c in s})
    best = 0.0
    for k in range(len(slots) + 1):
        for chosen in itertools.permutations(cands, k):
            for slot_ids in itertools.combinations(range(len(slots)), k):
                pairs = [(c, slots[j]) for c, j in zip(chosen, slot_ids, strict=True)]
                if all(c in scores[v] for c, v in pairs):
                    best = max(best, sum(scores[v][c] for c, v in pairs))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_plain_allocation_reaches_the_brute_force_optimum(seed):
    rnd = random.Random(seed)
    cands = [f"c{i}" for i in range(5)]
    places = {"v1": 2, "v2": 1, "v3": 1}
    rankings, scores = {}, {}
    for v in places:
        entries = [(c, round(rnd.uniform(1, 100), 1), rnd.random() < 0.7) for c in cands]
        rankings[v] = entries
        scores[v] = {c: s for c, s, ok in entries if ok}
    result = allocate(rankings, places, scarcity_bonus=0.0, place_decay=1.0)
    assert result.total_score == pytest.approx(brute_force(scores, places))
    assigned = [c for lst in result.assignments.values() for c in lst]
    assert len(assigned) == len(set(assigned))  # each candidate at most once
    for v, lst in result.assignments.items():
        assert len(lst) <= places[v]
        assert all(c in scores[v] for c in lst)  # eligible pairs only


def test_scarce_place_gets_its_only_candidate():
    rankings = {
        "common": [("ana", 90, True), ("ben", 85, True), ("cem", 80, True)],
        "rare": [("ana", 70, True), ("ben", 60, False)],
    }
    result = allocate(rankings, {"common": 1, "rare": 1})
    assert result.assignments == {"common": ["ben"], "rare": ["ana"]}
    assert result.unfilled == {}


def test_scarcity_bonus_tips_a_close_call_to_the_hard_to_fill_place():
    # Plain maximum-sum keeps Ana on the common place (80 > 40 + 35) and leaves the rare one
    # empty; the scarcity bonus (rare: 1 eligible for 1 place) gives the rare place its share.
    rankings = {
        "common": [("ana", 80, True), ("ben", 40, True)],
        "rare": [("ana", 35, True)],
    }
    places = {"common": 1, "rare": 1}
    plain = allocate(rankings, places, scarcity_bonus=0.0, place_decay=1.0)
    assert plain.assignments == {"common": ["ana"], "rare": []}
    fair = allocate(rankings, places)
    assert fair.assignments == {"common": ["ben"], "rare": ["ana"]}


def test_place_decay_spreads_good_candidates_over_needs():
    rankings = {
        "big": [("ana", 90, True), ("ben", 88, True)],
        "small": [("ana", 85, True), ("ben", 84, True)],
    }
    result = allocate(rankings, {"big": 2, "small": 1}, scarcity_bonus=0.0, place_decay=0.5)
    assert len(result.assignments["small"]) == 1


def test_ineligible_pairs_leave_places_unfilled():
    result = allocate({"v": [("a", 90, False)]}, {"v": 1})
    assert result.assignments == {"v": []}
    assert result.unfilled == {"v": 1}


def test_accepts_rankings_from_the_ranker(make_candidate, make_need):
    from matching import CandidateRanker

    ranker = CandidateRanker().fit([make_candidate(f"c{i}") for i in range(4)])
    rankings = {v: ranker.rank(make_need(v)) for v in ("v1", "v2")}
    result = allocate(rankings, {"v1": 2, "v2": 2})
    assigned = [c for lst in result.assignments.values() for c in lst]
    assert sorted(assigned) == ["c0", "c1", "c2", "c3"]
    dicts = {v: r.to_dict() for v, r in rankings.items()}
    assert allocate(dicts, {"v1": 2, "v2": 2}).total_score == pytest.approx(result.total_score)
