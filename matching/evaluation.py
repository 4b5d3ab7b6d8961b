"""Ranking quality with graded relevance and eligibility (the metrics of ``eval/score.py``).

Gains are ``2**grade - 1``; a candidate who fails a hard requirement earns nothing whatever
the grade.  All functions take a ranking as a list of candidate ids, best first.

Examples
--------
>>> grades = {"a": 3, "b": 2, "c": 0}
>>> round(ndcg_at_k(["b", "a", "c"], grades, k=10), 3)
0.834
>>> recall_at_k(["c", "b"], grades, k=1, min_grade=2)
0.0
>>> mrr(["c", "b", "a"], grades, grade=3)
0.3333333333333333
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = ["ndcg_at_k", "recall_at_k", "mrr", "order_violations", "evaluate"]


def _ok(eligible: Callable[[str], bool] | None, cid: str) -> bool:
    return True if eligible is None else eligible(cid)


def ndcg_at_k(
    ranking: Sequence[str],
    grades: Mapping[str, int],
    k: int = 10,
    eligible: Callable[[str], bool] | None = None,
) -> float:
    """Normalised discounted cumulative gain at ``k`` (0 when nothing is relevant)."""
    gain = [(2 ** grades.get(c, 0) - 1) if _ok(eligible, c) else 0 for c in ranking[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gain))
    ideal = sorted((2**g - 1 for c, g in grades.items() if _ok(eligible, c)), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(
    ranking: Sequence[str],
    grades: Mapping[str, int],
    k: int = 50,
    min_grade: int = 2,
    eligible: Callable[[str], bool] | None = None,
) -> float:
    """Share of eligible candidates with grade ≥ ``min_grade`` found in the first ``k``."""
    relevant = {c for c, g in grades.items() if g >= min_grade and _ok(eligible, c)}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 1.0


def mrr(
    ranking: Sequence[str],
    grades: Mapping[str, int],
    grade: int = 3,
    eligible: Callable[[str], bool] | None = None,
) -> float:
    """Reciprocal rank of the first eligible candidate with exactly ``grade``."""
    for i, c in enumerate(ranking):
        if grades.get(c) == grade and _ok(eligible, c):
            return 1 / (i + 1)
    return 0.0


def order_violations(ranking: Sequence[str], eligible: Callable[[str], bool]) -> int:
    """Ineligible candidates ranked above an eligible one (counted as ``score.py`` does)."""
    violations = seen = 0
    for c in ranking:
        if not eligible(c):
            seen += 1
        elif seen:
            violations += seen
            seen = 0
    return violations


def evaluate(
    rankings: Mapping[str, Sequence[str]],
    qrels: Mapping[str, Mapping[str, int]],
    eligible: Callable[[str, str], bool] | None = None,
    vacancy_ids: Iterable[str] | None = None,
) -> dict[str, float]:
    """Average nDCG@10, recall@50 and MRR(grade 3) over needs; count order violations.

    ``eligible(vacancy_id, candidate_id)`` says whether a pair passes the hard requirements.
    """
    ids = list(vacancy_ids if vacancy_ids is not None else qrels)
    totals = {"ndcg@10": 0.0, "recall@50": 0.0, "mrr3": 0.0, "violations": 0.0, "missing": 0.0}
    for vid in ids:
        ranking = rankings.get(vid)
        if ranking is None:
            totals["missing"] += 1
            continue
        grades = qrels.get(vid, {})
        ok = None if eligible is None else (lambda c, v=vid: eligible(v, c))
        totals["ndcg@10"] += ndcg_at_k(ranking, grades, 10, ok)
        totals["recall@50"] += recall_at_k(ranking, grades, 50, 2, ok)
        totals["mrr3"] += mrr(ranking, grades, 3, ok)
        if ok is not None:
            totals["violations"] += order_violations(ranking, ok)
    n = max(len(ids), 1)
    for key in ("ndcg@10", "recall@50", "mrr3"):
        totals[key] /= n
    return totals
