"""The need page and the suggestion page say what the matcher read the title as, and say so
plainly when it read nothing (issue: the matcher reads real Norwegian job text)."""

from __future__ import annotations

import re

from employerpool.models.enums import Role
from tests.conftest import login


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_real_title_shows_its_styrk_group_as_a_chip(client, make_user, make_vacancy):
    counsellor = make_user(Role.counsellor)
    need = make_vacancy(title="Sjåfør klasse C søkes", occupation_label=None)
    login(client, counsellor.email)
    page = client.get(f"/vacancies/{need.id}")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    assert "Matcheren leser yrket som" in text
    assert "Lastebil- og trailersjåfører" in text and "STYRK 8332" in text


def test_a_title_with_no_occupation_says_so_on_both_pages(client, make_user, make_vacancy):
    counsellor = make_user(Role.counsellor)
    need = make_vacancy(title="Er det deg vi leter etter?", occupation_label=None, description="")
    login(client, counsellor.email)
    for url in (f"/vacancies/{need.id}", f"/suggestions/vacancies/{need.id}"):
        page = client.get(url)
        assert page.status_code == 200, url
        text = _text(page.get_data(as_text=True))
        assert "Fant ikke yrket i tittelen" in text, url
        assert "Sikkerhet: lav" in text, url


def test_the_employer_sees_the_reading_and_may_pick_another_occupation(
    client, make_user, make_vacancy
):
    need = make_vacancy(title="Vi søker blid kjøkkenmedarbeider!", occupation_label=None)
    employer = make_user(Role.employer, employer=need.employer)
    login(client, employer.email)
    html = client.get(f"/vacancies/{need.id}").get_data(as_text=True)
    assert "Kjøkkenassistenter" in _text(html)
    assert f"/vacancies/{need.id}/edit#occupation_label" in html

    # choosing an occupation is what the matcher reads first
    chosen = make_vacancy(
        title="Vi søker blid kjøkkenmedarbeider!",
        occupation_label="kokk",
        employer=need.employer,
    )
    assert "Kokker" in _text(client.get(f"/vacancies/{chosen.id}").get_data(as_text=True))
