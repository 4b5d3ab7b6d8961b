"""Fuzzy lookup of free-text terms in a vocabulary of distinct labels.

Terms are compared on their :func:`~matching.text.compact` form, so case, punctuation, spaces
and compound spelling never matter.  A term that is not found exactly is looked up in two
steps, always on *distinct* strings and never on pairs of records:

1. character 3–4-gram TF-IDF (scikit-learn) cosine similarity picks a short list of labels;
2. :mod:`rapidfuzz` re-scores the short list by optimal-string-alignment distance, with a
   cutoff that grows with the term's length.

This keeps a typo ("HSITOLOGY", "provission") or a moved space ("th eclothing industry")
on its concept while costing a sparse matrix product per batch instead of a full edit-distance
matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from rapidfuzz.utils import default_process
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import compact

__all__ = ["TermMatch", "Vocabulary"]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """Result of looking a term up: the matched label's concepts and the match quality."""

    concepts: tuple[int, ...]
    label: str
    similarity: float  # 1.0 exact, else rapidfuzz score / 100


_NO_MATCH = TermMatch((), "", 0.0)


class Vocabulary:
    """Distinct labels, each pointing at one or more concept ids.

    Parameters
    ----------
    labels : sequence of str
        Label per entry (several entries may share a label).
    concepts : sequence of int
        Concept id per entry.
    max_edits : float
        Edits (insertions, deletions, substitutions, adjacent transpositions) allowed per
        character of the term for a fuzzy match; at least one edit is always allowed.
    shortlist : int
        How many TF-IDF neighbours rapidfuzz re-scores.
    min_length : int
        Terms shorter than this (compact form) only match exactly.
    ngram_range, max_df : see :class:`sklearn.feature_extraction.text.TfidfVectorizer`.

    Examples
    --------
    >>> voc = Vocabulary(["forklift driving", "drive forklift", "clean rooms"], [7, 7, 9])
    >>> voc.lookup("Fork-lift  driving").concepts
    (7,)
    >>> voc.lookup("forklfit driving").concepts
    (7,)
    >>> voc.lookup("astrophysics").concepts
    ()
    """

    def __init__(
        self,
        labels: Sequence[str],
        concepts: Sequence[int],
        *,
        max_edits: float = 0.125,
        shortlist: int = 10,
        min_length: int = 4,
        ngram_range: tuple[int, int] = (4, 4),
        max_df: float | int = 0.005,
    ) -> None:
        by_key: dict[str, set[int]] = {}
        shown: dict[str, str] = {}
        for label, concept in zip(labels, concepts, strict=True):
            key = compact(label)
            if len(key) < 2:
                continue
            by_key.setdefault(key, set()).add(int(concept))
            shown.setdefault(key, label)
        self.keys: list[str] = sorted(by_key)
        self.key_index = {k: i for i, k in enumerate(self.keys)}
        self.key_concepts: list[tuple[int, ...]] = [tuple(sorted(by_key[k])) for k in self.keys]
        self.key_label = [shown[k] for k in self.keys]
        self.max_edits = max_edits
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.shortlist = shortlist
        self.min_length = min_length
        self._vectorizer: TfidfVectorizer | None = None
        self._matrix = None

    def __len__(self) -> int:
        return len(self.keys)

    def _fit_ngrams(self) -> None:
        # Very common n-grams ("tion", "ment") only make the product dense; the rarer ones
        # are what finds a misspelt label.
        vec = TfidfVectorizer(
            analyzer="char",
            ngram_range=self.ngram_range,
            lowercase=False,
            dtype=np.float32,
            sublinear_tf=True,
            # A small vocabulary has no "very common" n-grams worth dropping.
            max_df=self.max_df if len(self.keys) * self.max_df >= 50 else 1.0,
        )
        self._matrix = vec.fit_transform(self.keys).T.tocsr()
        self._vectorizer = vec

    def lookup(self, term: str) -> TermMatch:
        """Return the best match for one term (empty concepts when nothing is close enough)."""
        return self.lookup_many([term])[0]

    def lookup_many(self, terms: Iterable[str]) -> list[TermMatch]:
        """Look up many terms at once; each distinct term is resolved only once."""
        terms = list(terms)
        keys = [compact(t) for t in terms]
        found: dict[str, TermMatch] = {}
        misses: list[str] = []
        for key in dict.fromkeys(keys):
            i = self.key_index.get(key)
            if i is not None:
                found[key] = TermMatch(self.key_concepts[i], self.key_label[i], 1.0)
            elif len(key) >= self.min_length:
                misses.append(key)
            else:
                found[key] = _NO_MATCH
        if misses:
            found.update(zip(misses, self._fuzzy(misses), strict=True))
        return [found[k] for k in keys]

    def _fuzzy(self, keys: list[str], chunk: int = 2048) -> list[TermMatch]:
        if not self.keys:
            return [_NO_MATCH] * len(keys)
        if self._vectorizer is None:
            self._fit_ngrams()
        assert self._vectorizer is not None
        out: list[TermMatch] = []
        q = self._vectorizer.transform(keys)
        for start in range(0, len(keys), chunk):
            sims = (q[start : start + chunk] @ self._matrix).tocsr()
            for row, key in enumerate(keys[start : start + chunk]):
                lo, hi = sims.indptr[row], sims.indptr[row + 1]
                if lo == hi:
                    out.append(_NO_MATCH)
                    continue
                data, cols = sims.data[lo:hi], sims.indices[lo:hi]
                if hi - lo > self.shortlist:
                    top = np.argpartition(-data, self.shortlist)[: self.shortlist]
                    cols = cols[top]
                choices = [self.keys[c] for c in cols]
                allowed = max(1, int(len(key) * self.max_edits))
                best = process.extractOne(
                    key,
                    choices,
                    scorer=OSA.distance,
                    processor=default_process,
                    score_cutoff=allowed,
                )
                if best is None:
                    out.append(_NO_MATCH)
                else:
                    i = int(cols[best[2]])
                    sim = 1.0 - best[1] / max(len(key), len(self.keys[i]))
                    out.append(TermMatch(self.key_concepts[i], self.key_label[i], sim))
        return out
