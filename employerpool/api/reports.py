"""API operation for the employer-contact report (JSON, CSV or Excel)."""

from __future__ import annotations

from flask_babel import gettext as _

from employerpool.api import api
from employerpool.api.common import invalid, name_of
from employerpool.api.schemas import (
    ContactReportOut,
    ContactReportQuery,
    ContactReportRow,
    ContactTotalsOut,
    MonthTotalOut,
    Page,
    PartnerTotalOut,
    ReportPeriod,
)
from employerpool.extensions import db
from employerpool.models import (
    Partner,
)
from employerpool.models.enums import (
    AuditAction,
)
from employerpool.services import audit, exports, reports
from employerpool.services import contacts as contact_service
from employerpool.services.access import (
    CONTACT_REPORT_ROLES,
)
from employerpool.services.exports import XLSX_MIME
from employerpool.services.validation import MAX_PERIOD_DAYS


def _report_filter(query: ContactReportQuery) -> reports.ContactFilter:
    """The report's filter, checked as the web report form checks it."""
    errors: dict[str, str] = {}
    start, end = query.date_from, query.to
    if (start is None) != (end is None):
        errors["from" if start is None else "to"] = "Oppgi både from og to, eller ingen av dem."
    elif start and end and start > end:
        errors["to"] = "Sluttdatoen kan ikke være før startdatoen."
    elif start and end and (end - start).days > MAX_PERIOD_DAYS:
        errors["to"] = "Perioden kan være høyst ti år."
    if query.partner is not None and db.session.get(Partner, query.partner) is None:
        errors["partner"] = "Ukjent partner."
    invalid(errors)
    today = contact_service.local_today()
    # Without dates: this month, the web report's default.
    period = (
        reports.period_for("custom", today, start, end)
        if start and end
        else reports.period_for("this_month", today)
    )
    return reports.ContactFilter(period=period, partner_id=query.partner)


def _record_export(fmt: str, f: reports.ContactFilter, rows: int) -> None:
    audit.record(
        AuditAction.export,
        "employer_contact_report",
        detail={
            "format": fmt,
            "table": "rows",
            "filter": f.as_detail(),
            "rows": rows,
            "via": "api",
        },
    )
    db.session.commit()


@api.operation(
    "GET",
    "/reports/employer-contacts",
    summary="Rapport over arbeidsgiverkontakter (JSON, CSV eller Excel)",
    tag="reports",
    query=ContactReportQuery,
    response=ContactReportOut,
    files={"text/csv": "binary", XLSX_MIME: "binary"},
    description="Koordinatorer, administratorer og markedskontakter. format=csv eller xlsx gir "
    "samme fil som eksporten på nettsiden; json gir perioden, summer (totalt, per partner, per "
    "måned) og én side med rader. Hver henting logges som eksport.",
    roles=CONTACT_REPORT_ROLES,
)
def employer_contact_report(query: ContactReportQuery):
    f = _report_filter(query)
    if query.format != "json":
        # Exactly the web export (views.reports.contacts_export with the default sort).
        rows = reports.contact_export_rows(f, "date_desc")
        _record_export(query.format, f, len(rows))
        return exports.send(
            query.format,
            "arbeidsgiverkontakter",
            reports.CONTACT_COLUMNS,
            rows,
            title=_("Arbeidsgiverkontakter"),
            stamp=contact_service.local_today(),
        )
    totals = reports.contact_totals(f)
    rows = reports.contact_rows(
        f, "date_desc", limit=query.per_page, offset=(query.page - 1) * query.per_page
    )
    _record_export("json", f, len(rows))
    return ContactReportOut(
        period=ReportPeriod(start=f.period.start, end=f.period.end, preset=f.period.preset),
        partner_id=f.partner_id,
        totals=ContactTotalsOut(
            contacts=totals.total,
            employers=totals.employers,
            per_partner=[
                PartnerTotalOut(
                    partner_id=p.partner_id,
                    partner=p.name,
                    contacts=p.contacts,
                    employers=p.employers,
                )
                for p in totals.per_partner
            ],
            per_month=[
                MonthTotalOut(month=m.label, contacts=m.contacts, employers=m.employers)
                for m in totals.per_month
            ],
        ),
        rows=Page[ContactReportRow](
            items=[
                ContactReportRow(
                    id=r.id,
                    contact_date=r.contact_date,
                    employer_id=r.employer_id,
                    employer_name=r.employer_name,
                    orgnr=r.orgnr,
                    district=name_of(r.district),
                    sector=r.sector,
                    partner=r.partner_name,
                    user_name=r.user_name,
                    channel=r.channel.name,
                    result=r.result.name,
                    purpose=r.purpose,
                    follow_up_date=r.follow_up_date,
                )
                for r in rows
            ],
            page=query.page,
            per_page=query.per_page,
            total=totals.total,
        ),
    )
