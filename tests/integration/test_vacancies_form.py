"""The placement-need form: type-dependent fields, validation beside the fields, lifecycle and
history, vocabulary, labels."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import Occupation, Skill, Vacancy, VacancyEvent, VacancySkill
from employerpool.models.enums import Cefr, PlacementType, Role, VacancyStatus
from tests.conftest import login, post_form
from tests.integration.test_registration import field_error


@pytest.fixture
def employer_user(make_user):
    return make_user(Role.employer)


@pytest.fixture
def employer_client(client, employer_user):
    login(client, employer_user.email)
    return client


def need_data(**overrides) -> dict:
    data = {
        "type": "sprakpraksis",
        "title": "Språkpraksis på lager",
        "occupation_label": "lagermedarbeider",
        "description": "Plukk og pakk.",
        "places": "2",
        "district": "Grorud",
        "required_skills": "truckførerbevis, plukking",
        "preferred_skills": "",
        "norwegian_oral_min": "A2",
        "norwegian_written_min": "",
        "start_date": "2027-03-01",
        "hours_per_week": "30",
        "end_date": "2027-05-24",
        "duration_weeks": "",
        "deadline": "",
        "driving_licence": "",
        "physical_demands": "",
        "action": "publish",
    }
    data.update(overrides)
    return data


def vacancy_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Vacancy))


def test_employer_posts_a_language_placement_with_floor_and_skills(employer_client, employer_user):
    db.session.add(Occupation(label="lagermedarbeider", styrk08="9321"))
    db.session.add(Skill(label="Truckførerbevis"))
    db.session.commit()
    response = post_form(employer_client, "/vacancies/new", need_data())
    assert response.status_code == 302
    vacancy = db.session.scalars(select(Vacancy)).one()
    assert vacancy.employer_id == employer_user.employer_id
    assert vacancy.status is VacancyStatus.open
    assert vacancy.type is PlacementType.sprakpraksis
    assert vacancy.norwegian_oral_min is Cefr.A2 and vacancy.norwegian_written_min is None
    assert vacancy.styrk08 == "9321"
    assert vacancy.end_date == date(2027, 5, 24) and vacancy.duration_weeks == 12
    # Known skill reused case-insensitively; the unknown one joins the vocabulary.
    assert sorted(s.label for s in vacancy.required_skills) == ["Truckførerbevis", "plukking"]
    assert db.session.scalar(select(func.count()).select_from(Skill)) == 2
    events = [(e.from_status, e.to_status) for e in vacancy.events]
    assert events == [(None, VacancyStatus.draft), (VacancyStatus.draft, VacancyStatus.open)]
    assert all(e.actor_id == employer_user.id for e in vacancy.events)


def test_free_text_occupation_is_kept_without_a_code(employer_client):
    post_form(employer_client, "/vacancies/new", need_data(occupation_label="trolldeigmaker"))
    vacancy = db.session.scalars(select(Vacancy)).one()
    assert vacancy.occupation_label == "trolldeigmaker" and vacancy.styrk08 is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2027-02-01"}, "end_date", "Sluttdatoen må være etter oppstart"),
        ({"end_date": "2027-03-01"}, "end_date", "Sluttdatoen må være etter oppstart"),
        ({"norwegian_oral_min": "D7"}, "norwegian_oral_min", "Ukjent språknivå"),
        ({"norwegian_written_min": "A0"}, "norwegian_written_min", "Ukjent språknivå"),
        ({"places": "0"}, "places", "minst 1"),
        ({"places": "-3"}, "places", "minst 1"),
        ({"places": "101"}, "places", "høyst 100"),
        ({"places": "to"}, "places", "helt tall"),
        ({"places": ""}, "places", "hvor mange plasser"),
        ({"title": "x" * 10_000}, "title", "høyst 200 tegn"),
        ({"title": ""}, "title", "kort tittel"),
        ({"description": "x" * 10_000}, "description", "høyst 5000 tegn"),
        ({"type": "ferie"}, "type", ""),
        ({"start_date": "31.02.2027"}, "start_date", "dd.mm.åååå"),
        ({"start_date": "1800-01-01"}, "start_date", "utenfor"),
        ({"hours_per_week": "80"}, "hours_per_week", "mellom 1 og 60"),
        ({"required_skills": "x" * 150}, "required_skills", "høyst 100 tegn"),
        ({"required_skills": ",".join(f"s{i}" for i in range(25))}, "required_skills", "høyst"),
        ({"preferred_skills": "Plukking"}, "preferred_skills", "også som påkrevd"),
        ({"end_date": "2027-05-01", "start_date": ""}, "start_date", "Fyll ut oppstart"),
        (
            {"type": "ordinar", "deadline": "2027-04-01", "end_date": ""},
            "deadline",
            "før eller samme dag som oppstart",
        ),
        ({"type": "laerling", "occupation_label": ""}, "occupation_label", "lærling"),
        ({"type": "ordinar", "hours_per_week": ""}, "hours_per_week", "ordinær jobb"),
    ],
)
def test_bad_input_gives_a_message_beside_the_field_and_saves_nothing(
    employer_client, overrides, field, message
):
    before_skills = db.session.scalar(select(func.count()).select_from(Skill))
    response = post_form(employer_client, "/vacancies/new", need_data(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = field_error(html, field)
    assert message in error
    assert 'class="error-summary"' in html
    assert vacancy_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Skill)) == before_skills


def test_fields_that_do_not_apply_to_the_type_are_cleared_not_required(employer_client):
    # An ordinary job: no duration; språkpraksis: no licence or physical demands.
    data = need_data(
        type="ordinar",
        end_date="garbage",
        duration_weeks="-1",
        driving_licence="B",
        physical_demands="Tunge løft",
        deadline="2027-02-15",
    )
    assert post_form(employer_client, "/vacancies/new", data).status_code == 302
    job = db.session.scalars(select(Vacancy)).one()
    assert job.end_date is None and job.duration_weeks is None
    assert job.driving_licence == "B" and job.deadline == date(2027, 2, 15)
    data = need_data(driving_licence="B", physical_demands="Tunge løft", deadline="2027-02-15")
    assert post_form(employer_client, "/vacancies/new", data).status_code == 302
    practice = db.session.scalars(select(Vacancy).order_by(Vacancy.id.desc())).first()
    assert practice.driving_licence is None and practice.physical_demands is None
    assert practice.deadline is None


def test_the_form_marks_which_types_each_fieldset_applies_to(employer_client):
    html = employer_client.get("/vacancies/new").get_data(as_text=True)
    assert 'data-applies-to="arbeidspraksis sprakpraksis lonnstilskudd laerling mentor"' in html
    assert "Gjelder for: Lønnstilskudd, Ordinær jobb, Lærling." in html
    assert 'src="/static/js/vacancy-form.js"' in html


class LabelChecker(HTMLParser):
    """Collects form controls and the ids that labels point at."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            self.controls.append({**attrs, "_wrapped": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def unlabelled(html: str) -> list[str]:
    main = html[html.index("<main") : html.index("</main>")]
    checker = LabelChecker()
    checker.feed(main)
    return [
        c.get("name") or c.get("id")
        for c in checker.controls
        if not (c.get("id") in checker.label_for or c["_wrapped"] or c.get("aria-label"))
    ]


