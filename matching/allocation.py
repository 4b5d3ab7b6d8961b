"""Pool-wide allocation: spread candidates over all open places, one proposal each.

Given one ranking per placement need and the number of places per need, :func:`allocate`
solves an assignment problem (scipy's :func:`~scipy.optimize.linear_sum_assignment`) on an
expanded matrix with one column per *place*: each candidate is proposed at most once, only
eligible pairs are allowed, and the total utility is maximal.

Fair share for hard-to-fill places
----------------------------------
Maximising the sum of scores alone lets a common need take a candidate who is the only
eligible one for a scarce need, whenever the fit is slightly better.  Two documented
adjustments counter that:

- **scarcity**: a need's utilities are multiplied by ``1 + scarcity_bonus * min(1, places /
  eligible)``, so a need with as few eligible candidates as places gets up to
  ``1 + scarcity_bonus`` times the weight;
- **diminishing places**: the ``j``-th place of the same need (0-based) is multiplied by
  ``place_decay ** j``, so one need with many places cannot absorb all the good candidates
  before other needs get their first.

With ``scarcity_bonus=0`` and ``place_decay=1`` the result is the plain maximum-total-score
assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["Allocation", "allocate"]


@dataclass(frozen=True, slots=True)
class Allocation:
    """Proposals per need, the total score and the places left unfilled."""

    assignments: dict[str, list[str]] = field(default_factory=dict)
    total_score: float = 0.0
    unfilled: dict[str, int] = field(default_factory=dict)


def _entries(ranking: Any) -> Iterable[tuple[str, float, bool]]:
    """Accept a :class:`~matching.ranker.Ranking`, its dict form or (id, score, eligible)."""
    items = getattr(ranking, "matches", None)
    if items is None and isinstance(ranking, Mapping):
        items = ranking.get("ranking", [])
    for item in items if items is not None else ranking:
        if isinstance(item, Mapping):
            yield str(item["candidate_id"]), float(item["score"]), bool(item.get("eligible", True))
        elif hasattr(item, "candidate_id"):
            yield item.candidate_id, float(item.score), bool(item.eligible)
        else:
            cid, score, *rest = item
            yield str(cid), float(score), bool(rest[0]) if rest else True


def allocate(
    rankings: Mapping[str, Any],
    places: Mapping[str, int],
    *,
    scarcity_bonus: float = 0.5,
    place_decay: float = 0.9,
    min_score: float = 0.0,
) -> Allocation:
    """Assign candidates to places, maximising total (adjusted) fit.

    Parameters
    ----------
    rankings : mapping of vacancy id → ranking
        A :class:`~matching.ranker.Ranking`, its ``to_dict()`` form, or a list of
        ``(candidate_id, score, eligible)``.
    places : mapping of vacancy id → int
        Open places per need (needs missing here get none).
    scarcity_bonus, place_decay : float
        Fair-share adjustments, see the module docstring.
    min_score : float
        Pairs scoring below this are never proposed.

    Returns
    -------
    Allocation
        Candidate ids per need (in order of score), the total unadjusted score, unfilled places.

    Examples
    --------
    >>> rankings = {"common": [("ana", 90, True), ("ben", 85, True), ("cem", 80, True)],
    ...             "rare": [("ana", 70, True)]}
    >>> allocate(rankings, {"common": 1, "rare": 1}).assignments
    {'common': ['ben'], 'rare': ['ana']}
    """
    scores: dict[str, dict[str, float]] = {}
    for vid, ranking in rankings.items():
        if places.get(vid, 0) <= 0:
            continue
        scores[vid] = {
            cid: s for cid, s, ok in _entries(ranking) if ok and s >= min_score and s > 0
        }
    vids = sorted(scores)
    cands = sorted({c for s in scores.values() for c in s})
    if not vids or not cands:
        return Allocation({v: [] for v in vids}, 0.0, {v: places[v] for v in vids})
    cidx = {c: i for i, c in enumerate(cands)}
    slots: list[tuple[str, int]] = [(v, j) for v in vids for j in range(places[v])]
    utility = np.zeros((len(cands), len(slots)))
    allowed = np.zeros_like(utility, dtype=bool)
    for col, (vid, j) in enumerate(slots):
        eligible = scores[vid]
        scarcity = 1.0 + scarcity_bonus * min(1.0, places[vid] / max(len(eligible), 1))
        factor = scarcity * place_decay**j
        for cid, s in eligible.items():
            utility[cidx[cid], col] = s * factor
            allowed[cidx[cid], col] = True
    # One "stay unassigned" column per candidate (utility 0) keeps the problem feasible
    # and lets the solver leave a place empty rather than fill it with a forbidden pair.
    big = utility.max() * (len(slots) + 1) + 1.0
    cost = np.where(allowed, -utility, big)
    cost = np.hstack([cost, np.zeros((len(cands), len(cands)))])
    rows, cols = linear_sum_assignment(cost)
    result: dict[str, list[tuple[float, str]]] = {v: [] for v in vids}
    total = 0.0
    for r, col in zip(rows, cols, strict=True):
        if col >= len(slots) or not allowed[r, col]:
            continue
        vid = slots[col][0]
        s = scores[vid][cands[r]]
        result[vid].append((s, cands[r]))
        total += s
    assignments = {
        v: [c for _, c in sorted(lst, key=lambda x: (-x[0], x[1]))] for v, lst in result.items()
    }
    unfilled = {v: places[v] - len(assignments[v]) for v in vids if places[v] > len(assignments[v])}
    return Allocation(assignments, round(total, 6), unfilled)
