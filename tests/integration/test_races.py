"""Races the database referees: simultaneous requests released together by a barrier.

Each worker prepares its own client (login, CSRF token) first, then waits at a
`threading.Barrier` so that the racing requests leave at the same moment. The same tests run on
SQLite and on PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import MatchEvent, Placement
from employerpool.models.enums import ConsentScope, MatchOutcome, MatchStatus, Role
from employerpool.services import matches
from tests.conftest import CSRF_RE, login


def race(n: int, prepare, act) -> list:
    """Run `act(i, prepared)` in `n` threads released together; `prepare(i)` runs before the
    barrier in each thread. Returns the results in thread order; re-raises a worker's error."""
    barrier = threading.Barrier(n, timeout=60)
    results: list = [None] * n
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            prepared = prepare(i)
            barrier.wait()
            results[i] = act(i, prepared)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]
    return results


def logged_in_client(app, email: str):
    client = app.test_client()
    response = login(client, email)
    assert response.status_code == 302, "login failed"
    return client


def form_token(client, url: str) -> str:
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def interested_match(make_vacancy, make_candidate, make_user):
    """A proposed match the employer is interested in: the next step is "started"."""
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(consents=(ConsentScope.employers,), partner=counsellor.partner)
    match = matches.create(make_vacancy().id, candidate.id, counsellor)
    matches.change(match, MatchStatus.proposed, counsellor)
    matches.change(match, MatchOutcome.interested, counsellor)
    db.session.commit()
    return match, counsellor


def _placements(match_id: int) -> int:
    return db.session.scalar(select(func.count(Placement.id)).where(Placement.match_id == match_id))


def _started_events(match_id: int) -> int:
    return db.session.scalar(
        select(func.count(MatchEvent.id)).where(
            MatchEvent.match_id == match_id, MatchEvent.to_value == "started"
        )
    )


# --- a match changes state only from the state it was read in ----------------------------


def test_simultaneous_started_steps_through_the_api_make_one_placement(
    app, interested_match, bearer
):
    match, counsellor = interested_match
    headers = [bearer(counsellor) for _ in range(6)]
    url = f"/api/v1/matches/{match.id}/events"

    def act(i, client):
        response = client.post(url, json={"to": "started"}, headers=headers[i])
        return response.status_code

    codes = race(6, lambda i: app.test_client(), act)
    assert Counter(codes) == Counter({201: 1, 409: 5}), codes
    assert _placements(match.id) == 1
    assert _started_events(match.id) == 1


def test_simultaneous_started_steps_on_the_web_make_one_placement(app, interested_match):
    match, counsellor = interested_match
    url, email = f"/matches/{match.id}", counsellor.email

    def prepare(i):
        client = logged_in_client(app, email)
        return client, form_token(client, url)

    def act(i, prepared):
        client, token = prepared
        response = client.post(
            f"{url}/change", data={"to": "started", "csrf_token": token}, follow_redirects=True
        )
        return response.status_code, response.get_data(as_text=True)

    results = race(5, prepare, act)
    assert all(code == 200 for code, _ in results)
    saved = [body for _, body in results if "Endringen er lagret." in body]
    refused = [body for _, body in results if "endret av noen andre" in body]
    assert len(saved) == 1 and len(refused) == 4
    assert _placements(match.id) == 1
    assert _started_events(match.id) == 1


def test_a_change_from_a_stale_state_is_refused(app, interested_match, bearer):
    """Declined and started at the same moment: only one of the two stands."""
    match, counsellor = interested_match
    headers = [bearer(counsellor) for _ in range(2)]
    url = f"/api/v1/matches/{match.id}/events"
    bodies = [
        {"to": "declined", "reason": DECLINE_REASON},
        {"to": "started"},
    ]

    def act(i, client):
        return client.post(url, json=bodies[i], headers=headers[i]).status_code

    codes = race(2, lambda i: app.test_client(), act)
    assert sorted(codes) == [201, 409], codes
    db.session.refresh(match)
    events = db.session.scalars(
        select(MatchEvent.to_value).where(
            MatchEvent.match_id == match.id, MatchEvent.axis == "outcome"
        )
    ).all()
    assert events == ["interested", match.outcome.name]
    assert _placements(match.id) == (1 if match.outcome is MatchOutcome.started else 0)


DECLINE_REASON = next(iter(matches.DECLINE_REASONS))
