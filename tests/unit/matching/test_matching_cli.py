"""`python -m matching rank`: output format and bad input (exit 2, one line, no traceback)."""

import json
import subprocess
import sys

import pytest

GOOD_NEED = {"id": "v1", "title": "Lagermedarbeider", "norwegian_min": {"oral": "A2"}}
GOOD_CANDIDATE = {"id": "c1", "skills": ["forklift operations"], "norwegian": {"oral": "B1"}}


def write(path, records):
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
        ),
        encoding="utf-8",
    )
    return path


def run_cli(repo_root, *args):
    return subprocess.run(
        [sys.executable, "-m", "matching", "rank", *map(str, args)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("which", "records", "line", "field"),
    [
        ("candidates", [GOOD_CANDIDATE, '{"id": "c2", "skills": [}'], 2, "record"),
        ("candidates", [GOOD_CANDIDATE, {"skills": []}], 2, "id"),
        ("candidates", [{"id": "c1", "norwegian": {"oral": "B3"}}], 1, "norwegian.oral"),
        ("candidates", [GOOD_CANDIDATE, "", {"id": "c2", "skills": "renhold"}], 3, "skills"),
        (
            "candidates",
            [{"id": "c1", "placements": [{"title": "x", "outcome": "fired"}]}],
            1,
            "placements[0].outcome",
        ),
        ("vacancies", [GOOD_NEED, {"id": "v2", "title": "x", "type": "praksis"}], 2, "type"),
        ("vacancies", [{"id": "v1"}], 1, "title"),
        (
            "vacancies",
            [{"id": "v1", "title": "x", "norwegian_min": {"written": "Z"}}],
            1,
            "norwegian_min.written",
        ),
    ],
)
def test_bad_input_exits_2_with_line_and_field(repo_root, tmp_path, which, records, line, field):
    vac = write(tmp_path / "v.jsonl", records if which == "vacancies" else [GOOD_NEED])
    cand = write(tmp_path / "c.jsonl", records if which == "candidates" else [GOOD_CANDIDATE])
    proc = run_cli(repo_root, "--vacancies", vac, "--candidates", cand)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"line {line}" in lines[0]
    assert f"'{field}'" in lines[0]
    assert (which[0] + ".jsonl") in lines[0]


def test_missing_file_exits_2_without_traceback(repo_root, tmp_path):
    cand = write(tmp_path / "c.jsonl", [GOOD_CANDIDATE])
    proc = run_cli(repo_root, "--vacancies", tmp_path / "nope.jsonl", "--candidates", cand)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "nope.jsonl" in proc.stderr


def test_output_follows_the_contract(repo_root, tmp_path):
    needs = [GOOD_NEED, {"id": "v0", "title": "Renholder", "unknown": [1, 2]}]
    cands = [
        GOOD_CANDIDATE,
        {"id": "c2", "norwegian": {"oral": "A1"}, "gender": "kvinne", "extra": {"x": 1}},
        {"id": "c3", "skills": ["cleaning techniques"], "norwegian": {}},
    ]
    vac = write(tmp_path / "v.jsonl", needs)
    cand = write(tmp_path / "c.jsonl", cands)
    out = tmp_path / "out.jsonl"
    proc = run_cli(repo_root, "--vacancies", vac, "--candidates", cand, "--top", "2", "--out", out)
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["vacancy_id"] for r in results] == ["v1", "v0"]  # input order
    for result in results:
        assert len(result["ranking"]) == 2
        flags = [m["eligible"] for m in result["ranking"]]
        assert flags == sorted(flags, reverse=True)  # eligible first
        for m in result["ranking"]:
            assert set(m) >= {"candidate_id", "score", "eligible", "components", "reasons"}
            assert 0 <= m["score"] <= 100
            assert set(m["components"]) == {"skills", "language", "history", "practical"}
            assert all(0 <= x <= 1 for x in m["components"].values())
    assert "–" in out.read_text(encoding="utf-8")  # ensure_ascii=False keeps the dash


def test_stdout_by_default_and_top_defaults_to_50(repo_root, tmp_path):
    vac = write(tmp_path / "v.jsonl", [GOOD_NEED])
    cand = write(tmp_path / "c.jsonl", [{"id": f"c{i:03d}"} for i in range(60)])
    proc = run_cli(repo_root, "--vacancies", vac, "--candidates", cand)
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    assert len(json.loads(line)["ranking"]) == 50
