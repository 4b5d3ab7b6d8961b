"""What a ranking returns: :class:`Match` and :class:`Ranking`, and how they are built.

The ranker scores blocks of needs × candidates (:class:`BlockScores`); this module picks the
best positions of a need's row (:func:`top_positions`) and explains the pairs returned, each
score component adding the reasons for its part (see :mod:`matching.components`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .components import (
    explain_practical,
    history_notes,
    language_checks,
    occupation_reason,
    skill_checks,
)
from .explain import Explanation, render_reasons
from .features import PoolFeatures
from .profiles import Candidate
from .resolution import PreparedVacancy, Understanding
from .weights import COMPONENTS

__all__ = ["BlockScores", "Match", "Ranking", "block_matches", "explain_match", "top_positions"]


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked candidate for one need."""

    candidate_id: str
    score: float
    eligible: bool
    components: dict[str, float]
    explanation: Explanation

    @property
    def reasons(self) -> list[str]:
        """Norwegian reasons, rendered from the explanation."""
        return render_reasons(self.explanation)

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's JSON shape."""
        return {
            "candidate_id": self.candidate_id,
            "score": self.score,
            "eligible": self.eligible,
            "components": self.components,
            "reasons": self.reasons,
        }


@dataclass(frozen=True, slots=True)
class Ranking:
    """The ranking for one need, best first (eligible candidates always before the rest)."""

    vacancy_id: str
    matches: list[Match] = field(default_factory=list)
    #: what the need's occupation was understood as (shown beside the ranking)
    understood: Understanding | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's JSON shape (``understood`` is an extra field)."""
        out: dict[str, Any] = {
            "vacancy_id": self.vacancy_id,
            "ranking": [m.to_dict() for m in self.matches],
        }
        if self.understood is not None:
            out["understood"] = self.understood.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class BlockScores:
    """A block of needs (rows) × candidates (columns)."""

    score: np.ndarray
    eligible: np.ndarray
    components: dict[str, np.ndarray]
    licence_ok: np.ndarray
    has: sp.csr_matrix  # candidates × all the needs' skill terms, 1 where the candidate has it
    term_start: np.ndarray  # need j's terms are columns term_start[j]:term_start[j + 1]


def top_positions(
    score: np.ndarray,
    eligible: np.ndarray,
    top: int,
    id_rank: np.ndarray,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Positions of the best ``top``: eligible first, score descending, id ascending."""
    key = np.where(eligible, 1000.0, 0.0) + score
    if allowed is not None:
        key = np.where(allowed, key, -np.inf)
    n_ok = len(key) if allowed is None else int(allowed.sum())
    top = max(0, min(top, n_ok))
    if top == 0:
        return np.empty(0, dtype=np.int64)
    if top < len(key):
        kth = np.partition(key, len(key) - top)[len(key) - top]
        idx = np.flatnonzero(key >= kth)
    else:
        idx = np.flatnonzero(np.isfinite(key))
    order = np.lexsort((id_rank[idx], -key[idx]))
    return idx[order][:top]


def block_matches(
    profiles: Sequence[Candidate],
    pool: PoolFeatures,
    prep: PreparedVacancy,
    scores: BlockScores,
    j: int,
    cols: np.ndarray,
    cands: np.ndarray,
) -> list[Match]:
    """Matches for need ``j`` of ``scores``: candidates ``cands`` (at columns ``cols``)."""
    values = {k: scores.components[k][j, cols].tolist() for k in COMPONENTS}
    eligible = scores.eligible[j, cols].tolist()
    score = scores.score[j, cols].tolist()
    licence_ok = scores.licence_ok[j, cols].tolist()
    terms = range(int(scores.term_start[j]), int(scores.term_start[j + 1]))
    indptr, indices = scores.has.indptr, scores.has.indices
    memo: dict[Any, float] = {}
    out = []
    for r, (col, i) in enumerate(zip(cols.tolist(), cands.tolist(), strict=True)):
        has: list[bool] = []
        if terms:
            held = set(indices[indptr[col] : indptr[col + 1]].tolist())
            has = [t in held for t in terms]
        comps = {k: round(values[k][r], 3) for k in COMPONENTS}
        c = profiles[i]
        exp = explain_match(c, i, prep, pool, comps, eligible[r], licence_ok[r], has, memo)
        out.append(Match(c.id, score[r], exp.eligible, comps, exp))
    return out


def explain_match(
    c: Candidate,
    i: int,
    prep: PreparedVacancy,
    pool: PoolFeatures,
    comps: dict[str, float],
    eligible: bool,
    licence_held: bool,
    has: Sequence[bool],
    memo: dict[Any, float],
) -> Explanation:
    """The reasons for candidate ``c`` (pool row ``i``)'s score ``comps`` for a need.

    ``has`` tells, per skill term of the need (required, then preferred), whether the
    candidate has it; ``memo`` remembers title relations for one need across candidates.
    """
    v = prep.vacancy
    exp = Explanation(eligible=eligible, components=comps)
    if not prep.understood.from_title:
        names = prep.understood.names
        exp.need_read_as = (prep.understood.source, names[0] if names else "")
    exp.language = language_checks(c, v)
    exp.skills = skill_checks(v, has)
    exp.occupation = occupation_reason(c, prep, pool.title_matches, memo)
    exp.history = history_notes(c, i, prep, pool, memo)
    explain_practical(exp, c, v, licence_held)
    if not c.skills:
        exp.not_registered.append("skills")
    if c.norwegian.oral is None and c.norwegian.written is None:
        exp.not_registered.append("norwegian")
    if not c.placements and not c.experience:
        exp.not_registered.append("history")
    return exp
