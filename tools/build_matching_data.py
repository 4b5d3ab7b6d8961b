#!/usr/bin/env python3
"""Derive the compact taxonomy files shipped in ``matching/data/`` from ``../shared/data``.

Run from the repository root::

    .venv/bin/python tools/build_matching_data.py [--source ../shared/data]

The output is deterministic (sorted rows, fixed gzip mtime), so running it twice gives
byte-identical files.  Sources and licences are described in ``../shared/data/PROVENANCE.md``;
the attribution the ESCO licence requires is written to ``matching/data/ATTRIBUTION.md``.

Files written:

``occupations.tsv.gz``
    ESCO v1.1.1 occupations: short id, ISCO-08 code, STYRK-08 unit groups (from the official
    ESCO→STYRK-08 crosswalk, falling back to the ISCO code), English preferred label, English
    alternative labels, Norwegian labels (from the crosswalk).
``skills.tsv.gz``
    ESCO skills: short id, reuse level, English preferred label, alternative and hidden labels,
    Norwegian labels (from ``seed/vocabulary/skills.csv`` when that file exists).
``occupation_skills.npz``
    ESCO occupation–skill relations as index arrays (occupation, skill, essential flag).
``styrk.tsv.gz``
    STYRK-08 unit groups: code, names (SSB via the crosswalk, NAV's group name), the NAV
    occupation titles recorded under the ISCO-08 based codes, and NAV's mean yearly count of
    job seekers in the group over those years (the matcher's frequency prior for ambiguous
    titles: common jobs win over rare ones).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "matching" / "data"

ESCO_CLASSIFICATION = "esco-v1.1.1_classification_en_csv.zip"
ESCO_RELATIONS = "esco-v1.1.1_relations_csv.zip"
CROSSWALK = "esco_no_styrk08_mapping_2022-09-20.csv"
NAV_TITLES = "nav_arbeidssokere_yrke_styrk.csv"
SEED_SKILLS = ROOT / "seed" / "vocabulary" / "skills.csv"

_TITLE_SPLIT = re.compile(r",\s+(?=[A-ZÆØÅ0-9])")

REUSE = {
    "transversal": "T",
    "cross-sector": "C",
    "sector-specific": "S",
    "occupation-specific": "O",
    "": "-",
}

ATTRIBUTION = """\
# Attribution of the matcher's taxonomy files

The files in this folder are derived by `tools/build_matching_data.py` from the sources below
(checksums and history in `../shared/data/PROVENANCE.md` of the project workspace).

- **ESCO v1.1.1** (occupations, skills, occupation–skill relations), © European Union.
  This service uses the ESCO classification of the European Commission.
  Reused under the Commission reuse policy (Decision 2011/833/EU); obtained from the ESCO
  download service via `tabiya-tech/tabiya-esco-datasets-and-tools`.
- **STYRK-08** (Standard for yrkesklassifisering), Statistics Norway (SSB): unit-group codes and
  names, <https://www.ssb.no/arbeid-og-lonn/artikler-og-publikasjoner/standard-for-yrkesklassifisering-styrk-08>.
- **ESCO → Norwegian occupations (STYRK-08) crosswalk** "ESCO - NO NOC", version 2022-09-20,
  published on the ESCO portal, with Norwegian ESCO occupation labels (ESCO 1.0.8); copied from
  `Avature/melo-benchmark` (MIT, © 2024 Avature).
- **NAV occupation titles** per STYRK code, from NAV's open dataset "Arbeidssøkere yrke år"
  (Datahotell / data.nav.no, via `datahotellet/dataset-archive`). Open public data; the exact
  licence (normally NLOD 2.0) must be confirmed before a public release.
{seed_note}

## Files written by hand by the project team (not derived by this script)

- `titles_common.tsv`: common job titles as Norwegian employers and counsellors write them, and
  English titles in their everyday sense, each with the STYRK-08 unit group(s) of that sense;
  every code is checked against SSB's and NAV's group names by `tools/check_titles_common.py`.
- `norwegian_forms.tsv`: abbreviations ("ass.", "hj.pleie"), nynorsk word forms
  ("sjukepleiar", "reinhald-"), generic and vague titles, words that are titles but also
  everyday Norwegian ("driver", "leder"), employment and context words ("vikariat", "ved"),
  and words too common in ads to count as skills or workplaces. No ad text was copied.
- `styrk.tsv.gz`'s `jobseekers` column is NAV's mean yearly count of job seekers per STYRK-08
  code ("Arbeidssøkere yrke år", ISCO-08 based years); the reader uses it as the prior that makes
  common jobs win over rare ones when a title has several senses.