@pytest.mark.parametrize("url", ["/vacancies/new", "/competence-needs/new", "/start"])
def test_every_field_has_a_label(employer_client, url):
    html = employer_client.get(url).get_data(as_text=True)
    assert "<input" in html or "<select" in html or url == "/start"
    assert unlabelled(html) == []


def test_staff_forms_and_registration_have_labels(client, make_user, make_employer):
    assert unlabelled(client.get("/register").get_data(as_text=True)) == []
    login(client, make_user(Role.employer_contact).email)
    employer = make_employer()
    for url in (
        "/vacancies/new",
        "/employers/new",
        f"/employers/{employer.id}",
        f"/employers/{employer.id}/edit",
        f"/employers/{employer.id}/contact-persons/new",
        "/competence-needs/new",
        "/employers/",
    ):
        assert unlabelled(client.get(url).get_data(as_text=True)) == [], url


def test_edit_records_which_fields_changed(employer_client, employer_user):
    post_form(employer_client, "/vacancies/new", need_data(action="draft"))
    vacancy = db.session.scalars(select(Vacancy)).one()
    assert vacancy.status is VacancyStatus.draft
    url = f"/vacancies/{vacancy.id}/edit"
    data = need_data(title="Ny tittel", places="3", required_skills="plukking", action="save")
    response = post_form(employer_client, url, data)
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.title == "Ny tittel" and vacancy.places == 3
    assert [s.label for s in vacancy.required_skills] == ["plukking"]
    note = vacancy.events[-1].note
    assert note.startswith("Endret:")
    for name in ("tittel", "antall plasser", "påkrevde ferdigheter"):
        assert name in note
    assert "beskrivelse" not in note
    # Saving unchanged data writes no event.
    n = len(vacancy.events)
    post_form(employer_client, url, data)
    db.session.refresh(vacancy)
    assert len(vacancy.events) == n
    detail = employer_client.get(f"/vacancies/{vacancy.id}").get_data(as_text=True)
    assert "Endret: tittel" in detail


