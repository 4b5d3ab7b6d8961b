"""Fuzzy matching of terms against a vocabulary of distinct labels."""

import pytest

from matching.vocabulary import Vocabulary

LABELS = [
    ("operate forklift", 1),
    ("forklift operation", 1),
    ("histology", 2),
    ("clean glass surfaces", 3),
    ("truckførerbevis", 4),
    ("renhold", 5),
    ("use of CAD software", 6),
]


@pytest.fixture
def vocab():
    return Vocabulary([label for label, _ in LABELS], [c for _, c in LABELS])


@pytest.mark.parametrize(
    ("term", "concept"),
    [
        ("Operate Forklift", 1),  # case
        ("operate-forklift", 1),  # punctuation
        ("forklift  operation", 1),  # synonym label, extra space
        ("HSITOLOGY", 2),  # transposition + capitals
        ("histolgy", 2),  # deletion
        ("clean glass surfacess", 3),  # insertion
        ("cl ean glasssurfaces", 3),  # moved space
        ("truckforerbevis", None),  # a different letter is an edit, but still close
        ("Truckførerbevis", 4),
        ("ren hold", 5),  # compound written apart
    ],
)
def test_lookup_is_robust_to_spelling(vocab, term, concept):
    match = vocab.lookup(term)
    if concept is None:
        assert match.concepts == (4,)
        assert match.similarity < 1
    else:
        assert match.concepts == (concept,)


def test_exact_match_has_similarity_one_and_fuzzy_less(vocab):
    assert vocab.lookup("histology").similarity == 1.0
    assert 0.8 < vocab.lookup("histolgy").similarity < 1.0


@pytest.mark.parametrize("term", ["astrophysics", "bake bread", "cad", ""])
def test_unrelated_or_too_short_terms_do_not_match(vocab, term):
    assert vocab.lookup(term).concepts == ()


def test_lookup_many_keeps_order_and_resolves_each_distinct_term_once(vocab, monkeypatch):
    calls = []
    original = vocab._fuzzy

    def spy(keys, **kwargs):
        calls.append(list(keys))
        return original(keys, **kwargs)

    monkeypatch.setattr(vocab, "_fuzzy", spy)
    out = vocab.lookup_many(["histolgy", "renhold", "HISTOLGY", "histolgy"])
    assert [m.concepts for m in out] == [(2,), (5,), (2,), (2,)]
    assert calls == [["histolgy"]]


def test_labels_shared_by_two_concepts_return_both():
    vocab = Vocabulary(["driving", "driving"], [7, 8])
    assert vocab.lookup("Driving").concepts == (7, 8)
