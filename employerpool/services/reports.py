"""Employer-contact, outcome and fairness reports (DESIGN §5).

Every figure is defined here once, and the report pages state the same definitions:

Employer contacts
    A row is one logged contact whose date lies in the period and which matches every filter
    (partner = the contacting partner; district and sector = the employer's). Totals per
    partner and per month are counted over exactly those rows, so they always sum to the total.

Double contacts
    Two contacts with the same employer by *different* partners whose dates are at most 30 days
    apart, both inside the period. The employer, district, sector and period filters apply;
    channel and result do not (every contact is contact); with a partner filter, only pairs in
    which that partner took part are listed.

Outcomes (per programme, district and partner of the candidate, and per month)
    proposal: a match that reached status "proposed" in the period (its first such event);
    placement started: a placement whose start date is in the period;
    hire: a placement with outcome "hired" whose end date (or start date) is in the period;
    transition to work or education: a candidate with a hire in the period, or whose status is
    "employed" or "education" and whose profile last changed in the period (there is no status
    history yet); each candidate counts once, in the month of the first transition.

Programme outcome share
    Of the candidates in a programme who *ended* something in the period (a placement with an
    end date in the period, or a transition to work or education), the share that went to work
    or education. The study's baselines (KVP 47 %, Intro 62 %, YNO 45 %, Jobbsjansen 61 %) are
    shares of participants leaving the programme, so this is the closest comparable figure.

Fairness (aggregates only, never names)
    pool: candidates whose status is "active" now; suggested: candidates with a match created
    in the period (any status); proposed: with a proposal in the period; hired: with a hire in
    the period. A difference is large when a group has at least 20 candidates and a category's
    share differs from its share of the pool by more than 10 percentage points.
"""

from __future__ import annotations

import calendar
import math
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, extract, func, select

from employerpool.extensions import db
from employerpool.labels import label
from employerpool.models import (
    Candidate,
    Employer,
    EmployerContact,
    Match,
    MatchEvent,
    Partner,
    Placement,
    User,
)
from employerpool.models.enums import (
    CandidateStatus,
    ContactChannel,
    ContactResult,
    District,
    Gender,
    Innsatsgruppe,
    PlacementOutcome,
    Programme,
)
from employerpool.services.contacts import DOUBLE_CONTACT_DAYS
from employerpool.services.exports import Column
from employerpool.services.validation import NACE_SECTIONS

# --- periods -------------------------------------------------------------------------------

PRESETS = ("this_week", "this_month", "last_month", "this_year", "custom")
PRESET_LABELS = {
    "this_week": _l("Denne uken"),
    "this_month": _l("Denne måneden"),
    "last_month": _l("Forrige måned"),
    "this_year": _l("I år"),
    "custom": _l("Egendefinert periode"),
}


@dataclass(frozen=True)
class Period:
    """An inclusive range of dates."""

    start: date
    end: date
    preset: str = "custom"

    def months(self) -> list[tuple[int, int]]:
        """(year, month) for every month the period touches, in order."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, day after end 00:00) for datetime columns."""
        return (
            datetime.combine(self.start, datetime.min.time()),
            datetime.combine(self.end + timedelta(days=1), datetime.min.time()),
        )

    def as_detail(self) -> dict:
        return {"preset": self.preset, "from": self.start.isoformat(), "to": self.end.isoformat()}


def period_for(
    preset: str, today: date, start: date | None = None, end: date | None = None
) -> Period:
    """The period for a preset relative to `today`; "custom" uses `start` and `end`."""
    if preset == "this_week":
        monday = today - timedelta(days=today.weekday())
        return Period(monday, monday + timedelta(days=6), preset)
    if preset == "this_month":
        last = calendar.monthrange(today.year, today.month)[1]
        return Period(today.replace(day=1), today.replace(day=last), preset)
    if preset == "last_month":
        end_prev = today.replace(day=1) - timedelta(days=1)
        return Period(end_prev.replace(day=1), end_prev, preset)
    if preset == "this_year":
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), preset)
    if preset == "custom" and start and end:
        return Period(start, end, "custom")
    raise ValueError(f"no period for preset {preset!r}")


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# --- labels used by the reports ------------------------------------------------------------


def sector_label(section: str | None) -> str:
    if not section:
        return "–"
    return f"{section} {NACE_SECTIONS.get(section, '')}".strip()


