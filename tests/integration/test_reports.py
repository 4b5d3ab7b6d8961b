"""Reports: who may see them, the double-contact rule, outcomes against the baselines, the
fairness report, and filter validation (issue 6)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import AuditEvent, EmployerContact, Placement
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    ConsentScope,
    ContactChannel,
    ContactResult,
    District,
    Gender,
    MatchOutcome,
    MatchStatus,
    PartnerKind,
    PlacementOutcome,
    PlacementType,
    Programme,
    Role,
)
from employerpool.services import matches, reports
from employerpool.services.contacts import local_today
from employerpool.services.reports import ContactFilter, Period
from tests.conftest import login

ROLES = [None, *Role]
CONTACT_ROLES = {"admin", "coordinator", "employer_contact"}
MANAGEMENT = {"admin", "coordinator"}
ROUTES = {
    "/reports/": CONTACT_ROLES,
    "/reports/contacts": CONTACT_ROLES,
    "/reports/contacts/export/csv": CONTACT_ROLES,
    "/reports/contacts/export/xlsx?table=double": CONTACT_ROLES,
    "/reports/outcomes": MANAGEMENT,
    "/reports/outcomes/export/csv?table=months": MANAGEMENT,
    "/reports/outcomes/export/xlsx": MANAGEMENT,
    "/reports/dashboard": MANAGEMENT,
    "/reports/fairness": MANAGEMENT,
    "/reports/fairness/export/csv": MANAGEMENT,
}


@pytest.fixture
def users(make_partner, make_user):
    partner = make_partner(name="NAV Stovner")
    return {
        role: make_user(role, partner=partner) if role.is_staff else make_user(role)
        for role in Role
    }


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name if r else "anonymous")
def test_access(client, users, route, role):
    if role is not None:
        login(client, users[role].email)
    response = client.get(route)
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == (200 if role.name in ROUTES[route] else 403)


def test_unknown_export_format_is_404(client, users):
    login(client, users[Role.coordinator].email)
    assert client.get("/reports/contacts/export/pdf").status_code == 404


# --- double contacts -------------------------------------------------------------------------


@pytest.fixture
def two_partners(make_partner, make_user, make_employer):
    nav = make_partner(name="NAV Alna", kind=PartnerKind.nav)
    bydel = make_partner(name="Bydel Alna", kind=PartnerKind.district)
    imdi = make_partner(name="IMDi Øst", kind=PartnerKind.imdi, district=None)
    return (
        make_user(Role.employer_contact, partner=nav),
        make_user(Role.employer_contact, partner=bydel),
        make_user(Role.employer_contact, partner=imdi),
        make_employer(name="Alna Lager AS", district=District.Alna, nace_section="H"),
    )


def _contact(user, employer, day, channel=ContactChannel.phone, result=ContactResult.no_answer):
    c = EmployerContact(
        employer_id=employer.id,
        partner_id=user.partner_id,
        user_id=user.id,
        contact_date=day,
        channel=channel,
        result=result,
    )
    db.session.add(c)
    db.session.commit()
    return c


YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


def test_double_contact_rule_30_days_yes_31_days_no(two_partners):
    nav, bydel, _, employer = two_partners
    first = _contact(nav, employer, date(2026, 3, 1))
    second = _contact(bydel, employer, date(2026, 3, 31))  # 30 days later
    found = reports.double_contacts(ContactFilter(YEAR))
    assert [(d.employer_name, d.partners, d.contacts, d.closest_gap_days) for d in found] == [
        ("Alna Lager AS", ["Bydel Alna", "NAV Alna"], 2, 30)
    ]
    second.contact_date = date(2026, 4, 1)  # 31 days later
    db.session.commit()
    assert reports.double_contacts(ContactFilter(YEAR)) == []
    # Same partner twice is not a double contact.
    _contact(nav, employer, date(2026, 2, 25))
    assert reports.double_contacts(ContactFilter(YEAR)) == []
    assert first.id


def test_double_contacts_need_both_contacts_inside_the_period(two_partners):
    nav, bydel, _, employer = two_partners
    _contact(nav, employer, date(2026, 2, 25))
    _contact(bydel, employer, date(2026, 3, 2))
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert reports.double_contacts(ContactFilter(march)) == []
    assert len(reports.double_contacts(ContactFilter(YEAR))) == 1


def test_double_contacts_ignore_channel_and_result_and_respect_partner(two_partners):
    nav, bydel, imdi, employer = two_partners
    _contact(nav, employer, date(2026, 5, 1), channel=ContactChannel.visit)
    _contact(bydel, employer, date(2026, 5, 3), channel=ContactChannel.phone)
    only_phone = ContactFilter(YEAR, channel=ContactChannel.phone)
    assert len(reports.double_contacts(only_phone)) == 1
    assert len(reports.double_contacts(ContactFilter(YEAR, partner_id=nav.partner_id))) == 1
    assert reports.double_contacts(ContactFilter(YEAR, partner_id=imdi.partner_id)) == []
    assert reports.double_contacts(ContactFilter(YEAR, district=District.Grorud)) == []
    assert len(reports.double_contacts(ContactFilter(YEAR, sector="H"))) == 1


def test_acceptance_double_contact_listed_on_the_report_page_then_not_after_31_days(
    client, two_partners, make_user
):
    nav, bydel, _, employer = two_partners
    today = local_today()
    _contact(nav, employer, today - timedelta(days=20))
    later = _contact(bydel, employer, today - timedelta(days=5))
    coordinator = make_user(Role.coordinator, partner=nav.partner)
    login(client, coordinator.email)
    url = (
        f"/reports/contacts?period=custom&date_from={(today - timedelta(days=60)).isoformat()}"
        f"&date_to={today.isoformat()}"
    )
    html = client.get(url).get_data(as_text=True)
    section = html[html.index('id="double-contacts"') : html.index('id="rows"')]
    assert "Alna Lager AS" in section and "Bydel Alna, NAV Alna" in section
    later.contact_date = today - timedelta(days=20) + timedelta(days=31)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    section = html[html.index('id="double-contacts"') : html.index('id="rows"')]
    assert "Alna Lager AS" not in section
    assert "Ingen dobbeltkontakter i perioden." in section


# --- the contact report page -----------------------------------------------------------------


def test_report_page_totals_and_filters(client, two_partners, make_user, make_employer):
    nav, bydel, imdi, employer = two_partners
    other = make_employer(name="Grorud Bygg AS", district=District.Grorud, nace_section="F")
    _contact(nav, employer, date(2026, 1, 10))
    _contact(nav, other, date(2026, 2, 10), result=ContactResult.agreement)
    _contact(bydel, employer, date(2026, 2, 11))
    _contact(imdi, other, date(2025, 12, 31))  # outside the period
    login(client, make_user(Role.coordinator, partner=nav.partner).email)
    base = "/reports/contacts?period=custom&date_from=2026-01-01&date_to=2026-03-31"
    html = client.get(base).get_data(as_text=True)
    assert "3 kontakter" in html and "med 2 arbeidsgivere" in html
    per_partner = html[html.index('id="per-partner"') : html.index('id="per-month"')]
    assert "NAV Alna</th><td>2</td><td>2</td>" in per_partner
    assert "Bydel Alna</th><td>1</td><td>1</td>" in per_partner
    assert "IMDi Øst" not in per_partner
    per_month = html[html.index('id="per-month"') : html.index('id="double-contacts"')]
    assert "2026-03</th><td>0</td>" in per_month
    assert "2026-02</th><td>2</td>" in per_month and "2026-01</th><td>1</td>" in per_month
    html = client.get(base + "&result=agreement").get_data(as_text=True)
    assert "1 kontakt</strong>" in html and "Grorud Bygg AS" in html
    html = client.get(base + "&district=Grorud").get_data(as_text=True)
    assert "1 kontakt</strong>" in html
    html = client.get(base + f"&employer={employer.id}&sort=partner").get_data(as_text=True)
    assert "2 kontakter" in html


BAD_FILTERS = [
    ("period=custom&date_from=2026-05-01&date_to=2026-04-01", "Sluttdatoen kan ikke være før"),
    ("period=custom&date_from=2026-05-01", "Velg sluttdato for perioden."),
    ("period=custom", "Velg startdato for perioden."),
    ("period=custom&date_from=2000-01-01&date_to=2026-01-01", "Perioden kan være høyst ti år."),
    ("period=forever", "Ukjent valg. Velg fra listen."),
    ("period=custom&date_from=yesterday&date_to=2026-01-01", "Skriv datoen som åååå-mm-dd"),
    ("partner=1%20OR%201=1", "Ukjent valg. Velg fra listen."),
    ("channel=pigeon", "Ukjent valg. Velg fra listen."),
    ("district=Oslo", "Ukjent valg. Velg fra listen."),
    ("sector=ZZ", "Ukjent valg. Velg fra listen."),
    ("employer=999999", "Ukjent valg. Velg fra listen."),
    ("sort=name;drop", "Ukjent valg. Velg fra listen."),
]


@pytest.mark.parametrize(("query", "message"), BAD_FILTERS)
def test_bad_filters_get_a_field_message_and_400_never_500(client, users, query, message):
    login(client, users[Role.coordinator].email)
    for url in (f"/reports/contacts?{query}", f"/reports/contacts/export/csv?{query}"):
        response = client.get(url)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in html and 'class="error-message"' in html
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export)
    ).all()


@pytest.mark.parametrize("route", ["/reports/outcomes", "/reports/fairness", "/reports/dashboard"])
def test_bad_period_on_other_reports_is_400(client, users, route):
    login(client, users[Role.coordinator].email)
    response = client.get(route + "?period=custom&date_from=2026-02-01&date_to=2026-01-01")
    assert response.status_code == 400
    assert "Sluttdatoen kan ikke være før" in response.get_data(as_text=True)
    assert client.get("/reports/outcomes?group=salary").status_code == 400


def test_presets_resolve_relative_to_today():
    today = date(2026, 3, 4)  # a Wednesday
    assert reports.period_for("this_week", today) == Period(
        date(2026, 3, 2), date(2026, 3, 8), "this_week"
    )
    assert reports.period_for("this_month", today).end == date(2026, 3, 31)
    assert reports.period_for("last_month", today) == Period(
        date(2026, 2, 1), date(2026, 2, 28), "last_month"
    )
    assert reports.period_for("last_month", date(2026, 1, 15)).start == date(2025, 12, 1)
    assert reports.period_for("this_year", today).end == date(2026, 12, 31)
    with pytest.raises(ValueError):
        reports.period_for("custom", today)


# --- outcomes --------------------------------------------------------------------------------


@pytest.fixture
def outcomes_world(make_partner, make_user, make_vacancy, make_candidate):
    """Two KVP candidates and one Intro candidate with pipeline history in 2026."""
    nav = make_partner(name="NAV Alna")
    counsellor = make_user(Role.counsellor, partner=nav)
    vacancy = make_vacancy()
    kvp_hired = make_candidate(
        partner=nav, programme=Programme.KVP, consents=(ConsentScope.employers,)
    )
    kvp_aborted = make_candidate(
        partner=nav, programme=Programme.KVP, consents=(ConsentScope.employers,)
    )
    intro = make_candidate(
        partner=nav,
        programme=Programme.Intro,
        district=District.Grorud,
        status=CandidateStatus.education,
    )
    m1 = matches.create(vacancy.id, kvp_hired.id, counsellor)
    m2 = matches.create(vacancy.id, kvp_aborted.id, counsellor)
    db.session.flush()
    for m in (m1, m2):
        matches.change(m, MatchStatus.proposed, counsellor)
        matches.change(m, MatchOutcome.interested, counsellor)
        matches.change(m, MatchOutcome.started, counsellor, on=date(2026, 2, 2))
    matches.change(m1, MatchOutcome.hired, counsellor, on=date(2026, 5, 20))
    matches.change(m2, MatchOutcome.aborted, counsellor, reason="health", on=date(2026, 3, 1))
    db.session.commit()
    # An old placement outside the period does not count.
    db.session.add(
        Placement(
            candidate_id=intro.id,
            type=PlacementType.arbeidspraksis,
            title="Kokk",
            start_date=date(2024, 1, 1),
            end_date=date(2024, 3, 1),
            outcome=PlacementOutcome.hired,
        )
    )
    db.session.commit()
    return nav, counsellor, (kvp_hired, kvp_aborted, intro), (m1, m2)


@pytest.fixture
def request_ctx(app):
    """Labels are translated per request (the user's language): services run inside one."""
    with app.test_request_context():
        yield


def test_outcome_report_counts_and_programme_shares(outcomes_world, request_ctx):
    nav, _, (kvp_hired, kvp_aborted, intro), _ = outcomes_world
    f = reports.OutcomeFilter(YEAR)
    report = reports.outcome_report(f, "programme")
    groups = dict(report.groups)
    proposals_on = local_today()
    assert groups["Kvalifiseringsprogrammet (KVP)"].values() == (
        2 if proposals_on.year == 2026 else 0,
        2,
        1,
        1,
    )
    assert report.total.placements_started == 2 and report.total.hires == 1
    months = dict(report.months)
    assert months["2026-02"].placements_started == 2
    assert months["2026-05"].hires == 1 and months["2026-05"].transitions == 1
    kvp = next(p for p in report.programmes if p.programme is Programme.KVP)
    assert (kvp.ended, kvp.to_work_or_education, kvp.baseline) == (2, 1, 0.47)
    assert kvp.share == 0.5
    # Totals equal the sum of the groups and of the months.
    for grouping in reports.GROUPINGS:
        r = reports.outcome_report(f, grouping)
        for i in range(4):
            assert sum(c.values()[i] for _, c in r.groups) == r.total.values()[i]
            assert sum(c.values()[i] for _, c in r.months) == r.total.values()[i]


def test_status_education_counts_as_transition_dated_by_last_change(outcomes_world, request_ctx):
    _, _, (_, _, intro), _ = outcomes_world
    today = local_today()
    period = Period(date(today.year, 1, 1), date(today.year, 12, 31))
    report = reports.outcome_report(reports.OutcomeFilter(period, programme=Programme.Intro))
    intro_share = next(p for p in report.programmes if p.programme is Programme.Intro)
    assert (intro_share.ended, intro_share.to_work_or_education) == (1, 1)
    assert [p.programme for p in report.programmes] == [Programme.Intro]
    intro.updated_at = datetime(2020, 1, 1)
    db.session.commit()
    report = reports.outcome_report(reports.OutcomeFilter(period, programme=Programme.Intro))
    assert report.total.transitions == 0


def test_outcome_page_shows_baselines_chart_and_tables(client, outcomes_world, make_user):
    nav, *_ = outcomes_world
    login(client, make_user(Role.coordinator, partner=nav).email)
    response = client.get("/reports/outcomes?period=custom&date_from=2026-01-01&date_to=2026-12-31")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<svg class="chart"' in html and 'role="img"' in html and "<desc" in html
    assert "utgangspunkt 47" in html and "utgangspunkt 62" in html
    assert "Andelen er regnet blant kandidatene i programmet" in html
    assert "<caption>" in html and 'scope="row"' in html
    assert "style=" not in html and "<script" not in html  # the CSP allows neither
    for group in ("district", "partner"):
        assert client.get(f"/reports/outcomes?group={group}").status_code == 200
    dashboard = client.get("/reports/dashboard?period=this_year").get_data(as_text=True)
    assert dashboard.count('<svg class="chart"') == 3 and "style=" not in dashboard


def test_outcome_exports_are_audited_with_filter_and_row_count(client, outcomes_world, make_user):
    nav, *_ = outcomes_world
    login(client, make_user(Role.coordinator, partner=nav).email)
    response = client.get("/reports/outcomes/export/csv?table=months&period=this_year")
    assert response.status_code == 200
    lines = response.get_data().decode("utf-8-sig").strip().split("\r\n")
    assert lines[0].startswith("Måned;Presentert for arbeidsgiver")
    assert len(lines) == 13
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export)
    ).one()
    assert event.object_type == "outcome_report"
    assert event.detail["rows"] == 12 and event.detail["table"] == "months"
    assert event.detail["filter"]["period"]["preset"] == "this_year"