def test_edit_with_bad_input_changes_nothing(employer_client):
    post_form(employer_client, "/vacancies/new", need_data())
    vacancy = db.session.scalars(select(Vacancy)).one()
    url = f"/vacancies/{vacancy.id}/edit"
    response = post_form(employer_client, url, need_data(title="x" * 10_000, places="0"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "title") and field_error(html, "places")
    db.session.refresh(vacancy)
    assert vacancy.title == "Språkpraksis på lager" and vacancy.places == 2
    assert len(vacancy.events) == 2


def test_publish_fill_close_reopen_with_history(employer_client, employer_user):
    post_form(employer_client, "/vacancies/new", need_data(action="draft"))
    vacancy = db.session.scalars(select(Vacancy)).one()
    url = f"/vacancies/{vacancy.id}/status"
    form_url = f"/vacancies/{vacancy.id}"
    steps = [
        ("publish", VacancyStatus.open),
        ("fill", VacancyStatus.filled),
        ("reopen", VacancyStatus.open),
        ("close", VacancyStatus.closed),
        ("reopen", VacancyStatus.open),
    ]
    for action, to in steps:
        response = post_form(
            employer_client, url, {"action": action, "note": f"via {action}"}, form_url=form_url
        )
        assert response.status_code == 302
        db.session.refresh(vacancy)
        assert vacancy.status is to
    events = db.session.scalars(
        select(VacancyEvent).where(VacancyEvent.vacancy_id == vacancy.id).order_by(VacancyEvent.id)
    ).all()
    assert [e.to_status for e in events] == [VacancyStatus.draft] + [to for _, to in steps]
    assert [e.note for e in events[1:]] == [f"via {a}" for a, _ in steps]
    assert all(e.actor_id == employer_user.id for e in events)
    # A move that is not possible from here is refused with a message, and nothing changes.
    response = post_form(employer_client, url, {"action": "publish"}, form_url=form_url)
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.open
    assert len(vacancy.events) == len(steps) + 1
    response = post_form(employer_client, url, {"action": "delete"}, form_url=form_url)
    db.session.refresh(vacancy)
    assert vacancy.status is VacancyStatus.open


def test_staff_post_and_edit_needs_on_an_employers_behalf(client, make_user, make_employer):
    employer = make_employer()
    staff = make_user(Role.counsellor)
    login(client, staff.email)
    html = client.get(f"/vacancies/new?employer={employer.id}").get_data(as_text=True)
    assert f'<option selected value="{employer.id}">' in html
    response = post_form(client, "/vacancies/new", need_data(employer_id=str(employer.id)))
    assert response.status_code == 302
    vacancy = db.session.scalars(select(Vacancy)).one()
    assert vacancy.employer_id == employer.id and vacancy.created_by_id == staff.id
    response = post_form(client, f"/vacancies/{vacancy.id}/edit", need_data(title="Endret"))
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.title == "Endret"


def test_staff_must_choose_an_employer(client, make_user):
    login(client, make_user(Role.employer_contact).email)
    response = post_form(client, "/vacancies/new", need_data())
    assert response.status_code == 400
    assert "Velg arbeidsgiveren" in field_error(response.get_data(as_text=True), "employer_id")
    assert vacancy_count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), *((r, 200) for r in Role if r.is_staff), (Role.employer, 200)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_new_need_page_access(client, make_user, role, expected):
    if role is not None:
        login(client, make_user(role).email)
    response = client.get("/vacancies/new")
    assert response.status_code == expected
    if role is None:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), (Role.counsellor, 200), (Role.employer, 200), ("other_employer", 404)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_edit_page_and_status_access(client, make_user, make_vacancy, role, expected):
    vacancy = make_vacancy(status=VacancyStatus.draft)
    if role == "other_employer":
        login(client, make_user(Role.employer).email)
    elif role is Role.employer:
        login(client, make_user(Role.employer, employer=vacancy.employer).email)
    elif role is not None:
        login(client, make_user(role).email)
    response = client.get(f"/vacancies/{vacancy.id}/edit")
    assert response.status_code == expected
    token_page = "/start" if role is not None else "/login"
    response = post_form(
        client, f"/vacancies/{vacancy.id}/status", {"action": "publish"}, form_url=token_page
    )
    assert response.status_code == (302 if expected == 200 else expected)
    db.session.refresh(vacancy)
    assert (vacancy.status is VacancyStatus.open) is (expected == 200)