# --- employer-contact report ---------------------------------------------------------------

CONTACT_SORTS = {
    "date_desc": (EmployerContact.contact_date.desc(), EmployerContact.id.desc()),
    "date_asc": (EmployerContact.contact_date.asc(), EmployerContact.id.asc()),
    "employer": (Employer.name.asc(), EmployerContact.contact_date.desc(), EmployerContact.id),
    "partner": (Partner.name.asc(), EmployerContact.contact_date.desc(), EmployerContact.id),
}
SORT_LABELS = {
    "date_desc": _l("Dato, nyeste først"),
    "date_asc": _l("Dato, eldste først"),
    "employer": _l("Arbeidsgiver"),
    "partner": _l("Partner"),
}


@dataclass(frozen=True)
class ContactFilter:
    """The filters of the employer-contact report; None means "all"."""

    period: Period
    partner_id: int | None = None
    district: District | None = None
    sector: str | None = None
    employer_id: int | None = None
    channel: ContactChannel | None = None
    result: ContactResult | None = None

    def as_detail(self) -> dict:
        """The filter for an audit event: ids and codes only, never personal data."""
        return {
            "period": self.period.as_detail(),
            "partner_id": self.partner_id,
            "district": self.district.name if self.district else None,
            "sector": self.sector,
            "employer_id": self.employer_id,
            "channel": self.channel.name if self.channel else None,
            "result": self.result.name if self.result else None,
        }


def _contact_where(stmt: Select, f: ContactFilter, *, with_channel_result: bool = True) -> Select:
    stmt = stmt.where(
        EmployerContact.contact_date >= f.period.start,
        EmployerContact.contact_date <= f.period.end,
    )
    if f.partner_id is not None:
        stmt = stmt.where(EmployerContact.partner_id == f.partner_id)
    if f.employer_id is not None:
        stmt = stmt.where(EmployerContact.employer_id == f.employer_id)
    if f.district is not None:
        stmt = stmt.where(Employer.district == f.district)
    if f.sector is not None:
        stmt = stmt.where(Employer.nace_section == f.sector)
    if with_channel_result and f.channel is not None:
        stmt = stmt.where(EmployerContact.channel == f.channel)
    if with_channel_result and f.result is not None:
        stmt = stmt.where(EmployerContact.result == f.result)
    return stmt


CONTACT_COLUMNS = (
    Column(_l("Dato"), "date"),
    Column(_l("Arbeidsgiver"), width=36),
    Column(_l("Organisasjonsnummer"), width=16),
    Column(_l("Bydel"), width=14),
    Column(_l("Næring (NACE)"), width=30),
    Column(_l("Partner"), width=22),
    Column(_l("Ansatt"), width=24),
    Column(_l("Kanal"), width=14),
    Column(_l("Resultat"), width=18),
    Column(_l("Formål"), width=30),
    Column(_l("Oppfølgingsdato"), "date", width=14),
)


@dataclass(frozen=True)
class ContactRow:
    id: int
    contact_date: date
    employer_id: int
    employer_name: str
    orgnr: str
    district: District | None
    sector: str | None
    partner_name: str
    user_name: str | None
    channel: ContactChannel
    result: ContactResult
    purpose: str | None
    follow_up_date: date | None

    def export_values(self) -> tuple:
        return _export_values(
            self.contact_date,
            self.employer_name,
            self.orgnr,
            self.district,
            self.sector,
            self.partner_name,
            self.user_name,
            self.channel,
            self.result,
            self.purpose,
            self.follow_up_date,
            _Labels(),
        )


class _Labels:
    """Translated labels, each distinct value translated once: an export of 100 000 rows
    repeats a handful of channels, results and sectors, and a translation lookup is slow."""

    def __init__(self) -> None:
        self._memo: dict = {}

    def __call__(self, translate, value) -> str:
        key = (translate, value)
        text = self._memo.get(key)
        if text is None:
            text = self._memo[key] = str(translate(value))
        return text


def _export_values(
    contact_date, employer_name, orgnr, district, sector, partner_name, user_name,
    channel, result, purpose, follow_up_date, text: _Labels,
) -> tuple:  # fmt: skip
    return (
        contact_date,
        employer_name,
        orgnr,
        district.value if district else None,
        text(sector_label, sector) if sector else None,
        partner_name,
        user_name,
        text(label, channel),
        text(label, result),
        purpose,
        follow_up_date,
    )


