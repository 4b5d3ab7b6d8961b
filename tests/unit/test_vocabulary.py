"""The shipped vocabulary files in seed/vocabulary/ parse, are consistent and are reproducible."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
VOCAB = REPO_ROOT / "seed" / "vocabulary"
SCRIPT = REPO_ROOT / "seed" / "build_vocabulary.py"
DATA = REPO_ROOT.parent / "shared" / "data"
GENERATED = ["occupations.csv", "skills.csv", "domains.json"]

OCCUPATION_COLUMNS = ["styrk08", "styrk08_label", "label_nb", "esco_uri", "source", "domain"]
SKILL_COLUMNS = ["skill_nb", "skill_en", "esco_uri", "domain", "relation", "occupations", "kind"]
DOMAINS = {"lager", "renhold", "barnehage", "helse", "butikk", "kjokken", "transport", "bygg"}
CEFR = {"A1", "A2", "B1", "B2", "C1", "C2"}


def read_csv(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (VOCAB / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def occupations() -> list[dict[str, str]]:
    columns, rows = read_csv("occupations.csv")
    assert columns == OCCUPATION_COLUMNS
    return rows


@pytest.fixture(scope="module")
def skills() -> list[dict[str, str]]:
    columns, rows = read_csv("skills.csv")
    assert columns == SKILL_COLUMNS
    return rows


@pytest.fixture(scope="module")
def domains() -> dict:
    return json.loads((VOCAB / "domains.json").read_text(encoding="utf-8"))["domains"]


def test_attribution_and_readme_are_shipped():
    attribution = (VOCAB / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "This service uses the ESCO classification of the European Commission." in attribution
    assert "Norwegian skill labels translated by the project team" in attribution
    assert "build_vocabulary.py" in (VOCAB / "README.md").read_text(encoding="utf-8")


def test_files_are_compact():
    assert sum((VOCAB / name).stat().st_size for name in GENERATED) < 1_000_000


def test_occupations(occupations):
    assert len(occupations) > 2000
    for row in occupations:
        assert len(row["styrk08"]) == 4 and row["styrk08"].isdigit(), row
        assert row["styrk08_label"] and row["label_nb"], row
        assert row["source"] in {"esco-crosswalk", "nav"}, row
        assert (row["source"] == "esco-crosswalk") == row["esco_uri"].startswith(
            "http://data.europa.eu/esco/occupation/"
        ), row
        assert row["domain"] in DOMAINS | {""}, row
    keys = [(r["styrk08"], r["label_nb"].casefold()) for r in occupations]
    assert len(keys) == len(set(keys)), "titles are de-duplicated per STYRK code"
    assert {r["domain"] for r in occupations} == DOMAINS | {""}


def test_skills_per_domain(skills):
    by_domain: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in skills:
        assert row["domain"] in DOMAINS, row
        assert row["relation"] in {"essential", "optional"}, row
        assert row["kind"] in {"skill", "knowledge", "certificate"}, row
        assert row["esco_uri"].startswith("http://data.europa.eu/esco/skill/"), row
        assert row["skill_nb"].strip() == row["skill_nb"] and row["skill_nb"], row
        assert row["skill_en"], row
        assert int(row["occupations"]) >= 1, row
        by_domain[row["domain"]].append(row)
    assert set(by_domain) == DOMAINS
    for domain, rows in by_domain.items():
        assert len(rows) >= 20, domain
        labels = [r["skill_nb"].casefold() for r in rows]
        assert len(labels) == len(set(labels)), f"duplicate Norwegian labels in {domain}"
    certificates = [r for r in skills if r["kind"] == "certificate"]
    assert 0 < len({r["skill_nb"] for r in certificates}) <= 15


def test_one_norwegian_label_per_skill(skills):
    labels: dict[str, set[str]] = defaultdict(set)
    for row in skills:
        if row["kind"] != "certificate":
            labels[row["esco_uri"]].add(row["skill_nb"])
    assert all(len(v) == 1 for v in labels.values())


def test_domains(domains, occupations, skills):
    assert set(domains) == DOMAINS
    titles_by_domain: dict[str, set[str]] = defaultdict(set)
    for row in occupations:
        titles_by_domain[row["domain"]].add(row["label_nb"])
    certificates = {(r["domain"], r["skill_nb"]) for r in skills if r["kind"] == "certificate"}
    for key, dom in domains.items():
        assert dom["name_nb"], key
        assert dom["styrk08"], key
        for code in dom["styrk08"]:
            assert len(code["code"]) == 4 and code["code"].isdigit() and code["label"], key
        assert dom["typical_titles"], key
        assert set(dom["typical_titles"]) <= titles_by_domain[key], key
        hours = dom["hours_per_week"]
        assert 0 < hours["min"] <= hours["typical"] <= hours["max"] <= 40, key
        assert dom["norwegian_min"]["oral"] in CEFR, key
        assert dom["norwegian_min"]["written"] in CEFR, key
        assert isinstance(dom["police_certificate"], bool), key
        assert dom["driving_licence"] in {None, "B", "C", "CE", "D"}, key
        for cert in dom["certificates"]:
            assert (key, cert) in certificates, (key, cert)
    assert domains["barnehage"]["police_certificate"] and domains["helse"]["police_certificate"]
    assert domains["transport"]["driving_licence"]


def test_rebuild_reproduces_shipped_files(tmp_path):
    if not (DATA / "PROVENANCE.md").exists():
        pytest.skip(f"taxonomy data not available at {DATA}")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(DATA), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (VOCAB / name).read_bytes(), name
