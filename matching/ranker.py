"""Rank candidates for placement needs: constraints → features per pair → ranking.

:class:`CandidateRanker` follows scikit-learn's estimator conventions: ``__init__`` only stores
parameters, :meth:`~CandidateRanker.fit` builds the index over a candidate pool (learned state
ends in ``_``), and :meth:`~CandidateRanker.rank` / :meth:`~CandidateRanker.rank_many` rank
placement needs against it; :meth:`~CandidateRanker.rank_needs` ranks needs for one candidate
of the pool.  Features are computed for blocks of needs × candidates at once with numpy and
scipy sparse matrices; explanations are built only for the pairs returned.

Prepared needs
--------------
Resolving a need (title and occupation → ESCO occupations, skill terms → concepts, fuzzy
matching included) costs more than scoring it against a demo-sized pool, so it is done once:
:meth:`~CandidateRanker.prepare` returns a :class:`PreparedVacancy`, and the ranker keeps the
last ``cache_size`` of them keyed by the need's content.  The pool-independent part is also
kept per process, so a refit (or :func:`best_needs`, which fits a one-candidate pool) reuses
it.  Batched and single rankings use the same floating-point operations in the same order, so
a score never depends on which other needs or candidates were ranked with it.

How occupational fit works
--------------------------
Each profile is resolved to a probability distribution over ESCO occupations, a small
naive-Bayes model over its evidence:

- a title (placement, experience, desired occupation; for a need its title and occupation) that
  names an ESCO occupation adds ``TITLE_STRENGTH * log(#occupations)`` to that occupation's
  log-odds; a title that names a STYRK-08 unit group (NAV titles, SSB names) adds
  ``TITLE_STRENGTH * log(#groups)`` to every occupation in the group (times the title's match
  similarity and the weight of its source: placement outcome and age, desired occupation);
- each skill adds ``log(1 + p_k / |K(o)| / (p_noise / #skills))`` to every occupation ``o`` that
  lists it, where ``K(o)`` is the occupation's essential (``k = essential``) or optional skill
  set: a skill shared by few, small occupations says more than a generic one;
- occupations without evidence keep log-odds 0 (a uniform prior), so a thin profile gets a
  flat, honest distribution instead of a confident guess.

The need's distribution ``p`` and the candidate's ``q`` give the expected relatedness
``q · R · p``, with ``R`` = 1 for the same occupation, 2/3 for the same STYRK-08 unit group and
1/3 for occupations sharing at least two sector- or occupation-specific essential skills
(:data:`matching.taxonomy.RELATEDNESS`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .cache import LRUCache
from .explain import Explanation, HistoryNote, LanguageCheck, SkillCheck, render_reasons
from .profiles import (
    Candidate,
    Outcome,
    PlacementType,
    Vacancy,
    parse_candidate,
    parse_vacancy,
)
from .taxonomy import RELATEDNESS, Taxonomy, TitleMatch, load_taxonomy
from .text import compact
from .vocabulary import TermMatch, Vocabulary
from .weights import COMPONENTS, DEFAULT_WEIGHTS, normalise_weights

__all__ = [
    "CandidateRanker",
    "Match",
    "NotFittedError",
    "PreparedVacancy",
    "Ranking",
    "best_needs",
    "check_is_fitted",
]

#: Share of a profile's skills expected to be essential / optional skills of its occupation;
#: the rest is noise (skills from elsewhere, typos that resolved to other concepts).
P_ESSENTIAL, P_OPTIONAL, P_NOISE = 0.55, 0.15, 0.30
#: A title is this many times as telling as a title drawn at random would make it (see
#: the module docstring): job titles are rarely wrong, so mentioning one is strong evidence.
TITLE_STRENGTH = 1.5
#: Evidence weight of each source of a title, relative to a placement.
SOURCE_WEIGHT = {
    "placement": 1.0,
    "experience": 1.0,
    "desired": 0.5,
    "title": 1.0,
    "occupation": 1.5,
}
#: How much a placement shows competence in its occupation, by outcome: an aborted placement
#: says the candidate tried the trade, not that they can do it.
EVIDENCE_OUTCOME = {
    None: 0.75,
    Outcome.ONGOING: 1.0,
    Outcome.COMPLETED: 1.0,
    Outcome.HIRED: 1.0,
    Outcome.ABORTED: 0.5,
}
#: Blend inside the skills component: occupational fit vs. listed required/preferred skills.
OCCUPATION_SHARE = 0.8
#: Required skills count this many times a preferred one.
REQUIRED_WEIGHT = 2.0
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
#: Weight of the margin above the Norwegian floor inside the language component.
LANGUAGE_MARGIN_SHARE = 0.3
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
#: Needs × candidates scored together at most (a block's arrays are ~8 MB each).
BLOCK_CELLS = 1 << 20
#: Needs whose pool-independent resolution (titles, ESCO skills, occupations) is kept per
#: process, shared by all rankers (about 25 kB each).
NEED_CACHE_SIZE = 1024


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

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's JSON shape."""
        return {"vacancy_id": self.vacancy_id, "ranking": [m.to_dict() for m in self.matches]}


class _OccupationModel:
    """Log-odds contributions of skills and titles to occupations (shared, read-only)."""

    def __init__(self, tax: Taxonomy) -> None:
        n_skills = tax.n_skills
        ess_size = np.maximum(np.asarray(tax.essential.sum(axis=1)).ravel(), 1.0)
        opt_size = np.maximum(np.asarray(tax.optional.sum(axis=1)).ravel(), 1.0)
        noise = P_NOISE / n_skills
        ess_w = np.log1p(P_ESSENTIAL / ess_size / noise)
        opt_w = np.log1p(P_OPTIONAL / opt_size / noise)
        #: skill × occupation log-odds
        self.skill_weights = (
            (sp.diags(ess_w) @ tax.essential + sp.diags(opt_w) @ tax.optional).T.tocsr()
        ).astype(np.float32)
        self.title_occupation = TITLE_STRENGTH * math.log(tax.n_occ)
        self.title_group = TITLE_STRENGTH * math.log(tax.n_groups)
        self.n_occ = tax.n_occ
        #: group → occupation membership (csr, groups × occupations)
        self.group_members = tax.membership.T.tocsr()