def contact_rows_select(f: ContactFilter, sort: str = "date_desc") -> Select:
    """The report's rows as plain columns (no notes: free text stays in the log)."""
    stmt = (
        select(
            EmployerContact.id,
            EmployerContact.contact_date,
            Employer.id,
            Employer.name,
            Employer.orgnr,
            Employer.district,
            Employer.nace_section,
            Partner.name,
            User.name,
            EmployerContact.channel,
            EmployerContact.result,
            EmployerContact.purpose,
            EmployerContact.follow_up_date,
        )
        .join(Employer, Employer.id == EmployerContact.employer_id)
        .join(Partner, Partner.id == EmployerContact.partner_id)
        .outerjoin(User, User.id == EmployerContact.user_id)
    )
    return _contact_where(stmt, f).order_by(*CONTACT_SORTS.get(sort, CONTACT_SORTS["date_desc"]))


def contact_export_rows(f: ContactFilter, sort: str = "date_desc") -> list[tuple]:
    """The export's values (CONTACT_COLUMNS) for every filtered row, straight from the query."""
    text = _Labels()
    # On the connection: plain rows, without the ORM's per-row bookkeeping (100 000 rows a year).
    rows = db.session.connection().execute(contact_rows_select(f, sort)).all()
    return [_export_values(*row[1:2], *row[3:], text) for row in rows]


def contact_rows(
    f: ContactFilter, sort: str = "date_desc", *, limit: int | None = None, offset: int = 0
) -> list[ContactRow]:
    """The filtered rows, in report order; `limit`/`offset` for one page."""
    stmt = contact_rows_select(f, sort)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return [ContactRow(*r) for r in db.session.execute(stmt)]


@dataclass
class PartnerTotal:
    partner_id: int
    name: str
    contacts: int
    employers: int


@dataclass
class MonthTotal:
    year: int
    month: int
    contacts: int
    employers: int

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


@dataclass
class ContactTotals:
    total: int
    employers: int
    per_partner: list[PartnerTotal]
    per_month: list[MonthTotal]


def _joined_count_base(f: ContactFilter, *cols) -> Select:
    stmt = select(*cols).select_from(EmployerContact)
    if f.district is not None or f.sector is not None:
        # Only these filters need the employer; without the join the totals are counted from
        # the (contact_date, partner_id, employer_id) index alone.
        stmt = stmt.join(Employer, Employer.id == EmployerContact.employer_id)
    return _contact_where(stmt, f)


# The heavy parts of the contact report (totals, double contacts) per filter, kept in each
# process while the contact log and the employer register are unchanged: paging or re-sorting
# a report, or several coordinators opening the same month, reuse them. The key holds a version
# read from the database on every call (index lookups), so no process serves a stale figure.
REPORT_PARTS_KEPT = 32
_report_parts: OrderedDict = OrderedDict()
_report_parts_lock = threading.Lock()


def _contact_log_version() -> tuple:
    """Changes when a contact is logged or edited, or an employer changes (names in lists)."""
    contacts = db.session.execute(
        select(func.max(EmployerContact.id), func.max(EmployerContact.updated_at))
    ).one()
    employers = db.session.execute(select(func.max(Employer.id), func.max(Employer.updated_at)))
    return (db.engine.url.render_as_string(), tuple(contacts), tuple(employers.one()))


def _remembered(key: tuple, compute):
    key = (*key, _contact_log_version())
    with _report_parts_lock:
        if key in _report_parts:
            _report_parts.move_to_end(key)
            return _report_parts[key]
    value = compute()
    with _report_parts_lock:
        _report_parts[key] = value
        while len(_report_parts) > REPORT_PARTS_KEPT:
            _report_parts.popitem(last=False)
    return value


def contact_totals(f: ContactFilter) -> ContactTotals:
    """Totals over exactly the report's rows: overall, per partner and per month."""
    return _remembered(("totals", f), lambda: _contact_totals(f))


