"""The contact report's totals and double contacts are kept per process between requests, and
never outlive a change to the contact log or the employer register."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from employerpool.extensions import db
from employerpool.models import EmployerContact
from employerpool.models.enums import ContactChannel, ContactResult
from employerpool.services import reports

DAY = date(2026, 10, 15)
OCTOBER = reports.ContactFilter(reports.Period(date(2026, 10, 1), date(2026, 10, 31)))


@pytest.fixture
def logged(make_partner, make_employer, make_user):
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    employer = make_employer(name="Lager AS")
    user = make_user()

    def log(partner, day=DAY) -> EmployerContact:
        contact = EmployerContact(
            employer=employer,
            partner=partner,
            user=user,
            contact_date=day,
            channel=ContactChannel.phone,
            result=ContactResult.conversation,
        )
        db.session.add(contact)
        db.session.commit()
        return contact

    log(alna)
    return alna, stovner, employer, log


def test_a_new_contact_shows_at_once(logged):
    alna, stovner, _employer, log = logged
    assert reports.contact_totals(OCTOBER).total == 1
    assert reports.double_contacts(OCTOBER) == []
    log(stovner, DAY + timedelta(days=3))
    assert reports.contact_totals(OCTOBER).total == 2
    (double,) = reports.double_contacts(OCTOBER)
    assert double.partners == ["NAV Alna", "NAV Stovner"] and double.closest_gap_days == 3


def test_an_edited_contact_shows_at_once(logged):
    alna, stovner, _employer, log = logged
    later = log(stovner, DAY + timedelta(days=3))
    assert len(reports.double_contacts(OCTOBER)) == 1
    later.contact_date = DAY + timedelta(days=16)  # still October, 16 days apart
    db.session.commit()
    assert reports.double_contacts(OCTOBER)[0].closest_gap_days == 16
    later.contact_date = date(2026, 11, 20)  # out of the period
    db.session.commit()
    assert reports.contact_totals(OCTOBER).total == 1
    assert reports.double_contacts(OCTOBER) == []


def test_a_renamed_employer_shows_at_once(logged):
    alna, stovner, employer, log = logged
    log(stovner, DAY + timedelta(days=1))
    assert reports.double_contacts(OCTOBER)[0].employer_name == "Lager AS"
    employer.name = "Lager og Logistikk AS"
    db.session.commit()
    assert reports.double_contacts(OCTOBER)[0].employer_name == "Lager og Logistikk AS"


def test_a_kept_list_is_not_shared_with_the_caller(logged):
    alna, stovner, _employer, log = logged
    log(stovner, DAY + timedelta(days=1))
    first = reports.double_contacts(OCTOBER)
    first.clear()  # a caller slicing or trimming its list
    assert len(reports.double_contacts(OCTOBER)) == 1
