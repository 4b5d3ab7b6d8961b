"""The language component: Norwegian floors are hard, the margin above them counts a little.

A need's oral and written floors (CEFR) make a candidate below either one ineligible.  Above
a floor, a modality scores ``1 - LANGUAGE_MARGIN_SHARE`` plus ``LANGUAGE_MARGIN_SHARE`` × the
margin (up to two levels); for språkpraksis, where the placement is there to learn the
language, meeting the floor is all that counts.  The component is the mean over the
modalities the need sets; a need without floors scores 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..explain import LanguageCheck
from ..features import PoolView
from ..profiles import Candidate, PlacementType, Vacancy
from ..resolution import PreparedVacancy
from ._common import mean_parts

__all__ = ["LANGUAGE_MARGIN_SHARE", "language_checks", "language_component"]

#: Weight of the margin above the Norwegian floor inside the language component.
LANGUAGE_MARGIN_SHARE = 0.3


def language_component(
    preps: Sequence[PreparedVacancy], view: PoolView
) -> tuple[np.ndarray, np.ndarray]:
    """The language component and who meets the floors, both needs × the view's candidates.

    Returns
    -------
    language : numpy.ndarray
        The component (float).
    eligible : numpy.ndarray
        Bool: the candidate meets every floor the need sets.
    """
    m, n = len(preps), view.n
    eligible = np.ones((m, n), dtype=bool)
    sprak = np.array([p.vacancy.type is PlacementType.SPRAKPRAKSIS for p in preps])[:, None]
    lang_sum = np.zeros((m, n))
    lang_count = np.zeros(m)
    for have_all, modality in ((view.pool.oral, "oral"), (view.pool.written, "written")):
        need = [getattr(p.vacancy.norwegian_min, modality) for p in preps]
        present = np.array([x is not None for x in need])
        if not present.any():
            continue
        floor = np.array([0 if x is None else int(x) for x in need])[:, None]
        have = view.take(have_all)[None, :]
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
    return mean_parts(lang_sum, lang_count), eligible


def language_checks(c: Candidate, v: Vacancy) -> list[LanguageCheck]:
    """The candidate's level against each floor the need sets."""
    return [
        LanguageCheck(mod, have, need)
        for mod, have, need in (
            ("oral", c.norwegian.oral, v.norwegian_min.oral),
            ("written", c.norwegian.written, v.norwegian_min.written),
        )
        if need is not None
    ]
