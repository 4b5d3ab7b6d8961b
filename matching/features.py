"""Candidate features: the index :meth:`~matching.ranker.CandidateRanker.fit` builds over a pool.

:func:`build_features` turns candidate profiles into a :class:`PoolFeatures` of numpy arrays
and scipy sparse matrices, one row per candidate (or per placement), so the score components
in :mod:`matching.components` can score blocks of needs × candidates at once.
:class:`PoolView` is the part of a pool a block scores: every candidate, or a selection.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .profiles import Candidate, Outcome
from .resolution import SOURCE_WEIGHT, occupation_model
from .taxonomy import TitleMatch, load_taxonomy
from .text import compact
from .textmodel import load_text_model
from .vocabulary import Vocabulary

__all__ = ["PoolFeatures", "PoolView", "build_features", "ordinal"]

#: How much a placement shows competence in its occupation, by outcome: an aborted placement
#: says the candidate tried the trade, not that they can do it.
EVIDENCE_OUTCOME = {
    None: 0.75,
    Outcome.ONGOING: 1.0,
    Outcome.COMPLETED: 1.0,
    Outcome.HIRED: 1.0,
    Outcome.ABORTED: 0.5,
}
OUTCOME_CODE = {
    None: 0,
    Outcome.ONGOING: 1,
    Outcome.COMPLETED: 2,
    Outcome.HIRED: 3,
    Outcome.ABORTED: 4,
}
EXPERIENCE_CODE = 5
OUTCOME_NAME = {
    0: "unknown",
    1: "ongoing",
    2: "completed",
    3: "hired",
    4: "aborted",
    5: "experience",
}
UNKNOWN_DATE = -1


def ordinal(day: dt.date | None) -> int:
    """A date as its proleptic ordinal, :data:`UNKNOWN_DATE` when missing."""
    return day.toordinal() if day is not None else UNKNOWN_DATE


@dataclass(frozen=True, slots=True, eq=False)
class PoolFeatures:
    """The fitted index over a candidate pool (rows: candidates in ``fit`` order).

    Placement entries (``pl_*``) hold each candidate's placements, then their work
    experience, grouped by candidate in pool order: candidate ``i``'s entries are
    ``pl_ptr[i]:pl_ptr[i + 1]``.
    """

    n: int
    oral: np.ndarray  # int8 CEFR level, 0 unknown
    written: np.ndarray
    districts: dict[str, int]  # compact district name → code
    district: np.ndarray  # int32 code, -1 unknown
    max_hours: np.ndarray  # float, nan unknown
    available: np.ndarray  # ordinal day, UNKNOWN_DATE unknown
    licences: dict[str, np.ndarray]  # licence class → held (bool per candidate)
    term_concepts: dict[str, tuple[int, ...]]  # skill term → ESCO skills or a local concept
    local_terms: Vocabulary  # pool terms that name no ESCO skill
    skills: sp.csr_matrix  # candidates × concepts (ESCO skills, then local ones), 0/1
    employers: dict[str, int]  # compact employer name → code
    title_matches: dict[str, TitleMatch]  # every title in the pool, resolved
    occupations: sp.csr_matrix  # candidates × occupations: probabilities
    pl_cand: np.ndarray  # entry → candidate
    pl_outcome: np.ndarray  # OUTCOME_CODE, EXPERIENCE_CODE for work experience
    pl_date: np.ndarray  # ordinal of end (else start), UNKNOWN_DATE unknown
    pl_employer: np.ndarray  # employer code, -1 unknown
    pl_factor: np.ndarray  # track-record factor (experience years), 1 for placements
    pl_starts: np.ndarray  # first entry of each candidate that has entries
    pl_ptr: np.ndarray  # candidate i's entries are pl_ptr[i]:pl_ptr[i + 1]
    pl_occupations: sp.csr_matrix  # entries × occupations: what the entry's title names
    text: sp.csc_matrix  # candidates × text features (see matching.textmodel), by feature


def recency(today: dt.date, day: dt.date | None) -> float:
    """Evidence weight of an old title: 1 when recent, towards 0.5 when long ago."""
    if day is None:
        return 0.75
    years = max((today - day).days, 0) / 365.25
    return 0.5 + 0.5 * 0.5 ** (years / 5.0)


def softmax_rows(logits: sp.csr_matrix, n_cols: int, min_p: float = 1e-3) -> sp.csr_matrix:
    """Row-wise softmax over a sparse logit matrix whose missing entries are logit 0."""
    logits = logits.tocsr()
    logits.sum_duplicates()
    n_rows = logits.shape[0]
    counts = np.diff(logits.indptr)
    row_of = np.repeat(np.arange(n_rows), counts)
    row_max = np.zeros(n_rows)
    if logits.nnz:
        np.maximum.at(row_max, row_of, logits.data)
    expd = np.exp(logits.data - row_max[row_of])
    total = np.bincount(row_of, weights=expd, minlength=n_rows).astype(np.float64)
    total += (n_cols - counts) * np.exp(-row_max)
    data = expd / total[row_of]
    data[data < min_p] = 0.0
    out = sp.csr_matrix(
        (data.astype(np.float32), logits.indices, logits.indptr), shape=logits.shape
    )
    out.eliminate_zeros()
    return out


def title_distribution(matches: Sequence[TitleMatch | None]) -> sp.csr_matrix:
    """Rows over occupations: the named occupations, or unit groups spread evenly over their
    members, each sense in proportion to its weight (the title's similarity in all)."""
    tax = load_taxonomy()
    rows, cols, vals = [], [], []
    members = occupation_model().group_members
    for r, m in enumerate(matches):
        if m is None or not m.found:
            continue
        senses = [x for x in m.weight_of() if not x[0]] or m.weight_of()
        total = sum(w for _, _, w in senses)
        for is_group, concept, w in senses:
            share = m.similarity * w / total
            if not is_group:
                rows.append(r)
                cols.append(concept)
                vals.append(share)
                continue
            lo, hi = members.indptr[concept], members.indptr[concept + 1]
            occs = members.indices[lo:hi]
            rows.extend([r] * len(occs))
            cols.extend(occs.tolist())
            vals.extend([share / max(len(occs), 1)] * len(occs))
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(matches), tax.n_occ), dtype=np.float32)


