"""Typed profiles: parsing, validation, CEFR, fields that are never read."""

import dataclasses
import datetime as dt

import pytest

from matching.profiles import (
    CEFR,
    Outcome,
    PlacementType,
    ValidationError,
    parse_candidate,
    parse_vacancy,
    read_jsonl,
)


def test_cefr_is_ordered_and_parses_lower_case():
    assert CEFR.A1 < CEFR.A2 < CEFR.B1 < CEFR.B2 < CEFR.C1 < CEFR.C2
    assert CEFR.parse("b2") is CEFR.B2
    assert CEFR.parse(" C1 ") is CEFR.C1


@pytest.mark.parametrize("bad", ["D1", "B3", "", "native", "a"])
def test_cefr_rejects_unknown_levels(bad):
    with pytest.raises(ValueError, match="unknown CEFR level"):
        CEFR.parse(bad)


def test_parse_vacancy_reads_every_contract_field():
    v = parse_vacancy(
        {
            "id": "v1",
            "title": "Lagermedarbeider",
            "type": "sprakpraksis",
            "occupation": "lagermedarbeider",
            "description": "Plukk og pakk",
            "skills_required": ["truckførerbevis", "  "],
            "skills_preferred": ["renhold"],
            "norwegian_min": {"oral": "a2", "written": "B1"},
            "district": "Alna",
            "driving_licence": "b",
            "hours_per_week": 30,
            "start_date": "2026-08-01",
            "unknown_extra_field": {"anything": 1},
        }
    )
    assert v.type is PlacementType.SPRAKPRAKSIS
    assert v.skills_required == ("truckførerbevis",)
    assert (v.norwegian_min.oral, v.norwegian_min.written) == (CEFR.A2, CEFR.B1)
    assert v.driving_licence == "B"
    assert v.hours_per_week == 30.0
    assert v.start_date == dt.date(2026, 8, 1)


def test_parse_candidate_reads_history_and_levels():
    c = parse_candidate(
        {
            "id": "c1",
            "skills": ["renhold"],
            "experience": [{"title": "Renholder", "years": 3}],
            "norwegian": {"oral": "B1"},
            "placements": [
                {
                    "employer": "emp1",
                    "title": "renholder",
                    "type": "arbeidspraksis",
                    "start": "2024-01-01",
                    "end": None,
                    "outcome": "ongoing",
                }
            ],
            "driving_licence": ["b"],
            "max_hours_per_week": 20,
            "available_from": "2026-09-01",
        }
    )
    assert c.norwegian.oral is CEFR.B1 and c.norwegian.written is None
    assert c.placements[0].outcome is Outcome.ONGOING and c.placements[0].end is None
    assert c.experience[0].years == 3.0
    assert c.driving_licence == ("B",)


def test_personal_characteristics_are_never_read():
    fields = {f.name for f in dataclasses.fields(parse_candidate({"id": "c"}))}
    for forbidden in ("gender", "birth_year", "age", "country_of_origin", "religion"):
        assert forbidden not in fields
    a = parse_candidate({"id": "c", "gender": "kvinne", "birth_year": 1970, "religion": "x"})
    b = parse_candidate({"id": "c", "gender": "mann", "birth_year": 2001, "country_of_origin": "y"})
    assert a == b


@pytest.mark.parametrize(
    ("record", "field", "words"),
    [
        ({"title": "x"}, "id", "required"),
        ({"id": "", "title": "x"}, "id", "empty"),
        ({"id": 7, "title": "x"}, "id", "string"),
        ({"id": "v"}, "title", "required"),
        ({"id": "v", "title": "x", "type": "internship"}, "type", "unknown value"),
        ({"id": "v", "title": "x", "skills_required": "truck"}, "skills_required", "list"),
        ({"id": "v", "title": "x", "skills_required": ["a", 3]}, "skills_required[1]", "string"),
        ({"id": "v", "title": "x", "norwegian_min": {"oral": "D1"}}, "norwegian_min.oral", "CEFR"),
        ({"id": "v", "title": "x", "norwegian_min": "B1"}, "norwegian_min", "object"),
        ({"id": "v", "title": "x", "hours_per_week": "30"}, "hours_per_week", "number"),
        ({"id": "v", "title": "x", "hours_per_week": True}, "hours_per_week", "number"),
        ({"id": "v", "title": "x", "start_date": "01.08.2026"}, "start_date", "ISO date"),
    ],
)
def test_parse_vacancy_errors_name_the_field(record, field, words):
    with pytest.raises(ValidationError) as info:
        parse_vacancy(record, line=9)
    assert info.value.line == 9
    assert info.value.field == field
    assert words in info.value.message
    assert str(info.value).startswith(f"line 9, field '{field}'")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": "c", "skills": "renhold"}, "skills"),
        ({"id": "c", "norwegian": {"written": "X9"}}, "norwegian.written"),
        ({"id": "c", "placements": {}}, "placements"),
        ({"id": "c", "placements": [{"outcome": "fired"}]}, "placements[0].outcome"),
        ({"id": "c", "placements": [{}, {"type": "job"}]}, "placements[1].type"),
        ({"id": "c", "placements": [{"start": "2024-13-01"}]}, "placements[0].start"),
        ({"id": "c", "experience": [{"years": 2}]}, "experience[0].title"),
        ({"id": "c", "experience": [{"title": "x", "years": -1}]}, "experience[0].years"),
        ({"id": "c", "driving_licence": "B"}, "driving_licence"),
        ("not an object", "record"),
    ],
)
def test_parse_candidate_errors_name_the_field(record, field):
    with pytest.raises(ValidationError) as info:
        parse_candidate(record, line=3)
    assert info.value.field == field


def test_read_jsonl_counts_blank_lines_and_rejects_duplicates():
    lines = ['{"id": "a"}', "", '{"id": "b"}', '{"id": "a"}']
    with pytest.raises(ValidationError) as info:
        list(read_jsonl(lines, parse_candidate))
    assert (info.value.line, info.value.field) == (4, "id")


def test_read_jsonl_reports_malformed_json_with_its_line():
    with pytest.raises(ValidationError) as info:
        list(read_jsonl(['{"id": "a"}', "{oops"], parse_candidate))
    assert info.value.line == 2
    assert "malformed JSON" in info.value.message
