"""Occupation and skill knowledge from the shipped taxonomy files."""

import pytest


@pytest.mark.parametrize(
    "title",
    [
        "møbelsnekker",
        "Vi søker møbelsnekker (praksisplass)",
        "Erfaren Møbelsnekker - deltid",
        "møbelsnkker",  # typo
        "MØBEL-SNEKKER, Groruddalen",
    ],
)
def test_a_title_with_extra_words_or_a_typo_finds_its_occupation(taxonomy, title):
    match = taxonomy.resolve_title(title)
    assert [taxonomy.occ_label_no[o] for o in match.occupations] == ["møbelsnekker"]


def test_nav_titles_resolve_to_their_styrk_unit_group(taxonomy):
    match = taxonomy.resolve_title("Lærling (møbelsnekker)")
    assert [taxonomy.group_codes[g] for g in match.groups] == ["7522"]
    typo = taxonomy.resolve_title("Pteroleumsgeolog")
    assert [taxonomy.group_codes[g] for g in typo.groups] == ["2114"]


def test_unknown_titles_resolve_to_nothing(taxonomy):
    assert not taxonomy.resolve_title("xyzzy qwerty").found


def test_skill_synonyms_and_typos_share_a_concept(taxonomy):
    forms = ["operate forklift", "Drive a forklift", "use a forklfit", "OPERATE  FORK-LIFT"]
    concepts = {m.concepts for m in taxonomy.resolve_skills(forms)}
    assert len(concepts) == 1 and concepts != {()}


def test_norwegian_seed_labels_are_folded_in_when_shipped(taxonomy):
    match = taxonomy.resolve_skills(["truckførerbevis"])[0]
    if not match.concepts:
        pytest.skip("no Norwegian skill labels were shipped (seed/vocabulary/skills.csv absent)")
    assert match.concepts == taxonomy.resolve_skills(["operate forklift"])[0].concepts


def test_relatedness_orders_same_occupation_over_group_over_shared_skills(taxonomy):
    import numpy as np

    rel = taxonomy.relatedness
    assert np.allclose(np.diag(rel), 1.0)
    assert {round(float(x), 3) for x in np.unique(rel)} <= {0.0, 0.25, 0.333, 0.667, 1.0}
    o = taxonomy.resolve_title("møbelsnekker").occupations[0]
    g = taxonomy.occ_groups[o][0]
    siblings = [x for x in range(taxonomy.n_occ) if g in taxonomy.occ_groups[x] and x != o]
    assert siblings and all(rel[o, s] == pytest.approx(2 / 3) for s in siblings)


def test_attribution_is_shipped():
    from importlib import resources

    text = resources.files("matching").joinpath("data", "ATTRIBUTION.md").read_text("utf-8")
    assert "This service uses the ESCO classification of the European Commission." in text
    assert "STYRK-08" in text and "NAV" in text and "crosswalk" in text


def test_neighbouring_trades_of_one_styrk_minor_group_are_near(taxonomy):
    def members(code):
        return [
            o
            for o in range(taxonomy.n_occ)
            if any(taxonomy.group_codes[g] == code for g in taxonomy.occ_groups[o])
        ]

    cars, machinery, cooks = members("7231"), members("7233"), members("5120")
    assert cars and machinery and cooks
    assert all(taxonomy.relatedness[c, o] >= 0.25 for c in cars for o in machinery)
    assert all(taxonomy.relatedness[c, o] < 0.25 for c in cars for o in cooks)
