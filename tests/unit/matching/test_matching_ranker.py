"""The ranker: eligibility, language, history, practicalities, fairness, determinism."""

import datetime as dt

import numpy as np
import pytest

from matching import CandidateRanker, NotFittedError, parse_candidate, parse_vacancy

REF = dt.date(2026, 6, 1)


def by_id(ranking):
    return {m.candidate_id: m for m in ranking.matches}


def placement(title, outcome="completed", start="2024-01-01", end="2024-06-01", **extra):
    return {
        "title": title,
        "outcome": outcome,
        "start": start,
        "end": end,
        "type": "arbeidspraksis",
        **extra,
    }


def test_unfitted_ranker_refuses_to_rank(make_need):
    with pytest.raises(NotFittedError):
        CandidateRanker().rank(make_need())


def test_init_only_stores_parameters():
    ranker = CandidateRanker(weights={"skills": 1}, reference_date=REF)
    assert vars(ranker) == {
        "weights": {"skills": 1},
        "reference_date": REF,
        "history_half_life": 4.0,
        "cache_size": 1024,
    }


def test_below_the_norwegian_floor_is_ineligible_and_ranked_after_all_eligible(
    rank, make_candidate, make_need
):
    strong_but_weak_norwegian = make_candidate(
        "a", norwegian={"oral": "A1"}, placements=[placement("lagermedarbeider", "hired")]
    )
    weak_but_eligible = make_candidate("b", norwegian={"oral": "B1"})
    ranking = rank([strong_but_weak_norwegian, weak_but_eligible], make_need())
    assert [(m.candidate_id, m.eligible) for m in ranking.matches] == [("b", True), ("a", False)]
    assert "Muntlig A1 – under krav A2" in ranking.matches[1].reasons


def test_unknown_level_fails_the_floor_but_is_explained_as_unknown(rank, make_candidate, make_need):
    ranking = rank(
        [make_candidate("a", norwegian={"oral": "B1"})],
        make_need(norwegian_min={"oral": "A2", "written": "A2"}),
    )
    (m,) = ranking.matches
    assert not m.eligible
    assert "Skriftlig ukjent – krav A2" in m.reasons
    assert "Muntlig B1 – krav A2 oppfylt" in m.reasons
    assert not any("A1" in r for r in m.reasons)


def test_margin_above_the_floor_counts_a_little(rank, make_candidate, make_need):
    cands = [make_candidate(c, norwegian={"oral": lvl}) for c, lvl in (("a", "A2"), ("b", "B2"))]
    m = by_id(rank(cands, make_need()))
    assert m["b"].components["language"] > m["a"].components["language"]
    assert m["b"].score - m["a"].score < 5


def test_sprakpraksis_does_not_reward_levels_above_the_floor(rank, make_candidate, make_need):
    cands = [make_candidate(c, norwegian={"oral": lvl}) for c, lvl in (("a", "A1"), ("b", "C1"))]
    m = by_id(rank(cands, make_need(type="sprakpraksis", norwegian_min={"oral": "A1"})))
    assert m["a"].components["language"] == m["b"].components["language"] == 1.0


def test_missing_driving_licence_is_a_hard_requirement(rank, make_candidate, make_need):
    cands = [make_candidate("a", driving_licence=[]), make_candidate("b", driving_licence=["B"])]
    ranking = rank(cands, make_need(driving_licence="B"))
    assert [(m.candidate_id, m.eligible) for m in ranking.matches] == [("b", True), ("a", False)]
    assert "Mangler førerkort klasse B" in ranking.matches[1].reasons


def test_occupation_match_beats_unrelated_candidates(rank, make_candidate, make_need):
    need = make_need(title="Vi søker møbelsnekker (praksisplass)", skills_required=["woodturning"])
    cands = [
        make_candidate(
            "baker", placements=[placement("baker")], skills=["prepare bakery products"]
        ),
        make_candidate("snekker", placements=[placement("møbelsnekker")], skills=["woodturning"]),
        make_candidate("typo", experience=[{"title": "Møbelsnkker", "years": 3}]),
    ]
    ranking = rank(cands, need)
    assert [m.candidate_id for m in ranking.matches][:2] == ["snekker", "typo"]
    top = ranking.matches[0]
    assert "1 av 1 påkrevde ferdigheter: woodturning" in top.reasons
    assert any(r.startswith("Samme yrke: møbelsnekker") for r in top.reasons)


def test_required_skills_weigh_more_than_preferred(rank, make_candidate, make_need):
    need = make_need(
        title="Renholder",
        skills_required=["cleaning techniques"],
        skills_preferred=["operate forklift"],
    )
    cands = [
        make_candidate("req", skills=["cleaning techniques"]),
        make_candidate("pref", skills=["operate forklift"]),
    ]
    m = by_id(rank(cands, need))
    assert m["req"].components["skills"] > m["pref"].components["skills"]


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        (
            placement("lagermedarbeider", "hired", "2025-01-01", "2025-06-01"),
            placement("lagermedarbeider", "hired", "2016-01-01", "2016-06-01"),
        ),  # recent > old
        (placement("lagermedarbeider", "completed"), placement("lagermedarbeider", "aborted")),
        (placement("lagermedarbeider", "completed"), placement("frisør", "completed")),
    ],
)
def test_history_weighting(rank, make_candidate, make_need, better, worse):
    m = by_id(
        rank(
            [make_candidate("a", placements=[better]), make_candidate("b", placements=[worse])],
            make_need(),
        )
    )
    assert m["a"].components["history"] > m["b"].components["history"]


