"""Fixed-window rate limits counted in the database, so that every app process and machine
agrees on them (a per-process counter would let a client multiply its limit by the workers)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from employerpool.extensions import db
from employerpool.models import RateLimitBucket


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends


def hit(key: str, limit: int, window_seconds: int, *, now: float | None = None) -> Verdict:
    """Count one request for `key` and say whether it is within `limit` per window.

    Runs in its own short transaction (a nested savepoint would be rolled back with a failed
    request); the counter survives whatever the request does afterwards.
    """
    now = time.time() if now is None else now
    window = int(now // window_seconds) * window_seconds
    retry_after = max(1, window + window_seconds - int(now))
    with db.engine.begin() as conn:
        bumped = conn.execute(
            update(RateLimitBucket)
            .where(RateLimitBucket.key == key, RateLimitBucket.window_start == window)
            .values(count=RateLimitBucket.count + 1)
            .returning(RateLimitBucket.count)
        ).scalar_one_or_none()
    if bumped is None:
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    RateLimitBucket.__table__.insert().values(key=key, window_start=window, count=1)
                )
            bumped = 1
        except IntegrityError:  # another process created the window's row first
            return hit(key, limit, window_seconds, now=now)
    return Verdict(bumped <= limit, limit, max(0, limit - bumped), retry_after)


def purge(older_than_seconds: int = 3600, *, now: float | None = None) -> int:
    """Delete finished windows; returns the number of rows removed."""
    now = time.time() if now is None else now
    with db.engine.begin() as conn:
        result = conn.execute(
            delete(RateLimitBucket).where(
                RateLimitBucket.window_start < int(now) - older_than_seconds
            )
        )
    return result.rowcount
