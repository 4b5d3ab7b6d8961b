"""The history component: the candidate's best relevant placement or work experience.

Each placement (and each entry of work experience) counts its relatedness to the need times
its outcome weight (:data:`OUTCOME_WEIGHT`; work experience scaled by years) times its recency
(halved every ``half_life`` years before the need's reference date); the component is the best
of them.  An aborted placement with the need's own employer subtracts
:data:`SAME_EMPLOYER_ABORT_PENALTY`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..explain import HistoryNote
from ..features import UNKNOWN_DATE, PoolFeatures, PoolView
from ..profiles import Candidate, Outcome
from ..resolution import PreparedVacancy
from ..taxonomy import RELATEDNESS
from ._common import need_relevance
from .skills import title_relation

__all__ = [
    "OUTCOME_WEIGHT",
    "SAME_EMPLOYER_ABORT_PENALTY",
    "history_component",
    "history_notes",
]

#: Outcome weight of a placement in the history component.
#: Work experience (undated) counts like a completed placement, scaled by years (see fit).
OUTCOME_WEIGHT = {
    "hired": 1.0,
    "completed": 0.9,
    "ongoing": 0.7,
    "aborted": 0.0,
    "experience": 0.8,
}
#: An aborted placement with the same employer subtracts this from the history component.
SAME_EMPLOYER_ABORT_PENALTY = 0.5
#: Outcome weight by outcome code (see :data:`matching.features.OUTCOME_CODE`).
_OUTCOME_W = np.array(
    [0.0]
    + [OUTCOME_WEIGHT[k] for k in ("ongoing", "completed", "hired", "aborted")]
    + [OUTCOME_WEIGHT["experience"]]
)


def history_component(
    preps: Sequence[PreparedVacancy],
    view: PoolView,
    half_life: float,
    relevance: np.ndarray | None = None,
) -> np.ndarray:
    """The history component for needs × the view's candidates (not yet clipped).

    Parameters
    ----------
    preps : sequence of PreparedVacancy
        The needs (rows); each one's ``reference_date`` dates the recency.
    view : PoolView
        The candidates (columns).
    half_life : float
        Years after which a placement counts half as much.
    relevance : numpy.ndarray, optional
        Occupations × needs relatedness, when the caller has it already.
    """
    pool = view.pool
    m, n = len(preps), view.n
    history = np.zeros((n, m))
    rows, owner, starts = view.placement_rows()
    n_rows = len(pool.pl_cand) if rows is None else len(rows)
    if n_rows:

        def rows_of(a: np.ndarray) -> np.ndarray:
            return a if rows is None else a[rows]

        rel_t = need_relevance(preps) if relevance is None else relevance
        rel = rows_of(pool.pl_occupations) @ rel_t
        outcome = rows_of(pool.pl_outcome)
        outcome_w = _OUTCOME_W[outcome] * rows_of(pool.pl_factor)
        day = rows_of(pool.pl_date)[:, None]
        ref = np.array([p.reference_date.toordinal() for p in preps], dtype=np.int64)
        age = np.where(day == UNKNOWN_DATE, 0, ref[None, :] - day)
        recency = 0.5 ** (np.maximum(age, 0) / 365.25 / half_life)
        value = rel * outcome_w[:, None] * recency
        # Entries are stored grouped by candidate: one reduceat gives each one's best.
        history[owner[starts]] = np.maximum.reduceat(value, starts, axis=0)
        employer = np.array([p.employer for p in preps])
        if (employer >= 0).any():
            emp_rows = rows_of(pool.pl_employer)
            aborted = (outcome == 4) & (emp_rows >= 0)
            ab_emp, ab_owner = emp_rows[aborted], owner[aborted]
            for j in np.flatnonzero(employer >= 0):
                hit = ab_owner[ab_emp == employer[j]]
                history[hit, j] = np.maximum(history[hit, j] - SAME_EMPLOYER_ABORT_PENALTY, 0)
    return history.T


def history_notes(
    c: Candidate, i: int, prep: PreparedVacancy, pool: PoolFeatures, memo: dict[Any, float]
) -> list[HistoryNote]:
    """Up to three notes on candidate ``c`` (pool row ``i``)'s history, the weightiest first."""
    notes: list[tuple[float, HistoryNote]] = []
    # A placement is with the need's employer when their compact names are the same, that
    # is when the placement's entry has the need's employer code (placements come first
    # among candidate i's entries, in order).
    first = int(pool.pl_ptr[i])
    same = (
        [e == prep.employer for e in pool.pl_employer[first : first + len(c.placements)].tolist()]
        if prep.employer >= 0
        else [False] * len(c.placements)
    )
    for p, same_employer in zip(c.placements, same, strict=True):
        title = p.occupation or p.title or ""
        outcome = p.outcome.value if p.outcome else "unknown"
        ptype = p.type.value if p.type else None
        day = p.end or p.start
        year = day.year if day else None
        if same_employer and p.outcome is Outcome.ABORTED:
            notes.append((2.0, HistoryNote("aborted_same_employer", outcome, title, year, ptype)))
            continue
        if p.outcome is Outcome.ONGOING and not same_employer:
            start_year = p.start.year if p.start else None
            notes.append((1.5, HistoryNote("ongoing_elsewhere", outcome, title, start_year, ptype)))
            continue
        rel = title_relation(title, prep, pool.title_matches, memo)
        if rel >= RELATEDNESS["same_minor_group"] * 0.9 and p.outcome is not None:
            notes.append((rel, HistoryNote("relevant", outcome, title, year, ptype)))
    # Work experience counts in the history part too, so it is named when it counts.
    for e in c.experience:
        rel = title_relation(e.title, prep, pool.title_matches, memo)
        if rel >= RELATEDNESS["same_minor_group"] * 0.9:
            notes.append(
                (rel * 0.9, HistoryNote("experience", "experience", e.title, None, None, e.years))
            )
    notes.sort(key=lambda x: -x[0])
    return [n for _, n in notes[:3]]
