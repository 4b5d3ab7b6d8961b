"""Scores agree with their reasons: the four bars a counsellor sees are the numbers the reasons
describe, checked for every candidate of many rankings (the dev set's first needs against its
whole pool).  A bar with no reason behind it, or a reason the bar contradicts, is a defect: a
counsellor trusts neither."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from matching import CandidateRanker

from .conftest import DEV_SET, REFERENCE_DATE

LANG_FAIL = re.compile(r"^(Muntlig|Skriftlig) (ukjent – krav|\w+ – under krav)")
LANG_OK = re.compile(r"^(Muntlig|Skriftlig) \w+ – krav \w+ oppfylt$")
REQUIRED = re.compile(r"^(\d+) av (\d+) påkrevde ferdigheter|^Ingen av (\d+) påkrevde")
HISTORY = re.compile(r"^(Fullført|Ansatt etter|I pågående|Avbrutt|Erfaring som)")
RELATION = re.compile(r"^(Samme yrke|Beslektet yrke|Nærliggende yrke)[^:]*: (.*)$")


def _load(name, limit=None):
    with (DEV_SET / name).open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return rows[:limit] if limit else rows


@pytest.fixture(scope="module")
def rankings():
    if not DEV_SET.exists():
        pytest.skip("the evaluation sets are not beside the repository")
    ranker = CandidateRanker(reference_date=REFERENCE_DATE).fit(_load("candidates.jsonl"))
    needs = _load("vacancies.jsonl", 30)
    return needs, ranker.rank_many(needs, top=40)


def test_language_bar_and_eligibility_say_what_the_language_reasons_say(rankings):
    checked = 0
    for need, ranking in zip(*rankings, strict=True):
        floors = need.get("norwegian_min") or {}
        for m in ranking.matches:
            failed = [r for r in m.reasons if LANG_FAIL.match(r)]
            met = [r for r in m.reasons if LANG_OK.match(r)]
            if failed:
                assert not m.eligible and m.components["language"] == 0, m.reasons
            elif floors:
                assert len(met) == len([k for k in floors if floors[k]]), m.reasons
                assert m.components["language"] > 0, m.reasons
            if m.eligible:
                assert not any(r.startswith("Mangler førerkort") for r in m.reasons)
            checked += 1
    assert checked > 1000


def test_a_history_bar_has_a_history_reason_and_a_reason_a_bar(rankings):
    for _, ranking in zip(*rankings, strict=True):
        for m in ranking.matches:
            named = [r for r in m.reasons if HISTORY.match(r)]
            if m.components["history"] >= 0.2:
                assert named, (m.components, m.reasons)
            if any(r.startswith(("Fullført", "Ansatt etter")) for r in named):
                assert m.components["history"] > 0, (m.components, m.reasons)


def _trade_and_required(m) -> tuple[str, int] | None:
    """The occupation reason's text and how many required skills the reasons say are held."""
    relation = next((RELATION.match(r) for r in m.reasons if RELATION.match(r)), None)
    count = next((REQUIRED.match(r) for r in m.reasons if REQUIRED.match(r)), None)
    if relation is None or count is None:
        return None
    return relation.group(0), int(count.group(1)) if count.group(1) else 0


def test_among_candidates_of_the_same_trade_more_required_skills_mean_a_higher_bar(rankings):
    compared = 0
    for need, ranking in zip(*rankings, strict=True):
        if not need.get("skills_required"):
            continue
        by_trade = defaultdict(list)
        for m in ranking.matches:
            said = _trade_and_required(m)
            if said is not None:
                by_trade[said[0]].append((said[1], m.components["skills"], m.reasons))
        for group in by_trade.values():
            for held_a, bar_a, reasons_a in group:
                for held_b, bar_b, reasons_b in group:
                    if held_a > held_b:
                        compared += 1
                        assert bar_a > bar_b, (reasons_a, bar_a, reasons_b, bar_b)
    assert compared > 0


def test_recency_is_measured_from_today_not_from_a_start_date_months_ahead(
    make_candidate, make_need
):
    placement = {
        "title": "lagermedarbeider",
        "outcome": "completed",
        "start": "2025-01-01",
        "end": "2025-06-01",
    }
    ranker = CandidateRanker(reference_date=REFERENCE_DATE).fit(
        [make_candidate("a", placements=[placement])]
    )
    soon = ranker.rank(make_need("soon", start_date="2026-06-15"), top=1).matches[0]
    later = ranker.rank(make_need("later", start_date="2027-09-01"), top=1).matches[0]
    assert soon.components["history"] == later.components["history"] > 0
