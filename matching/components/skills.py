"""The skills component: occupational fit blended with the need's listed skills.

Occupational fit is the expected relatedness ``q · R · p`` of the candidate's and the need's
distributions over ESCO occupations (see :mod:`matching.resolution`), blended with the text
model's similarity (:mod:`matching.textmodel`; more of it the less the title said).  When the
need lists skills, the fit is scaled by the share of its listed skills the candidate has (a
required skill counting ``REQUIRED_WEIGHT`` times a preferred one), from ``MISSING_SKILLS_FLOOR``
with none of them to 1 with all (a candidate of the right trade lacking the one required skill
shows 70 %, not 100 %: the bar says what the reasons say); where the need's trade is unknown,
the share itself makes up ``COVERAGE_SHARE`` of the part.  A candidate with no skills
registered counts as
``UNKNOWN_COVERAGE``: unknown, not missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..explain import SkillCheck
from ..features import PoolView
from ..profiles import Candidate, Vacancy
from ..resolution import PreparedVacancy, occupation_model
from ..taxonomy import RELATEDNESS, TitleMatch
from ..textmodel import load_text_model
from ._common import need_relevance

__all__ = [
    "COVERAGE_SHARE",
    "MISSING_SKILLS_FLOOR",
    "TEXT_SHARE",
    "REQUIRED_WEIGHT",
    "SkillScores",
    "occupation_reason",
    "skill_checks",
    "skills_component",
    "title_relation",
]

#: Required skills count this many times a preferred one.
REQUIRED_WEIGHT = 2.0
#: Share of the skills component a candidate keeps when lacking every listed skill: the
#: listed skills scale the occupational fit, so a missing required skill lowers the part
#: visibly (to 70 %, when it is the only one).
MISSING_SKILLS_FLOOR = 0.7
#: Coverage assumed for a candidate with no skills registered at all: unknown, not missing.
UNKNOWN_COVERAGE = 0.5
#: Share of the skills part that is the listed-skill coverage itself, by how the need's
#: occupation was understood: where the trade is unknown, the listed skills count on their own.
COVERAGE_SHARE = {"none": 0.3, "skills": 0.3}
#: Share of the text model in the skills component, by how the need's occupation was
#: understood: the text carries the ranking when the title said nothing.
TEXT_SHARE = {"occupation": 0.05, "title": 0.05, "description": 0.15, "skills": 0.5, "none": 0.7}


@dataclass(frozen=True, slots=True)
class SkillScores:
    """The skills component of a block, with which listed skills each candidate has."""

    value: np.ndarray  # needs × candidates
    has: sp.csr_matrix  # candidates × all the needs' skill terms, 1 where the candidate has it
    term_start: np.ndarray  # need j's terms are columns term_start[j]:term_start[j + 1]


def _term_matrices(
    preps: Sequence[PreparedVacancy], n_concepts: int
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Concepts × terms (which concepts satisfy a term) and terms × needs (term weights)."""
    m = len(preps)
    pick_r: list[int] = []
    pick_c: list[int] = []
    w_r: list[int] = []
    w_c: list[int] = []
    w_v: list[float] = []
    term_start = np.zeros(m + 1, dtype=np.int64)
    for j, p in enumerate(preps):
        col = int(term_start[j])
        for k, cs in enumerate(p.required + p.preferred):
            for c in cs:
                if c < n_concepts:
                    pick_r.append(c)
                    pick_c.append(col)
            w_r.append(col)
            w_c.append(j)
            w_v.append(REQUIRED_WEIGHT if k < len(p.required) else 1.0)
            col += 1
        term_start[j + 1] = col
    n_terms = int(term_start[-1])
    pick = sp.csr_matrix(
        (np.ones(len(pick_r), dtype=np.float32), (pick_r, pick_c)), shape=(n_concepts, n_terms)
    )
    weights = sp.csr_matrix((w_v, (w_r, w_c)), shape=(n_terms, m))
    return pick, weights, term_start


