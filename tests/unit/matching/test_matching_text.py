"""Normalisation of terms and titles."""

import pytest

from matching.text import clean_title, compact, normalise, title_variants


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Truckførerbevis  ", "truckførerbevis"),
        ("RENHOLD", "renhold"),
        ("kasse-arbeid", "kasse arbeid"),
        ("Lager/Logistikk,  plukk!", "lager logistikk plukk"),
        ("Ærlig ØKONOMI Å", "ærlig økonomi å"),
        ("tab\tand\nnewline", "tab and newline"),
    ],
)
def test_normalise_casefolds_and_strips_punctuation_keeping_norwegian_letters(raw, expected):
    assert normalise(raw) == expected


def test_compact_joins_compound_spellings():
    forms = ["lager medarbeider", "Lagermedarbeider", "lager-medarbeider", "LAGER  MEDARBEIDER"]
    assert len({compact(f) for f in forms}) == 1


def test_compact_keeps_different_words_apart():
    assert compact("renhold") != compact("rørlegger")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Vi søker Regnskapssjef", "regnskapssjef"),
        (
            "underholdnings- og fritidsassistent (praksisplass)",
            "underholdnings og fritidsassistent",
        ),
        ("Erfaren Transportformann", "transportformann"),
        ("møbelsnekker - deltid", "møbelsnekker"),
        ("Møllemester, Groruddalen", "møllemester"),
    ],
)
def test_clean_title_removes_recruiting_noise(title, expected):
    assert clean_title(title) == expected


def test_title_variants_try_the_words_in_parentheses():
    assert title_variants("Lærling (møbelsnekker)") == [
        "lærling møbelsnekker",
        "møbelsnekker",
        "lærling",
    ]


def test_title_variants_tolerate_an_unclosed_parenthesis():
    assert "billettkontrollør" in title_variants("Billettkontrollør (kino")
