"""EXPLAIN (ANALYZE, BUFFERS) of the queries behind the suggestion page and the contact report.

Runs against the national-size PostgreSQL database that `make bench-web` seeds (100 000
candidates, 10 000 employers, 200 000 contacts; BENCH_WEB_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/bench_web). Each page is requested once through the
Flask test client to warm it, then once more while every SELECT it sends is recorded with its
parameters; each recorded query is then run again under EXPLAIN (ANALYZE, BUFFERS). Prints
one line per query (time, the scans it uses) and, with --plans, the full plans. A sequential
scan on a large table is flagged: every filter and join of these pages should use an index.

    python bench/explain.py [--plans] [--page suggestions|contact-report|...]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import event, select, text  # noqa: E402

from bench._common import login  # noqa: E402
from employerpool import create_app  # noqa: E402
from employerpool.extensions import db  # noqa: E402
from employerpool.models import Employer, Vacancy  # noqa: E402
from employerpool.models.enums import VacancyStatus  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_web"
# Below this many rows a sequential scan can be the right plan (e.g. the 10 000 employers read
# whole into a hash join with a month's contacts); above it, every scan must use an index.
LARGE_TABLE_ROWS = 50_000
SCAN_RE = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan)"
    r"(?: Backward)?(?: using (\S+))? on (\S+)"
)


@dataclass
class Page:
    email: str
    path: str
    # Capture the first request: the report keeps its totals per process afterwards, so only
    # the first one runs the aggregate queries. Pages that build caches are warmed first.
    cold: bool = False
    # Tables this page rightly reads whole, and why.
    full_read: dict[str, str] = field(default_factory=dict)


def pages(need: int, employer: int) -> dict[str, Page]:
    """The pages whose queries are explained, by name."""
    last = date.today().replace(day=1) - timedelta(days=1)
    month = f"date_from={last.replace(day=1)}&date_to={last}"
    return {
        "suggestions": Page("veileder@demo.no", f"/suggestions/vacancies/{need}"),
        "contact-report": Page(
            "koordinator@demo.no", "/reports/contacts?period=last_month", cold=True
        ),
        "contact-report-partner": Page(
            "koordinator@demo.no",
            f"/reports/contacts?period=custom&{month}&partner=1",
            cold=True,
        ),
        "contact-export-year": Page(
            "koordinator@demo.no",
            "/reports/contacts/export/csv?period=this_year",
            full_read={
                "employer_contact": "a year is most of the log: one pass beats 100 000 "
                "index lookups"
            },
        ),
        "candidates": Page("veileder@demo.no", "/candidates/"),
        "employer-search": Page("markedskontakt@demo.no", "/employers/?q=Hansen"),
        "contact-log-form": Page("markedskontakt@demo.no", f"/contacts/new?employer_id={employer}"),
    }


def capture(app, client, path: str) -> list[tuple[str, object]]:
    """The SELECT statements (with parameters) that one request sends."""
    seen: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200, (path, response.status_code)
    return seen


def explain(app, statement: str, parameters) -> list[str]:
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = [row[0] for row in cursor.fetchall()]
            raw.rollback()
        finally:
            raw.close()
    return plan


def summarise(plan: list[str], large: set[str]) -> tuple[float, list[str], list[str]]:
    """(execution ms, scans used, sequential scans on the `large` tables)."""
    ms = next(
        (float(line.split(":")[1].split()[0]) for line in plan if "Execution Time" in line), 0.0
    )
    scans, flagged = [], []
    for line in plan:
        for kind, index, table in SCAN_RE.findall(line):
            scans.append(f"{kind} {index} on {table}".replace("  ", " "))
            if kind == "Seq Scan" and table in large:
                flagged.append(table)
    return ms, scans, flagged


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plans", action="store_true", help="print the full plans")
    ap.add_argument("--page", action="append", help="only these pages (repeatable)")
    args = ap.parse_args()
    url = os.environ.get("BENCH_WEB_DATABASE_URL", DEFAULT_URL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "development"})
    with app.app_context():
        candidates = db.session.execute(text("SELECT count(*) FROM candidate")).scalar()
        if candidates < 50_000:
            sys.exit(f"{url} holds {candidates} candidates; run `make bench-web` to seed it")
        need = db.session.scalars(
            select(Vacancy.id)
            .where(Vacancy.status == VacancyStatus.open)
            .order_by(Vacancy.id)
            .offset(100)
        ).first()
        employer = db.session.scalars(select(Employer.id).order_by(Employer.id)).first()
        large = set(
            db.session.scalars(
                text(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= :n"
                ).bindparams(n=LARGE_TABLE_ROWS)
            )
        )
        db.session.remove()
    chosen = pages(need, employer)
    names = args.page or list(chosen)
    clients: dict[str, object] = {}
    total_flagged = 0
    print(f"EXPLAIN (ANALYZE, BUFFERS) on {candidates} candidates;")
    print(
        f"tables of {LARGE_TABLE_ROWS}+ rows, never to be scanned whole: {', '.join(sorted(large))}"
    )
    for name in names:
        page = chosen[name]
        if page.email not in clients:
            clients[page.email] = app.test_client()
            login(clients[page.email], page.email)
        client = clients[page.email]
        if not page.cold:
            client.get(page.path)  # warm: the matcher's index, first-visit writes
        statements = capture(app, client, page.path)
        print(f"\n== {name}: GET {page.path} ({len(statements)} SELECT statements)")
        for statement, parameters in statements:
            plan = explain(app, statement, parameters)
            ms, scans, flagged = summarise(plan, large)
            expected = [t for t in flagged if t in page.full_read]
            flagged = [t for t in flagged if t not in page.full_read]
            total_flagged += len(flagged)
            first = " ".join(statement.split())[:90]
            mark = f"  SEQ SCAN on {', '.join(flagged)}" if flagged else ""
            mark += "".join(f"  (reads {t} whole: {page.full_read[t]})" for t in expected)
            print(f"{ms:9.2f} ms  {first}{mark}")
            print(f"{'':13}{'; '.join(dict.fromkeys(scans)) or 'no table scan'}")
            if args.plans:
                print("\n".join("      " + line for line in plan))
    print(
        f"\n{total_flagged} sequential scans on large tables"
        + (" (see above)" if total_flagged else ": every query uses an index")
    )


if __name__ == "__main__":
    main()