## `skills_no.tsv` — Norwegian skill vocabulary

`skills_no.tsv` (UTF-8, tab-separated: `term`, `variants`, `esco_uri`, `domain`) was written by
hand by the project team: Norwegian skill words and phrases as counsellors and employers write
them, with `|`-separated synonyms, inflected forms, common misspellings, nynorsk forms and
compound variants, for the work this programme's candidates do (cleaning, warehouse, retail,
kitchen and serving, health and care, kindergarten, driving and licences, building trades,
industry, office, IT, languages, certificates, and the generic qualities employers ask for). No
ad text was copied. It is not derived by `tools/build_matching_data.py`.

Where an ESCO skill or knowledge concept fits, `esco_uri` refers to it in **ESCO v1.1.1**,
© European Union. This service uses the ESCO classification of the European Commission.
URIs were chosen by searching `skills_en.csv` in the ESCO v1.1.1 download, preferring skills
that ESCO links (`occupationSkillRelations.csv`) to the relevant occupations and, for generic
qualities, ESCO's transversal skills; terms with no fitting concept (for example Norwegian
certificates such as HMS-kort, or languages ESCO does not list, such as Somali and Tigrinya)
have an empty URI. `tools/check_skills_no.py` checks the columns, that no term or variant
appears in two rows with different URIs, and that every URI exists in ESCO v1.1.1
`skills_en.csv`.
"""


def short_id(uri: str) -> str:
    """Return the last path segment of an ESCO URI."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def split_lines(value: str) -> list[str]:
    """Split an ESCO multi-line label cell into clean labels."""
    return [x.strip() for x in value.split("\n") if x.strip()]


def clean(value: str) -> str:
    """Make a label safe for one TSV cell with ``|`` as the inner separator."""
    return " ".join(value.replace("|", "/").split())


def split_titles(value: str) -> list[str]:
    """Split NAV's comma-separated titles.

    Titles start with a capital letter or a digit; a comma inside a title ("Daglig leder
    (vann,avløp)") is not followed by one, and some cells have unbalanced parentheses, so the
    split looks ahead instead of counting brackets.
    """
    return [t.strip() for t in _TITLE_SPLIT.split(value) if t.strip() and t.strip() != "*"]


