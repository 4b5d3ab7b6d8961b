"""Shared pieces of the page benchmarks: a throwaway database, percentiles, logging in."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from urllib.parse import quote

from sqlalchemy import create_engine, text


def bench_database(tmp: str) -> tuple[str, Callable[[], None]]:
    """An SQLite file in `tmp`, or a fresh schema in BENCH_DATABASE_URL; returns (url, cleanup)."""
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        return "sqlite:///" + os.path.join(tmp, "bench.sqlite3"), lambda: None
    from employerpool.config import normalise_database_url

    base = normalise_database_url(base)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return f"{base}?options={quote('-csearch_path=' + schema)}", drop


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def login(client, email: str, password: str = "demo") -> None:
    """Log in through the real login form (CSRF token read from the page)."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, f"login as {email} failed"
