"""Benchmark: the suggestion page for a need over the seeded pool of 2 200 candidates.

Seeds the default demo data into a temporary SQLite file (or the PostgreSQL database in
BENCH_DATABASE_URL, in a schema of its own), logs in as the demo counsellor through the real
login form and times GET /suggestions/vacancies/<id> through the Flask test client: the first
request (which builds the matcher's index), then warm requests over 20 open needs.

    python bench/bench_suggestions.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import select  # noqa: E402

from bench._common import bench_database, login, percentile  # noqa: E402
from employerpool import create_app  # noqa: E402
from employerpool.extensions import db  # noqa: E402
from employerpool.models import Vacancy  # noqa: E402
from employerpool.models.enums import VacancyStatus  # noqa: E402
from employerpool.services.seed import seed_demo  # noqa: E402

TARGET_MS = 1000.0  # "well under a second"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3, help="warm passes over the 20 needs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = bench_database(tmp)
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "test"})
            with app.app_context():
                db.create_all()
                t0 = time.perf_counter()
                seed_demo(today=date.today(), password_method="pbkdf2:sha256:1000")
                seed_s = time.perf_counter() - t0
                needs = db.session.scalars(
                    select(Vacancy.id)
                    .where(Vacancy.status == VacancyStatus.open)
                    .order_by(Vacancy.id)
                    .limit(20)
                ).all()
                db.session.remove()
            client = app.test_client()
            login(client, "veileder@demo.no")
            t0 = time.perf_counter()
            response = client.get(f"/suggestions/vacancies/{needs[0]}")
            cold_ms = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, response.status_code
            warm = []
            for _ in range(args.rounds):
                for vid in needs:
                    t0 = time.perf_counter()
                    response = client.get(f"/suggestions/vacancies/{vid}")
                    warm.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
            with app.app_context():
                db.engine.dispose()
        finally:
            cleanup()
    median, p95 = statistics.median(warm), percentile(warm, 95)
    backend = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"Suggestion page, 2 200 seeded candidates, {backend} (seeding took {seed_s:.1f} s)")
    print(f"{'measure':<44}{'value':>12}{'target':>12}  result")
    rows = [
        ("first request (builds the matcher index)", cold_ms, None),
        (f"warm median over {len(warm)} requests", median, TARGET_MS),
        ("warm p95", p95, TARGET_MS),
    ]
    for name, value, target in rows:
        verdict = "" if target is None else ("PASS" if value <= target else "FAIL")
        target_text = "" if target is None else f"≤ {target:.0f} ms"
        print(f"{name:<44}{value:>9.1f} ms{target_text:>12}  {verdict}")


if __name__ == "__main__":
    main()
