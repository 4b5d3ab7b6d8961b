"""Employer-contact, outcome and fairness reports, exports and dashboard (issue 6).

Who sees what (least privilege):
- the employer-contact report and its exports: coordinators, admins and employer contacts,
  across all partners (employer contacts are shared by all staff; markedskontakter need the
  whole picture to avoid double work and report on their own work);
- outcomes, the dashboard and the fairness report: coordinators and admins (programme
  management); they are aggregates over candidates, never names.
Counsellors and employer users see none of the reports.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from employerpool.extensions import db
from employerpool.forms.reports import (
    ContactReportForm,
    DashboardForm,
    FairnessReportForm,
    OutcomeReportForm,
)
from employerpool.labels import label
from employerpool.models.enums import AuditAction
from employerpool.services import audit, charts, exports, reports
from employerpool.services.access import CONTACT_REPORT_ROLES, MANAGEMENT_ROLES, role_required
from employerpool.services.contacts import local_today

bp = Blueprint("reports", __name__, url_prefix="/reports")

EXPORT_FORMATS = "any(csv, xlsx)"


def _record_export(object_type: str, fmt: str, table: str, detail: dict, rows: int) -> None:
    audit.record(
        AuditAction.export,
        object_type,
        detail={"format": fmt, "table": table, "filter": detail, "rows": rows},
    )
    db.session.commit()


def _table_arg(allowed: tuple[str, ...]) -> str:
    value = request.args.get("table", allowed[0], type=str)
    return value if value in allowed else allowed[0]


@bp.get("/")
@role_required(*CONTACT_REPORT_ROLES)
def index():
    return render_template("reports/index.html", management=current_user.role in MANAGEMENT_ROLES)


# --- employer contacts ---------------------------------------------------------------------


def _contact_report_page(form: ContactReportForm, status: int = 200):
    context = {"form": form, "preset_labels": reports.PRESET_LABELS}
    if status == 200:
        f = form.to_filter()
        totals = reports.contact_totals(f)
        page = reports.contact_page(
            f, form.sort.data, request.args.get("page", 1, type=int), totals.total
        )
        doubles = reports.double_contacts(f)
        context.update(
            filter=f,
            totals=totals,
            page=page,
            # The newest on the page; all of them in the export (thousands at national scale).
            doubles=doubles[: reports.DOUBLE_CONTACTS_SHOWN],
            doubles_total=len(doubles),
            args=form.query_args(),
            sector_label=reports.sector_label,
        )
    return render_template("reports/contacts.html", **context), status


@bp.get("/contacts")
@role_required(*CONTACT_REPORT_ROLES)
def contacts():
    form = ContactReportForm(request.args)
    return _contact_report_page(form, 200 if form.validate() else 400)


@bp.get(f"/contacts/export/<{EXPORT_FORMATS}:fmt>")
@role_required(*CONTACT_REPORT_ROLES)
def contacts_export(fmt: str):
    form = ContactReportForm(request.args)
    if not form.validate():
        return _contact_report_page(form, 400)
    f = form.to_filter()
    table = _table_arg(("rows", "double"))
    if table == "double":
        columns = reports.DOUBLE_CONTACT_COLUMNS
        rows = reports.double_contact_export_rows(reports.double_contacts(f))
        name, title = "dobbeltkontakter", _("Dobbeltkontakter")
    else:
        columns = reports.CONTACT_COLUMNS
        rows = reports.contact_export_rows(f, form.sort.data)
        name, title = "arbeidsgiverkontakter", _("Arbeidsgiverkontakter")
    _record_export("employer_contact_report", fmt, table, f.as_detail(), len(rows))
    return exports.send(fmt, name, columns, rows, title=title, stamp=local_today())


# --- outcomes ------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return format_percent(value, "#,##0 %") if value is not None else "–"


def _programme_chart(report: reports.OutcomeReport, chart_id: str):
    bars = [
        charts.Bar(
            label=label(p.programme),
            value=(p.share or 0) * 100,
            text=_pct(p.share) + f" ({p.to_work_or_education}/{p.ended})"
            if p.share is not None
            else _("ingen avsluttet"),
            reference=p.baseline * 100 if p.baseline is not None else None,
            reference_text=_("utgangspunkt %(pct)s", pct=_pct(p.baseline))
            if p.baseline is not None
            else None,
        )
        for p in report.programmes
    ]
    return charts.hbar_chart(
        chart_id,
        _("Andel til arbeid eller utdanning per program"),
        _(
            "Stolpene viser andelen av kandidatene som avsluttet noe i perioden og gikk til "
            "arbeid eller utdanning. Stiplet strek viser utgangspunktet fra forstudien. "
            "Tallene står i tabellen under."
        ),
        bars,
        max_value=100,
        reference_legend=_("Stiplet strek: utgangspunkt i forstudien (2014)"),
    )


def _month_chart(report: reports.OutcomeReport, chart_id: str):
    return charts.line_chart(
        chart_id,
        _("Resultater per måned"),
        _("Antall per måned for hver av de fire målene. Tallene står i tabellen under."),
        [m for m, _c in report.months],
        [
            (str(reports.METRIC_LABELS[metric]), [getattr(c, metric) for _m, c in report.months])
            for metric in reports.METRICS
        ],
    )


def _outcome_page(form: OutcomeReportForm, status: int = 200):
    context = {"form": form}
    if status == 200:
        report = reports.outcome_report(form.to_filter(), form.group.data)
        context.update(
            report=report,
            args=form.query_args(),
            programme_chart=_programme_chart(report, "programme-chart"),
            month_chart=_month_chart(report, "month-chart"),
            pct=_pct,
        )
    return render_template("reports/outcomes.html", **context, **_definitions()), status


def _definitions() -> dict:
    return {
        "metric_labels": reports.METRIC_LABELS,
        "metrics": reports.METRICS,
        "grouping_labels": reports.GROUPING_LABELS,
    }


@bp.get("/outcomes")
@role_required(*MANAGEMENT_ROLES)
def outcomes():
    form = OutcomeReportForm(request.args)
    return _outcome_page(form, 200 if form.validate() else 400)


@bp.get(f"/outcomes/export/<{EXPORT_FORMATS}:fmt>")
@role_required(*MANAGEMENT_ROLES)
def outcomes_export(fmt: str):
    form = OutcomeReportForm(request.args)
    if not form.validate():
        return _outcome_page(form, 400)
    f = form.to_filter()
    report = reports.outcome_report(f, form.group.data)
    table = _table_arg(("groups", "months", "programmes"))
    if table == "programmes":
        columns, rows = reports.PROGRAMME_COLUMNS, reports.programme_export_rows(report.programmes)
        title = _("Andel til arbeid eller utdanning")
    elif table == "months":
        columns = reports.OUTCOME_MONTH_COLUMNS
        rows = [(m, *c.values()) for m, c in report.months]
        title = _("Resultater per måned")
    else:
        columns = reports.OUTCOME_GROUP_COLUMNS
        rows = [(g, *c.values()) for g, c in report.groups]
        title = _("Resultater per %(group)s", group=str(reports.GROUPING_LABELS[report.grouping]))
    detail = {**f.as_detail(), "group": report.grouping}
    _record_export("outcome_report", fmt, table, detail, len(rows))
    return exports.send(fmt, f"resultater-{table}", columns, rows, title=title, stamp=local_today())


# --- dashboard -----------------------------------------------------------------------------


@bp.get("/dashboard")
@role_required(*MANAGEMENT_ROLES)
def dashboard():
    form = DashboardForm(request.args)
    if not form.validate():
        return render_template("reports/dashboard.html", form=form), 400
    period = form.get_period()
    contact_filter = reports.ContactFilter(period)
    totals = reports.contact_totals(contact_filter)
    doubles = reports.double_contacts(contact_filter)
    report = reports.outcome_report(reports.OutcomeFilter(period), "programme")
    partner_chart = charts.hbar_chart(
        "partner-chart",
        _("Arbeidsgiverkontakter per partner"),
        _("Antall loggede kontakter per partner i perioden. Tallene står i tabellen under."),
        [charts.Bar(p.name, p.contacts, str(p.contacts)) for p in totals.per_partner],
    )
    return render_template(
        "reports/dashboard.html",
        form=form,
        period=period,
        totals=totals,
        doubles=doubles,
        report=report,
        programme_chart=_programme_chart(report, "programme-chart"),
        month_chart=_month_chart(report, "month-chart"),
        partner_chart=partner_chart,
        args=form.query_args(),
        pct=_pct,
        **_definitions(),
    )


# --- fairness ------------------------------------------------------------------------------


def _fairness_page(form: FairnessReportForm, status: int = 200):
    context = {
        "form": form,
        "populations": reports.POPULATIONS,
        "population_labels": reports.POPULATION_LABELS,
        "dimension_labels": reports.DIMENSION_LABELS,
        "min_group": reports.MIN_GROUP_SIZE,
        "large_points": reports.LARGE_DIFFERENCE_POINTS,
        "pct": _pct,
    }
    if status == 200:
        context.update(report=reports.fairness_report(form.to_filter()), args=form.query_args())
    return render_template("reports/fairness.html", **context), status


@bp.get("/fairness")
@role_required(*MANAGEMENT_ROLES)
def fairness():
    form = FairnessReportForm(request.args)
    return _fairness_page(form, 200 if form.validate() else 400)


@bp.get(f"/fairness/export/<{EXPORT_FORMATS}:fmt>")
@role_required(*MANAGEMENT_ROLES)
def fairness_export(fmt: str):
    form = FairnessReportForm(request.args)
    if not form.validate():
        return _fairness_page(form, 400)
    f = form.to_filter()
    columns, rows = reports.fairness_export(reports.fairness_report(f))
    _record_export("fairness_report", fmt, "shares", f.as_detail(), len(rows))
    return exports.send(
        fmt, "rettferdighet", columns, rows, title=_("Rettferdighet"), stamp=local_today()
    )
