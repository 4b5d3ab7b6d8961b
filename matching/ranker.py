"""Rank candidates for placement needs: constraints → features per pair → ranking.

:class:`CandidateRanker` follows scikit-learn's estimator conventions: ``__init__`` only stores
parameters, :meth:`~CandidateRanker.fit` builds the index over a candidate pool (learned state
ends in ``_``), and :meth:`~CandidateRanker.rank` / :meth:`~CandidateRanker.rank_many` rank
placement needs against it; :meth:`~CandidateRanker.rank_needs` ranks needs for one candidate
of the pool.  Features are computed for blocks of needs × candidates at once with numpy and
scipy sparse matrices; explanations are built only for the pairs returned.

The matcher has the shape of a record-linkage pipeline, one module per step:

- :mod:`matching.resolution`: what a need says (its distribution over ESCO occupations, its
  skill terms as concepts), resolved once and cached (:class:`PreparedVacancy`); the module
  also explains how occupational fit works;
- :mod:`matching.features`: the index over the candidate pool that :meth:`~CandidateRanker.fit`
  builds (:class:`~matching.features.PoolFeatures`);
- :mod:`matching.components`: one module per score component (skills, history, language,
  practicalities), each scoring needs × candidates and explaining its part;
- this module: weighting the components, the hard constraints first, the ranking and the
  explanations of the pairs returned.

Prepared needs
--------------
:meth:`~CandidateRanker.prepare` returns a :class:`PreparedVacancy`, and the ranker keeps the
last ``cache_size`` of them keyed by the need's content (see :mod:`matching.resolution`).
Batched and single rankings use the same floating-point operations in the same order, so a
score never depends on which other needs or candidates were ranked with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .cache import LRUCache
from .components import (
    history_component,
    language_component,
    licence_ok,
    need_relevance,
    practical_component,
    skills_component,
)
from .features import PoolFeatures, PoolView, build_features
from .profiles import Candidate, Vacancy, parse_candidate, parse_vacancy
from .resolution import PreparedVacancy, clear_need_cache, resolve_needs
from .results import BlockScores, Match, Ranking, block_matches, top_positions
from .weights import COMPONENTS, DEFAULT_WEIGHTS, normalise_weights

__all__ = [
    "CandidateRanker",
    "Match",
    "NotFittedError",
    "PreparedVacancy",
    "Ranking",
    "best_needs",
    "check_is_fitted",
    "clear_need_cache",
]

#: Needs × candidates scored together at most (a block's arrays are ~8 MB each).
BLOCK_CELLS = 1 << 20


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
        #: the index the score components read (see :mod:`matching.features`)
        self.features_: PoolFeatures = build_features(profiles, self.today_)
        #: pool skill terms that name no ESCO skill (a need's unknown terms are looked up here)
        self.local_terms_ = self.features_.local_terms
        return self

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
            preps = resolve_needs(pending, self.features_, self.today_, self.fit_token_)
            for v, prep in zip(pending, preps, strict=True):
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
            return [Ranking(p.vacancy.id, [], p.understood) for p in preps]
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
                picked = top_positions(scores.score[j], scores.eligible[j], top, id_rank, allowed)
                chosen = picked if idx is None else idx[picked]
                matches = self._matches(prep, scores, j, picked, chosen)
                out.append(Ranking(prep.vacancy.id, matches, prep.understood))
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

    def _score(self, preps: Sequence[PreparedVacancy], idx: np.ndarray | None) -> BlockScores:
        """Components, scores and eligibility for needs × candidates (``idx``; None: all).

        Every number is computed with the same floating-point operations, in the same order,
        as for one need against the whole pool, so a score never depends on which needs or
        candidates share the block.
        """
        view = PoolView(self.features_, idx)
        relevance = need_relevance(preps)
        skills = skills_component(preps, view, relevance)
        history = history_component(preps, view, self.history_half_life, relevance)
        language, eligible = language_component(preps, view)
        licence = licence_ok(preps, view)
        eligible &= licence
        practical = practical_component(preps, view)
        comps = {
            "skills": np.clip(skills.value, 0, 1),
            "history": np.clip(history, 0, 1),
            "language": np.clip(language, 0, 1),
            "practical": np.clip(practical, 0, 1),
        }
        total = sum(self.weights_[k] * comps[k] for k in COMPONENTS)
        score = np.round(100 * total, 2)
        return BlockScores(score, eligible, comps, licence, skills.has, skills.term_start)

    # --- explanations --------------------------------------------------------------------

    def _matches(
        self,
        prep: PreparedVacancy,
        scores: BlockScores,
        j: int,
        cols: np.ndarray,
        cands: np.ndarray,
    ) -> list[Match]:
        """Matches for need ``j`` of ``scores``: candidates ``cands`` (at columns ``cols``)."""
        return block_matches(self.profiles_, self.features_, prep, scores, j, cols, cands)


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
