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

from employerpool import create_app
from employerpool.extensions import db
from employerpool.models import MatchEvent, Placement, now_utc
from employerpool.models.enums import ConsentScope, MatchOutcome, MatchStatus, Role
from employerpool.services import matches
from tests.conftest import (
    CSRF_RE,
    PASSWORD,
    IsolatedClient,
    _empty_all_tables,
    login,
    post_form,
)
from tests.integration.test_vacancies_form import need_data


@pytest.fixture
def app(_schema):
    """The app with a pool big enough for every racing thread (a request may hold two
    connections: its session's and the rate limiter's own short transaction)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _schema,
            "SERVER_NAME": "localhost",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 70},
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


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


# --- login failures are counted in the database -------------------------------------------

LOCKED = "Kontoen er midlertidig låst"
WRONG = "Feil e-postadresse eller passord."


def test_thirty_parallel_wrong_passwords_lock_the_account_and_the_address(app, make_user):
    user = make_user(Role.counsellor)
    email = user.email

    def prepare(i):
        client = app.test_client()
        return client, form_token(client, "/login")

    def act(i, prepared):
        client, token = prepared
        response = client.post(
            "/login", data={"email": email, "password": f"wrong {i}", "csrf_token": token}
        )
        return response.status_code, response.get_data(as_text=True)

    results = race(30, prepare, act)
    assert all(code in (400, 429) for code, _ in results), [code for code, _ in results]
    db.session.refresh(user)
    assert user.locked_until is not None and user.locked_until > now_utc()
    # The right password is refused while the account is locked, and the address is blocked.
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": form_token(client, "/login")},
    )
    assert response.status_code == 429
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 1000
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": form_token(client, "/login")},
    )
    assert LOCKED in response.get_data(as_text=True)


def test_parallel_failures_are_all_counted(app, make_user):
    """Four wrong passwords at once leave four failures: the fifth locks the account."""
    user = make_user(Role.counsellor)
    email = user.email

    def prepare(i):
        client = app.test_client()
        return client, form_token(client, "/login")

    def act(i, prepared):
        client, token = prepared
        body = client.post(
            "/login", data={"email": email, "password": "wrong", "csrf_token": token}
        ).get_data(as_text=True)
        return WRONG in body

    assert all(race(4, prepare, act))
    db.session.refresh(user)
    assert user.failed_logins == 4 and user.locked_until is None
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": email, "password": "wrong", "csrf_token": form_token(client, "/login")},
    )
    assert LOCKED in response.get_data(as_text=True)


# --- a one-time set-password link is used once ------------------------------------------


def test_a_set_password_link_sets_one_password_when_posted_in_parallel(app, make_user):
    from employerpool.services.auth import issue_set_password_token

    user = make_user(Role.counsellor, password="unused old password")
    token = issue_set_password_token(user)
    db.session.commit()
    url, email = f"/set-password/{token}", user.email

    def prepare(i):
        client = app.test_client()
        return client, form_token(client, url)

    def act(i, prepared):
        client, csrf = prepared
        password = f"nytt passord nummer {i}"
        data = {"password": password, "confirm": password, "csrf_token": csrf}
        return client.post(url, data=data).status_code

    codes = race(5, prepare, act)
    assert sorted(codes) == [302, 404, 404, 404, 404], codes
    winner = codes.index(302)
    for i in range(5):
        response = login(app.test_client(), email, f"nytt passord nummer {i}")
        assert (response.status_code == 302) is (i == winner)


# --- get-or-create survives simultaneous creators ----------------------------------------

UNICODE_LABELS = ["Straße-fag", "İnşaat", "ﬁlering", "Økonomi"]


def _skill_rows(label: str) -> int:
    from employerpool.models import Skill

    return db.session.scalar(
        select(func.count(Skill.id)).where(
            Skill.label.in_([label, label.upper(), label.lower(), label.casefold()])
        )
    )


@pytest.mark.parametrize("label", UNICODE_LABELS)
def test_a_label_typed_twice_reuses_one_skill(app, label):
    from employerpool.services import candidates, vacancies

    first = vacancies.skills_for([label])
    db.session.commit()
    again = [
        vacancies.skills_for([label]),
        candidates.skills_for([label]),
        vacancies.skills_for([label.upper()]),
        candidates.skills_for([label.casefold()]),
    ]
    db.session.commit()
    assert all([s.id for s in found] == [first[0].id] for found in again)
    assert _skill_rows(label) == 1


@pytest.mark.parametrize("label", UNICODE_LABELS)
def test_a_label_typed_twice_through_the_need_form_is_no_error(client, make_user, label):
    user = make_user(Role.employer)
    login(client, user.email)
    data = need_data(required_skills=label)
    for _ in range(2):
        response = post_form(client, "/vacancies/new", data)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    assert _skill_rows(label) == 1


def test_simultaneous_creators_of_one_skill_make_one_row(app):
    from employerpool.services import candidates, vacancies

    label = "Helt ny ferdighet ÆØÅ"

    def act(i, _):
        with app.app_context():
            service = vacancies if i % 2 else candidates
            (skill,) = service.skills_for([label if i % 3 else label.upper()])
            db.session.commit()
            return skill.id

    ids = race(8, lambda i: None, act)
    assert len(set(ids)) == 1
    assert _skill_rows(label) == 1


def _match_rows(vacancy_id: int, candidate_id: int) -> int:
    from employerpool.models import Match

    return db.session.scalar(
        select(func.count(Match.id)).where(
            Match.vacancy_id == vacancy_id, Match.candidate_id == candidate_id
        )
    )


def test_simultaneous_creators_of_one_match_through_the_api_make_one_row(
    app, make_vacancy, make_candidate, make_user, bearer
):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(consents=(ConsentScope.employers,), partner=counsellor.partner)
    vacancy = make_vacancy()
    body = {"vacancy_id": vacancy.id, "candidate_id": candidate.id, "status": "shortlisted"}
    headers = [bearer(counsellor) for _ in range(6)]

    def act(i, client):
        response = client.post("/api/v1/matches", json=body, headers=headers[i])
        return response.status_code, response.get_json()

    results = race(6, lambda i: app.test_client(), act)
    # No 500: each gets the one match, or 409 when its step lost the race to another's.
    assert all(code in (200, 201, 409) for code, _ in results), results
    assert len({payload["id"] for code, payload in results if code != 409}) == 1
    assert _match_rows(vacancy.id, candidate.id) == 1


def test_simultaneous_shortlisting_on_the_web_makes_one_match(
    app, make_vacancy, make_candidate, make_user
):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(partner=counsellor.partner)
    vacancy = make_vacancy()
    url, email = f"/suggestions/vacancies/{vacancy.id}/shortlist", counsellor.email
    form_url, candidate_id = f"/suggestions/vacancies/{vacancy.id}", candidate.id

    def prepare(i):
        client = logged_in_client(app, email)
        return client, form_token(client, form_url)

    def act(i, prepared):
        client, token = prepared
        data = {"candidate_id": str(candidate_id), "csrf_token": token}
        return client.post(url, data=data).status_code

    codes = race(5, prepare, act)
    assert all(code in (302, 303) for code in codes), codes
    assert _match_rows(vacancy.id, candidate_id) == 1


def test_simultaneous_registrations_of_one_organisation_make_one_employer(app):
    from employerpool.models import Employer
    from tests.integration.test_registration import registration_data

    data = registration_data()

    def prepare(i):
        client = app.test_client()
        return client, form_token(client, "/register")

    def act(i, prepared):
        client, token = prepared
        form = {**data, "contact_email": f"kontakt{i}@bakeri.no", "csrf_token": token}
        response = client.post("/register", data=form)
        return response.status_code, response.get_data(as_text=True)

    results = race(5, prepare, act)
    codes = sorted(code for code, _ in results)
    assert codes == [302, 400, 400, 400, 400], codes
    assert all("allerede registrert" in body for code, body in results if code == 400)
    assert db.session.scalar(select(func.count(Employer.id))) == 1


# --- a double click makes one record ------------------------------------------------------


TOKEN_RE = __import__("re").compile(r'name="submission_token" value="([^"]+)"')


def test_a_double_clicked_need_form_makes_one_need(app, make_user):
    from employerpool.models import Vacancy

    user = make_user(Role.employer)
    email = user.email
    client = logged_in_client(app, email)
    page = client.get("/vacancies/new").get_data(as_text=True)
    csrf, once = CSRF_RE.search(page).group(1), TOKEN_RE.search(page).group(1)
    data = {**need_data(title="Dobbeltklikk"), "csrf_token": csrf, "submission_token": once}

    def act(i, _):
        return client.post("/vacancies/new", data=data).status_code

    codes = race(2, lambda i: None, act)
    assert sorted(codes) == [302, 303], codes
    assert db.session.scalar(select(func.count(Vacancy.id))) == 1
    # Sent again later (the back button), the same form still makes nothing new.
    again = client.post("/vacancies/new", data=data, follow_redirects=True)
    assert "allerede sendt" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Vacancy.id))) == 1
    # A fresh form is a new need.
    page = client.get("/vacancies/new").get_data(as_text=True)
    fresh = {**data, "submission_token": TOKEN_RE.search(page).group(1)}
    assert client.post("/vacancies/new", data=fresh).status_code == 302
    assert db.session.scalar(select(func.count(Vacancy.id))) == 2


@pytest.mark.parametrize("form", ["contact", "candidate"])
def test_a_form_sent_twice_makes_one_record(app, make_user, make_employer, form):
    from employerpool.models import Candidate, EmployerContact

    if form == "contact":
        user = make_user(Role.employer_contact)
        url = f"/contacts/new?employer_id={make_employer().id}"
        fields = {"contact_date": "2026-11-30", "channel": "phone", "result": "conversation"}
        model = EmployerContact
    else:
        user = make_user(Role.counsellor)
        url = "/candidates/new"
        fields = {
            "first_name": "Dobbel",
            "last_name": "Klikk",
            "birth_year": "1990",
            "programme": "KVP",
            "innsatsgruppe": "standard",
            "district": "Alna",
        }
        model = Candidate
    client = logged_in_client(app, user.email)
    page = client.get(url).get_data(as_text=True)
    data = {
        **fields,
        "csrf_token": CSRF_RE.search(page).group(1),
        "submission_token": TOKEN_RE.search(page).group(1),
    }
    first = client.post(url, data=data)
    assert first.status_code in (302, 303), first.get_data(as_text=True)[:3000]
    second = client.post(url, data=data)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count(model.id))) == 1


def test_a_contact_person_form_sent_twice_adds_one_person(app, make_user, make_employer):
    from employerpool.models import ContactPerson

    user = make_user(Role.employer)
    employer_id = user.employer_id
    url = f"/employers/{employer_id}/contact-persons/new"
    client = logged_in_client(app, user.email)
    page = client.get(url).get_data(as_text=True)
    data = {
        "contact_name": "Dobbel Klikk",
        "contact_email": "dobbel@klikk.no",
        "csrf_token": CSRF_RE.search(page).group(1),
        "submission_token": TOKEN_RE.search(page).group(1),
    }
    first = client.post(url, data=data)
    assert first.status_code in (302, 303), first.get_data(as_text=True)[:3000]
    assert client.post(url, data=data).status_code == 303
    count = select(func.count(ContactPerson.id)).where(ContactPerson.name == "Dobbel Klikk")
    assert db.session.scalar(count) == 1


def test_a_follow_up_form_sent_twice_plans_one_follow_up(app, interested_match):
    from employerpool.models import FollowUp

    match, counsellor = interested_match
    matches.change(match, MatchOutcome.started, counsellor)
    db.session.commit()
    url = f"/matches/{match.id}"
    client = logged_in_client(app, counsellor.email)
    page = client.get(url).get_data(as_text=True)
    tokens = CSRF_RE.findall(page)
    data = {
        "due_date": "2027-01-15",
        "csrf_token": tokens[-1],
        "submission_token": TOKEN_RE.search(page).group(1),
    }
    for _ in range(2):
        assert client.post(f"{url}/follow-ups", data=data).status_code == 303
    assert db.session.scalar(select(func.count(FollowUp.id))) == 1