def test_vocabulary_suggestions(client, make_user):
    db.session.add_all(
        [
            Occupation(label="lagermedarbeider", styrk08="9321"),
            Occupation(label="truckfører på lager", styrk08="8344"),
            Occupation(label="renholder", styrk08="9112"),
            Skill(label="truckførerbevis"),
            Skill(label="lagerstyring"),
        ]
    )
    db.session.commit()
    assert client.get("/vocabulary/occupations?q=lager").status_code == 302
    login(client, make_user(Role.employer).email)
    items = client.get("/vocabulary/occupations?q=lager").get_json()
    assert items[0] == {"label": "lagermedarbeider", "styrk08": "9321"}
    assert {i["label"] for i in items} == {"lagermedarbeider", "truckfører på lager"}
    assert client.get("/vocabulary/occupations?q=l").get_json() == []
    assert client.get("/vocabulary/occupations?q=%25").get_json() == []
    assert [i["label"] for i in client.get("/vocabulary/skills?q=TRUCK").get_json()] == [
        "truckførerbevis"
    ]
    assert client.get("/vocabulary/skills?q=" + "x" * 5000 + "&limit=abc").status_code == 200


@pytest.mark.parametrize("role", [Role.counsellor, Role.admin, Role.employer])
def test_vocabulary_is_open_to_every_logged_in_role(client, make_user, role):
    login(client, make_user(role).email)
    assert client.get("/vocabulary/skills?q=ab").status_code == 200
    assert client.get("/vocabulary/occupations?q=ab").status_code == 200


def test_skill_links_are_replaced_when_a_skill_moves_between_lists(employer_client):
    post_form(employer_client, "/vacancies/new", need_data(preferred_skills="sortering"))
    vacancy = db.session.scalars(select(Vacancy)).one()
    data = need_data(required_skills="sortering", preferred_skills="plukking")
    assert post_form(employer_client, f"/vacancies/{vacancy.id}/edit", data).status_code == 302
    links = db.session.scalars(
        select(VacancySkill).where(VacancySkill.vacancy_id == vacancy.id)
    ).all()
    assert sorted((link.skill.label, link.required) for link in links) == [
        ("plukking", False),
        ("sortering", True),
    ]
