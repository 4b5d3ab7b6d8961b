"""gunicorn settings for the production profile (`make serve`); every value from the environment.

    GUNICORN_BIND      address to listen on             127.0.0.1:$PORT (PORT default 8000)
    WEB_CONCURRENCY    worker processes                 CPU cores + 1
    GUNICORN_THREADS   threads per worker               4
    GUNICORN_TIMEOUT   seconds before a silent worker is restarted   60
    WARM_MATCHER       1: build the matcher's index before forking workers   1

Why preload and warm: the first suggestion request in a process builds the matcher's index over
every ranked candidate (20-30 s and ~750 MB at 100 000 candidates on 2 cores). With
`preload_app` the master builds the app and, in `when_ready`, the index once, then forks the
workers: each starts with a warm index and shares its arrays with the master copy-on-write,
instead of every worker spending that time and memory on its first unlucky request. The
index stays keyed on `pool_version()` (a database aggregate), so a worker still rebuilds it by
itself when the candidate pool changes; nothing in process memory has to agree between workers
or machines.
"""

from __future__ import annotations

import gc
import logging
import os
import time

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
# Threads overlap database round trips; the matcher's numpy work releases the GIL in parts.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
preload_app = True
# The app logs one access record per request itself, without query strings (see
# employerpool/logging_setup.py); gunicorn's access log would print them, so it stays off.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "employerpool.logging_setup.PersonalDataFilter"}},
    "formatters": {"json": {"()": "employerpool.logging_setup.JsonFormatter"}},
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["personal_data"],
            "stream": "ext://sys.stderr",
        }
    },
    # The app installs its own handler on the root logger (LOG_FORMAT, json in production).
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def when_ready(server) -> None:
    """Build the matcher's index once in the master, before the workers are forked."""
    if os.environ.get("WARM_MATCHER", "1") == "1":
        _warm(server)
    # Everything loaded so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise walk the whole index (hundreds of ms of pause
    # in the middle of a request), and out of copy-on-write faults in the workers.
    gc.freeze()


def _warm(server) -> None:
    from employerpool.extensions import db
    from employerpool.services.suggestions import get_ranker

    app = server.app.wsgi()
    started = time.perf_counter()
    with app.app_context():
        try:
            ranker = get_ranker()
        except Exception as exc:  # a cold index is slower, not fatal
            server.log.warning("matcher warm-up skipped: %s", type(exc).__name__)
        else:
            server.log.info(
                "matcher index warm: %d candidates in %.1f s",
                len(ranker.ids_),
                time.perf_counter() - started,
            )
        finally:
            db.session.remove()
            # No database connection may cross the fork: each worker opens its own.
            db.engine.dispose()


def post_fork(server, worker) -> None:
    """Drop any pooled connection inherited from the master (SQLAlchemy's multiprocess rule)."""
    from employerpool.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)
    logging.getLogger(__name__).debug("worker %s ready", worker.pid)
