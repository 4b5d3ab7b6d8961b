"""Explanations are data; reasons are rendered from them in Norwegian."""

from matching.explain import Explanation, HistoryNote, LanguageCheck, SkillCheck, render_reasons
from matching.profiles import CEFR


def test_language_checks_render_met_unknown_and_below():
    exp = Explanation(
        language=[
            LanguageCheck("oral", CEFR.B1, CEFR.A2),
            LanguageCheck("written", None, CEFR.B1),
        ]
    )
    assert render_reasons(exp) == ["Skriftlig ukjent – krav B1", "Muntlig B1 – krav A2 oppfylt"]
    below = Explanation(language=[LanguageCheck("oral", CEFR.A1, CEFR.B1)])
    assert render_reasons(below) == ["Muntlig A1 – under krav B1"]


def test_unknown_is_not_missing():
    check = LanguageCheck("oral", None, CEFR.A1)
    assert not check.met
    assert LanguageCheck("oral", None, None).met


def test_skill_counts_list_at_most_three_names():
    exp = Explanation(skills=[SkillCheck("required", ("a", "b", "c", "d"), ("e",))])
    assert render_reasons(exp) == ["4 av 5 påkrevde ferdigheter: a, b, c, …"]
    none = Explanation(skills=[SkillCheck("required", (), ("a", "b"))])
    assert render_reasons(none) == ["Ingen av 2 påkrevde ferdigheter registrert"]
    thin = Explanation(skills=[SkillCheck("required", (), ("a",))], not_registered=["skills"])
    assert render_reasons(thin) == ["Tynn profil: ingen ferdigheter registrert"]


def test_history_notes_and_hard_failures_come_first():
    exp = Explanation(
        history=[
            HistoryNote("relevant", "completed", "lagermedarbeider", 2024, "arbeidspraksis"),
            HistoryNote("relevant", "hired", "truckfører", 2022, "lonnstilskudd"),
            HistoryNote("aborted_same_employer", "aborted", "x", 2023, "arbeidspraksis"),
        ],
        licence_missing="B",
    )
    assert render_reasons(exp) == [
        "Mangler førerkort klasse B",
        "Avbrutt arbeidspraksis hos samme arbeidsgiver 2023",
        "Fullført arbeidspraksis som lagermedarbeider 2024",
        "Ansatt etter lønnstilskudd som truckfører 2022",
    ]


def test_empty_explanation_renders_nothing():
    assert render_reasons(Explanation()) == []