def read_zip_csv(path: Path, member: str) -> list[dict[str, str]]:
    """Read one CSV member of a zip archive into dicts."""
    with zipfile.ZipFile(path) as zf, zf.open(member) as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def write_tsv_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write rows as a deterministic gzip-compressed TSV."""
    text = "\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    with path.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def read_crosswalk(path: Path) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str]]:
    """Return Norwegian labels and STYRK codes per ESCO occupation, and SSB names per code."""
    labels: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Classification 1 URI") + 1
    for r in rows[start:]:
        if len(r) < 7 or not r[0]:
            continue
        occ = short_id(r[0])
        if r[1].strip():
            labels[occ].add(clean(r[1]))
        if r[6] == "no relation" or not r[3]:
            continue
        code = short_id(r[3])
        if code.isdigit() and len(code) == 4:
            codes[occ].add(code)
            names.setdefault(code, clean(r[4]))
    return labels, codes, names


def read_nav(path: Path) -> tuple[dict[str, set[str]], dict[str, str], dict[str, float]]:
    """Return NAV titles, group names and mean yearly job seekers per STYRK-08 code.

    Only the ISCO-08 based rows count.  Cells NAV suppressed (``*``: under four persons) count
    as two.
    """
    titles: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    seekers: dict[str, int] = defaultdict(int)
    years: set[str] = set()
    with path.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            code = (row.get("yrkeskode") or "").strip()
            if row.get("isco_versjon") != "ISCO-08" or not (code.isdigit() and len(code) == 4):
                continue
            if code == "0000":
                continue
            name = clean(row.get("yrke") or "")
            if name:
                names[code] = name
            for t in split_titles(row.get("yrkesbetegnelse") or ""):
                titles[code].add(clean(t))
            count = (row.get("antall_arbeidssokere") or "").strip()
            seekers[code] += int(count) if count.isdigit() else 2
            years.add(row.get("aar") or "")
    mean = {code: total / max(len(years), 1) for code, total in seekers.items()}
    return titles, names, mean


def read_seed_skills(path: Path) -> dict[str, set[str]]:
    """Return Norwegian skill labels per ESCO skill id from the app's seed vocabulary."""
    out: dict[str, set[str]] = defaultdict(set)
    if not path.exists():
        return out
    with path.open(encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        uri_col = next((f for f in fields if "uri" in f.lower()), None)
        label_cols = [
            f
            for f in fields
            if any(k in f.lower() for k in ("label_nb", "label_no", "norsk", "nb", "norwegian"))
            and "uri" not in f.lower()
        ]
        if not uri_col or not label_cols:
            return out
        for row in reader:
            uri = (row.get(uri_col) or "").strip()
            if "/skill/" not in uri:
                continue
            for col in label_cols:
                label = clean(row.get(col) or "")
                if label:
                    out[short_id(uri)].add(label)
    return out


def main() -> None:
    """Build the files."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    src, out = Path(args.source), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    occ_rows = read_zip_csv(src / ESCO_CLASSIFICATION, "occupations_en.csv")
    skill_rows = read_zip_csv(src / ESCO_CLASSIFICATION, "skills_en.csv")
    rel_rows = read_zip_csv(src / ESCO_RELATIONS, "occupationSkillRelations.csv")
    no_labels, styrk_codes, ssb_names = read_crosswalk(src / CROSSWALK)
    nav_titles, nav_names, nav_seekers = read_nav(src / NAV_TITLES)
    seed = read_seed_skills(SEED_SKILLS)

    occs = sorted(
        (r for r in occ_rows if r.get("conceptUri")), key=lambda r: short_id(r["conceptUri"])
    )
    occ_index = {short_id(r["conceptUri"]): i for i, r in enumerate(occs)}
    rows = []
    for r in occs:
        oid = short_id(r["conceptUri"])
        isco = r["iscoGroup"].strip()
        codes = sorted(styrk_codes.get(oid) or ({isco} if len(isco) == 4 else set()))
        pref = clean(r["preferredLabel"])
        alts = sorted({clean(a) for a in split_lines(r["altLabels"])} - {pref})
        rows.append(
            [oid, isco, ";".join(codes), pref, "|".join(alts), "|".join(sorted(no_labels[oid]))]
        )
    write_tsv_gz(
        out / "occupations.tsv.gz", ["id", "isco", "styrk", "label", "alt", "label_no"], rows
    )

    skills = sorted(
        (r for r in skill_rows if r.get("conceptUri")), key=lambda r: short_id(r["conceptUri"])
    )
    skill_index = {short_id(r["conceptUri"]): i for i, r in enumerate(skills)}
    rows = []
    for r in skills:
        sid = short_id(r["conceptUri"])
        pref = clean(r["preferredLabel"])
        alts = {clean(a) for a in split_lines(r["altLabels"]) + split_lines(r["hiddenLabels"])}
        rows.append(
            [
                sid,
                REUSE.get(r["reuseLevel"].strip(), "-"),
                pref,
                "|".join(sorted(alts - {pref})),
                "|".join(sorted(seed.get(sid, ()))),
            ]
        )
    write_tsv_gz(out / "skills.tsv.gz", ["id", "reuse", "label", "alt", "label_no"], rows)

    triples = sorted(
        {
            (
                occ_index[short_id(r["occupationUri"])],
                skill_index[short_id(r["skillUri"])],
                int(r["relationType"] == "essential"),
            )
            for r in rel_rows
            if short_id(r["occupationUri"]) in occ_index and short_id(r["skillUri"]) in skill_index
        }
    )
    arr = np.array(triples, dtype=np.int32).reshape(-1, 3)
    buf = io.BytesIO()
    np.savez_compressed(buf, occ=arr[:, 0], skill=arr[:, 1], essential=arr[:, 2].astype(np.int8))
    (out / "occupation_skills.npz").write_bytes(buf.getvalue())

    codes = sorted(set(ssb_names) | set(nav_names) | {c for cs in styrk_codes.values() for c in cs})
    rows = []
    for code in codes:
        names = [n for n in (ssb_names.get(code), nav_names.get(code)) if n]
        rows.append(
            [
                code,
                "|".join(dict.fromkeys(names)),
                "|".join(sorted(nav_titles.get(code, ()))),
                f"{nav_seekers.get(code, 0.0):.1f}",
            ]
        )
    write_tsv_gz(out / "styrk.tsv.gz", ["code", "names", "titles", "jobseekers"], rows)

    seed_note = (
        "- **Norwegian skill labels** from the project's own `seed/vocabulary/skills.csv`, "
        "linked to ESCO skill URIs.\n"
        if seed
        else ""
    )
    (out / "ATTRIBUTION.md").write_text(ATTRIBUTION.format(seed_note=seed_note), encoding="utf-8")
    print(
        f"{len(occs)} occupations, {len(skills)} skills, {len(arr)} relations, "
        f"{len(codes)} STYRK-08 groups, {sum(len(v) for v in seed.values())} seed labels -> {out}"
    )


if __name__ == "__main__":
    main()
