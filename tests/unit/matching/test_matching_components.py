"""Each score component alone: what a counsellor relies on, needs × candidates at a time.

The components are called directly on a pool index (:func:`matching.features.build_features`)
and needs resolved against it (:func:`matching.resolution.resolve_needs`), without the ranker.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from matching.components import (
    explain_practical,
    history_component,
    history_notes,
    language_checks,
    language_component,
    licence_ok,
    occupation_reason,
    practical_component,
    skill_checks,
    skills_component,
)
from matching.components.history import SAME_EMPLOYER_ABORT_PENALTY
from matching.components.language import LANGUAGE_MARGIN_SHARE
from matching.components.skills import (
    COVERAGE_SHARE,
    MISSING_SKILLS_FLOOR,
    REQUIRED_WEIGHT,
    UNKNOWN_COVERAGE,
)
from matching.explain import Explanation
from matching.features import PoolView, build_features
from matching.profiles import parse_candidate, parse_vacancy
from matching.resolution import resolve_needs

REF = dt.date(2026, 6, 1)
#: Skill terms that name no ESCO skill and are far from each other: they stay pool terms.
TERM_A, TERM_B = "qxvz", "wjkp"


def pool(*candidates):
    """Profiles and the pool index over candidate dicts (only the fields given)."""
    profiles = [parse_candidate({"id": f"c{i}", **c}) for i, c in enumerate(candidates)]
    return profiles, build_features(profiles, REF)


def needs(features, *dicts):
    """Needs resolved against a pool index."""
    vacancies = [
        parse_vacancy({"id": f"v{j}", "title": "Lagermedarbeider", **d})
        for j, d in enumerate(dicts)
    ]
    return resolve_needs(vacancies, features, REF, "test-fit")


# --- language ---------------------------------------------------------------------------


def test_language_floor_is_hard_and_the_margin_counts_a_little():
    _, features = pool(
        {"norwegian": {"oral": "A1"}},
        {"norwegian": {"oral": "A2"}},
        {"norwegian": {"oral": "B1"}},
        {"norwegian": {"oral": "B2"}},
        {"norwegian": {"oral": "C2"}},
        {},  # level not registered
    )
    preps = needs(features, {"norwegian_min": {"oral": "A2"}})
    language, eligible = language_component(preps, PoolView(features))
    floor_only = 1 - LANGUAGE_MARGIN_SHARE
    assert eligible.tolist() == [[False, True, True, True, True, False]]
    assert language[0].tolist() == pytest.approx(
        [0.0, floor_only, floor_only + LANGUAGE_MARGIN_SHARE / 2, 1.0, 1.0, 0.0]
    )


def test_spraakpraksis_counts_only_meeting_the_floor():
    _, features = pool(
        {"norwegian": {"oral": "A1"}}, {"norwegian": {"oral": "A2"}}, {"norwegian": {"oral": "C1"}}
    )
    preps = needs(
        features,
        {"type": "sprakpraksis", "norwegian_min": {"oral": "A2"}},
        {"type": "arbeidspraksis", "norwegian_min": {"oral": "A2"}},
    )
    language, eligible = language_component(preps, PoolView(features))
    assert language[0].tolist() == [0.0, 1.0, 1.0]  # språkpraksis: A2 is as good as C1
    assert language[1, 1] < language[1, 2]  # elsewhere the margin counts
    assert not eligible[0, 0] and eligible[0, 1:].all()


def test_language_averages_the_modalities_the_need_sets_and_no_floor_scores_one():
    _, features = pool({"norwegian": {"oral": "B2", "written": "A2"}})
    both, oral_only, none = needs(
        features,
        {"norwegian_min": {"oral": "A2", "written": "A2"}},
        {"norwegian_min": {"oral": "A2"}},
        {"norwegian_min": {}},
    )
    language, eligible = language_component([both, oral_only, none], PoolView(features))
    floor_only = 1 - LANGUAGE_MARGIN_SHARE
    assert language[:, 0].tolist() == pytest.approx([(1.0 + floor_only) / 2, 1.0, 1.0])
    assert eligible.all()
    profiles, _ = pool({"norwegian": {"oral": "B2", "written": "A2"}})
    checks = language_checks(profiles[0], oral_only.vacancy)
    assert [(c.modality, c.have.name, c.need.name) for c in checks] == [("oral", "B2", "A2")]


# --- history ----------------------------------------------------------------------------


def placement(title="lagermedarbeider", outcome="completed", end="2026-01-01", **extra):
    return {"title": title, "outcome": outcome, "start": "2025-09-01", "end": end, **extra}


def test_history_prefers_recent_relevant_placements_halving_every_half_life():
    _, features = pool(
        {"placements": [placement(end="2026-06-01")]},
        {"placements": [placement(end="2022-06-01")]},  # four years before the need
        {"placements": [placement(title="baker")]},  # unrelated trade
        {},  # no history
    )
    preps = needs(features, {"start_date": "2026-06-01"})
    history = history_component(preps, PoolView(features), half_life=4.0)[0]
    recent, old, unrelated, nothing = history.tolist()
    assert recent > 0.5
    assert old == pytest.approx(recent * 0.5 ** ((REF - dt.date(2022, 6, 1)).days / 365.25 / 4))
    assert unrelated < old / 2
    assert nothing == 0.0


def test_history_weighs_outcomes_and_an_aborted_placement_says_nothing():
    _, features = pool(
        {"placements": [placement(outcome="hired")]},
        {"placements": [placement(outcome="completed")]},
        {"placements": [placement(outcome="ongoing")]},
        {"placements": [placement(outcome="aborted")]},
    )
    history = history_component(needs(features, {}), PoolView(features), half_life=4.0)[0]
    hired, completed, ongoing, aborted = history.tolist()
    assert hired > completed > ongoing > aborted == 0.0


def test_an_aborted_placement_with_the_same_employer_costs_the_penalty_and_is_noted_first():
    profiles, features = pool(
        {
            "placements": [
                placement(outcome="hired", employer="Lager AS"),
                placement(outcome="aborted", employer="Rema Lager", end="2025-01-01"),
            ]
        }
    )
    same, other = needs(features, {"employer": "rema lager"}, {"employer": "Kiwi"})
    history = history_component([same, other], PoolView(features), half_life=4.0)[:, 0]
    assert history[1] > SAME_EMPLOYER_ABORT_PENALTY  # the hired placement elsewhere counts
    assert history[0] == pytest.approx(history[1] - SAME_EMPLOYER_ABORT_PENALTY)
    notes = history_notes(profiles[0], 0, same, features, {})
    assert [n.kind for n in notes] == ["aborted_same_employer", "relevant"]
    elsewhere = history_notes(profiles[0], 0, other, features, {})
    assert "aborted_same_employer" not in [n.kind for n in elsewhere]


# --- practicalities ---------------------------------------------------------------------


def test_district_same_other_and_unknown():
    _, features = pool({"district": "Alna"}, {"district": "Stovner"}, {})
    preps = needs(features, {"district": "alna"})
    practical = practical_component(preps, PoolView(features))
    assert practical[0].tolist() == [1.0, 0.5, 0.75]


def test_hours_count_the_share_of_the_need_the_candidate_can_work():
    _, features = pool({"max_hours_per_week": 15}, {"max_hours_per_week": 40}, {})
    practical = practical_component(needs(features, {"hours_per_week": 30}), PoolView(features))
    assert practical[0].tolist() == [0.5, 1.0, 1.0]


def test_start_date_falls_to_zero_at_half_a_year_late():
    _, features = pool(
        {"available_from": "2026-07-01"},
        {"available_from": "2026-09-29"},  # 90 days late
        {"available_from": "2027-06-01"},
        {},
    )
    practical = practical_component(
        needs(features, {"start_date": "2026-07-01"}), PoolView(features)
    )
    assert practical[0].tolist() == [1.0, 0.5, 0.0, 1.0]


def test_practical_averages_the_parts_a_need_sets_and_none_scores_one():
    _, features = pool({"district": "Stovner", "max_hours_per_week": 15})
    both, none = needs(features, {"district": "Alna", "hours_per_week": 30}, {})
    practical = practical_component([both, none], PoolView(features))
    assert practical[:, 0].tolist() == [0.5, 1.0]


def test_driving_licence_is_hard_and_explained():
    profiles, features = pool({"driving_licence": ["B"]}, {"driving_licence": []})
    with_b, with_ce, without = needs(
        features, {"driving_licence": "B"}, {"driving_licence": "CE"}, {}
    )
    ok = licence_ok([with_b, with_ce, without], PoolView(features))
    assert ok.tolist() == [[True, False], [False, False], [True, True]]
    exp = Explanation()
    explain_practical(exp, profiles[1], with_b.vacancy, licence_held=False)
    assert exp.licence_missing == "B"


def test_practical_explanation_names_hours_and_start_gap():
    profiles, features = pool(
        {"max_hours_per_week": 20, "available_from": "2026-08-11", "district": "Alna"}
    )
    (prep,) = needs(
        features, {"hours_per_week": 30, "start_date": "2026-08-01", "district": "Alna"}
    )
    exp = Explanation()
    explain_practical(exp, profiles[0], prep.vacancy, licence_held=True)
    assert (exp.hours, exp.start_gap_days, exp.district) == ((20, 30), 10, ("Alna", "Alna"))
    assert exp.licence_missing is None


# --- skills -----------------------------------------------------------------------------


def test_listed_skills_scale_the_part_required_twice_preferred_and_unknown_is_not_missing():
    _, features = pool(
        {"skills": [TERM_A]},
        {"skills": [TERM_B]},
        {"skills": [TERM_A, TERM_B]},
        {"skills": ["zzyq"]},  # a skill, but not one the need lists
        {},  # no skills registered: unknown, not missing
    )
    preps = needs(
        features, {"title": "qqqq", "skills_required": [TERM_A], "skills_preferred": [TERM_B]}
    )
    result = skills_component(preps, PoolView(features))
    # Pool-only terms say nothing about occupations (no fit to scale, the trade unknown): what
    # is left is the coverage share, required skills counting twice, unknown counting as
    # UNKNOWN_COVERAGE.
    assert preps[0].understood.source == "none"
    share = COVERAGE_SHARE["none"]
    total = REQUIRED_WEIGHT + 1.0
    assert result.value[0].tolist() == pytest.approx(
        [
            share * REQUIRED_WEIGHT / total,
            share * 1.0 / total,
            share,
            0.0,
            share * UNKNOWN_COVERAGE,
        ]
    )
    assert result.term_start.tolist() == [0, 2]
    assert result.has.toarray().tolist() == [[1, 0], [0, 1], [1, 1], [0, 0], [0, 0]]


def test_skill_checks_split_required_and_preferred_into_held_and_missing():
    _, features = pool({})
    (prep,) = needs(
        features, {"skills_required": [TERM_A, "truckførerbevis"], "skills_preferred": [TERM_B]}
    )
    checks = skill_checks(prep.vacancy, [True, False, True])
    assert [(c.kind, c.matched, c.missing) for c in checks] == [
        ("required", (TERM_A,), ("truckførerbevis",)),
        ("preferred", (TERM_B,), ()),
    ]


def test_occupational_fit_ranks_the_same_trade_above_an_unrelated_one():
    profiles, features = pool(
        {"placements": [placement()]},
        {"desired_occupations": ["baker"]},
        {},
    )
    (prep,) = needs(features, {})
    value = skills_component([prep], PoolView(features)).value[0]
    assert value[0] > value[1] >= 0.0
    assert value[2] == 0.0  # no evidence: no fit claimed
    reason = occupation_reason(profiles[0], prep, features.title_matches, {})
    assert reason is not None and reason[0] in {"same_occupation", "same_unit_group"}
    assert reason[1:] == ("lagermedarbeider", "placement")
    assert occupation_reason(profiles[2], prep, features.title_matches, {}) is None


# --- sub-selection ----------------------------------------------------------------------


def test_components_on_a_selection_equal_the_selected_columns_of_the_whole_pool():
    _, features = pool(
        {"placements": [placement(employer="Rema Lager", outcome="aborted")], "skills": [TERM_A]},
        {"norwegian": {"oral": "B2"}, "district": "Alna", "max_hours_per_week": 10},
        {"experience": [{"title": "lagerarbeider", "years": 3}], "driving_licence": ["B"]},
        {"placements": [placement(), placement(title="baker", outcome="ongoing")]},
    )
    preps = needs(
        features,
        {"employer": "Rema Lager", "skills_required": [TERM_A], "district": "Alna"},
        {"norwegian_min": {"oral": "A2"}, "hours_per_week": 20, "driving_licence": "B"},
    )
    idx = np.array([3, 1])
    whole, part = PoolView(features), PoolView(features, idx)
    assert np.array_equal(
        skills_component(preps, part).value, skills_component(preps, whole).value[:, idx]
    )
    assert np.array_equal(
        history_component(preps, part, 4.0), history_component(preps, whole, 4.0)[:, idx]
    )
    for component in (language_component,):
        (a, ea), (b, eb) = component(preps, part), component(preps, whole)
        assert np.array_equal(a, b[:, idx]) and np.array_equal(ea, eb[:, idx])
    assert np.array_equal(
        practical_component(preps, part), practical_component(preps, whole)[:, idx]
    )
    assert np.array_equal(licence_ok(preps, part), licence_ok(preps, whole)[:, idx])


def test_a_missing_required_skill_lowers_the_part_of_a_candidate_of_the_right_trade():
    lager = {"placements": [placement()]}
    _, features = pool(
        {**lager, "skills": [TERM_A]},
        {**lager, "skills": [TERM_B]},
    )
    (prep,) = needs(features, {"skills_required": [TERM_A]})
    value = skills_component([prep], PoolView(features)).value[0]
    with_it, without = value.tolist()
    # the same trade, the same fit: lacking the one required skill scales it to the floor
    assert prep.understood.source == "title"
    assert with_it > 0.3
    assert without == pytest.approx(with_it * MISSING_SKILLS_FLOOR)
