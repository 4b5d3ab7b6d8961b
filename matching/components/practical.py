"""The practicalities component: district, hours and start date; the driving licence.

A need's driving licence is a hard constraint (:func:`licence_ok`).  The component is the
mean of the parts the need sets: district (1 the same, 0.75 the candidate's unknown, 0.5
another), hours (the share of the need's hours the candidate can work) and start (1 when
available by the start date, falling to 0 at 180 days late); a need setting none scores 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..explain import Explanation
from ..features import UNKNOWN_DATE, PoolView, ordinal
from ..profiles import Candidate, Vacancy
from ..resolution import PreparedVacancy
from ._common import mean_parts

__all__ = ["explain_practical", "licence_ok", "practical_component"]


def licence_ok(preps: Sequence[PreparedVacancy], view: PoolView) -> np.ndarray:
    """Needs × the view's candidates: true where the candidate holds the licence required."""
    ok = np.ones((len(preps), view.n), dtype=bool)
    licences = [p.vacancy.driving_licence for p in preps]
    for licence in {x for x in licences if x}:
        held = view.pool.licences.get(licence)
        needing = [j for j, x in enumerate(licences) if x == licence]
        ok[needing] = False if held is None else view.take(held)[None, :]
    return ok


def practical_component(preps: Sequence[PreparedVacancy], view: PoolView) -> np.ndarray:
    """The practicalities component for needs × the view's candidates."""
    pool = view.pool
    m, n = len(preps), view.n
    prac_sum = np.zeros((m, n))
    prac_count = np.zeros(m)
    present = np.array([bool(p.vacancy.district) for p in preps])
    if present.any():
        code = np.array([p.district for p in preps])[:, None]
        district = view.take(pool.district)[None, :]
        part = np.where(district == code, 1.0, np.where(district < 0, 0.75, 0.5))
        prac_sum = np.where(present[:, None], prac_sum + part, prac_sum)
        prac_count += present
    present = np.array([bool(p.vacancy.hours_per_week) for p in preps])
    if present.any():
        hours = np.array([p.vacancy.hours_per_week or 1.0 for p in preps], dtype=float)[:, None]
        max_hours = view.take(pool.max_hours)[None, :]
        cap = np.where(np.isnan(max_hours), hours, max_hours)
        part = np.clip(cap / hours, 0.0, 1.0)
        prac_sum = np.where(present[:, None], prac_sum + part, prac_sum)
        prac_count += present
    present = np.array([p.vacancy.start_date is not None for p in preps])
    if present.any():
        start_days = [ordinal(p.vacancy.start_date) for p in preps]
        start = np.array(start_days, dtype=np.int64)[:, None]
        available = view.take(pool.available)[None, :]
        late = np.where(available == UNKNOWN_DATE, 0, available - start)
        part = np.clip(1 - np.maximum(late, 0) / 180.0, 0.0, 1.0)
        prac_sum = np.where(present[:, None], prac_sum + part, prac_sum)
        prac_count += present
    return mean_parts(prac_sum, prac_count)


def explain_practical(exp: Explanation, c: Candidate, v: Vacancy, licence_held: bool) -> None:
    """Add the practical reasons (licence, district, hours, start) to an explanation."""
    if not licence_held:
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