def _practicalities(profiles: Sequence[Candidate]) -> dict[str, object]:
    """Language levels, district, hours, availability and driving licences per candidate."""
    districts: dict[str, int] = {}
    district = np.array(
        [
            districts.setdefault(compact(c.district), len(districts))
            if c.district and compact(c.district)
            else -1
            for c in profiles
        ],
        dtype=np.int32,
    )
    classes = sorted({x for c in profiles for x in c.driving_licence})
    return {
        "oral": np.array([int(c.norwegian.oral or 0) for c in profiles], dtype=np.int8),
        "written": np.array([int(c.norwegian.written or 0) for c in profiles], dtype=np.int8),
        "districts": districts,
        "district": district,
        "max_hours": np.array(
            [np.nan if c.max_hours_per_week is None else c.max_hours_per_week for c in profiles]
        ),
        "available": np.array([ordinal(c.available_from) for c in profiles], dtype=np.int64),
        "licences": {
            k: np.array([k in c.driving_licence for c in profiles], dtype=bool) for k in classes
        },
    }


def _skill_index(profiles: Sequence[Candidate]) -> dict[str, object]:
    """Every distinct skill term resolved once; unknown terms become local concepts."""
    tax = load_taxonomy()
    terms = sorted({t for c in profiles for t in c.skills})
    matches = tax.resolve_skills(terms)
    term_concepts: dict[str, tuple[int, ...]] = {}
    local: dict[str, int] = {}
    for term, m in zip(terms, matches, strict=True):
        if m.concepts:
            term_concepts[term] = m.concepts
        else:
            key = compact(term)
            cid = local.setdefault(key, tax.n_skills + len(local))
            term_concepts[term] = (cid,)
    rows, cols = [], []
    for i, c in enumerate(profiles):
        seen = {cid for t in c.skills for cid in term_concepts[t]}
        rows.extend([i] * len(seen))
        cols.extend(seen)
    n_concepts = tax.n_skills + len(local)
    skills = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(profiles), n_concepts)
    )
    skills.sum_duplicates()
    return {
        "term_concepts": term_concepts,
        "local_terms": Vocabulary(list(local), list(local.values())),
        "skills": skills,
    }


def _entries(
    profiles: Sequence[Candidate], today: dt.date
) -> tuple[list[tuple[int, str, float]], dict[str, list], dict[str, int]]:
    """Title evidence ``(candidate, title, weight)``, placement entries and employer codes."""
    evidence: list[tuple[int, str, float]] = []
    pl: dict[str, list] = {k: [] for k in ("cand", "title", "outcome", "date", "employer")}
    pl["factor"] = []
    employers: dict[str, int] = {}
    for i, c in enumerate(profiles):
        for p in c.placements:
            title = p.occupation or p.title
            if title:
                weight = recency(today, p.end or p.start) * EVIDENCE_OUTCOME[p.outcome]
                evidence.append((i, title, weight))
                if p.title and p.title != title:
                    evidence.append((i, p.title, 0.0))  # resolved for reasons only
            emp = compact(p.employer) if p.employer else ""
            pl["cand"].append(i)
            pl["title"].append(title or "")
            pl["outcome"].append(OUTCOME_CODE[p.outcome])
            pl["date"].append(ordinal(p.end or p.start))
            pl["employer"].append(employers.setdefault(emp, len(employers)) if emp else -1)
            pl["factor"].append(1.0)
        for e in c.experience:
            evidence.append((i, e.title, SOURCE_WEIGHT["experience"]))
            # Track record: a year of experience is worth half of two or more.
            pl["cand"].append(i)
            pl["title"].append(e.title)
            pl["outcome"].append(EXPERIENCE_CODE)
            pl["date"].append(UNKNOWN_DATE)
            pl["employer"].append(-1)
            pl["factor"].append(0.75 if e.years is None else min(1.0, 0.25 + e.years / 2.5))
        for d in c.desired_occupations:
            evidence.append((i, d, SOURCE_WEIGHT["desired"]))
    return evidence, pl, employers


