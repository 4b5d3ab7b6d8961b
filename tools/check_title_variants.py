#!/usr/bin/env python3
"""Check the title test table ``tests/unit/matching/data/title_variants.tsv``.

Run from the repository root::

    .venv/bin/python tools/check_title_variants.py [--source ../shared/data]

Checks that every row has three columns, a known ``kind`` and one or more four-digit STYRK-08
codes, that no title appears twice, and that every code set used in the table is backed by
``title_variants_evidence.tsv``: each evidence label (``nav:`` a NAV job-seeker title,
``cw:`` a Norwegian ESCO label in the ESCO→STYRK-08 crosswalk, ``en:`` an English ESCO
occupation label) is looked up again in the sources and must map to one of the listed codes,
and every listed code must be supported by at least one label.  Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "unit" / "matching" / "data"
KINDS = {
    "plain",
    "inflection",
    "typo",
    "compound",
    "nynorsk",
    "english",
    "abbreviation",
    "extra_words",
    "ad_title",
}
CROSSWALK = "esco_no_styrk08_mapping_2022-09-20.csv"
NAV = "nav_arbeidssokere_yrke_styrk.csv"
ESCO_ZIP = "esco-v1.1.1_classification_en_csv.zip"


def load_sources(source: Path) -> dict[str, dict[str, set[str]]]:
    """Label (lower case) -> STYRK-08/ISCO-08 codes, per source prefix."""
    cw: dict[str, set[str]] = defaultdict(set)
    lines = (source / CROSSWALK).read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Classification 1 URI"))
    for row in csv.DictReader(lines[start:]):
        code = row["Classification 2 URI"].rsplit("/", 1)[-1]
        cw[row["Classification 1 PrefLabel"].strip().lower()].add(code)
    nav: dict[str, set[str]] = defaultdict(set)
    with (source / NAV).open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["isco_versjon"] != "ISCO-08":
                continue
            nav[row["yrke"].strip().lower()].add(row["yrkeskode"])
            for title in row["yrkesbetegnelse"].split(", "):
                nav[title.strip().lower()].add(row["yrkeskode"])
    en: dict[str, set[str]] = defaultdict(set)
    with zipfile.ZipFile(source / ESCO_ZIP) as zf, zf.open("occupations_en.csv") as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
            en[row["preferredLabel"].strip().lower()].add(row["iscoGroup"])
    return {"nav": nav, "cw": cw, "en": en}


def main() -> int:
    """Check the table and its evidence; print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    problems: list[str] = []

    rows = list(csv.reader((DATA / "title_variants.tsv").open(encoding="utf-8"), delimiter="\t"))
    if rows[0] != ["title", "styrk", "kind"]:
        problems.append(f"bad header {rows[0]}")
    titles = Counter()
    used_sets = set()
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != 3 or not row[0].strip():
            problems.append(f"line {n}: malformed {row}")
            continue
        title, styrk, kind = row
        titles[title] += 1
        if kind not in KINDS:
            problems.append(f"line {n}: unknown kind {kind!r}")
        if not re.fullmatch(r"\d{4}(\|\d{4})*", styrk):
            problems.append(f"line {n}: bad styrk {styrk!r}")
        used_sets.add(styrk)
    problems += [f"duplicate title {t!r}" for t, c in titles.items() if c > 1]

    sources = load_sources(args.source)
    backed = set()
    ev_rows = csv.DictReader(
        (DATA / "title_variants_evidence.tsv").open(encoding="utf-8"), delimiter="\t"
    )
    for row in ev_rows:
        codes = set(row["styrk"].split("|"))
        covered: set[str] = set()
        for item in row["evidence"].split("; "):
            label = item.rsplit("=", 1)[0]
            src, text = label.split(":", 1)
            got = sources[src].get(text.lower(), set()) & codes
            if not got:
                problems.append(f"{row['occupation']}: {label!r} does not map to {row['styrk']}")
            covered |= got
        if codes - covered:
            problems.append(f"{row['occupation']}: no evidence for {sorted(codes - covered)}")
        backed.add(row["styrk"])
    problems += [f"code set {s} has no evidence row" for s in sorted(used_sets - backed)]

    kinds = Counter(row[2] for row in rows[1:] if len(row) == 3)
    print(f"{len(rows) - 1} titles, {sum('|' in r[1] for r in rows[1:])} with several groups")
    print("kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