def test_aborted_placement_with_the_same_employer_lowers_the_match(rank, make_candidate, make_need):
    good = placement("lagermedarbeider", "completed", employer="Other AS")
    cands = [
        make_candidate("same", placements=[good, placement("x", "aborted", employer="Lager AS")]),
        make_candidate("other", placements=[good, placement("x", "aborted", employer="Annet AS")]),
    ]
    ranking = rank(cands, make_need(employer="Lager AS"))
    m = by_id(ranking)
    assert m["same"].score < m["other"].score
    assert any(
        r.startswith("Avbrutt arbeidspraksis hos samme arbeidsgiver") for r in m["same"].reasons
    )


def test_ongoing_placement_elsewhere_is_noted(rank, make_candidate, make_need):
    busy = make_candidate("a", placements=[placement("renholder", "ongoing", "2026-01-01", None)])
    (m,) = rank([busy], make_need()).matches
    assert "I pågående arbeidspraksis som renholder (fra 2026)" in m.reasons


def test_practicalities(rank, make_candidate, make_need):
    need = make_need(hours_per_week=37.5, start_date="2026-08-01", district="Alna")
    cands = [
        make_candidate(
            "fits", district="Alna", max_hours_per_week=37.5, available_from="2026-07-01"
        ),
        make_candidate(
            "late", district="Stovner", max_hours_per_week=20, available_from="2026-12-01"
        ),
    ]
    m = by_id(rank(cands, need))
    assert m["fits"].components["practical"] == 1.0
    assert m["late"].components["practical"] < 0.6
    assert "Kan jobbe 20 t/uke, plassen krever 37,5" in m["late"].reasons
    assert "Bor i bydel Stovner, plassen er i Alna" in m["late"].reasons


def test_thin_profile_is_shown_as_such(rank, make_candidate, make_need):
    (m,) = rank([make_candidate("a", norwegian={})], make_need(norwegian_min={})).matches
    assert (
        "Tynn profil: ingen ferdigheter, ingen norsknivå, ingen praksishistorikk registrert"
        in m.reasons
    )


def test_reasons_have_no_padding(rank, make_candidate, make_need):
    (m,) = rank(
        [make_candidate("a", skills=["operate forklift"])], make_need(norwegian_min={})
    ).matches
    assert all(r.strip() and len(r) < 120 for r in m.reasons)
    assert len(set(m.reasons)) == len(m.reasons)


def test_twins_get_identical_scores_and_ties_break_by_id(rank, make_candidate, make_need):
    base = {"skills": ["operate forklift"], "placements": [placement("lagermedarbeider")]}
    cands = [
        make_candidate("c2", gender="kvinne", birth_year=1970, country_of_origin="Somalia", **base),
        make_candidate("c1", gender="mann", birth_year=1999, country_of_origin="Polen", **base),
        make_candidate("c3", religion="x", age=40, **base),
    ]
    ranking = rank(cands, make_need())
    assert len({m.score for m in ranking.matches}) == 1
    assert [m.candidate_id for m in ranking.matches] == ["c1", "c2", "c3"]


def test_ranking_is_deterministic_and_independent_of_input_order(make_candidate, make_need):
    rng = np.random.default_rng(3)
    cands = [
        make_candidate(f"c{i}", norwegian={"oral": lvl})
        for i, lvl in enumerate(rng.choice(["A1", "A2", "B1", "B2"], 30))
    ]
    first = CandidateRanker(reference_date=REF).fit(cands).rank(make_need(), top=30)
    second = CandidateRanker(reference_date=REF).fit(cands[::-1]).rank(make_need(), top=30)
    assert [(m.candidate_id, m.score) for m in first.matches] == [
        (m.candidate_id, m.score) for m in second.matches
    ]


def test_top_k_subsets_and_in_memory_profiles(make_candidate, make_need):
    cands = [parse_candidate(make_candidate(f"c{i}")) for i in range(10)]
    ranker = CandidateRanker(reference_date=REF).fit(cands)
    need = parse_vacancy(make_need())
    assert len(ranker.rank(need, top=3).matches) == 3
    allowed = ranker.rank(need, top=10, allowed_ids=["c3", "c7", "nobody"])
    assert sorted(m.candidate_id for m in allowed.matches) == ["c3", "c7"]
    mask = np.zeros(10, dtype=bool)
    mask[[1, 2]] = True
    masked = ranker.rank(need, top=10, candidate_mask=mask)
    assert sorted(m.candidate_id for m in masked.matches) == ["c1", "c2"]
    # the index is reused across calls and rank_many keeps input order
    assert [r.vacancy_id for r in ranker.rank_many([make_need("b"), make_need("a")], top=1)] == [
        "b",
        "a",
    ]


def test_scores_and_components_are_in_range(rank, make_candidate, make_need):
    cands = [
        make_candidate(
            "a", skills=["operate forklift"], placements=[placement("lagermedarbeider", "hired")]
        ),
        make_candidate("b", norwegian={}),
    ]
    for m in rank(cands, make_need(skills_required=["operate forklift"])).matches:
        assert 0 <= m.score <= 100
        assert set(m.components) == {"skills", "history", "language", "practical"}
        assert all(0 <= v <= 1 for v in m.components.values())
        assert m.to_dict()["reasons"] == m.reasons


def test_best_needs_for_one_candidate(make_candidate, make_need):
    from matching import best_needs

    needs = [
        make_need("v1", title="Frisør"),
        make_need("v2", title="Lagermedarbeider"),
        make_need("v3", title="Lagermedarbeider", norwegian_min={"oral": "C2"}),
    ]
    cand = make_candidate(placements=[placement("lagermedarbeider", "hired")])
    ranked = best_needs(cand, needs, reference_date=REF)
    assert [vid for vid, _ in ranked] == ["v2", "v1", "v3"]
    assert ranked[-1][1].eligible is False