def _occupations(
    skills: sp.csr_matrix,
    evidence: Sequence[tuple[int, str, float]],
    title_matches: dict[str, TitleMatch],
) -> sp.csr_matrix:
    """Candidate × occupation probabilities from skills and title evidence."""
    tax = load_taxonomy()
    model = occupation_model()
    n = skills.shape[0]
    occ_r, occ_c, occ_v, grp_r, grp_c, grp_v = [], [], [], [], [], []
    for i, title, weight in evidence:
        m = title_matches[title]
        if weight <= 0 or not m.found:
            continue
        for is_group, concept, w in m.weight_of():
            if is_group:
                grp_r.append(i)
                grp_c.append(concept)
                grp_v.append(weight * m.similarity * model.title_group + math.log(w))
            else:
                occ_r.append(i)
                occ_c.append(concept)
                occ_v.append(weight * m.similarity * model.title_occupation + math.log(w))
    logits = skills[:, : tax.n_skills] @ model.skill_weights
    logits = logits + sp.csr_matrix((occ_v, (occ_r, occ_c)), shape=(n, tax.n_occ))
    grp = sp.csr_matrix((grp_v, (grp_r, grp_c)), shape=(n, tax.n_groups))
    logits = logits + grp @ model.group_members
    return softmax_rows(sp.csr_matrix(logits), tax.n_occ)


def build_features(profiles: Sequence[Candidate], today: dt.date) -> PoolFeatures:
    """Build the index over a candidate pool; ``today`` dates the recency of title evidence."""
    n = len(profiles)
    skill_index = _skill_index(profiles)
    evidence, pl, employers = _entries(profiles, today)
    distinct = sorted({t for _, t, _ in evidence} | {t for t in pl["title"] if t})
    resolved = load_taxonomy().resolve_titles(distinct)
    title_matches: dict[str, TitleMatch] = dict(zip(distinct, resolved, strict=True))
    pl_cand = np.array(pl["cand"], dtype=np.int64)
    change = np.flatnonzero(np.diff(pl_cand)) + 1
    return PoolFeatures(
        n=n,
        **_practicalities(profiles),  # type: ignore[arg-type]
        **skill_index,  # type: ignore[arg-type]
        employers=employers,
        title_matches=title_matches,
        occupations=_occupations(skill_index["skills"], evidence, title_matches),  # type: ignore[arg-type]
        pl_cand=pl_cand,
        pl_outcome=np.array(pl["outcome"], dtype=np.int8),
        pl_date=np.array(pl["date"], dtype=np.int64),
        pl_employer=np.array(pl["employer"], dtype=np.int64),
        pl_factor=np.array(pl["factor"], dtype=np.float64),
        pl_starts=np.concatenate([[0], change]).astype(np.int64) if len(pl_cand) else change,
        pl_ptr=np.searchsorted(pl_cand, np.arange(n + 1)).astype(np.int64),
        pl_occupations=title_distribution([title_matches.get(t) for t in pl["title"]]),
        text=load_text_model().index(profiles),
    )


class PoolView:
    """The candidates a block of needs is scored against: all of a pool, or ``idx`` of it.

    Parameters
    ----------
    pool : PoolFeatures
        The fitted index.
    idx : array of int, optional
        Positions of the selected candidates in the pool; None selects every candidate
        (and :meth:`take` returns the pool's own arrays, without copying).
    """

    __slots__ = ("idx", "n", "pool")

    def __init__(self, pool: PoolFeatures, idx: np.ndarray | None = None) -> None:
        self.pool = pool
        self.idx = idx
        self.n = pool.n if idx is None else len(idx)

    def take(self, a: np.ndarray | sp.csr_matrix) -> np.ndarray | sp.csr_matrix:
        """Rows of a per-candidate array (or sparse matrix) for the selected candidates."""
        return a if self.idx is None else a[self.idx]

    def placement_rows(self) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
        """The selected candidates' placement entries, still grouped by candidate.

        Returns ``(rows, owner, starts)``: the entries' positions in the pool (None: all of
        them, in order), each entry's candidate column in the view, and the first entry of
        each selected candidate that has entries.
        """
        pool = self.pool
        if self.idx is None:
            return None, pool.pl_cand, pool.pl_starts
        first = pool.pl_ptr[self.idx]
        count = pool.pl_ptr[self.idx + 1] - first
        n_rows = int(count.sum())
        offset = np.cumsum(count) - count
        rows = np.repeat(first - offset, count) + np.arange(n_rows)
        owner = np.repeat(np.arange(self.n), count)
        return rows, owner, offset[count > 0]