# --- fairness --------------------------------------------------------------------------------


def test_fairness_report_flags_a_large_difference_and_shows_no_names(
    client, app, make_partner, make_user, make_vacancy, make_candidate
):
    nav = make_partner(name="NAV Alna")
    counsellor = make_user(Role.counsellor, partner=nav)
    vacancies = [make_vacancy() for _ in range(2)]
    # Pool: 30 women, 30 men, all active. Suggested: 25 men and 0 women.
    women = [
        make_candidate(partner=nav, gender=Gender.female, first_name="Kvinne", last_name=f"K{i}")
        for i in range(30)
    ]
    men = [
        make_candidate(partner=nav, gender=Gender.male, first_name="Mann", last_name=f"M{i}")
        for i in range(30)
    ]
    for m in men[:25]:
        matches.create(vacancies[0].id, m.id, counsellor)
    db.session.commit()
    with app.test_request_context():
        report = reports.fairness_report(
            reports.FairnessFilter(reports.period_for("this_year", local_today()))
        )
    assert report.sizes == {"pool": 60, "suggested": 25, "proposed": 0, "hired": 0}
    female = next(r for r in report.rows if r.category == "female")
    assert female.cells["pool"].share == 0.5 and female.cells["suggested"].share == 0.0
    assert female.cells["suggested"].large and female.cells["suggested"].difference == -50
    assert {(n.label, n.population) for n in report.notes} >= {
        ("Kvinne", "suggested"),
        ("Mann", "suggested"),
    }
    # Small groups are never flagged.
    assert not any(n.population in ("proposed", "hired") for n in report.notes)
    for dim in ("gender", "age", "innsatsgruppe"):
        assert sum(r.cells["pool"].count for r in report.rows_for(dim)) == 60

    login(client, make_user(Role.coordinator, partner=nav).email)
    html = client.get("/reports/fairness").get_data(as_text=True)
    assert "stor forskjell" in html and "Store forskjeller" in html
    assert "−50" in html or "-50" in html
    assert "K1" not in html and "Testesen" not in html and women[0].last_name not in html
    response = client.get("/reports/fairness/export/xlsx")
    assert response.status_code == 200
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export)
    ).one()
    assert event.object_type == "fairness_report" and event.detail["rows"] == 13


def test_age_bands():
    assert reports.age_band(None, 2026) == "unknown"
    assert reports.age_band(2002, 2026) == "under_25"
    assert reports.age_band(2001, 2026) == "25_39"
    assert reports.age_band(1987, 2026) == "25_39"
    assert reports.age_band(1986, 2026) == "40_54"
    assert reports.age_band(1972, 2026) == "40_54"
    assert reports.age_band(1971, 2026) == "55_plus"
