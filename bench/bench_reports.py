"""Benchmark: report pages, dashboard and exports over the default demo data set.

Seeds the default demo data (2 200 candidates, 300 employers, 3 000 employer contacts) into a
temporary SQLite file (or the PostgreSQL database in BENCH_DATABASE_URL, in a schema of its
own), adds 6 000 seeded match suggestions with their pipeline events (about a fifth proposed)
so that the outcome and fairness reports have suggestions and proposals to count, logs in as
koordinator@demo.no through the real login form and times each page through the Flask test
client, printing the median and p95 per page.

    python bench/bench_reports.py [--requests N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert, select  # noqa: E402

from bench._common import bench_database, login, percentile  # noqa: E402
from employerpool import create_app  # noqa: E402
from employerpool.extensions import db  # noqa: E402
from employerpool.models import Candidate, Employer, Match, MatchEvent, Vacancy  # noqa: E402
from employerpool.models.enums import MatchStatus  # noqa: E402
from employerpool.services.seed import seed_demo  # noqa: E402

TARGET_MS = 1000.0  # "well under a second"
MATCHES = 6000
RANGE = "{range}"  # 18 months up to today, filled in at run time
PAGES = [
    ("contact report, this month", "/reports/contacts"),
    ("contact report, this year", "/reports/contacts?period=this_year"),
    ("contact report, 18 months, last page", f"/reports/contacts?{RANGE}&page=60"),
    ("contact report, filtered", "/reports/contacts?period=this_year&district=Alna"),
    ("contact CSV, 18 months (all rows)", f"/reports/contacts/export/csv?{RANGE}"),
    ("contact XLSX, 18 months (all rows)", f"/reports/contacts/export/xlsx?{RANGE}"),
    ("double contacts XLSX, 18 months", f"/reports/contacts/export/xlsx?{RANGE}&table=double"),
    ("outcome report, this year", "/reports/outcomes?period=this_year"),
    ("outcome report by partner, 18 months", f"/reports/outcomes?group=partner&{RANGE}"),
    ("outcome XLSX per month, 18 months", f"/reports/outcomes/export/xlsx?table=months&{RANGE}"),
    ("dashboard, this year", "/reports/dashboard"),
    ("dashboard, 18 months", f"/reports/dashboard?{RANGE}"),
    ("fairness report, this year", "/reports/fairness"),
    ("fairness CSV, 18 months", f"/reports/fairness/export/csv?{RANGE}"),
    ("contact log form with warning", "/contacts/new?employer_id={employer}"),
]


def add_matches(today: date, n: int = MATCHES, seed: int = 6) -> None:
    """Seeded suggestions over the last year, a fifth of them proposed, with their events."""
    rng = random.Random(seed)
    vacancies = db.session.scalars(select(Vacancy.id).order_by(Vacancy.id)).all()
    candidates = db.session.scalars(select(Candidate.id).order_by(Candidate.id)).all()
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n:
        pairs.add((rng.choice(vacancies), rng.choice(candidates)))
    match_rows, created = [], []
    for i, (vid, cid) in enumerate(sorted(pairs), 1):
        at = datetime.combine(today - timedelta(days=rng.randint(0, 365)), datetime.min.time())
        proposed = rng.random() < 0.2
        status = MatchStatus.proposed if proposed else MatchStatus.suggested
        match_rows.append(
            {
                "id": i,
                "vacancy_id": vid,
                "candidate_id": cid,
                "score": rng.uniform(20, 95),
                "status": status,
                "created_at": at,
                "updated_at": at,
            }
        )
        created.append((i, at, proposed))
    db.session.execute(insert(Match), match_rows)
    events = []
    for mid, at, proposed in created:
        events.append({"match_id": mid, "axis": "status", "to_value": "suggested", "at": at})
        if proposed:
            events.append(
                {
                    "match_id": mid,
                    "axis": "status",
                    "from_value": "suggested",
                    "to_value": "proposed",
                    "at": at + timedelta(days=rng.randint(1, 20)),
                }
            )
    db.session.execute(insert(MatchEvent), events)
    db.session.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=20, help="timed requests per page")
    args = ap.parse_args()
    today = date.today()
    long_range = (
        f"period=custom&date_from={(today - timedelta(days=560)).isoformat()}"
        f"&date_to={today.isoformat()}"
    )
    results: list[tuple[str, float, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = bench_database(tmp)
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "test"})
            with app.app_context():
                db.create_all()
                t0 = time.perf_counter()
                seed_demo(today=today, password_method="pbkdf2:sha256:1000")
                add_matches(today)
                seed_s = time.perf_counter() - t0
                employer_id = db.session.scalar(select(Employer.id).order_by(Employer.id))
                db.session.remove()
            pages = [
                (name, path.format(range=long_range, employer=employer_id)) for name, path in PAGES
            ]
            client = app.test_client()
            login(client, "koordinator@demo.no")
            for name, path in pages:
                response = client.get(path)  # warm-up, not timed
                assert response.status_code == 200, (path, response.status_code)
                times = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                results.append(
                    (name, statistics.median(times), percentile(times, 95), len(response.data))
                )
            with app.app_context():
                db.engine.dispose()
        finally:
            cleanup()
    backend = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(
        f"Reports over the demo data (2 200 candidates, 300 employers, 3 000 contacts, "
        f"{MATCHES} matches), {backend}; seeding took {seed_s:.1f} s; "
        f"{args.requests} requests per page"
    )
    print(f"{'page':<40}{'median':>11}{'p95':>11}{'size':>10}{'target':>11}  result")
    for name, median, p95, size in results:
        verdict = "PASS" if p95 <= TARGET_MS else "FAIL"
        print(
            f"{name:<40}{median:>8.1f} ms{p95:>8.1f} ms{size / 1024:>7.0f} kB"
            f"{'≤ ' + str(int(TARGET_MS)) + ' ms':>11}  {verdict}"
        )


if __name__ == "__main__":
    main()