def _contact_totals(f: ContactFilter) -> ContactTotals:
    """Totals over exactly the report's rows: overall, per partner and per month."""
    n_contacts = func.count()  # count(*): nothing to read but the index entries
    n_employers = func.count(func.distinct(EmployerContact.employer_id))
    total, employers = db.session.execute(_joined_count_base(f, n_contacts, n_employers)).one()
    per_partner = [
        PartnerTotal(pid, name, n, e)
        for pid, name, n, e in db.session.execute(
            _joined_count_base(f, Partner.id, Partner.name, n_contacts, n_employers)
            .join(Partner, Partner.id == EmployerContact.partner_id)
            .group_by(Partner.id, Partner.name)
            .order_by(n_contacts.desc(), Partner.name)
        )
    ]
    year = extract("year", EmployerContact.contact_date)
    month = extract("month", EmployerContact.contact_date)
    counted = {
        (int(y), int(m)): (n, e)
        for y, m, n, e in db.session.execute(
            _joined_count_base(f, year, month, n_contacts, n_employers).group_by(year, month)
        )
    }
    per_month = [
        MonthTotal(y, m, *counted.get((y, m), (0, 0))) for y, m in reversed(f.period.months())
    ]
    return ContactTotals(total, employers, per_partner, per_month)


@dataclass
class DoubleContact:
    """An employer that two or more partners contacted within 30 days of each other."""

    employer_id: int
    employer_name: str
    partners: list[str]
    contacts: int  # contacts that are part of at least one qualifying pair
    first: date
    last: date
    closest_gap_days: int


def double_contacts(f: ContactFilter, days: int = DOUBLE_CONTACT_DAYS) -> list[DoubleContact]:
    """Employers with two contacts by different partners at most `days` apart, in the period.

    Channel and result filters do not apply; a partner filter keeps pairs with that partner.
    """
    return list(_remembered(("doubles", f, days), lambda: _double_contacts(f, days)))


def _double_contacts(f: ContactFilter, days: int) -> list[DoubleContact]:
    """`double_contacts`, computed afresh."""
    scope = ContactFilter(f.period, None, f.district, f.sector, f.employer_id)
    # Only employers contacted by two or more partners in the period can have a pair; their
    # contacts' ids and dates come from the (contact_date, partner_id, employer_id, id) index
    # alone (a month is ~10 000 contacts at national scale), and names are looked up
    # afterwards for the employers that do have double contact.
    shared = (
        _joined_count_base(scope, EmployerContact.employer_id)
        .group_by(EmployerContact.employer_id)
        .having(func.count(func.distinct(EmployerContact.partner_id)) > 1)
    )
    stmt = (
        _joined_count_base(
            scope,
            EmployerContact.id,
            EmployerContact.employer_id,
            EmployerContact.partner_id,
            EmployerContact.contact_date,
        )
        .where(EmployerContact.employer_id.in_(shared))
        .order_by(EmployerContact.employer_id, EmployerContact.contact_date, EmployerContact.id)
    )
    partner_names = dict(db.session.execute(select(Partner.id, Partner.name)).all())
    by_employer: dict[int, list] = defaultdict(list)
    for cid, eid, pid, day in db.session.connection().execute(stmt).all():
        by_employer[eid].append((cid, pid, partner_names[pid], day))
    pairs: list[tuple[int, dict[int, tuple], int]] = []
    for eid, rows in by_employer.items():
        involved: dict[int, tuple] = {}
        gap = None
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                apart = (b[3] - a[3]).days
                if apart > days:
                    break
                if a[1] == b[1]:
                    continue
                if f.partner_id is not None and f.partner_id not in (a[1], b[1]):
                    continue
                involved[a[0]], involved[b[0]] = a, b
                gap = apart if gap is None else min(gap, apart)
        if involved:
            pairs.append((eid, involved, gap))
    names = dict(
        db.session.connection()
        .execute(select(Employer.id, Employer.name).where(Employer.id.in_(shared)))
        .all()
        if pairs
        else ()
    )
    found: list[DoubleContact] = []
    for eid, involved, gap in pairs:
        dates = [r[3] for r in involved.values()]
        found.append(
            DoubleContact(
                employer_id=eid,
                employer_name=names[eid],
                partners=sorted({r[2] for r in involved.values()}),
                contacts=len(involved),
                first=min(dates),
                last=max(dates),
                closest_gap_days=gap,
            )
        )
    found.sort(key=lambda d: (-d.last.toordinal(), d.employer_name))
    return found


