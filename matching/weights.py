"""Weights of the score's components: documented defaults, optionally learned from outcomes.

==============  =======  ============================================================
component       default  what it measures
==============  =======  ============================================================
``skills``      0.60     occupational fit: the candidate's likely occupations against
                         the need's (same occupation, same STYRK-08 unit group, shared
                         essential skills), blended with the share of required and
                         preferred skills the candidate lists
``history``     0.20     completed/hired placements in the same or a related
                         occupation, recent ones more; aborted ones count less and an
                         aborted placement with the same employer lowers it
``language``    0.10     Norwegian above the need's floor, oral and written apart
                         (the floor itself is a hard requirement)
``practical``   0.10     district, hours, start date
==============  =======  ============================================================

The score is ``100 * sum(weight[k] * component[k])`` with weights summing to one.  Skills and
history dominate because they say whether the person can do the job; language and
practicalities are mostly hard requirements (eligibility) and only nudge the order above the
floor.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "MIN_OUTCOMES", "normalise_weights", "fit_weights"]

logger = logging.getLogger(__name__)

#: Component names, in the order used for vectors.  Public: keep stable.
COMPONENTS: tuple[str, ...] = ("skills", "history", "language", "practical")

#: Default component weights (see the module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.60,
    "history": 0.20,
    "language": 0.10,
    "practical": 0.10,
}

#: Fewer labelled outcomes than this and :func:`fit_weights` keeps the defaults.
MIN_OUTCOMES = 50

POSITIVE_OUTCOMES = frozenset({"hired", "completed"})
NEGATIVE_OUTCOMES = frozenset({"declined", "aborted"})


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Return non-negative weights for all components, summing to one.

    Examples
    --------
    >>> normalise_weights({"skills": 3, "history": 1})
    {'skills': 0.75, 'history': 0.25, 'language': 0.0, 'practical': 0.0}
    """
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown components: {sorted(unknown)}")
    values = np.array([max(float(weights.get(k, 0.0)), 0.0) for k in COMPONENTS])
    total = values.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("weights must have a positive sum")
    return {k: float(v / total) for k, v in zip(COMPONENTS, values, strict=True)}


def fit_weights(
    outcomes: Iterable[tuple[Mapping[str, float], str]],
    *,
    min_outcomes: int = MIN_OUTCOMES,
    random_state: int = 0,
) -> dict[str, float]:
    """Learn component weights from past proposals and their outcomes.

    A logistic regression (scikit-learn) is fitted on the component vectors of past proposals,
    labelled 1 for ``hired``/``completed`` and 0 for ``declined``/``aborted`` (other outcomes are
    ignored).  Its coefficients, clipped at zero and normalised to sum to one, become the
    weights.  With fewer than ``min_outcomes`` labelled outcomes, only one class, or no positive
    coefficient, the documented :data:`DEFAULT_WEIGHTS` are returned instead.

    Parameters
    ----------
    outcomes : iterable of (components, outcome)
        ``components`` as in a ranking (``{"skills": 0.8, ...}``), ``outcome`` a string.
    min_outcomes : int
        Minimum number of labelled outcomes before the data may override the defaults.
    random_state : int
        Seed for the solver.

    Returns
    -------
    dict
        Weights per component, non-negative, summing to one.

    Examples
    --------
    >>> fit_weights([({"skills": 1, "history": 0, "language": 1, "practical": 1}, "hired")])
    {'skills': 0.6, 'history': 0.2, 'language': 0.1, 'practical': 0.1}
    """
    from sklearn.linear_model import LogisticRegression

    rows: list[Sequence[float]] = []
    labels: list[int] = []
    for components, outcome in outcomes:
        key = outcome.strip().lower()
        if key in POSITIVE_OUTCOMES:
            labels.append(1)
        elif key in NEGATIVE_OUTCOMES:
            labels.append(0)
        else:
            continue
        rows.append([float(components.get(k, 0.0)) for k in COMPONENTS])
    y = np.array(labels)
    if len(y) < min_outcomes or len(set(labels)) < 2:
        logger.info("fit_weights: %s labelled outcomes, keeping the defaults", len(y))
        return dict(DEFAULT_WEIGHTS)
    x = np.array(rows, dtype=np.float64)
    model = LogisticRegression(C=1.0, random_state=random_state, max_iter=1000)
    model.fit(x, y)
    coef = np.clip(model.coef_.ravel(), 0.0, None)
    if coef.sum() <= 0:
        logger.info("fit_weights: no component predicts a good outcome, keeping the defaults")
        return dict(DEFAULT_WEIGHTS)
    return normalise_weights(dict(zip(COMPONENTS, coef, strict=True)))
