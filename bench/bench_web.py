"""Benchmark: pages and the JSON API under load, through gunicorn, on national-size PostgreSQL.

1. Creates the database (BENCH_WEB_DATABASE_URL, default
   postgresql://postgres@127.0.0.1:5432/bench_web), migrates it, and seeds it once with
   100 000 candidates and 10 000 employers (20 000 needs, 300 000 placements, 200 000
   contacts; printed with the seeding time); a seeded database is reused.
2. Starts gunicorn with gunicorn.conf.py (the production profile: EMPLOYERPOOL_ENV=production,
   JSON logs to a file) on a free loopback port. `preload_app` and `when_ready` build the
   matcher's index once in the master before the workers are forked, so every worker starts
   warm (see gunicorn.conf.py); a short untimed wrk run per scenario then compiles templates
   and fills each worker's per-need caches, as a server that has been up for a while has them.
3. Logs in through the real login form (CSRF token, session cookie) and drives each page with
   wrk over loopback for a fixed time with 10 connections (3 for the contact report: a few
   coordinators at once), counting status classes and socket errors in a Lua `done` hook;
   the year's CSV export is timed as single requests instead. The app keeps a need's ranking
   and a report's totals per process until the data changes, so repeated views are cheap;
   "300 needs in turn" and "120 filters in turn" ask for a different need or report each time
   (every request ranks the pool afresh and stores a need's ten best suggestions on its first
   view; every report is computed afresh): the worst cases behind "one need" and "last month".
4. Prints a table with median and p95 latency, throughput, errors and the targets, and stops
   gunicorn.

    python bench/bench_web.py [--duration S] [--connections N] [--only NAME ...]

Needs `wrk` (Debian: apt-get install -y wrk) and PostgreSQL reachable as above.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bench._common import percentile  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_web"
CANDIDATES, EMPLOYERS = 100_000, 10_000
USER_AGENT = "bench-web/1"  # the session is bound to it (Flask-Login's strong protection)
SUGGESTION_P95_MS, PAGE_P95_MS, EXPORT_S = 500.0, 300.0, 5.0
API_TOKENS = 10  # one per connection's worth of load: each stays under the per-token limit

LUA = r"""
local paths = {PATHS}
local headers = {HEADERS}
local counter, threads = 0, {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  redirects, client_errors, server_errors = 0, 0, 0
  for k, v in pairs(headers) do wrk.headers[k] = v end
end
function request()
  counter = counter + 1
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  if TOKENS then h["Authorization"] = "Bearer " .. TOKENS[(counter % #TOKENS) + 1] end
  return wrk.format("GET", paths[(counter % #paths) + 1], h)
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1
  elseif status >= 400 then client_errors = client_errors + 1
  elseif status >= 300 then redirects = redirects + 1 end
end
function done(summary, latency, requests)
  local r, c, s = 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("redirects"); c = c + t:get("client_errors"); s = s + t:get("server_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "socket_errors": %d, "status_errors": %d, "redirects": %d, '
    .. '"client_errors": %d, "server_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status,
    r, c, s))
end
"""


@dataclass
class Scenario:
    name: str
    login: str | None  # e-mail, None: anonymous, "api": bearer tokens
    paths: list[str]
    target_ms: float
    connections: int


@dataclass
class Result:
    name: str
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int
    redirects: int
    target: str
    passed: bool | None
    note: str = ""


# --- database --------------------------------------------------------------------------------


def prepare_database(url: str) -> dict:
    """Create, migrate and (once) seed the national-size database; return ids the bench needs."""
    from employerpool.config import normalise_database_url

    url = normalise_database_url(url)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = create_engine(url.replace(parts.path, "/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            print(f"created database {name}")
    admin.dispose()

    from flask_migrate import upgrade

    from employerpool import create_app
    from employerpool.extensions import db
    from employerpool.models import Candidate, Employer, Partner, User, Vacancy
    from employerpool.models.enums import VacancyStatus
    from employerpool.services.seed import seed_demo
    from employerpool.services.tokens import create_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "development"})
    info: dict = {}
    with app.app_context():
        upgrade()
        if not db.session.scalar(select(func.count()).select_from(Partner)):
            print(f"seeding {CANDIDATES} candidates and {EMPLOYERS} employers (once) ...")
            t0 = time.perf_counter()
            result = seed_demo(candidates=CANDIDATES, employers=EMPLOYERS)
            info["seed_s"] = time.perf_counter() - t0
            print(f"seeded in {info['seed_s']:.1f} s: {result.counts}")
            db.session.remove()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))  # visibility map for index-only scans
        counts = {
            "candidates": db.session.scalar(select(func.count()).select_from(Candidate)),
            "employers": db.session.scalar(select(func.count()).select_from(Employer)),
        }
        if counts["candidates"] < CANDIDATES:
            sys.exit(f"{url} holds {counts} but no national data set; use an empty database")
        info["counts"] = counts
        open_needs = db.session.scalars(
            select(Vacancy.id)
            .where(Vacancy.status == VacancyStatus.open)
            .order_by(Vacancy.id)
            .limit(400)
        ).all()
        info["need"] = open_needs[100]
        info["needs"] = open_needs[100:400]
        info["partners"] = db.session.scalars(select(Partner.id).order_by(Partner.id)).all()
        counsellor = db.session.scalars(select(User).where(User.email == "veileder@demo.no")).one()
        info["api"] = any(
            "/api/v1/vacancies/" in rule.rule and rule.rule.endswith("/suggestions")
            for rule in app.url_map.iter_rules()
        )
        if info["api"]:
            info["tokens"] = [
                create_token(counsellor, f"bench-web {i}", expires_days=1)[1]
                for i in range(API_TOKENS)
            ]
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return info


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, log_path: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMPLOYERPOOL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WARM_MATCHER": "1",
        # The benchmark signs in with passwords only: two-step sign-in is not what it measures.
        "REQUIRE_2FA": "0",
    }
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, method: str, path: str, headers: dict | None = None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 900) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(port, "GET", "/readyz")[0] == 200:
                return time.perf_counter() - started
        time.sleep(1)
    raise RuntimeError("gunicorn did not become ready")


def session_cookie(headers) -> str | None:
    """The `name=value` of the session cookie (`__Host-session` in production)."""
    for key, value in headers:
        name = value.split("=", 1)[0]
        if key.lower() == "set-cookie" and name in ("session", "__Host-session"):
            return value.split(";", 1)[0]
    return None


def login(port: int, email: str) -> str:
    """Log in through the form; return the `session=...` cookie (set by hand: production
    cookies are Secure, and this is plain HTTP on loopback)."""
    status, headers, body = request(port, "GET", "/login")
    cookie = session_cookie(headers)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    form = urlencode({"email": email, "password": "demo", "csrf_token": token, "next": ""})
    status, headers, _ = request(
        port,
        "POST",
        "/login",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        form.encode(),
    )
    if status != 302:
        raise RuntimeError(f"login as {email} failed ({status})")
    return session_cookie(headers)


# --- load ------------------------------------------------------------------------------------


def lua_table(values) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def run_wrk(port: int, scenario: Scenario, headers: dict, tokens, duration: int) -> dict:
    script = LUA.replace("{PATHS}", lua_table(scenario.paths)).replace(
        "{HEADERS}",
        "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()) + "}",
    )
    script = f"TOKENS = {lua_table(tokens) if tokens else 'nil'}\n" + script
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                shutil.which("wrk") or "wrk",
                "-t2",
                f"-c{scenario.connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                f.name,
                f"http://127.0.0.1:{port}{scenario.paths[0]}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def check_page(port: int, path: str, headers: dict) -> None:
    """The scenario must measure the page itself, not a redirect to the login page."""
    status, _, body = request(port, "GET", path, headers)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status} before the load test: {body[:200]!r}")


def time_export(port: int, path: str, headers: dict, repeats: int) -> Result:
    times, errors, size = [], 0, 0
    request(port, "GET", path, headers)  # untimed: warm the worker
    for _ in range(repeats):
        t0 = time.perf_counter()
        status, _, body = request(port, "GET", path, headers)
        times.append(time.perf_counter() - t0)
        errors += status >= 400
        size = len(body)
    p95 = percentile(times, 95)
    return Result(
        name="contact CSV export, last 365 days",
        connections=1,
        requests=repeats,
        rps=repeats / sum(times),
        p50_ms=statistics.median(times) * 1000,
        p95_ms=p95 * 1000,
        errors=errors,
        redirects=0,
        target=f"≤ {EXPORT_S:.0f} s",
        passed=max(times) <= EXPORT_S and errors == 0,
        note=f"{size / 1e6:.1f} MB, {repeats} single requests, max {max(times):.2f} s",
    )


def month_reports(today: date, partners: list[int]) -> list[str]:
    """The contact report for each of the last 12 months and each partner: 120 filters."""
    paths, first = [], today.replace(day=1)
    for _ in range(12):
        first = (first - timedelta(days=1)).replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        paths += [
            f"/reports/contacts?period=custom&date_from={first}&date_to={last}&partner={p}"
            for p in partners
        ]
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--duration", type=int, default=15, help="seconds of load per scenario")
    ap.add_argument("--warmup", type=int, default=4, help="untimed seconds per scenario")
    ap.add_argument("--connections", type=int, default=10, help="concurrent connections")
    ap.add_argument(
        "--report-connections",
        type=int,
        default=3,
        help="concurrent connections for the contact report (a few coordinators at once)",
    )
    ap.add_argument("--exports", type=int, default=5, help="timed CSV exports")
    ap.add_argument("--only", action="append", help="run only scenarios whose name has this")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    url = os.environ.get("BENCH_WEB_DATABASE_URL", DEFAULT_URL)
    info = prepare_database(url)
    today = date.today()
    year = f"period=custom&date_from={today - timedelta(days=364)}&date_to={today}"
    c = args.connections
    need = f"/suggestions/vacancies/{info['need']}"
    scenarios = [
        Scenario("login page", None, ["/login"], PAGE_P95_MS, c),
        Scenario(
            "employer register search",
            "markedskontakt@demo.no",
            ["/employers/?q=Hansen"],
            PAGE_P95_MS,
            c,
        ),
        Scenario("suggestion page, one need", "veileder@demo.no", [need], SUGGESTION_P95_MS, c),
        Scenario(
            "suggestion page, 300 needs in turn",
            "veileder@demo.no",
            [f"/suggestions/vacancies/{n}" for n in info["needs"]],
            SUGGESTION_P95_MS,
            c,
        ),
        Scenario("candidate list", "veileder@demo.no", ["/candidates/"], PAGE_P95_MS, c),
        Scenario(
            "contact report, last month",
            "koordinator@demo.no",
            ["/reports/contacts?period=last_month"],
            PAGE_P95_MS,
            args.report_connections,
        ),
        Scenario(
            "contact report, 120 filters in turn",
            "koordinator@demo.no",
            month_reports(today, info["partners"]),
            PAGE_P95_MS,
            args.report_connections,
        ),
        Scenario(
            "API suggestions for a need",
            "api",
            [f"/api/v1/vacancies/{info['need']}/suggestions"],
            SUGGESTION_P95_MS,
            c,
        ),
    ]
    if args.only:
        scenarios = [s for s in scenarios if any(o in s.name for o in args.only)]
    tmp = tempfile.mkdtemp(prefix="bench-web-")
    log_path = os.path.join(tmp, "gunicorn.log")
    port = free_port()
    process = start_gunicorn(url, port, log_path)
    results: list[Result] = []
    try:
        ready_s = wait_ready(port, process)
        print(f"gunicorn ready on port {port} after {ready_s:.1f} s (log: {log_path})")
        cookies: dict[str, str] = {}
        for scenario in scenarios:
            headers = {"User-Agent": USER_AGENT}
            tokens = None
            if scenario.login == "api":
                if not info["api"]:
                    missing = "GET /api/v1/vacancies/{id}/suggestions does not exist yet"
                    results.append(
                        Result(scenario.name, c, 0, 0, 0, 0, 0, 0, "", None, "SKIPPED: " + missing)
                    )
                    continue
                tokens = info["tokens"]
                bearer = {**headers, "Authorization": f"Bearer {tokens[0]}"}
                check_page(port, scenario.paths[0], bearer)
            elif scenario.login:
                if scenario.login not in cookies:
                    cookies[scenario.login] = login(port, scenario.login)
                headers["Cookie"] = cookies[scenario.login]
            if scenario.login != "api":
                check_page(port, scenario.paths[0], headers)
            if args.warmup:
                run_wrk(port, scenario, headers, tokens, args.warmup)
            r = run_wrk(port, scenario, headers, tokens, args.duration)
            errors = r["socket_errors"] + r["status_errors"]
            p95 = r["p95_us"] / 1000
            results.append(
                Result(
                    name=scenario.name,
                    connections=scenario.connections,
                    requests=r["requests"],
                    rps=r["requests"] / (r["duration_us"] / 1e6),
                    p50_ms=r["p50_us"] / 1000,
                    p95_ms=p95,
                    errors=errors,
                    redirects=r["redirects"],
                    target=f"p95 ≤ {scenario.target_ms:.0f} ms",
                    passed=p95 <= scenario.target_ms and errors == 0 and r["redirects"] == 0,
                    note=f"p99 {r['p99_us'] / 1000:.0f} ms, max {r['max_us'] / 1000:.0f} ms",
                )
            )
            print(f"  {scenario.name}: done")
        if not args.only or any("export" in o for o in args.only):
            cookie = cookies.get("koordinator@demo.no") or login(port, "koordinator@demo.no")
            results.append(
                time_export(
                    port,
                    f"/reports/contacts/export/csv?{year}",
                    {"User-Agent": USER_AGENT, "Cookie": cookie},
                    args.exports,
                )
            )
    finally:
        stop_gunicorn(process)
    with open(log_path, encoding="utf-8", errors="replace") as f:
        warm = re.search(r"matcher index warm: (\d+) candidates in ([\d.]+) s", f.read())
    workers = os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1))
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"Load average at the end (1/5/15 min, {os.cpu_count()} cores, shared): {load}")
    print(
        f"Pages under load: gunicorn ({workers} workers × gthread), PostgreSQL, "
        f"{info['counts']['candidates']} candidates, {info['counts']['employers']} employers; "
        f"wrk {args.duration} s per scenario after {args.warmup} s untimed"
    )
    if "seed_s" in info:
        print(f"Seeding the national data set took {info['seed_s']:.1f} s")
    if warm:
        print(f"Matcher index built once in the gunicorn master: {warm[1]} candidates, {warm[2]} s")
    head = f"{'scenario':<38}{'conn':>5}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    print(head + f"{'errors':>7}{'3xx':>5}  {'target':<16}result  notes")
    for r in results:
        verdict = "SKIP" if r.passed is None else ("PASS" if r.passed else "FAIL")
        print(
            f"{r.name:<38}{r.connections:>5}{r.requests:>9}{r.rps:>8.1f}{r.p50_ms:>9.0f}"
            f"{r.p95_ms:>9.0f}{r.errors:>7}{r.redirects:>5}  {r.target:<16}{verdict:<6}  {r.note}"
        )


if __name__ == "__main__":
    main()