# Employers with double contact listed on the report page; the export has every one.
DOUBLE_CONTACTS_SHOWN = 50

DOUBLE_CONTACT_COLUMNS = (
    Column(_l("Arbeidsgiver"), width=36),
    Column(_l("Partnere"), width=40),
    Column(_l("Kontakter"), "int"),
    Column(_l("Første"), "date"),
    Column(_l("Siste"), "date"),
    Column(_l("Minste avstand (dager)"), "int", width=14),
)


def double_contact_export_rows(items: Iterable[DoubleContact]) -> list[tuple]:
    return [
        (d.employer_name, ", ".join(d.partners), d.contacts, d.first, d.last, d.closest_gap_days)
        for d in items
    ]


# --- outcomes ------------------------------------------------------------------------------

BASELINES = {
    Programme.KVP: 0.47,
    Programme.Intro: 0.62,
    Programme.YNO: 0.45,
    Programme.Jobbsjansen: 0.61,
}
METRICS = ("proposals", "placements_started", "hires", "transitions")
METRIC_LABELS = {
    "proposals": _l("Presentert for arbeidsgiver"),
    "placements_started": _l("Praksis startet"),
    "hires": _l("Ansatt"),
    "transitions": _l("Overgang til arbeid eller utdanning"),
}
GROUPINGS = ("programme", "district", "partner")
GROUPING_LABELS = {
    "programme": _l("Program"),
    "district": _l("Bydel"),
    "partner": _l("Partner"),
}
TO_WORK_OR_EDUCATION = (CandidateStatus.employed, CandidateStatus.education)


@dataclass(frozen=True)
class OutcomeFilter:
    period: Period
    programme: Programme | None = None
    district: District | None = None
    partner_id: int | None = None

    def as_detail(self) -> dict:
        return {
            "period": self.period.as_detail(),
            "programme": self.programme.name if self.programme else None,
            "district": self.district.name if self.district else None,
            "partner_id": self.partner_id,
        }


@dataclass
class OutcomeCounts:
    proposals: int = 0
    placements_started: int = 0
    hires: int = 0
    transitions: int = 0

    def add(self, metric: str, n: int = 1) -> None:
        setattr(self, metric, getattr(self, metric) + n)

    def values(self) -> tuple[int, int, int, int]:
        return tuple(getattr(self, m) for m in METRICS)


@dataclass
class ProgrammeShare:
    programme: Programme
    ended: int
    to_work_or_education: int
    baseline: float | None

    @property
    def share(self) -> float | None:
        return self.to_work_or_education / self.ended if self.ended else None


@dataclass
class OutcomeReport:
    filter: OutcomeFilter
    grouping: str
    groups: list[tuple[str, OutcomeCounts]]
    months: list[tuple[str, OutcomeCounts]]
    total: OutcomeCounts
    programmes: list[ProgrammeShare]


@dataclass(frozen=True)
class _Cand:
    programme: Programme
    district: District | None
    partner_id: int


def _candidate_cols():
    return (Candidate.id, Candidate.programme, Candidate.district, Candidate.partner_id)


def _candidate_where(stmt: Select, f) -> Select:
    if getattr(f, "programme", None) is not None:
        stmt = stmt.where(Candidate.programme == f.programme)
    if getattr(f, "district", None) is not None:
        stmt = stmt.where(Candidate.district == f.district)
    if f.partner_id is not None:
        stmt = stmt.where(Candidate.partner_id == f.partner_id)
    return stmt


