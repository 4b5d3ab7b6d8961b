"""Free text as evidence: a Norwegian-aware text model over the taxonomy's vocabulary.

A need's title and description and a candidate's summary, experience, placements, desired
occupations and skills are compared as text, so that a need whose title names no known
occupation is still ranked on what it says ("rangert på tekst") instead of on nothing, and a
need that was understood gets a little help from the words both sides share.

Two views of the same text, each TF-IDF weighted (scikit-learn):

- words reduced by Snowball's Norwegian stemmer ("barnehagen", "barnehager" → "barnehag"),
  with abbreviations written out and nynorsk forms read as bokmål;
- character 3–5-grams within words of the *titles* only (the short fields where compounds
  and typos matter: "renholdsarbeider" shares most of its n-grams with "renholder"; the long
  fields would make the index large without making it better).

Similarity is the cosine of the concatenated, L2-normalised views, read on a fixed scale
(``FULL_COSINE`` counts as a perfect fit).

The vocabulary and idf are fitted once, on the words of the occupations and skills the
matcher knows (Norwegian and English labels, NAV's titles, the Norwegian skill words), not on
the candidate pool: a candidate's score then does not move when others join or leave the pool,
a candidate can be added to a live index without refitting anything, and a need is ranked the
same way for one candidate (:func:`matching.best_needs`) as for the whole pool.  Words that
occur in no label (names, places, the employer's self-praise) carry no weight.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .norwegian import bokmaal, stem, tokens
from .profiles import Candidate, Vacancy

__all__ = ["TextModel", "candidate_text", "load_text_model", "need_text"]

#: Characters of an ad's description read (the rest is usually about the employer).
MAX_DESCRIPTION = 3000
#: Weight of the title view against the word view.
TITLE_VIEW_WEIGHT = 0.7
#: A cosine this high counts as a perfect textual fit (ads are long and profiles short, so
#: cosines stay low even between a matching pair).
FULL_COSINE = 0.3


def _stems(text: str) -> list[str]:
    return [_word_stem(w) for w in tokens(text) if len(w) > 1 and not w.isdigit()]


@functools.lru_cache(maxsize=131072)
def _word_stem(word: str) -> str:
    return stem(bokmaal(word))


def candidate_text(c: Candidate) -> tuple[list[str], list[str]]:
    """``(titles, text)`` of a candidate as pieces: its titles, and all its free text."""
    titles = [
        t
        for t in (
            *(p.occupation or p.title or "" for p in c.placements),
            *(p.title for p in c.placements if p.title and p.title != p.occupation),
            *(e.title for e in c.experience),
            *c.desired_occupations,
        )
        if t
    ]
    return titles, [*titles, *([c.summary] if c.summary else []), *c.skills]


def need_text(v: Vacancy) -> tuple[list[str], list[str]]:
    """``(titles, text)`` of a need as pieces: its title (and chosen occupation), all its text.

    The titles count twice in the text: they say more than the ad's prose.
    """
    titles = [t for t in (v.title, v.occupation) if t]
    description = (v.description or "")[:MAX_DESCRIPTION]
    return titles, [*titles, *titles, description, *v.skills_required, *v.skills_preferred]


class TextModel:
    """TF-IDF over stemmed words and title character n-grams, fitted on a reference corpus.

    Examples
    --------
    >>> from matching.profiles import parse_candidate, parse_vacancy
    >>> model = load_text_model()
    >>> pool = [parse_candidate(d) for d in (
    ...     {"id": "a", "summary": "Har jobbet i barnehage i to år", "desired_occupations":
    ...      ["barnehageassistent"]},
    ...     {"id": "b", "summary": "Lagerarbeid og truck",
    ...      "desired_occupations": ["lagerarbeider"]},
    ...     {"id": "c", "summary": "Kokk på restaurant"},
    ... )]
    >>> index = model.index(pool)
    >>> need = model.transform_need(parse_vacancy({"id": "v", "title": "Vi ser etter deg!",
    ...     "description": "Barnehagen vår trenger en blid assistent til barna."}))
    >>> sims = model.similarity(index, need)
    >>> [c.id for c, s in sorted(zip(pool, sims), key=lambda x: -x[1])][0]
    'a'
    """

    def __init__(self) -> None:
        self.words_: TfidfVectorizer | None = None
        self.grams_: TfidfVectorizer | None = None

    def fit(self, titles: Sequence[str], texts: Sequence[str]) -> TextModel:
        """Fit the vocabularies and idf on reference titles and texts; return ``self``."""
        self.words_ = TfidfVectorizer(
            analyzer=_stems, min_df=1, max_df=0.2, sublinear_tf=True, dtype=np.float32
        ).fit(texts)
        self.grams_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            lowercase=True,
            min_df=2,
            max_df=0.2,
            sublinear_tf=True,
            dtype=np.float32,
        ).fit(titles)
        return self

    def _counts(self, docs: Sequence[Sequence[str]], view: str) -> sp.csr_matrix:
        """Term counts of documents made of pieces, each distinct piece analysed once.

        Candidates share most of their pieces (titles, skill labels), so a pool of 100 000
        analyses a few thousand strings, not 100 000 documents.
        """
        vectorizer = self.words_ if view == "words" else self.grams_
        assert vectorizer is not None
        analyze = _stems if view == "words" else vectorizer.build_analyzer()
        vocabulary = vectorizer.vocabulary_
        index: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for piece in (p for doc in docs for p in doc):
            if piece in index:
                continue
            index[piece] = len(index)
            counts: dict[int, int] = {}
            for term in analyze(piece):
                col = vocabulary.get(term)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            rows.extend([index[piece]] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        pieces = sp.csr_matrix(
            (np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(index), len(vocabulary))
        )
        doc_rows = [d for d, doc in enumerate(docs) for _ in doc]
        doc_cols = [index[p] for doc in docs for p in doc]
        incidence = sp.csr_matrix(
            (np.ones(len(doc_cols), dtype=np.float32), (doc_rows, doc_cols)),
            shape=(len(docs), len(index)),
        )
        return (incidence @ pieces).tocsr()

    def _weigh(self, counts: sp.csr_matrix, view: str) -> sp.csr_matrix:
        """Sublinear tf × idf, L2-normalised (what scikit-learn's TF-IDF computes)."""
        vectorizer = self.words_ if view == "words" else self.grams_
        assert vectorizer is not None
        counts = counts.astype(np.float32)
        counts.data = (1.0 + np.log(counts.data)) * vectorizer.idf_[counts.indices]
        return normalize(counts) if counts.shape[0] else counts

    def _vectors(self, docs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> sp.csr_matrix:
        words = self._weigh(self._counts([d[1] for d in docs], "words"), "words")
        grams = self._weigh(self._counts([d[0] for d in docs], "grams"), "grams")
        joined = sp.hstack([words, grams * TITLE_VIEW_WEIGHT], format="csr")
        return (normalize(joined) if joined.shape[0] else joined).astype(np.float32)

    def index(self, candidates: Sequence[Candidate]) -> sp.csc_matrix:
        """The candidates' vectors, by feature (CSC), so a need reads only its own words."""
        return self._vectors([candidate_text(c) for c in candidates]).tocsc()

    def transform_need(self, v: Vacancy) -> sp.csr_matrix:
        """The need's vector (1 × features)."""
        return self._vectors([need_text(v)])

    def similarity(
        self, index: sp.csc_matrix, need: sp.csr_matrix, idx: np.ndarray | None = None
    ) -> np.ndarray:
        """Similarity (0–1) of the indexed candidates (``idx``: some of them) to a need."""
        if not need.nnz or not index.shape[0]:
            n = index.shape[0] if idx is None else len(idx)
            return np.zeros(n, dtype=np.float32)
        cosines = np.asarray(index[:, need.indices] @ need.data).ravel()
        if idx is not None:
            cosines = cosines[idx]
        return np.clip(cosines / FULL_COSINE, 0.0, 1.0)


def _corpus() -> tuple[list[str], list[str]]:
    """Reference titles and texts: every occupation's labels and every skill's labels."""
    from .taxonomy import load_taxonomy  # the taxonomy imports the reader, not this module

    tax = load_taxonomy()
    titles = sorted(set(tax.reader.index.label.values()))
    # preferred skill labels and the Norwegian skill words; not every synonym (the idf of a
    # word is about how many trades use it, and synonyms only repeat their concept)
    texts = [*titles, *tax.skill_label, *sorted(tax.skill_phrases)]
    return titles, texts


@functools.cache
def load_text_model() -> TextModel:
    """The process-wide :class:`TextModel`, fitted on the taxonomy on first use."""
    return TextModel().fit(*_corpus())
