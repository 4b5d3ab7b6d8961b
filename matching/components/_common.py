"""Helpers shared by the score components."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..resolution import PreparedVacancy


def need_relevance(preps: Sequence[PreparedVacancy]) -> np.ndarray:
    """Relatedness of every occupation to each need: occupations × needs."""
    return np.column_stack([p.relevance for p in preps])


def mean_parts(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Mean of the parts summed in ``total`` (rows: needs); 1 where a need has none."""
    return np.where(count[:, None] > 0, total / np.maximum(count, 1)[:, None], 1.0)
