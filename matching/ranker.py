"""Rank candidates for placement needs: constraints → features per pair → ranking.

:class:`CandidateRanker` follows scikit-learn's estimator conventions: ``__init__`` only stores
parameters, :meth:`~CandidateRanker.fit` builds the index over a candidate pool (learned state
ends in ``_``), and :meth:`~CandidateRanker.rank` / :meth:`~CandidateRanker.rank_many` rank
placement needs against it.  Features are computed for the whole pool at once with numpy and
scipy sparse matrices; explanations are built only for the candidates returned.

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

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

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
from .vocabulary import Vocabulary
from .weights import COMPONENTS, DEFAULT_WEIGHTS, normalise_weights

__all__ = ["CandidateRanker", "Match", "Ranking", "NotFittedError", "check_is_fitted"]

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
    ) -> None:
        self.weights = weights
        self.reference_date = reference_date
        self.history_half_life = history_half_life

    # --- fit -----------------------------------------------------------------------------

    def fit(self, candidates: Iterable[Candidate | Mapping[str, Any]]) -> CandidateRanker:
        """Build the index over a candidate pool (profiles or contract dicts); return ``self``."""
        tax = load_taxonomy()
        model = _occupation_model()
        profiles = [c if isinstance(c, Candidate) else parse_candidate(c) for c in candidates]
        n = len(profiles)
        self.weights_ = normalise_weights(self.weights or DEFAULT_WEIGHTS)
        self.today_ = self.reference_date or dt.date.today()
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

    def _need_terms(self, terms: Sequence[str]) -> list[tuple[int, ...]]:
        """Resolve a need's skill terms to concepts (ESCO, else terms seen in the pool)."""
        tax = load_taxonomy()
        out = []
        for term, m in zip(terms, tax.resolve_skills(list(terms)), strict=True):
            if m.concepts:
                out.append(m.concepts)
            else:
                out.append(self.local_terms_.lookup(term).concepts)
        return out

    def _need_occupations(
        self, vacancy: Vacancy, required: list[tuple[int, ...]], preferred: list[tuple[int, ...]]
    ) -> np.ndarray:
        """Probability distribution of the need over ESCO occupations (dense)."""
        tax = load_taxonomy()
        model = _occupation_model()
        logits = np.zeros(tax.n_occ)
        concepts = sorted({c for cs in required + preferred for c in cs if c < tax.n_skills})
        if concepts:
            logits += np.asarray(model.skill_weights[concepts].sum(axis=0)).ravel()
        sources = [(vacancy.title, SOURCE_WEIGHT["title"])]
        if vacancy.occupation:
            sources.append((vacancy.occupation, SOURCE_WEIGHT["occupation"]))
        for title, weight in sources:
            m = tax.resolve_title(title)
            for o in m.occupations:
                logits[o] += weight * m.similarity * model.title_occupation
            for g in m.groups:
                members = model.group_members.indices[
                    model.group_members.indptr[g] : model.group_members.indptr[g + 1]
                ]
                logits[members] += weight * m.similarity * model.title_group
        logits -= logits.max()
        p = np.exp(logits)
        return p / p.sum()

    # --- ranking -------------------------------------------------------------------------

    def rank(
        self,
        vacancy: Vacancy | Mapping[str, Any],
        top: int = 50,
        candidate_mask: np.ndarray | None = None,
        allowed_ids: Iterable[str] | None = None,
    ) -> Ranking:
        """Rank the fitted pool for one placement need.

        Parameters
        ----------
        vacancy : Vacancy or mapping
            The need (a contract dict is parsed with :func:`~matching.profiles.parse_vacancy`).
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
        v = vacancy if isinstance(vacancy, Vacancy) else parse_vacancy(vacancy)
        feats = self._features(v)
        allowed = self._allowed(candidate_mask, allowed_ids)
        picked = self._top(feats["score"], feats["eligible"], top, allowed)
        return Ranking(v.id, [self._match(v, i, feats) for i in picked])

    def rank_many(
        self, vacancies: Iterable[Vacancy | Mapping[str, Any]], top: int = 50
    ) -> list[Ranking]:
        """Rank the pool for each need, in input order."""
        return [self.rank(v, top=top) for v in vacancies]

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

    def _top(
        self, score: np.ndarray, eligible: np.ndarray, top: int, allowed: np.ndarray | None
    ) -> np.ndarray:
        """Indices of the best ``top``: eligible first, score descending, id ascending."""
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
        order = np.lexsort((self.id_rank_[idx], -key[idx]))
        return idx[order][:top]

    def _features(self, v: Vacancy) -> dict[str, Any]:
        """All components and eligibility for every candidate in the pool."""
        tax = load_taxonomy()
        n = len(self.ids_)
        ref = v.start_date or self.today_
        required = self._need_terms(v.skills_required)
        preferred = self._need_terms(v.skills_preferred)
        p_need = self._need_occupations(v, required, preferred)
        # Relatedness of every occupation to the need (only likely need occupations matter).
        likely = np.flatnonzero(p_need > 1e-4)
        relevance = tax.relatedness[:, likely] @ p_need[likely]

        # Skills: occupational fit and listed skills.
        occ_fit = self.occupations_ @ relevance
        terms = required + preferred
        term_w = np.array([REQUIRED_WEIGHT] * len(required) + [1.0] * len(preferred))
        if terms and term_w.sum() > 0:
            rows, cols = [], []
            n_concepts = self.skills_.shape[1]
            for j, cs in enumerate(terms):
                for c in cs:
                    if c < n_concepts:
                        rows.append(c)
                        cols.append(j)
            pick = sp.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_concepts, len(terms))
            )
            has = (self.skills_ @ pick).toarray() > 0
            coverage = (has @ term_w) / term_w.sum()
        else:
            has = np.zeros((n, 0), dtype=bool)
            coverage = None
        if coverage is None:
            skills = occ_fit
        else:
            skills = OCCUPATION_SHARE * occ_fit + (1 - OCCUPATION_SHARE) * coverage

        # History: the best relevant placement, weighted by outcome and recency.
        history = np.zeros(n)
        same_employer_abort = np.zeros(n, dtype=bool)
        if len(self.pl_cand_):
            rel = self.pl_occupations_ @ relevance
            outcome_w = (
                np.array(
                    [0.0]
                    + [OUTCOME_WEIGHT[k] for k in ("ongoing", "completed", "hired", "aborted")]
                    + [OUTCOME_WEIGHT["experience"]]
                )[self.pl_outcome_]
                * self.pl_factor_
            )
            age = np.where(self.pl_date_ == UNKNOWN_DATE, 0, ref.toordinal() - self.pl_date_)
            recency = 0.5 ** (np.maximum(age, 0) / 365.25 / self.history_half_life)
            value = rel * outcome_w * recency
            # Entries are stored grouped by candidate: one reduceat gives each one's best.
            history[self.pl_cand_[self.pl_starts_]] = np.maximum.reduceat(value, self.pl_starts_)
            emp = compact(v.employer) if v.employer else ""
            if emp and emp in self.employers_:
                hit = (self.pl_employer_ == self.employers_[emp]) & (self.pl_outcome_ == 4)
                same_employer_abort[self.pl_cand_[hit]] = True
                history = np.where(
                    same_employer_abort,
                    np.maximum(history - SAME_EMPLOYER_ABORT_PENALTY, 0),
                    history,
                )

        # Language: floors are hard; the margin above counts a little (not for språkpraksis).
        eligible = np.ones(n, dtype=bool)
        lang_parts = []
        for have, need in (
            (self.oral_, v.norwegian_min.oral),
            (self.written_, v.norwegian_min.written),
        ):
            if need is None:
                continue
            ok = have >= int(need)
            eligible &= ok
            if v.type is PlacementType.SPRAKPRAKSIS:
                lang_parts.append(ok.astype(float))
            else:
                margin = np.clip(have.astype(float) - int(need), 0, 2) / 2
                lang_parts.append(
                    np.where(ok, (1 - LANGUAGE_MARGIN_SHARE) + LANGUAGE_MARGIN_SHARE * margin, 0.0)
                )
        language = np.mean(lang_parts, axis=0) if lang_parts else np.ones(n)

        # Practicalities.
        licence_ok = np.ones(n, dtype=bool)
        if v.driving_licence:
            licence_ok = self.licences_.get(v.driving_licence, np.zeros(n, dtype=bool))
            eligible &= licence_ok
        parts = []
        if v.district:
            code = self.districts_.get(compact(v.district), -2)
            parts.append(
                np.where(self.district_ == code, 1.0, np.where(self.district_ < 0, 0.75, 0.5))
            )
        if v.hours_per_week:
            cap = np.where(np.isnan(self.max_hours_), v.hours_per_week, self.max_hours_)
            parts.append(np.clip(cap / v.hours_per_week, 0.0, 1.0))
        if v.start_date:
            late = np.where(
                self.available_ == UNKNOWN_DATE, 0, self.available_ - v.start_date.toordinal()
            )
            parts.append(np.clip(1 - np.maximum(late, 0) / 180.0, 0.0, 1.0))
        practical = np.mean(parts, axis=0) if parts else np.ones(n)

        comps = {
            "skills": np.clip(skills, 0, 1),
            "history": np.clip(history, 0, 1),
            "language": np.clip(language, 0, 1),
            "practical": np.clip(practical, 0, 1),
        }
        total = sum(self.weights_[k] * comps[k] for k in COMPONENTS)
        score = np.round(100 * total, 2)
        return {
            "score": score,
            "eligible": eligible,
            "components": comps,
            "relevance": relevance,
            "required": required,
            "preferred": preferred,
            "has": has,
            "same_employer_abort": same_employer_abort,
            "licence_ok": licence_ok,
            "ref": ref,
        }

    # --- explanations --------------------------------------------------------------------

    def _match(self, v: Vacancy, i: int, feats: dict[str, Any]) -> Match:
        c = self.profiles_[i]
        comps = {k: round(float(feats["components"][k][i]), 3) for k in COMPONENTS}
        exp = Explanation(eligible=bool(feats["eligible"][i]), components=comps)
        exp.language = [
            LanguageCheck(mod, have, need)
            for mod, have, need in (
                ("oral", c.norwegian.oral, v.norwegian_min.oral),
                ("written", c.norwegian.written, v.norwegian_min.written),
            )
            if need is not None
        ]
        has = feats["has"][i]
        n_req = len(feats["required"])
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
        exp.occupation = self._occupation_reason(c, feats["relevance"])
        exp.history = self._history_notes(v, c, feats)
        if not feats["licence_ok"][i]:
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
        score = float(feats["score"][i])
        return Match(c.id, score, exp.eligible, comps, exp)

    def _relation(self, m: TitleMatch | None, relevance: np.ndarray) -> float:
        """Relatedness of a resolved title to the need (a unit group: its members' mean)."""
        if m is None or not m.found:
            return 0.0
        if m.occupations:
            return float(max(relevance[o] for o in m.occupations))
        members = _occupation_model().group_members
        values = [
            float(relevance[members.indices[members.indptr[g] : members.indptr[g + 1]]].mean())
            for g in m.groups
            if members.indptr[g + 1] > members.indptr[g]
        ]
        return max(values, default=0.0)

    def _occupation_reason(
        self, c: Candidate, relevance: np.ndarray
    ) -> tuple[str, str, str] | None:
        best: tuple[float, str, str] | None = None
        sources = [("placement", p.occupation or p.title) for p in c.placements]
        sources += [("experience", e.title) for e in c.experience]
        sources += [("desired", d) for d in c.desired_occupations]
        for source, title in sources:
            if not title:
                continue
            value = self._relation(self.title_matches_.get(title), relevance)
            if best is None or value > best[0] + 1e-9:
                best = (value, title, source)
        if best is None:
            return None
        value, title, source = best
        for name in ("same_occupation", "same_unit_group", "shared_essential_skills"):
            if value >= RELATEDNESS[name] * 0.9:
                return (name, title, source)
        return None

    def _history_notes(self, v: Vacancy, c: Candidate, feats: dict[str, Any]) -> list[HistoryNote]:
        notes: list[tuple[float, HistoryNote]] = []
        emp = compact(v.employer) if v.employer else ""
        for p in c.placements:
            title = p.occupation or p.title or ""
            outcome = p.outcome.value if p.outcome else "unknown"
            ptype = p.type.value if p.type else None
            day = p.end or p.start
            year = day.year if day else None
            if emp and p.employer and compact(p.employer) == emp and p.outcome is Outcome.ABORTED:
                notes.append(
                    (2.0, HistoryNote("aborted_same_employer", outcome, title, year, ptype))
                )
                continue
            if p.outcome is Outcome.ONGOING and not (
                emp and p.employer and compact(p.employer) == emp
            ):
                start_year = p.start.year if p.start else None
                notes.append(
                    (1.5, HistoryNote("ongoing_elsewhere", outcome, title, start_year, ptype))
                )
                continue
            rel = self._relation(self.title_matches_.get(title), feats["relevance"])
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

    Returns ``(vacancy_id, match)`` pairs; eligible needs come before the others.

    Examples
    --------
    >>> needs = [{"id": "v1", "title": "Baker"}, {"id": "v2", "title": "Lagermedarbeider"}]
    >>> candidate = {"id": "c1", "desired_occupations": ["lagerarbeider"]}
    >>> [vid for vid, _ in best_needs(candidate, needs)]
    ['v2', 'v1']
    """
    ranker = CandidateRanker(weights=weights, reference_date=reference_date).fit([candidate])
    results = []
    for v in vacancies:
        matches = ranker.rank(v, top=1).matches
        if matches:
            vid = v.id if isinstance(v, Vacancy) else str(v.get("id"))
            results.append((vid, matches[0]))
    results.sort(key=lambda r: (not r[1].eligible, -r[1].score, r[0]))
    return results[:top]
