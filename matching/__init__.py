"""Candidate matcher for Arbeidsgiverpool Groruddalen: a pure library (no Flask, no database).

Typical use from the web app::

    from matching import CandidateRanker, parse_candidate, parse_vacancy

    ranker = CandidateRanker().fit(parse_candidate(d) for d in candidate_dicts)  # once
    ranking = ranker.rank(parse_vacancy(need_dict), top=20, allowed_ids=visible_ids)
    for m in ranking.matches:
        m.candidate_id, m.score, m.eligible, m.components, m.reasons

    # many needs at once (pool-wide allocation), and the reverse view for one candidate
    rankings = ranker.rank_many(need_dicts, top=30, allowed_ids=visible_ids)
    best = ranker.rank_needs(candidate_id, need_dicts, top=10)  # [(vacancy_id, Match)]

Needs are resolved once and kept by content (``ranker.prepare``), so ranking the same open
needs again is cheap.

See ``contracts/matching.md`` for the data formats.  This service uses the ESCO classification
of the European Commission (see ``matching/data/ATTRIBUTION.md``).
"""

from .allocation import Allocation, allocate
from .explain import Explanation, render_reasons
from .profiles import (
    CEFR,
    Candidate,
    NorwegianLevel,
    Outcome,
    Placement,
    PlacementType,
    Vacancy,
    ValidationError,
    parse_candidate,
    parse_vacancy,
    read_jsonl,
)
from .ranker import (
    CandidateRanker,
    Match,
    NotFittedError,
    PreparedVacancy,
    Ranking,
    best_needs,
)
from .resolution import Understanding, understand
from .weights import COMPONENTS, DEFAULT_WEIGHTS, fit_weights

__all__ = [
    "CEFR",
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "Allocation",
    "Candidate",
    "CandidateRanker",
    "Explanation",
    "Match",
    "NorwegianLevel",
    "NotFittedError",
    "Outcome",
    "Placement",
    "PlacementType",
    "PreparedVacancy",
    "Ranking",
    "Understanding",
    "Vacancy",
    "ValidationError",
    "allocate",
    "best_needs",
    "fit_weights",
    "parse_candidate",
    "parse_vacancy",
    "read_jsonl",
    "render_reasons",
    "understand",
]