@dataclass
class _Events:
    """Dated events per candidate, the raw material of the outcome and fairness reports."""

    candidates: dict[int, _Cand] = field(default_factory=dict)
    proposals: list[tuple[int, date]] = field(default_factory=list)  # (candidate, date)
    starts: list[tuple[int, date]] = field(default_factory=list)
    hires: list[tuple[int, date]] = field(default_factory=list)
    ended: set[int] = field(default_factory=set)
    transitions: dict[int, date] = field(default_factory=dict)  # first transition


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _collect(f) -> _Events:
    ev = _Events()
    start, end = f.period.start, f.period.end
    lo, hi = f.period.bounds()

    def remember(row) -> int:
        cid, programme, district, partner_id = row[:4]
        ev.candidates[cid] = _Cand(programme, district, partner_id)
        return cid

    # Proposals: the first "proposed" event of each match in the period.
    first_at = func.min(MatchEvent.at)
    stmt = (
        select(*_candidate_cols(), Match.id, first_at)
        .select_from(MatchEvent)
        .join(Match, Match.id == MatchEvent.match_id)
        .join(Candidate, Candidate.id == Match.candidate_id)
        .where(
            MatchEvent.axis == "status",
            MatchEvent.to_value == "proposed",
            MatchEvent.at >= lo,
            MatchEvent.at < hi,
        )
        .group_by(*_candidate_cols(), Match.id)
    )
    for row in db.session.execute(_candidate_where(stmt, f)):
        ev.proposals.append((remember(row), _as_date(row[5])))

    # Placements: started, hired and ended in the period.
    closed = func.coalesce(Placement.end_date, Placement.start_date)
    stmt = (
        select(*_candidate_cols(), Placement.start_date, Placement.end_date, Placement.outcome)
        .select_from(Placement)
        .join(Candidate, Candidate.id == Placement.candidate_id)
        .where(
            (Placement.start_date.between(start, end))
            | (Placement.end_date.between(start, end))
            | ((Placement.outcome == PlacementOutcome.hired) & closed.between(start, end))
        )
    )
    for row in db.session.execute(_candidate_where(stmt, f)):
        cid = remember(row)
        p_start, p_end, outcome = row[4], row[5], row[6]
        if start <= p_start <= end:
            ev.starts.append((cid, p_start))
        if p_end is not None and start <= p_end <= end and outcome is not PlacementOutcome.ongoing:
            ev.ended.add(cid)
        if outcome is PlacementOutcome.hired:
            hired_on = p_end or p_start
            if start <= hired_on <= end:
                ev.hires.append((cid, hired_on))
                ev.ended.add(cid)
                if cid not in ev.transitions or hired_on < ev.transitions[cid]:
                    ev.transitions[cid] = hired_on

    # Status employed / education, dated by the last change of the profile.
    stmt = select(*_candidate_cols(), Candidate.updated_at).where(
        Candidate.status.in_(TO_WORK_OR_EDUCATION),
        Candidate.updated_at >= lo,
        Candidate.updated_at < hi,
    )
    for row in db.session.execute(_candidate_where(stmt, f)):
        cid = remember(row)
        day = _as_date(row[4])
        ev.ended.add(cid)
        if cid not in ev.transitions or day < ev.transitions[cid]:
            ev.transitions[cid] = day
    return ev


def _group_key(c: _Cand, grouping: str):
    if grouping == "programme":
        return c.programme
    if grouping == "district":
        return c.district
    return c.partner_id


def outcome_report(f: OutcomeFilter, grouping: str = "programme") -> OutcomeReport:
    """Proposals, placements started, hires and transitions per group and per month."""
    if grouping not in GROUPINGS:
        grouping = "programme"
    ev = _collect(f)
    by_group: dict[object, OutcomeCounts] = defaultdict(OutcomeCounts)
    by_month: dict[tuple[int, int], OutcomeCounts] = defaultdict(OutcomeCounts)
    total = OutcomeCounts()
    streams = {
        "proposals": ev.proposals,
        "placements_started": ev.starts,
        "hires": ev.hires,
        "transitions": list(ev.transitions.items()),
    }
    for metric, items in streams.items():
        for cid, day in items:
            by_group[_group_key(ev.candidates[cid], grouping)].add(metric)
            by_month[(day.year, day.month)].add(metric)
            total.add(metric)

    if grouping == "partner":
        partner_names = dict(db.session.execute(select(Partner.id, Partner.name)).all())
        keys = sorted(by_group, key=lambda k: partner_names.get(k, ""))
        groups = [(partner_names.get(k, "–"), by_group[k]) for k in keys]
    elif grouping == "district":
        order = [d for d in District if d in by_group] + ([None] if None in by_group else [])
        groups = [(d.value if d else str(_l("Ukjent")), by_group[d]) for d in order]
    else:
        groups = [(label(p), by_group[p]) for p in Programme if p in by_group]
    months = [
        (month_label(y, m), by_month.get((y, m), OutcomeCounts())) for y, m in f.period.months()
    ]

    ended_by_programme: Counter = Counter()
    success_by_programme: Counter = Counter()
    for cid in ev.ended:
        programme = ev.candidates[cid].programme
        ended_by_programme[programme] += 1
        if cid in ev.transitions:
            success_by_programme[programme] += 1
    programmes = [
        ProgrammeShare(p, ended_by_programme[p], success_by_programme[p], BASELINES.get(p))
        for p in Programme
        if f.programme is None or p is f.programme
    ]
    return OutcomeReport(f, grouping, groups, months, total, programmes)


