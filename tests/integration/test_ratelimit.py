"""Database-backed rate limits: counted per key and window, shared by every process."""

from __future__ import annotations

from employerpool.services import ratelimit


def test_limit_counts_per_key_and_window(app):
    with app.app_context():
        verdicts = [ratelimit.hit("token:1", 3, 60, now=1_000_000.0) for _ in range(4)]
        assert [v.allowed for v in verdicts] == [True, True, True, False]
        assert verdicts[2].remaining == 0
        assert ratelimit.hit("token:2", 3, 60, now=1_000_000.0).allowed
        # The next window starts afresh.
        assert ratelimit.hit("token:1", 3, 60, now=1_000_060.0).allowed


def test_purge_removes_old_windows(app):
    with app.app_context():
        ratelimit.hit("login:x", 5, 60, now=1_000_000.0)
        ratelimit.hit("login:x", 5, 60, now=1_100_000.0)
        assert ratelimit.purge(3600, now=1_100_010.0) == 1
