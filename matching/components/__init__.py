"""Score components: each scores a block of needs (rows) × candidates (columns) in [0, 1].

One module per component of :data:`matching.weights.COMPONENTS`, each testable alone: a
function takes the prepared needs (:class:`~matching.resolution.PreparedVacancy`) and the
candidates to score (:class:`~matching.features.PoolView`) and returns the component's
needs × candidates array, plus what the explanations need:

- :mod:`.skills`: occupational fit blended with the listed required / preferred skills;
- :mod:`.history`: the best relevant placement, weighted by outcome and recency;
- :mod:`.language`: Norwegian floors (hard constraints) and the margin above them;
- :mod:`.practical`: driving licence (a hard constraint), district, hours and start date.

Each component also holds the explanation of its part (the reasons a counsellor reads), so
the number and its reasons are computed side by side.
"""

from __future__ import annotations

from ._common import need_relevance
from .history import history_component, history_notes
from .language import language_checks, language_component
from .practical import explain_practical, licence_ok, practical_component
from .skills import SkillScores, occupation_reason, skill_checks, skills_component

__all__ = [
    "SkillScores",
    "explain_practical",
    "history_component",
    "history_notes",
    "language_checks",
    "language_component",
    "licence_ok",
    "need_relevance",
    "occupation_reason",
    "practical_component",
    "skill_checks",
    "skills_component",
]
