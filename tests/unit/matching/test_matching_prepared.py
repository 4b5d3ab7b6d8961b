"""Prepared needs, batch and reverse ranking: the same results as ranking one need at a time.

``data/rankings_before_prepare.json.gz`` holds a pool of 400 candidates and 70 placement needs
(drawn with ``bench/bench_matcher.py``'s generator and from the demo data, some needs with an
employer the pool has aborted placements with, some with skill terms unknown to ESCO).  The
reference is each need ranked alone by a ranker that keeps no prepared needs; the tests check
that every other path (cached, prepared, batched in blocks, masked, reverse, ``best_needs``)
gives exactly that: the same candidates in the same order with the same scores, eligibility,
components and reasons.  (The file also holds the rankings of the matcher before prepared
needs existed, commit 0ed458e; the matcher has learnt to read titles since, so those are no
longer the reference.)
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from matching import CandidateRanker, PreparedVacancy, best_needs, parse_vacancy
from matching.cache import LRUCache

GOLDEN = Path(__file__).parent / "data" / "rankings_before_prepare.json.gz"


@pytest.fixture(scope="module")
def golden():
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def ranker(golden):
    ref = dt.date.fromisoformat(golden["reference_date"])
    return CandidateRanker(reference_date=ref).fit(golden["candidates"])


def dump(matches):
    return [[m.candidate_id, m.score, m.eligible, m.components, m.reasons] for m in matches]


@pytest.fixture(scope="module")
def reference(golden):
    """Each need ranked alone by a fresh ranker without a cache: the path every other must match."""
    ref = dt.date.fromisoformat(golden["reference_date"])
    out = {"rank": {}, "rank_allowed": {}}
    for need in golden["needs"]:
        alone = CandidateRanker(reference_date=ref, cache_size=0).fit(golden["candidates"])
        out["rank"][need["id"]] = dump(alone.rank(need, top=10).matches)
        out["rank_allowed"][need["id"]] = dump(
            alone.rank(need, top=10, allowed_ids=golden["allowed"]).matches
        )
    return out


def test_rank_gives_what_ranking_one_need_alone_gives(golden, reference, ranker):
    for need in golden["needs"]:
        assert dump(ranker.rank(need, top=10).matches) == reference["rank"][need["id"]], need["id"]
        assert (
            dump(ranker.rank(need, top=10, allowed_ids=golden["allowed"]).matches)
            == reference["rank_allowed"][need["id"]]
        ), need["id"]


def test_repeated_rank_hits_the_cache_and_gives_the_same(golden, reference, ranker):
    need = golden["needs"][5]
    first = ranker.rank(need, top=10)
    hits = ranker.prepared_.hits
    again = ranker.rank(dict(need), top=10)  # an equal dict: same content, same entry
    assert ranker.prepared_.hits == hits + 1
    assert dump(again.matches) == dump(first.matches) == reference["rank"][need["id"]]
    prepared = ranker.prepare(need)
    assert ranker.prepare(parse_vacancy(need)) is prepared
    assert dump(ranker.rank(prepared, top=10).matches) == reference["rank"][need["id"]]


def test_rank_many_gives_what_rank_gave(golden, reference, ranker):
    needs = golden["needs"]
    rankings = ranker.rank_many(needs, top=10)
    assert [r.vacancy_id for r in rankings] == [n["id"] for n in needs]
    assert {r.vacancy_id: dump(r.matches) for r in rankings} == reference["rank"]
    subset = ranker.rank_many(needs, top=10, allowed_ids=golden["allowed"])
    assert {r.vacancy_id: dump(r.matches) for r in subset} == reference["rank_allowed"]


def test_rank_many_in_small_blocks_and_with_a_mask(golden, reference, ranker, monkeypatch):
    import matching.ranker as ranker_module

    monkeypatch.setattr(ranker_module, "BLOCK_CELLS", 1000)  # 2-3 needs per block
    needs = golden["needs"][::3]
    mask = np.isin(ranker.ids_, golden["allowed"])
    for r in ranker.rank_many(needs, top=10, candidate_mask=mask):
        assert dump(r.matches) == reference["rank_allowed"][r.vacancy_id]


def test_rank_needs_scores_each_need_as_rank_does(golden, ranker):
    needs = golden["needs"]
    for cid in (golden["candidates"][1]["id"], golden["candidates"][280]["id"]):
        expected = []
        for need in needs:
            (m,) = ranker.rank(need, top=1, allowed_ids=[cid]).matches
            expected.append((not m.eligible, -m.score, need["id"], dump([m])[0]))
        expected.sort(key=lambda e: e[:3])
        got = ranker.rank_needs(cid, needs, top=15)
        assert [(vid, dump([m])[0]) for vid, m in got] == [(e[2], e[3]) for e in expected[:15]]


def test_best_needs_gives_what_rank_needs_gives_in_the_pool(golden, ranker):
    ref = dt.date.fromisoformat(golden["reference_date"])
    by_id = {c["id"]: c for c in golden["candidates"]}
    for cid in golden["best_needs"]:
        got = best_needs(by_id[cid], golden["needs"], top=10, reference_date=ref)
        expected = ranker.rank_needs(cid, golden["needs"], top=10)
        assert [(vid, dump([m])[0]) for vid, m in got] == [
            (vid, dump([m])[0]) for vid, m in expected
        ], cid


def test_rank_needs_for_a_candidate_outside_the_pool_is_a_key_error(ranker, make_need):
    with pytest.raises(KeyError, match="nobody"):
        ranker.rank_needs("nobody", [make_need()])


def test_prepared_needs_belong_to_one_fit(make_candidate, make_need):
    term = "lagerstyring med truck"  # not an ESCO label: a concept of the pool's own
    ranker = CandidateRanker(reference_date=dt.date(2026, 6, 1))
    ranker.fit([make_candidate("a", skills=[term])])
    old = ranker.prepare(make_need(skills_required=[term]))
    assert old.required == (ranker.local_terms_.lookup(term).concepts,)
    # In the next fit the same local concept id stands for another term.
    ranker.fit(
        [make_candidate("b", skills=["aaa ukjent ferdighet"]), make_candidate("a", skills=[term])]
    )
    assert ranker.local_terms_.lookup("aaa ukjent ferdighet").concepts == old.required[0]
    new = ranker.prepare(old)  # from the earlier fit: prepared again for this one
    assert isinstance(new, PreparedVacancy) and new is not old
    assert new.fit_token == ranker.fit_token_ != old.fit_token
    matches = {m.candidate_id: m for m in ranker.rank(old, top=2).matches}
    assert matches["a"].explanation.skills[0].matched == (term,)
    assert matches["b"].explanation.skills[0].missing == (term,)


def test_the_cache_is_bounded_and_optional(make_candidate, make_need):
    cands = [make_candidate(f"c{i}") for i in range(3)]
    ranker = CandidateRanker(reference_date=dt.date(2026, 6, 1), cache_size=2).fit(cands)
    for vid in "abc":
        ranker.rank(make_need(vid), top=1)
    assert len(ranker.prepared_) == 2
    uncached = CandidateRanker(reference_date=dt.date(2026, 6, 1), cache_size=0).fit(cands)
    assert dump(uncached.rank(make_need("a")).matches) == dump(ranker.rank(make_need("a")).matches)
    assert len(uncached.prepared_) == 0


def test_a_fitted_ranker_with_prepared_needs_pickles_and_copies(golden, reference, ranker):
    need = golden["needs"][0]
    ranker.rank(need, top=10)
    copied = pickle.loads(pickle.dumps(ranker))  # noqa: S301 - our own bytes
    for other in (copied, copy.deepcopy(ranker)):
        assert dump(other.rank(need, top=10).matches) == reference["rank"][need["id"]]


def test_empty_inputs(ranker, make_need):
    assert ranker.rank_many([]) == []
    assert ranker.rank_needs(ranker.ids_[0], []) == []
    (r,) = ranker.rank_many([make_need()], allowed_ids=[])
    assert r.matches == []


def test_lru_cache_evicts_the_least_recently_used():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    restored = pickle.loads(pickle.dumps(cache))  # noqa: S301 - our own bytes
    assert restored.get("a") == 1 and len(restored) == 2
