#!/usr/bin/env python3
"""Check the Norwegian skill vocabulary ``matching/data/skills_no.tsv``.

Run from the repository root::

    .venv/bin/python tools/check_skills_no.py [ESCO_ZIP] [--tsv PATH]

``ESCO_ZIP`` is the ESCO v1.1.1 classification download
(default ``../shared/data/esco-v1.1.1_classification_en_csv.zip``); the URIs are looked up in
its ``skills_en.csv``.

Checks:

- the header is ``term<TAB>variants<TAB>esco_uri<TAB>domain`` and every row has four cells;
- ``term`` and ``domain`` are non-empty; ``domain`` is one short lower-case word;
- no form (term or variant, compared case-insensitively with spaces collapsed) is empty,
  has surrounding blanks, or appears twice in a row;
- no form appears in two rows unless both rows carry the same ESCO URI;
- every non-empty ``esco_uri`` is a released concept in ESCO's ``skills_en.csv``.

Prints a summary (rows, forms, rows with a URI, distinct URIs, rows per domain) and every
problem; exit status 1 when there is any problem.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TSV = ROOT / "matching" / "data" / "skills_no.tsv"
DEFAULT_ZIP = ROOT.parent / "shared" / "data" / "esco-v1.1.1_classification_en_csv.zip"
HEADER = ["term", "variants", "esco_uri", "domain"]


def norm(form: str) -> str:
    """The key two forms collide on: lower case, inner whitespace collapsed."""
    return " ".join(form.lower().split())


def esco_skill_uris(zip_path: Path) -> dict[str, str]:
    """conceptUri -> preferredLabel for every concept in ESCO's ``skills_en.csv``."""
    with zipfile.ZipFile(zip_path) as zf, zf.open("skills_en.csv") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
        return {row["conceptUri"]: row["preferredLabel"] for row in reader}


def check(tsv: Path, known: dict[str, str]) -> tuple[list[str], dict[str, object]]:
    """Return the problems found and summary figures."""
    problems: list[str] = []
    lines = tsv.read_text("utf-8").splitlines()
    if not lines or lines[0].split("\t") != HEADER:
        problems.append(f"header must be {HEADER!r}")
    owner: dict[str, tuple[int, str]] = {}
    domains: Counter[str] = Counter()
    uris: set[str] = set()
    with_uri = forms_total = 0
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != 4:
            problems.append(f"line {n}: {len(cells)} cells, expected 4")
            continue
        term, variants, uri, domain = cells
        if not term.strip():
            problems.append(f"line {n}: empty term")
        if not re.fullmatch(r"[a-zæøå]+", domain):
            problems.append(f"line {n}: domain {domain!r} is not one lower-case word")
        domains[domain] += 1
        if uri:
            with_uri += 1
            uris.add(uri)
            if uri not in known:
                problems.append(f"line {n}: {term!r}: URI not in ESCO skills_en.csv: {uri}")
        forms = [term] + (variants.split("|") if variants else [])
        seen_here: set[str] = set()
        for form in forms:
            forms_total += 1
            if not form or form != form.strip():
                problems.append(f"line {n}: {term!r}: empty or padded form {form!r}")
                continue
            key = norm(form)
            if key in seen_here:
                problems.append(f"line {n}: {term!r}: form {form!r} repeated in the row")
                continue
            seen_here.add(key)
            if key in owner and owner[key][1] != uri:
                first_line, _ = owner[key]
                problems.append(
                    f"line {n}: {term!r}: form {form!r} also on line {first_line} "
                    "with a different URI"
                )
            owner.setdefault(key, (n, uri))
    summary = {
        "rows": len(lines) - 1,
        "forms": forms_total,
        "rows_with_uri": with_uri,
        "distinct_uris": len(uris),
        "domains": dict(domains.most_common()),
    }
    return problems, summary


def main() -> int:
    """Run the checks and print the outcome."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("esco_zip", nargs="?", type=Path, default=DEFAULT_ZIP)
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    args = parser.parse_args()
    problems, summary = check(args.tsv, esco_skill_uris(args.esco_zip))
    print(
        f"{summary['rows']} terms, {summary['forms']} forms (terms and variants), "
        f"{summary['rows_with_uri']} terms with an ESCO URI, "
        f"{summary['distinct_uris']} distinct URIs"
    )
    print("domains: " + ", ".join(f"{d} {c}" for d, c in summary["domains"].items()))
    for problem in problems:
        print("PROBLEM:", problem)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