OUTCOME_GROUP_COLUMNS = (
    Column(_l("Gruppe"), width=32),
    Column(_l("Presentert for arbeidsgiver"), "int", width=16),
    Column(_l("Praksis startet"), "int", width=16),
    Column(_l("Ansatt"), "int"),
    Column(_l("Overgang til arbeid eller utdanning"), "int", width=18),
)
OUTCOME_MONTH_COLUMNS = (Column(_l("Måned"), width=10), *OUTCOME_GROUP_COLUMNS[1:])
PROGRAMME_COLUMNS = (
    Column(_l("Program"), width=36),
    Column(_l("Avsluttet i perioden"), "int", width=16),
    Column(_l("Til arbeid eller utdanning"), "int", width=16),
    Column(_l("Andel til arbeid eller utdanning (%)"), "float", width=18),
    Column(_l("Utgangspunkt i forstudien (%)"), "float", width=18),
)


def programme_export_rows(items: Iterable[ProgrammeShare]) -> list[tuple]:
    return [
        (
            label(p.programme),
            p.ended,
            p.to_work_or_education,
            round(p.share * 100, 1) if p.share is not None else None,
            round(p.baseline * 100, 1) if p.baseline is not None else None,
        )
        for p in items
    ]


# --- fairness ------------------------------------------------------------------------------

POPULATIONS = ("pool", "suggested", "proposed", "hired")
POPULATION_LABELS = {
    "pool": _l("Poolen (aktive kandidater)"),
    "suggested": _l("Foreslått av matcheren"),
    "proposed": _l("Presentert for arbeidsgiver"),
    "hired": _l("Ansatt"),
}
AGE_BANDS = ("under_25", "25_39", "40_54", "55_plus", "unknown")
AGE_BAND_LABELS = {
    "under_25": _l("Under 25 år"),
    "25_39": _l("25–39 år"),
    "40_54": _l("40–54 år"),
    "55_plus": _l("55 år og eldre"),
    "unknown": _l("Alder ukjent"),
}
DIMENSION_LABELS = {
    "gender": _l("Kjønn"),
    "age": _l("Alder"),
    "innsatsgruppe": _l("Innsatsgruppe"),
}
LARGE_DIFFERENCE_POINTS = 10.0
MIN_GROUP_SIZE = 20


def age_band(birth_year: int | None, reference_year: int) -> str:
    """The age band of someone born in `birth_year`, in `reference_year`."""
    if birth_year is None:
        return "unknown"
    age = reference_year - birth_year
    if age < 25:
        return "under_25"
    if age < 40:
        return "25_39"
    if age < 55:
        return "40_54"
    return "55_plus"


@dataclass(frozen=True)
class FairnessFilter:
    period: Period
    partner_id: int | None = None

    def as_detail(self) -> dict:
        return {"period": self.period.as_detail(), "partner_id": self.partner_id}


@dataclass
class FairnessCell:
    count: int
    share: float | None  # 0..1 of the population, None when the population is empty
    difference: float | None = None  # percentage points from the pool's share
    large: bool = False


@dataclass
class FairnessRow:
    dimension: str
    category: str
    label: str
    cells: dict[str, FairnessCell]


@dataclass
class FairnessNote:
    dimension: str
    label: str
    population: str
    pool_share: float
    share: float
    difference: float


@dataclass
class FairnessReport:
    filter: FairnessFilter
    sizes: dict[str, int]
    rows: list[FairnessRow]
    notes: list[FairnessNote]

    def rows_for(self, dimension: str) -> list[FairnessRow]:
        return [r for r in self.rows if r.dimension == dimension]

    def assessable(self, population: str) -> bool:
        return self.sizes.get(population, 0) >= MIN_GROUP_SIZE


