#!/usr/bin/env python3
"""Check ``matching/data/titles_common.tsv``: columns, kinds, and every STYRK-08 code known.

Prints each title with the names of its groups, so a reviewer can read the senses at a glance.
Exit status 1 on an unknown code or a malformed row.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.taxonomy import load_taxonomy  # noqa: E402


def main() -> int:
    """Check the file and print it with group names."""
    tax = load_taxonomy()
    names = dict(zip(tax.group_codes, tax.group_names, strict=True))
    bad = 0
    path = ROOT / "matching" / "data" / "titles_common.tsv"
    for n, line in enumerate(path.read_text("utf-8").splitlines()[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 3 or cells[2] not in {"norsk", "english"}:
            print(f"line {n}: malformed: {line!r}")
            bad += 1
            continue
        for code in cells[1].split("|"):
            if code not in names:
                print(f"line {n}: unknown STYRK-08 code {code} for {cells[0]!r}")
                bad += 1
            else:
                print(f"{cells[0]:32s} {code} {names[code]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
