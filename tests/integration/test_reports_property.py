"""Property tests on the demo data: report totals equal the sum of the rows under any filter
combination, and the double-contact list matches a brute-force reading of the rule."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import Employer, EmployerContact, Partner
from employerpool.models.enums import ContactChannel, ContactResult, District, Programme
from employerpool.services import reports
from employerpool.services.contacts import local_today
from employerpool.services.reports import ContactFilter, OutcomeFilter, Period
from employerpool.services.seed import seed_demo
from tests.conftest import login

SEED_TODAY = date(2026, 11, 26)
FIRST_DAY = SEED_TODAY - timedelta(days=560)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def seeded(app, client):
    """The demo data in small size, seeded once per test function, and a coordinator login."""
    seed_demo(
        seed=3,
        candidates=80,
        employers=20,
        today=SEED_TODAY,
        password_method="pbkdf2:sha256:1000",
    )
    login(client, "koordinator@demo.no", "demo")
    partners = db.session.scalars(select(Partner.id).order_by(Partner.id)).all()
    employers = db.session.scalars(select(Employer.id).order_by(Employer.id)).all()
    sectors = sorted(set(db.session.scalars(select(Employer.nace_section))) - {None})
    return partners, employers, sectors


days = st.integers(min_value=0, max_value=(SEED_TODAY - FIRST_DAY).days + 40)


@st.composite
def periods(draw) -> tuple[Period, dict]:
    preset = draw(st.sampled_from(reports.PRESETS))
    if preset != "custom":
        return reports.period_for(preset, local_today()), {"period": preset}
    a, b = sorted((draw(days), draw(days)))
    start, end = FIRST_DAY + timedelta(days=a), FIRST_DAY + timedelta(days=b)
    return Period(start, end), {
        "period": "custom",
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
    }


def maybe(strategy):
    """Usually no filter (None), sometimes a value: most combinations then keep some rows."""
    return st.integers(0, 4).flatmap(lambda k: strategy if k == 0 else st.none())


@st.composite
def contact_filters(draw, partners, employers, sectors):
    period, args = draw(periods())
    f = ContactFilter(
        period=period,
        partner_id=draw(maybe(st.sampled_from(partners))),
        district=draw(maybe(st.sampled_from(list(District)))),
        sector=draw(maybe(st.sampled_from([*sectors, "A"]))),
        employer_id=draw(maybe(st.sampled_from(employers))),
        channel=draw(maybe(st.sampled_from(list(ContactChannel)))),
        result=draw(maybe(st.sampled_from(list(ContactResult)))),
    )
    for key, value in (
        ("partner", f.partner_id),
        ("district", f.district.name if f.district else None),
        ("sector", f.sector),
        ("employer", f.employer_id),
        ("channel", f.channel.name if f.channel else None),
        ("result", f.result.name if f.result else None),
    ):
        if value is not None:
            args[key] = str(value)
    return f, args


def _all_contacts():
    """Every contact with its employer's district and sector: the oracle's own reading."""
    return db.session.execute(
        select(
            EmployerContact.id,
            EmployerContact.employer_id,
            EmployerContact.partner_id,
            EmployerContact.contact_date,
            EmployerContact.channel,
            EmployerContact.result,
            Employer.district,
            Employer.nace_section,
        ).join(Employer, Employer.id == EmployerContact.employer_id)
    ).all()


def _matches(row, f: ContactFilter, with_channel_result: bool = True) -> bool:
    _, employer_id, partner_id, day, channel, result, district, sector = row
    return (
        f.period.start <= day <= f.period.end
        and (f.partner_id is None or partner_id == f.partner_id)
        and (f.employer_id is None or employer_id == f.employer_id)
        and (f.district is None or district is f.district)
        and (f.sector is None or sector == f.sector)
        and (not with_channel_result or f.channel is None or channel is f.channel)
        and (not with_channel_result or f.result is None or result is f.result)
    )


def _brute_force_doubles(rows, f: ContactFilter) -> set[int]:
    unfiltered_partner = ContactFilter(f.period, None, f.district, f.sector, f.employer_id)
    kept = [r for r in rows if _matches(r, unfiltered_partner, with_channel_result=False)]
    found = set()
    for a in kept:
        for b in kept:
            if (
                a[1] == b[1]
                and a[2] != b[2]
                and abs((a[3] - b[3]).days) <= 30
                and (f.partner_id is None or f.partner_id in (a[2], b[2]))
            ):
                found.add(a[1])
    return found


def test_contact_report_totals_equal_the_rows_under_any_filter(client, seeded):
    partners, employers, sectors = seeded
    everything = _all_contacts()
    assert len(everything) == 200

    @PROPERTY
    @given(contact_filters(partners, employers, sectors))
    def check(drawn):
        f, args = drawn
        totals = reports.contact_totals(f)
        rows = reports.contact_rows(f)
        expected_ids = {r[0] for r in everything if _matches(r, f)}
        assert {r.id for r in rows} == expected_ids
        assert totals.total == len(rows)
        assert totals.total == sum(p.contacts for p in totals.per_partner)
        assert totals.total == sum(m.contacts for m in totals.per_month)
        assert totals.employers == len({r.employer_id for r in rows})
        assert {p.name: p.contacts for p in totals.per_partner} == Counter(
            r.partner_name for r in rows
        )
        by_month = Counter(
            reports.month_label(r.contact_date.year, r.contact_date.month) for r in rows
        )
        assert {m.label: m.contacts for m in totals.per_month if m.contacts} == by_month
        assert {d.employer_id for d in reports.double_contacts(f)} == _brute_force_doubles(
            everything, f
        )
        # The page renders and the export holds exactly the report's rows.
        assert client.get("/reports/contacts", query_string=args).status_code == 200
        response = client.get("/reports/contacts/export/csv", query_string=args)
        assert response.status_code == 200
        exported = list(
            csv.reader(
                io.StringIO(response.get_data().decode("utf-8-sig"), newline=""), delimiter=";"
            )
        )
        assert len(exported) - 1 == totals.total

    with client.application.test_request_context():
        check()


@st.composite
def outcome_filters(draw, partners):
    period, _ = draw(periods())
    return OutcomeFilter(
        period=period,
        programme=draw(maybe(st.sampled_from(list(Programme)))),
        district=draw(maybe(st.sampled_from(list(District)))),
        partner_id=draw(maybe(st.sampled_from(partners))),
    ), draw(st.sampled_from(reports.GROUPINGS))


def test_outcome_totals_equal_groups_and_months_under_any_filter(client, seeded):
    partners, _, _ = seeded

    @PROPERTY
    @given(outcome_filters(partners))
    def check(drawn):
        f, grouping = drawn
        report = reports.outcome_report(f, grouping)
        for i in range(len(reports.METRICS)):
            assert sum(c.values()[i] for _, c in report.groups) == report.total.values()[i]
            assert sum(c.values()[i] for _, c in report.months) == report.total.values()[i]
        # Every transition is a candidate who ended something, counted under its programme.
        assert sum(p.to_work_or_education for p in report.programmes) == report.total.transitions
        for share in report.programmes:
            assert 0 <= share.to_work_or_education <= share.ended

    with client.application.test_request_context():
        check()