def fairness_report(f: FairnessFilter) -> FairnessReport:
    """Shares of gender, age band and innsatsgruppe in the pool and at each pipeline stage."""
    lo, hi = f.period.bounds()
    members: dict[str, set[int]] = {}
    stmt = select(Candidate.id).where(Candidate.status == CandidateStatus.active)
    members["pool"] = set(db.session.scalars(_candidate_where(stmt, f)))
    stmt = (
        select(Match.candidate_id)
        .join(Candidate, Candidate.id == Match.candidate_id)
        .where(Match.created_at >= lo, Match.created_at < hi)
    )
    members["suggested"] = set(db.session.scalars(_candidate_where(stmt, f)))
    ev = _collect(OutcomeFilter(f.period, partner_id=f.partner_id))
    members["proposed"] = {cid for cid, _ in ev.proposals}
    members["hired"] = {cid for cid, _ in ev.hires}

    everyone = set().union(*members.values())
    attrs: dict[int, tuple] = {}
    ids = sorted(everyone)
    for i in range(0, len(ids), 900):  # stay below SQLite's bound-parameter limit
        chunk = ids[i : i + 900]
        for cid, gender, birth_year, innsats in db.session.execute(
            select(
                Candidate.id, Candidate.gender, Candidate.birth_year, Candidate.innsatsgruppe
            ).where(Candidate.id.in_(chunk))
        ):
            attrs[cid] = (gender, age_band(birth_year, f.period.end.year), innsats)

    dimensions = {
        "gender": [(g.name, label(g)) for g in Gender],
        "age": [(b, str(AGE_BAND_LABELS[b])) for b in AGE_BANDS],
        "innsatsgruppe": [(i.name, label(i)) for i in Innsatsgruppe],
    }
    position = {"gender": 0, "age": 1, "innsatsgruppe": 2}
    counts: dict[str, dict[str, Counter]] = {d: {} for d in dimensions}
    for population, cids in members.items():
        for dim, idx in position.items():
            c: Counter = Counter()
            for cid in cids:
                value = attrs[cid][idx]
                c[value.name if hasattr(value, "name") else value] += 1
            counts[dim][population] = c
    sizes = {p: len(members[p]) for p in POPULATIONS}

    rows: list[FairnessRow] = []
    notes: list[FairnessNote] = []
    for dim, categories in dimensions.items():
        for key, text in categories:
            cells: dict[str, FairnessCell] = {}
            pool_n = sizes["pool"]
            pool_share = counts[dim]["pool"][key] / pool_n if pool_n else None
            for population in POPULATIONS:
                n = sizes[population]
                count = counts[dim][population][key]
                share = count / n if n else None
                cell = FairnessCell(count, share)
                if population != "pool" and share is not None and pool_share is not None:
                    cell.difference = (share - pool_share) * 100
                    cell.large = (
                        n >= MIN_GROUP_SIZE and abs(cell.difference) > LARGE_DIFFERENCE_POINTS
                    )
                    if cell.large:
                        notes.append(
                            FairnessNote(dim, text, population, pool_share, share, cell.difference)
                        )
                cells[population] = cell
            rows.append(FairnessRow(dim, key, text, cells))
    return FairnessReport(f, sizes, rows, notes)


def fairness_export(report: FairnessReport) -> tuple[tuple[Column, ...], list[tuple]]:
    columns = (
        Column(_l("Dimensjon"), width=16),
        Column(_l("Kategori"), width=28),
        *(
            col
            for p in POPULATIONS
            for col in (
                Column(f"{POPULATION_LABELS[p]} – {_l('antall')}", "int", width=14),
                Column(f"{POPULATION_LABELS[p]} – {_l('andel (%)')}", "float", width=14),
            )
        ),
    )
    rows = []
    for r in report.rows:
        values: list = [str(DIMENSION_LABELS[r.dimension]), r.label]
        for p in POPULATIONS:
            cell = r.cells[p]
            values += [cell.count, round(cell.share * 100, 1) if cell.share is not None else None]
        rows.append(tuple(values))
    return columns, rows


# --- paging --------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of rows, shaped like Flask-SQLAlchemy's Pagination for the pagination macro."""

    page: int
    per_page: int
    total: int
    items: list

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def contact_page(f: ContactFilter, sort: str, page: int, total: int, per_page: int = 50) -> Page:
    """The rows of one page of the contact report; `page` is clamped to the pages there are."""
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    items = contact_rows(f, sort, limit=per_page, offset=(page - 1) * per_page)
    return Page(page, per_page, total, items)
