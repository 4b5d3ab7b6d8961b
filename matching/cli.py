"""Command line: ``python -m matching rank`` (format in ``contracts/matching.md``).

Bad input is reported as one line on standard error naming the file, line number and field,
with exit status 2; never a traceback, never a silently skipped record.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .profiles import ValidationError, parse_candidate, parse_vacancy, read_jsonl

__all__ = ["main"]

EXIT_BAD_INPUT = 2
#: Placement needs ranked together (see :meth:`~matching.ranker.CandidateRanker.rank_many`).
BATCH = 64


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors: exit 2 as well
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _load(path: Path, parse):  # type: ignore[no-untyped-def]
    with path.open(encoding="utf-8") as fh:
        return list(read_jsonl(fh, parse))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    ap = _Parser(prog="python -m matching", description="Rank candidates for placement needs.")
    sub = ap.add_subparsers(dest="command", required=True)
    rank = sub.add_parser("rank", help="rank candidates for each placement need (JSON Lines)")
    rank.add_argument("--vacancies", required=True, type=Path, help="placement needs, JSONL")
    rank.add_argument("--candidates", required=True, type=Path, help="candidates, JSONL")
    rank.add_argument("--top", type=_positive, default=50, help="keep the K best (default 50)")
    rank.add_argument("--out", type=Path, help="write results here instead of stdout")
    args = ap.parse_args(argv)

    loaded = []
    for path, parse in ((args.vacancies, parse_vacancy), (args.candidates, parse_candidate)):
        try:
            loaded.append(_load(path, parse))
        except ValidationError as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except UnicodeDecodeError as exc:
            print(f"error: {path}: not UTF-8 text ({exc.reason})", file=sys.stderr)
            return EXIT_BAD_INPUT
        except OSError as exc:
            print(f"error: {path}: cannot read ({exc.strerror})", file=sys.stderr)
            return EXIT_BAD_INPUT
    vacancies, candidates = loaded

    from .ranker import CandidateRanker

    ranker = CandidateRanker().fit(candidates)
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        # Batches share the work across needs; results are written as each batch is ranked.
        for lo in range(0, len(vacancies), BATCH):
            for ranking in ranker.rank_many(vacancies[lo : lo + BATCH], top=args.top):
                out.write(json.dumps(ranking.to_dict(), ensure_ascii=False) + "\n")
        out.flush()
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        if args.out:
            out.close()
    return 0