@functools.cache
def _occupation_model() -> _OccupationModel:
    return _OccupationModel(load_taxonomy())


def _softmax_rows(logits: sp.csr_matrix, n_cols: int, min_p: float = 1e-3) -> sp.csr_matrix:
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


def _ordinal(day: dt.date | None) -> int:
    return day.toordinal() if day is not None else UNKNOWN_DATE


_OUTCOME_W = np.array(
    [0.0]
    + [OUTCOME_WEIGHT[k] for k in ("ongoing", "completed", "hired", "aborted")]
    + [OUTCOME_WEIGHT["experience"]]
)


def _mean_parts(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Mean of the parts summed in ``total`` (rows: needs); 1 where a need has none."""
    return np.where(count[:, None] > 0, total / np.maximum(count, 1)[:, None], 1.0)


@dataclass(frozen=True, slots=True, eq=False)
class _NeedCore:
    """What a need's title, occupation and skill terms say, independent of any pool."""

    esco: tuple[tuple[int, ...], ...]  # ESCO skills per term (required, preferred); () unknown
    occupations: sp.csr_matrix  # 1 × occupations: the likely ones (p > 1e-4)
    relevance: np.ndarray  # relatedness of every occupation to the need (read-only)


#: Pool-independent need resolutions, shared by every ranker in the process (fits come and go
#: when the pool changes; open needs stay).
_NEED_CORES = LRUCache(NEED_CACHE_SIZE)


def clear_need_cache() -> None:
    """Forget the process-wide need resolutions (for benchmarks and tests; rankers keep theirs)."""
    _NEED_CORES.clear()


def _core_key(v: Vacancy) -> tuple[Any, ...]:
    return (v.title, v.occupation, tuple(v.skills_required), tuple(v.skills_preferred))


def _need_cores(keys: Sequence[tuple[Any, ...]]) -> list[_NeedCore]:
    """Resolve needs (see :func:`_core_key`), looking all uncached terms and titles up at once."""
    found: dict[tuple[Any, ...], _NeedCore] = {}
    missing = []
    for key in dict.fromkeys(keys):
        core = _NEED_CORES.get(key)
        if core is None:
            missing.append(key)
        else:
            found[key] = core
    if missing:
        tax = load_taxonomy()
        terms = sorted({t for k in missing for t in (*k[2], *k[3])})
        titles = sorted({t for k in missing for t in (k[0], k[1]) if t is not None})
        skill_of = dict(zip(terms, tax.resolve_skills(terms), strict=True))
        title_of = dict(zip(titles, tax.resolve_titles(titles), strict=True))
        for key in missing:
            core = _need_core(key, skill_of, title_of)
            _NEED_CORES.put(key, core)
            found[key] = core
    return [found[k] for k in keys]


def _need_core(
    key: tuple[Any, ...], skill_of: Mapping[str, TermMatch], title_of: Mapping[str, TitleMatch]
) -> _NeedCore:
    """Distribution of a need over ESCO occupations and every occupation's relatedness to it."""
    tax = load_taxonomy()
    model = _occupation_model()
    title, occupation, required, preferred = key
    esco = tuple(skill_of[t].concepts for t in (*required, *preferred))
    logits = np.zeros(tax.n_occ)
    concepts = sorted({c for cs in esco for c in cs if c < tax.n_skills})
    if concepts:
        logits += np.asarray(model.skill_weights[concepts].sum(axis=0)).ravel()
    sources = [(title, SOURCE_WEIGHT["title"])]
    if occupation:
        sources.append((occupation, SOURCE_WEIGHT["occupation"]))
    for text, weight in sources:
        m = title_of[text]
        for o in m.occupations:
            logits[o] += weight * m.similarity * model.title_occupation
        for g in m.groups:
            members = model.group_members.indices[
                model.group_members.indptr[g] : model.group_members.indptr[g + 1]
            ]
            logits[members] += weight * m.similarity * model.title_group
    logits -= logits.max()
    p = np.exp(logits)
    p = p / p.sum()
    # Relatedness of every occupation to the need (only likely need occupations matter).
    likely = np.flatnonzero(p > 1e-4)
    relevance = tax.relatedness[:, likely] @ p[likely]
    relevance.flags.writeable = False
    dist = sp.csr_matrix((p[likely], likely, [0, len(likely)]), shape=(1, tax.n_occ))
    return _NeedCore(esco, dist, relevance)


@dataclass(frozen=True, slots=True, eq=False)
class PreparedVacancy:
    """A placement need resolved against one fitted pool (see :meth:`CandidateRanker.prepare`).

    Attributes
    ----------
    vacancy : Vacancy
        The parsed need.
    required, preferred : tuple of tuple of int
        Concepts per required / preferred skill term: ESCO skills, else terms seen in the pool.
    occupations : scipy.sparse.csr_matrix
        1 × occupations: the need's probability distribution over ESCO occupations (the
        occupations with p > 1e-4, the only ones that count).
    relevance : numpy.ndarray
        Expected relatedness of every ESCO occupation to the need (read-only).
    reference_date : datetime.date
        The need's start date, else the ranker's "today".
    employer, district : int
        Codes of the need's employer and district in the pool (-1 / -2 when not in it).
    fit_token : str
        Identifies the fit the need was prepared for.
    """

    vacancy: Vacancy
    required: tuple[tuple[int, ...], ...]
    preferred: tuple[tuple[int, ...], ...]
    occupations: sp.csr_matrix
    relevance: np.ndarray
    reference_date: dt.date
    employer: int
    district: int
    fit_token: str

    def __repr__(self) -> str:
        return (
            f"PreparedVacancy(id={self.vacancy.id!r}, required={len(self.required)}, "
            f"preferred={len(self.preferred)}, likely_occupations={self.occupations.nnz})"
        )


@dataclass(frozen=True, slots=True)
class _Scores:
    """A block of needs (rows) × candidates (columns)."""

    score: np.ndarray
    eligible: np.ndarray
    components: dict[str, np.ndarray]
    licence_ok: np.ndarray
    has: sp.csr_matrix  # candidates × all the needs' skill terms, 1 where the candidate has it
    term_start: np.ndarray  # need j's terms are columns term_start[j]:term_start[j + 1]


class CandidateRanker(BaseEstimator):
    """Rank a pool of candidates for placement needs, with scores, components and reasons.

    Parameters
    ----------
    weights : mapping, optional
        Component weights (``skills``, ``history``, ``language``, ``practical``); defaults to
        :data:`matching.weights.DEFAULT_WEIGHTS`.  See :func:`matching.weights.fit_weights`.
    reference_date : datetime.date, optional
        "Today" for needs without a start date and for the recency of evidence; defaults to
        the date of :meth:`fit`.  Set it in tests to keep results fixed.
    history_half_life : float
        Years after which a placement counts half as much in the history component.
    cache_size : int
        How many prepared needs to keep (see :meth:`prepare`); 0 keeps none.

    Examples
    --------
    >>> ranker = CandidateRanker(reference_date=dt.date(2026, 1, 1)).fit([
    ...     {"id": "c1", "skills": ["forklift operations"], "norwegian": {"oral": "B1"},
    ...      "placements": [{"title": "lagermedarbeider", "outcome": "completed",
    ...                      "type": "arbeidspraksis", "start": "2024-01-01",
    ...                      "end": "2024-06-01"}]},
    ...     {"id": "c2", "skills": ["bake bread"], "norwegian": {"oral": "A1"}},
    ... ])
    >>> ranking = ranker.rank({"id": "v1", "title": "Lagermedarbeider (praksisplass)",
    ...                        "norwegian_min": {"oral": "A2"}}, top=2)
    >>> [(m.candidate_id, m.eligible) for m in ranking.matches]
    [('c1', True), ('c2', False)]
    >>> ranking.matches[0].reasons[:2]  # doctest: +NORMALIZE_WHITESPACE
    ['Muntlig B1 – krav A2 oppfylt',
     'Beslektet yrke (samme STYRK-08-gruppe): lagermedarbeider (praksis)']
    """

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        reference_date: dt.date | None = None,
        history_half_life: float = 4.0,
        cache_size: int = 1024,
    ) -> None:
        self.weights = weights
        self.reference_date = reference_date
        self.history_half_life = history_half_life
        self.cache_size = cache_size

    # --- fit -----------------------------------------------------------------------------

    def fit(self, candidates: Iterable[Candidate | Mapping[str, Any]]) -> CandidateRanker:
        """Build the index over a candidate pool (profiles or contract dicts); return ``self``."""
        tax = load_taxonomy()
        model = _occupation_model()
        profiles = [c if isinstance(c, Candidate) else parse_candidate(c) for c in candidates]
        n = len(profiles)
        self.weights_ = normalise_weights(self.weights or DEFAULT_WEIGHTS)
        self.today_ = self.reference_date or dt.date.today()
        #: prepared needs of this fit, by content (see :meth:`prepare`)
        self.prepared_ = LRUCache(self.cache_size)
        self.fit_token_ = uuid.uuid4().hex
        self.profiles_ = profiles
        self.ids_ = np.array([c.id for c in profiles], dtype=object)
        self.index_of_ = {c.id: i for i, c in enumerate(profiles)}
        if len(self.index_of_) != n:
            raise ValueError("candidate ids must be unique")
        self.id_rank_ = np.empty(n, dtype=np.int64)
        self.id_rank_[np.argsort(self.ids_.astype(str), kind="stable")] = np.arange(n)

        self.oral_ = np.array([int(c.norwegian.oral or 0) for c in profiles], dtype=np.int8)
        self.written_ = np.array([int(c.norwegian.written or 0) for c in profiles], dtype=np.int8)
        self.districts_: dict[str, int] = {}
        self.district_ = np.array(
            [
                self.districts_.setdefault(compact(c.district), len(self.districts_))
                if c.district and compact(c.district)
                else -1
                for c in profiles
            ],
            dtype=np.int32,
        )
        self.max_hours_ = np.array(
            [np.nan if c.max_hours_per_week is None else c.max_hours_per_week for c in profiles]
        )
        self.available_ = np.array([_ordinal(c.available_from) for c in profiles], dtype=np.int64)
        classes = sorted({x for c in profiles for x in c.driving_licence})
        self.licences_ = {
            k: np.array([k in c.driving_licence for c in profiles], dtype=bool) for k in classes
        }

        # Skills: every distinct term resolved once; unknown terms become local concepts.
        terms = sorted({t for c in profiles for t in c.skills})
        matches = tax.resolve_skills(terms)
        self.term_concepts_: dict[str, tuple[int, ...]] = {}
        local: dict[str, int] = {}
        for term, m in zip(terms, matches, strict=True):
            if m.concepts:
                self.term_concepts_[term] = m.concepts
            else:
                key = compact(term)
                cid = local.setdefault(key, tax.n_skills + len(local))
                self.term_concepts_[term] = (cid,)
        self.local_terms_ = Vocabulary(list(local), list(local.values()))
        rows, cols = [], []
        for i, c in enumerate(profiles):
            seen = {cid for t in c.skills for cid in self.term_concepts_[t]}
            rows.extend([i] * len(seen))
            cols.extend(seen)
        n_concepts = tax.n_skills + len(local)
        self.skills_ = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n_concepts)
        )
        self.skills_.sum_duplicates()

        # Titles: placements, experience, desired occupations.
        evidence: list[tuple[int, str, float]] = []  # (candidate, title, weight)
        pl_cand, pl_title, pl_outcome, pl_date, pl_employer = [], [], [], [], []
        pl_factor: list[float] = []
        self.employers_: dict[str, int] = {}
        for i, c in enumerate(profiles):
            for p in c.placements:
                title = p.occupation or p.title
                if title:
                    weight = self._recency(p.end or p.start) * EVIDENCE_OUTCOME[p.outcome]
                    evidence.append((i, title, weight))
                    if p.title and p.title != title:
                        evidence.append((i, p.title, 0.0))  # resolved for reasons only
                pl_cand.append(i)
                pl_title.append(title or "")
                pl_outcome.append(OUTCOME_CODE[p.outcome])
                pl_date.append(_ordinal(p.end or p.start))
                emp = compact(p.employer) if p.employer else ""
                pl_employer.append(
                    self.employers_.setdefault(emp, len(self.employers_)) if emp else -1
                )
                pl_factor.append(1.0)
            for e in c.experience:
                evidence.append((i, e.title, SOURCE_WEIGHT["experience"]))
                # Track record: a year of experience is worth half of two or more.
                pl_cand.append(i)
                pl_title.append(e.title)
                pl_outcome.append(EXPERIENCE_CODE)
                pl_date.append(UNKNOWN_DATE)
                pl_employer.append(-1)
                pl_factor.append(0.75 if e.years is None else min(1.0, 0.25 + e.years / 2.5))
            for d in c.desired_occupations:
                evidence.append((i, d, SOURCE_WEIGHT["desired"]))
        distinct = sorted({t for _, t, _ in evidence} | {t for t in pl_title if t})
        resolved = tax.resolve_titles(distinct)
        self.title_matches_: dict[str, TitleMatch] = dict(zip(distinct, resolved, strict=True))

        occ_r, occ_c, occ_v, grp_r, grp_c, grp_v = [], [], [], [], [], []
        for i, title, weight in evidence:
            m = self.title_matches_[title]
            if weight <= 0 or not m.found:
                continue
            for o in m.occupations:
                occ_r.append(i)
                occ_c.append(o)
                occ_v.append(weight * m.similarity * model.title_occupation)
            for g in m.groups:
                grp_r.append(i)
                grp_c.append(g)
                grp_v.append(weight * m.similarity * model.title_group)
        logits = self.skills_[:, : tax.n_skills] @ model.skill_weights
        logits = logits + sp.csr_matrix((occ_v, (occ_r, occ_c)), shape=(n, tax.n_occ))
        grp = sp.csr_matrix((grp_v, (grp_r, grp_c)), shape=(n, tax.n_groups))
        logits = logits + grp @ model.group_members
        #: candidate × occupation probabilities
        self.occupations_ = _softmax_rows(sp.csr_matrix(logits), tax.n_occ)

        # Placements, for the history component.
        self.pl_cand_ = np.array(pl_cand, dtype=np.int64)
        self.pl_outcome_ = np.array(pl_outcome, dtype=np.int8)
        self.pl_date_ = np.array(pl_date, dtype=np.int64)
        self.pl_employer_ = np.array(pl_employer, dtype=np.int64)
        self.pl_factor_ = np.array(pl_factor, dtype=np.float64)
        change = np.flatnonzero(np.diff(self.pl_cand_)) + 1
        self.pl_starts_ = np.concatenate([[0], change]).astype(np.int64) if len(pl_cand) else change
        #: candidate i's entries are pl_ptr_[i]:pl_ptr_[i + 1]
        self.pl_ptr_ = np.searchsorted(self.pl_cand_, np.arange(n + 1)).astype(np.int64)
        self.pl_occupations_ = self._title_distribution(
            [self.title_matches_.get(t) for t in pl_title]
        )
        return self

    def _recency(self, day: dt.date | None) -> float:
        """Evidence weight of an old title: 1 when recent, towards 0.5 when long ago."""
        if day is None:
            return 0.75
        years = max((self.today_ - day).days, 0) / 365.25
        return 0.5 + 0.5 * 0.5 ** (years / 5.0)

    def _title_distribution(self, matches: Sequence[TitleMatch | None]) -> sp.csr_matrix:
        """Rows over occupations: the named occupation, or a unit group spread evenly."""
        tax = load_taxonomy()
        rows, cols, vals = [], [], []
        members = _occupation_model().group_members
        for r, m in enumerate(matches):
            if m is None or not m.found:
                continue
            if m.occupations:
                share = m.similarity / len(m.occupations)
                for o in m.occupations:
                    rows.append(r)
                    cols.append(o)
                    vals.append(share)
            else:
                for g in m.groups:
                    lo, hi = members.indptr[g], members.indptr[g + 1]
                    occs = members.indices[lo:hi]
                    share = m.similarity / max(len(occs), 1) / len(m.groups)
                    rows.extend([r] * len(occs))
                    cols.extend(occs.tolist())
                    vals.extend([share] * len(occs))
        return sp.csr_matrix(
            (vals, (rows, cols)), shape=(len(matches), tax.n_occ), dtype=np.float32
        )

    # --- the need ------------------------------------------------------------------------

    def prepare(self, vacancy: Vacancy | Mapping[str, Any] | PreparedVacancy) -> PreparedVacancy:
        """Resolve a placement need once against the fitted pool, for repeated ranking.

        The result holds everything about the need that does not depend on a candidate: the
        parsed need, its skill terms resolved to concepts, its distribution over ESCO
        occupations and the relatedness of every occupation to it.  :meth:`rank`,
        :meth:`rank_many` and :meth:`rank_needs` call this themselves and keep the last
        ``cache_size`` prepared needs, keyed by the need's content, so passing the same dict
        or :class:`~matching.profiles.Vacancy` again skips the resolution; passing the
        returned object skips even the lookup.  A prepared need belongs to one :meth:`fit`:
        one from an earlier fit (or another ranker) is prepared again.

        Parameters
        ----------
        vacancy : Vacancy, mapping or PreparedVacancy
            The need (a contract dict is parsed with :func:`~matching.profiles.parse_vacancy`).

        Returns
        -------
        PreparedVacancy

        Examples
        --------
        >>> ranker = CandidateRanker(reference_date=dt.date(2026, 1, 1)).fit(
        ...     [{"id": "c1", "skills": ["forklift operations"]}])
        >>> need = ranker.prepare({"id": "v1", "title": "Lagermedarbeider",
        ...                        "skills_required": ["forklift operations", "lagerstyring xyz"]})
        >>> need
        PreparedVacancy(id='v1', required=2, preferred=0, likely_occupations=8)
        >>> ranker.prepare(need.vacancy) is need  # cached by content
        True
        >>> ranker.rank(need, top=1).matches[0].candidate_id
        'c1'
        """
        return self._prepare_all([vacancy])[0]

    def _prepare_all(
        self, vacancies: Iterable[Vacancy | Mapping[str, Any] | PreparedVacancy]
    ) -> list[PreparedVacancy]:
        """Prepare many needs, resolving all the ones not cached in one batch of lookups."""
        check_is_fitted(self, "ids_")
        out: list[PreparedVacancy | None] = []
        todo: dict[Vacancy, list[int]] = {}
        for item in vacancies:
            if isinstance(item, PreparedVacancy):
                if item.fit_token == self.fit_token_:
                    out.append(item)
                    continue
                item = item.vacancy
            v = item if isinstance(item, Vacancy) else parse_vacancy(item)
            try:
                hash(v)
            except TypeError:  # a hand-built Vacancy holding lists: key it by its tuple twin
                v = dataclasses.replace(
                    v,
                    skills_required=tuple(v.skills_required),
                    skills_preferred=tuple(v.skills_preferred),
                )
            cached = self.prepared_.get(v) if v not in todo else None
            if cached is not None:
                out.append(cached)
            else:
                todo.setdefault(v, []).append(len(out))
                out.append(None)
        if todo:
            pending = list(todo)
            cores = _need_cores([_core_key(v) for v in pending])
            unknown = sorted(
                {
                    t
                    for v, core in zip(pending, cores, strict=True)
                    for t, cs in zip(
                        (*v.skills_required, *v.skills_preferred), core.esco, strict=True
                    )
                    if not cs
                }
            )
            local = dict(
                zip(
                    unknown,
                    (m.concepts for m in self.local_terms_.lookup_many(unknown)),
                    strict=True,
                )
            )
            for v, core in zip(pending, cores, strict=True):
                terms = (*v.skills_required, *v.skills_preferred)
                concepts = tuple(cs or local[t] for t, cs in zip(terms, core.esco, strict=True))
                n_req = len(v.skills_required)
                emp = compact(v.employer) if v.employer else ""
                prep = PreparedVacancy(
                    vacancy=v,
                    required=concepts[:n_req],
                    preferred=concepts[n_req:],
                    occupations=core.occupations,
                    relevance=core.relevance,
                    reference_date=v.start_date or self.today_,
                    employer=self.employers_.get(emp, -1) if emp else -1,
                    district=self.districts_.get(compact(v.district), -2) if v.district else -2,
                    fit_token=self.fit_token_,
                )
                self.prepared_.put(v, prep)
                for pos in todo[v]:
                    out[pos] = prep
        return out  # type: ignore[return-value]

    # --- ranking -------------------------------------------------------------------------

    def rank(
        self,
        vacancy: Vacancy | Mapping[str, Any] | PreparedVacancy,
        top: int = 50,
        candidate_mask: np.ndarray | None = None,
        allowed_ids: Iterable[str] | None = None,
    ) -> Ranking:
        """Rank the fitted pool for one placement need.

        Parameters
        ----------
        vacancy : Vacancy, mapping or PreparedVacancy
            The need (a contract dict is parsed with :func:`~matching.profiles.parse_vacancy`;
            see :meth:`prepare`).
        top : int
            How many candidates to return.
        candidate_mask : array of bool, optional
            Only candidates whose entry is true may be returned (index order of ``fit``).
        allowed_ids : iterable of str, optional
            Only these candidate ids may be returned (e.g. those the user may see).

        Returns
        -------
        Ranking
            Best first; eligible candidates always before ineligible ones; ties broken by id.
        """
        check_is_fitted(self, "ids_")
        prep = self._prepare_all([vacancy])
        return self._rankings(prep, top, self._allowed(candidate_mask, allowed_ids))[0]

    def rank_many(
        self,
        vacancies: Iterable[Vacancy | Mapping[str, Any] | PreparedVacancy],
        top: int = 50,
        candidate_mask: np.ndarray | None = None,
        allowed_ids: Iterable[str] | None = None,
    ) -> list[Ranking]:
        """Rank the pool for many placement needs at once, in input order.

        Gives exactly what :meth:`rank` gives for each need, but prepares all needs in one
        batch of lookups and scores them in blocks of needs × candidates (one sparse product
        for all the needs' occupational fit), so it is much faster than a loop over
        :meth:`rank` for pool-wide views such as :func:`~matching.allocation.allocate`.

        Parameters
        ----------
        vacancies : iterable of Vacancy, mapping or PreparedVacancy
            The needs.
        top : int
            How many candidates to return per need.
        candidate_mask, allowed_ids
            Only these candidates may be returned, for every need (see :meth:`rank`).

        Returns
        -------
        list of Ranking
            One per need, in input order.

        Examples
        --------
        >>> ranker = CandidateRanker(reference_date=dt.date(2026, 1, 1)).fit([
        ...     {"id": "c1", "desired_occupations": ["baker"]},
        ...     {"id": "c2", "desired_occupations": ["lagermedarbeider"]},
        ... ])
        >>> needs = [{"id": "v1", "title": "Lagermedarbeider"}, {"id": "v2", "title": "Baker"}]
        >>> [(r.vacancy_id, [m.candidate_id for m in r.matches])
        ...  for r in ranker.rank_many(needs, top=1)]
        [('v1', ['c2']), ('v2', ['c1'])]
        >>> [r.matches[0].candidate_id for r in ranker.rank_many(needs, allowed_ids=["c1"])]
        ['c1', 'c1']
        """
        check_is_fitted(self, "ids_")
        allowed = self._allowed(candidate_mask, allowed_ids)
        return self._rankings(self._prepare_all(vacancies), top, allowed)

    def rank_needs(
        self,
        candidate_id: str,
        vacancies: Iterable[Vacancy | Mapping[str, Any] | PreparedVacancy],
        top: int = 10,
    ) -> list[tuple[str, Match]]:
        """Rank placement needs for one candidate of the fitted pool (the reverse direction).

        Each need is scored exactly as :meth:`rank` scores this candidate for it, but only
        this candidate is scored, for all needs at once; needs are prepared (and cached) as in
        :meth:`prepare`, so repeated calls over the same open needs are cheap.

        Parameters
        ----------
        candidate_id : str
            A candidate given to :meth:`fit`.
        vacancies : iterable of Vacancy, mapping or PreparedVacancy
            The needs to choose from.
        top : int
            How many needs to return.

        Returns
        -------
        list of (str, Match)
            ``(vacancy_id, match)`` pairs: eligible needs first, then by score (higher
            first), then by vacancy id.

        Raises
        ------
        KeyError
            If the candidate is not in the fitted pool (see :func:`best_needs` for one that
            is not).

        Examples
        --------
        >>> ranker = CandidateRanker(reference_date=dt.date(2026, 1, 1)).fit([
        ...     {"id": "c1", "desired_occupations": ["lagerarbeider"], "norwegian": {"oral": "B1"}},
        ...     {"id": "c2", "desired_occupations": ["baker"]},
        ... ])
        >>> needs = [{"id": "v1", "title": "Baker"}, {"id": "v2", "title": "Lagermedarbeider"},
        ...          {"id": "v3", "title": "Lagermedarbeider", "norwegian_min": {"oral": "C1"}}]
        >>> [(vid, m.eligible) for vid, m in ranker.rank_needs("c1", needs)]
        [('v2', True), ('v1', True), ('v3', False)]
        >>> [vid for vid, _ in ranker.rank_needs("c2", needs, top=1)]
        ['v1']
        """
        check_is_fitted(self, "ids_")
        if candidate_id not in self.index_of_:
            raise KeyError(f"candidate {candidate_id!r} is not in the fitted pool")
        i = self.index_of_[candidate_id]
        preps = self._prepare_all(vacancies)
        if not preps or top <= 0:
            return []
        scores = self._score(preps, np.array([i]))
        score = scores.score[:, 0].tolist()
        eligible = scores.eligible[:, 0].tolist()
        vids = [p.vacancy.id for p in preps]
        order = sorted(range(len(preps)), key=lambda j: (not eligible[j], -score[j], vids[j]))
        here, who = np.zeros(1, dtype=np.int64), np.array([i])
        return [(vids[j], self._matches(preps[j], scores, j, here, who)[0]) for j in order[:top]]

    def _rankings(
        self, preps: Sequence[PreparedVacancy], top: int, allowed: np.ndarray | None
    ) -> list[Ranking]:
        """Rankings for prepared needs, scored in blocks of at most ``BLOCK_CELLS`` pairs."""
        n_allowed = len(self.ids_) if allowed is None else int(allowed.sum())
        if n_allowed == 0 or top <= 0:
            return [Ranking(p.vacancy.id, []) for p in preps]
        # Scoring only the allowed candidates pays for slicing the index when many needs
        # share the slice or few candidates are allowed; else score all and mask.
        idx = None
        subset = allowed is not None and n_allowed < len(self.ids_)
        if subset and (len(preps) > 1 or 4 * n_allowed <= len(self.ids_)):
            idx = np.flatnonzero(allowed)
            allowed = None
        id_rank = self.id_rank_ if idx is None else self.id_rank_[idx]
        step = max(1, BLOCK_CELLS // (len(self.ids_) if idx is None else len(idx)))
        out = []
        for lo in range(0, len(preps), step):
            block = preps[lo : lo + step]
            scores = self._score(block, idx)
            for j, prep in enumerate(block):
                picked = self._top(scores.score[j], scores.eligible[j], top, id_rank, allowed)
                chosen = picked if idx is None else idx[picked]
                out.append(Ranking(prep.vacancy.id, self._matches(prep, scores, j, picked, chosen)))
        return out

    def _allowed(self, mask: np.ndarray | None, ids: Iterable[str] | None) -> np.ndarray | None:
        n = len(self.ids_)
        allowed = None
        if mask is not None:
            allowed = np.asarray(mask, dtype=bool)
            if allowed.shape != (n,):
                raise ValueError(f"candidate_mask must have shape ({n},)")
        if ids is not None:
            by_id = np.zeros(n, dtype=bool)
            idx = [self.index_of_[c] for c in ids if c in self.index_of_]
            by_id[idx] = True
            allowed = by_id if allowed is None else allowed & by_id
        return allowed

    @staticmethod
    def _top(
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

    def _score(self, preps: Sequence[PreparedVacancy], idx: np.ndarray | None) -> _Scores:
        """Components, scores and eligibility for needs × candidates (``idx``; None: all).

        Every number is computed with the same floating-point operations, in the same order,
        as for one need against the whole pool, so a score never depends on which needs or
        candidates share the block.
        """
        m = len(preps)
        every = idx is None
        n = len(self.ids_) if every else len(idx)

        def sub(a: np.ndarray) -> np.ndarray:
            return a if every else a[idx]

        # relevance of every occupation to each need: occupations × needs
        rel_t = np.column_stack([p.relevance for p in preps])

        # Skills: occupational fit and listed skills.
        occupations = self.occupations_ if every else self.occupations_[idx]
        occ_fit = np.asarray(occupations @ rel_t).T
        n_concepts = self.skills_.shape[1]
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
        if n_terms:
            pick = sp.csr_matrix(
                (np.ones(len(pick_r), dtype=np.float32), (pick_r, pick_c)),
                shape=(n_concepts, n_terms),
            )
            has = ((self.skills_ if every else self.skills_[idx]) @ pick).tocsr()
            has.data[:] = 1.0
            weights = sp.csr_matrix((w_v, (w_r, w_c)), shape=(n_terms, m))
            # Sums of 0/1 × (2 or 1): exact in any order.
            covered = np.asarray((has @ weights).toarray()).T
            w_sum = np.asarray(weights.sum(axis=0)).ravel()
            listed = (w_sum > 0)[:, None]
            coverage = covered / np.where(w_sum > 0, w_sum, 1.0)[:, None]
            skills = np.where(
                listed, OCCUPATION_SHARE * occ_fit + (1 - OCCUPATION_SHARE) * coverage, occ_fit
            )
        else:
            has = sp.csr_matrix((n, 0), dtype=np.float32)
            skills = occ_fit

        # History: the best relevant placement, weighted by outcome and recency.
        history = np.zeros((n, m))
        if every:
            rows = None
            n_rows = len(self.pl_cand_)
            owner = self.pl_cand_
            starts = self.pl_starts_
        else:
            first = self.pl_ptr_[idx]
            count = self.pl_ptr_[idx + 1] - first
            n_rows = int(count.sum())
            offset = np.cumsum(count) - count
            rows = np.repeat(first - offset, count) + np.arange(n_rows)
            owner = np.repeat(np.arange(n), count)
            starts = offset[count > 0]
        if n_rows:

            def rows_of(a: np.ndarray) -> np.ndarray:
                return a if rows is None else a[rows]

            placements = self.pl_occupations_ if rows is None else self.pl_occupations_[rows]
            rel = placements @ rel_t
            outcome = rows_of(self.pl_outcome_)
            outcome_w = _OUTCOME_W[outcome] * rows_of(self.pl_factor_)
            day = rows_of(self.pl_date_)[:, None]
            ref = np.array([p.reference_date.toordinal() for p in preps], dtype=np.int64)
            age = np.where(day == UNKNOWN_DATE, 0, ref[None, :] - day)
            recency = 0.5 ** (np.maximum(age, 0) / 365.25 / self.history_half_life)
            value = rel * outcome_w[:, None] * recency
            # Entries are stored grouped by candidate: one reduceat gives each one's best.
            history[owner[starts]] = np.maximum.reduceat(value, starts, axis=0)
            employer = np.array([p.employer for p in preps])
            if (employer >= 0).any():
                emp_rows = rows_of(self.pl_employer_)
                aborted = (outcome == 4) & (emp_rows >= 0)
                ab_emp, ab_owner = emp_rows[aborted], owner[aborted]
                for j in np.flatnonzero(employer >= 0):
                    hit = ab_owner[ab_emp == employer[j]]
                    history[hit, j] = np.maximum(history[hit, j] - SAME_EMPLOYER_ABORT_PENALTY, 0)
        history = history.T

        # Language: floors are hard; the margin above counts a little (not for språkpraksis).
        eligible = np.ones((m, n), dtype=bool)
        sprak = np.array([p.vacancy.type is PlacementType.SPRAKPRAKSIS for p in preps])[:, None]
        lang_sum = np.zeros((m, n))
        lang_count = np.zeros(m)
        for have_all, modality in ((self.oral_, "oral"), (self.written_, "written")):
            need = [getattr(p.vacancy.norwegian_min, modality) for p in preps]
            present = np.array([x is not None for x in need])
            if not present.any():
                continue
            floor = np.array([0 if x is None else int(x) for x in need])[:, None]
            have = sub(have_all)[None, :]
            ok = (have >= floor) | ~present[:, None]
            eligible &= ok
            margin = np.clip(have.astype(float) - floor, 0, 2) / 2
            part = np.where(
                sprak,
                ok.astype(float),
                np.where(ok, (1 - LANGUAGE_MARGIN_SHARE) + LANGUAGE_MARGIN_SHARE * margin, 0.0),
            )
            lang_sum = np.where(present[:, None], lang_sum + part, lang_sum)
            lang_count += present
        language = _mean_parts(lang_sum, lang_count)

        # Practicalities.
        licence_ok = np.ones((m, n), dtype=bool)
        licences = [p.vacancy.driving_licence for p in preps]
        for licence in {x for x in licences if x}:
            held = self.licences_.get(licence)
            needing = [j for j, x in enumerate(licences) if x == licence]
            licence_ok[needing] = False if held is None else sub(held)[None, :]
        eligible &= licence_ok
        prac_sum = np.zeros((m, n))
        prac_count = np.zeros(m)
        present = np.array([bool(p.vacancy.district) for p in preps])
        if present.any():
            code = np.array([p.district for p in preps])[:, None]
            district = sub(self.district_)[None, :]
            part = np.where(district == code, 1.0, np.where(district < 0, 0.75, 0.5))
            prac_sum = np.where(present[:, None], prac_sum + part, prac_sum)
            prac_count += present
        present = np.array([bool(p.vacancy.hours_per_week) for p in preps])
        if present.any():
            hours = np.array([p.vacancy.hours_per_week or 1.0 for p in preps], dtype=float)[:, None]
            max_hours = sub(self.max_hours_)[None, :]
            cap = np.where(np.isnan(max_hours), hours, max_hours)
            part = np.clip(cap / hours, 0.0, 1.0)
            prac_sum = np.where(present[:, None], prac_sum + part, prac_sum)
            prac_count += present
        present = np.array([p.vacancy.start_date is not None for p in preps])
        if present.any():
            start_days = [_ordinal(p.vacancy.start_date) for p in preps]
            start = np.array(start_days, dtype=np.int64)[:, None]
            available = sub(self.available_)[None, :]
            late = np.where(available == UNKNOWN_DATE, 0, available - start)
            part = np.clip(1 - np.maximum(late, 0) / 180.0, 0.0, 1.0)
            prac_sum = np.where(present[:, None], prac_sum + part, prac_sum)
            prac_count += present
        practical = _mean_parts(prac_sum, prac_count)

        comps = {
            "skills": np.clip(skills, 0, 1),
            "history": np.clip(history, 0, 1),
            "language": np.clip(language, 0, 1),
            "practical": np.clip(practical, 0, 1),
        }
        total = sum(self.weights_[k] * comps[k] for k in COMPONENTS)
        score = np.round(100 * total, 2)
        return _Scores(score, eligible, comps, licence_ok, has, term_start)

    # --- explanations --------------------------------------------------------------------

    def _matches(
        self, prep: PreparedVacancy, scores: _Scores, j: int, cols: np.ndarray, cands: np.ndarray
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
            out.append(self._match(prep, i, comps, eligible[r], score[r], licence_ok[r], has, memo))
        return out

    def _match(
        self,
        prep: PreparedVacancy,
        i: int,
        comps: dict[str, float],
        eligible: bool,
        score: float,
        licence_ok: bool,
        has: list[bool],
        memo: dict[Any, float],
    ) -> Match:
        """Candidate ``i``'s match for a need, with the explanation of its score."""
        v = prep.vacancy
        c = self.profiles_[i]
        exp = Explanation(eligible=eligible, components=comps)
        exp.language = [
            LanguageCheck(mod, have, need)
            for mod, have, need in (
                ("oral", c.norwegian.oral, v.norwegian_min.oral),
                ("written", c.norwegian.written, v.norwegian_min.written),
            )
            if need is not None
        ]
        n_req = len(prep.required)
        for kind, names, offset in (
            ("required", v.skills_required, 0),
            ("preferred", v.skills_preferred, n_req),
        ):
            if names:
                flags = has[offset : offset + len(names)]
                exp.skills.append(
                    SkillCheck(
                        kind,
                        tuple(t for t, f in zip(names, flags, strict=True) if f),
                        tuple(t for t, f in zip(names, flags, strict=True) if not f),
                    )
                )
        exp.occupation = self._occupation_reason(c, prep, memo)
        exp.history = self._history_notes(i, prep, memo)
        if not licence_ok:
            exp.licence_missing = v.driving_licence
        if v.district and c.district:
            exp.district = (c.district, v.district)
        if (
            v.hours_per_week
            and c.max_hours_per_week is not None
            and c.max_hours_per_week < v.hours_per_week
        ):
            exp.hours = (c.max_hours_per_week, v.hours_per_week)
        if v.start_date and c.available_from and c.available_from > v.start_date:
            exp.start_gap_days = (c.available_from - v.start_date).days
        if not c.skills:
            exp.not_registered.append("skills")
        if c.norwegian.oral is None and c.norwegian.written is None:
            exp.not_registered.append("norwegian")
        if not c.placements and not c.experience:
            exp.not_registered.append("history")
        return Match(c.id, score, exp.eligible, comps, exp)

    def _title_relation(self, title: str, prep: PreparedVacancy, memo: dict[Any, float]) -> float:
        """Relatedness of a pool title to a need (a unit group: its members' mean).

        ``memo`` remembers titles and unit groups for one need across candidates.
        """
        value = memo.get(title)
        if value is not None:
            return value
        m = self.title_matches_.get(title)
        relevance = prep.relevance
        if m is None or not m.found:
            value = 0.0
        elif m.occupations:
            value = float(max(relevance[o] for o in m.occupations))
        else:
            members = _occupation_model().group_members
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

    def _occupation_reason(
        self, c: Candidate, prep: PreparedVacancy, memo: dict[Any, float]
    ) -> tuple[str, str, str] | None:
        best, title, source = -1.0, "", ""
        for kind, titles in (
            ("placement", [p.occupation or p.title for p in c.placements]),
            ("experience", [e.title for e in c.experience]),
            ("desired", c.desired_occupations),
        ):
            for text in titles:
                if not text:
                    continue
                value = self._title_relation(text, prep, memo)
                if not source or value > best + 1e-9:
                    best, title, source = value, text, kind
        if not source:
            return None
        value = best
        for name in ("same_occupation", "same_unit_group", "shared_essential_skills"):
            if value >= RELATEDNESS[name] * 0.9:
                return (name, title, source)
        return None

    def _history_notes(
        self, i: int, prep: PreparedVacancy, memo: dict[Any, float]
    ) -> list[HistoryNote]:
        c = self.profiles_[i]
        notes: list[tuple[float, HistoryNote]] = []
        # A placement is with the need's employer when their compact names are the same, that
        # is when the placement's entry has the need's employer code (placements come first
        # among candidate i's entries, in order).
        first = int(self.pl_ptr_[i])
        same = (
            [
                e == prep.employer
                for e in self.pl_employer_[first : first + len(c.placements)].tolist()
            ]
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
                notes.append(
                    (2.0, HistoryNote("aborted_same_employer", outcome, title, year, ptype))
                )
                continue
            if p.outcome is Outcome.ONGOING and not same_employer:
                start_year = p.start.year if p.start else None
                notes.append(
                    (1.5, HistoryNote("ongoing_elsewhere", outcome, title, start_year, ptype))
                )
                continue
            rel = self._title_relation(title, prep, memo)
            if rel >= RELATEDNESS["shared_essential_skills"] * 0.9 and p.outcome is not None:
                notes.append((rel, HistoryNote("relevant", outcome, title, year, ptype)))
        notes.sort(key=lambda x: -x[0])
        return [n for _, n in notes[:3]]


def best_needs(
    candidate: Candidate | Mapping[str, Any],
    vacancies: Iterable[Vacancy | Mapping[str, Any]],
    top: int = 10,
    reference_date: dt.date | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[str, Match]]:
    """Rank placement needs for one candidate (the reverse direction), best first.

    Returns ``(vacancy_id, match)`` pairs; eligible needs come before the others.  The
    candidate need not be in any fitted pool; for one that is, :meth:`CandidateRanker.rank_needs`
    on the fitted ranker gives the same and reuses its prepared needs.  What the needs'
    titles and skill terms say is cached per process either way, so calling this again over
    the same open needs is much cheaper than the first call.

    Examples
    --------
    >>> needs = [{"id": "v1", "title": "Baker"}, {"id": "v2", "title": "Lagermedarbeider"}]
    >>> candidate = {"id": "c1", "desired_occupations": ["lagerarbeider"]}
    >>> [vid for vid, _ in best_needs(candidate, needs)]
    ['v2', 'v1']
    """
    profile = candidate if isinstance(candidate, Candidate) else parse_candidate(candidate)
    ranker = CandidateRanker(weights=weights, reference_date=reference_date, cache_size=0)
    return ranker.fit([profile]).rank_needs(profile.id, vacancies, top=top)