def skills_component(
    preps: Sequence[PreparedVacancy], view: PoolView, relevance: np.ndarray | None = None
) -> SkillScores:
    """The skills component for needs × the view's candidates.

    Parameters
    ----------
    preps : sequence of PreparedVacancy
        The needs (rows).
    view : PoolView
        The candidates (columns).
    relevance : numpy.ndarray, optional
        Occupations × needs relatedness (:func:`~matching.components.need_relevance`), when
        the caller has it already.

    Returns
    -------
    SkillScores
        The component (not yet clipped to [0, 1]) and the listed skills each candidate has.
    """
    rel_t = need_relevance(preps) if relevance is None else relevance
    pool = view.pool
    occ_fit = np.asarray(view.take(pool.occupations) @ rel_t).T
    n_concepts = pool.skills.shape[1]
    pick, weights, term_start = _term_matrices(preps, n_concepts)
    value = _with_text(preps, view, occ_fit)
    if not int(term_start[-1]):
        return SkillScores(value, sp.csr_matrix((view.n, 0), dtype=np.float32), term_start)
    skills = view.take(pool.skills)
    has = (skills @ pick).tocsr()
    has.data[:] = 1.0
    # Sums of 0/1 × (2 or 1): exact in any order.
    covered = np.asarray((has @ weights).toarray()).T
    w_sum = np.asarray(weights.sum(axis=0)).ravel()
    listed = (w_sum > 0)[:, None]
    coverage = covered / np.where(w_sum > 0, w_sum, 1.0)[:, None]
    registered = (np.diff(skills.indptr) > 0)[None, :]
    coverage = np.where(registered, coverage, UNKNOWN_COVERAGE)
    scale = MISSING_SKILLS_FLOOR + (1 - MISSING_SKILLS_FLOOR) * coverage
    share = np.array([COVERAGE_SHARE.get(p.understood.source, 0.0) for p in preps])[:, None]
    blended = (1 - share) * value * scale + share * coverage
    value = np.where(listed, blended, value)
    return SkillScores(value, has, term_start)


def _with_text(preps: Sequence[PreparedVacancy], view: PoolView, occ_fit: np.ndarray) -> np.ndarray:
    """Blend the text model's similarity into the occupational fit, need by need (each need
    reads only its own words' columns of the index: about half a millisecond at 20 000)."""
    model = load_text_model()
    rows = []
    for j, p in enumerate(preps):
        share = TEXT_SHARE[p.understood.source]
        if p.text is None or share <= 0:
            rows.append(occ_fit[j])
            continue
        text = model.similarity(view.pool.text, p.text, view.idx)
        rows.append((1 - share) * occ_fit[j] + share * text)
    return np.vstack(rows) if rows else occ_fit


def skill_checks(v: Vacancy, has: Sequence[bool]) -> list[SkillCheck]:
    """Which required and preferred skills a candidate has (``has``: per term, in order)."""
    out = []
    n_req = len(v.skills_required)
    for kind, names, offset in (
        ("required", v.skills_required, 0),
        ("preferred", v.skills_preferred, n_req),
    ):
        if names:
            flags = has[offset : offset + len(names)]
            out.append(
                SkillCheck(
                    kind,
                    tuple(t for t, f in zip(names, flags, strict=True) if f),
                    tuple(t for t, f in zip(names, flags, strict=True) if not f),
                )
            )
    return out


def title_relation(
    title: str,
    prep: PreparedVacancy,
    title_matches: Mapping[str, TitleMatch],
    memo: dict[Any, float],
) -> float:
    """Relatedness of a pool title to a need (a unit group: its members' mean).

    ``memo`` remembers titles and unit groups for one need across candidates.
    """
    value = memo.get(title)
    if value is not None:
        return value
    m = title_matches.get(title)
    relevance = prep.relevance
    if m is None or not m.found:
        value = 0.0
    elif m.occupations:
        value = float(max(relevance[o] for o in m.occupations))
    else:
        members = occupation_model().group_members
        values = []
        for g in m.groups:
            lo, hi = members.indptr[g], members.indptr[g + 1]
            if hi > lo:
                mean = memo.get(("group", g))
                if mean is None:
                    # what ndarray.mean computes: numpy's (pairwise) sum / count
                    mean = float(np.add.reduce(relevance[members.indices[lo:hi]]) / (hi - lo))
                    memo[("group", g)] = mean
                values.append(mean)
        value = max(values, default=0.0)
    memo[title] = value
    return value


def occupation_reason(
    c: Candidate,
    prep: PreparedVacancy,
    title_matches: Mapping[str, TitleMatch],
    memo: dict[Any, float],
) -> tuple[str, str, str] | None:
    """The candidate's title most related to the need: ``(relation, title, source)``."""
    best, title, source = -1.0, "", ""
    for kind, titles in (
        ("placement", [p.occupation or p.title for p in c.placements]),
        ("experience", [e.title for e in c.experience]),
        ("desired", c.desired_occupations),
    ):
        for text in titles:
            if not text:
                continue
            value = title_relation(text, prep, title_matches, memo)
            if not source or value > best + 1e-9:
                best, title, source = value, text, kind
    if not source:
        return None
    value = best
    for name in (
        "same_occupation",
        "same_unit_group",
        "shared_essential_skills",
        "same_minor_group",
    ):
        if value >= RELATEDNESS[name] * 0.9:
            return (name, title, source)
    return None
