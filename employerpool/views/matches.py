"""The pipeline of one match: status changes, requests across partners, follow-up."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.forms.matches import (
    CONTRACT_TYPES,
    REASON_LABELS,
    ChangeForm,
    DecideRequestForm,
    FollowUpDoneForm,
    FollowUpForm,
    RequestForm,
)
from employerpool.models import FollowUp, Placement, ProposalRequest, User, now_utc
from employerpool.models.enums import AuditAction, MatchOutcome, MatchStatus, RequestStatus
from employerpool.services import audit, matches
from employerpool.services.access import (
    CANDIDATE_READERS,
    can_read_candidate,
    get_match_or_404,
    match_access,
    role_required,
)
from employerpool.services.contacts import local_today
from employerpool.services.suggestions import pseudonym
from employerpool.services.validation import check_match_event, check_vacancy_takes_candidates
from employerpool.views import submissions as once

bp = Blueprint("matches", __name__, url_prefix="/matches")


def _target(name: str):
    if name in MatchStatus.__members__:
        return MatchStatus[name]
    if name in MatchOutcome.__members__:
        return MatchOutcome[name]
    return None


@bp.get("/<int:match_id>")
@role_required(*CANDIDATE_READERS)
def detail(match_id: int):
    match = get_match_or_404(match_id)
    readable = can_read_candidate(current_user, match.candidate)
    erased = match.candidate.erased_at is not None
    # Another partner's counsellor sees the match pseudonymised: still a read, still audited.
    audit.record(
        AuditAction.view,
        "candidate",
        match.candidate_id,
        detail={"via": "match", "match_id": match.id, "pseudonymised": not readable},
    )
    db.session.commit()
    placement = matches.placement_for(match)
    requests = db.session.scalars(
        select(ProposalRequest)
        .where(ProposalRequest.match_id == match.id)
        .order_by(ProposalRequest.id)
    ).all()
    actor_ids = {e.actor_id for e in match.events} | {r.requested_by_id for r in requests}
    actors = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    return render_template(
        "matches/detail.html",
        match=match,
        readable=readable,
        manage=readable or _manages(match),
        name=match.candidate.full_name if readable or erased else pseudonym(match.candidate_id),
        statuses=sorted(matches.allowed_status(match), key=lambda s: list(MatchStatus).index(s)),
        outcomes=sorted(matches.allowed_outcomes(match), key=lambda s: list(MatchOutcome).index(s)),
        form=ChangeForm(),
        request_form=RequestForm(),
        decide_form=DecideRequestForm(),
        follow_up_form=FollowUpForm(),
        done_form=FollowUpDoneForm(),
        placement=placement,
        requests=requests,
        actors=actors,
        reason_labels=REASON_LABELS,
        contract_types=CONTRACT_TYPES,
    )


def _manages(match) -> bool:
    return match_access(current_user, match) == "manage"


@bp.post("/<int:match_id>/change")
@role_required(*CANDIDATE_READERS)
def change(match_id: int):
    match = get_match_or_404(match_id, manage=True)
    form = ChangeForm()
    target = _target(form.to.data or "") if form.validate_on_submit() else None
    if target is None:
        flash(_("Ugyldig endring. Last inn siden på nytt og prøv igjen."), "error")
        return redirect(url_for("matches.detail", match_id=match.id), 303)
    # The service's rules for a step, as the API applies them.
    errors = check_match_event(
        target,
        local_today(),
        reason=form.reason.data or None,
        on=form.on.data,
        contract_type=form.contract_type.data or None,
    )
    if target is MatchStatus.proposed:
        errors.update(check_vacancy_takes_candidates(match.vacancy.status))
    if errors:
        for message in errors.values():
            flash(str(message), "error")
        return redirect(url_for("matches.detail", match_id=match.id), 303)
    try:
        matches.change(
            match,
            target,
            current_user,
            reason=form.reason.data or None,
            note=(form.note.data or "").strip() or None,
            on=form.on.data,
            contract_type=form.contract_type.data or None,
        )
    except matches.TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("matches.detail", match_id=match.id), 303)
    db.session.commit()  # matches.change audited the change
    flash(_("Endringen er lagret."), "success")
    return redirect(url_for("matches.detail", match_id=match.id), 303)


@bp.post("/<int:match_id>/request")
@role_required(*CANDIDATE_READERS)
def ask(match_id: int):
    match = get_match_or_404(match_id)
    if match.candidate.partner_id == current_user.partner_id:
        abort(400)
    form = RequestForm()
    if not form.validate_on_submit():
        _flash_errors(form)
    else:
        pending = db.session.scalar(
            select(ProposalRequest.id).where(
                ProposalRequest.match_id == match.id,
                ProposalRequest.status == RequestStatus.pending,
            )
        )
        if pending:
            flash(_("Det finnes allerede en forespørsel som venter på svar."), "info")
        else:
            req = ProposalRequest(
                match_id=match.id,
                requested_by_id=current_user.id,
                requesting_partner_id=current_user.partner_id,
                candidate_partner_id=match.candidate.partner_id,
                note=(form.note.data or "").strip() or None,
            )
            db.session.add(req)
            db.session.flush()
            audit.record(
                AuditAction.create, "proposal_request", req.id, detail={"match_id": match.id}
            )
            db.session.commit()
            flash(_("Forespørselen er sendt til kandidatens veileder."), "success")
    return redirect(url_for("matches.detail", match_id=match.id), 303)


@bp.post("/requests/<int:request_id>/decide")
@role_required(*CANDIDATE_READERS)
def decide(request_id: int):
    req = db.session.get(ProposalRequest, request_id)
    if req is None or req.candidate_partner_id != current_user.partner_id:
        abort(404)
    form = DecideRequestForm()
    note = _joined(req.note, form.note.data)
    if not form.validate_on_submit():
        _flash_errors(form)
    elif len(note or "") > ProposalRequest.note.type.length:
        flash(
            _("Merknaden er for lang til å lagres sammen med forespørselen. Gjør den kortere."),
            "error",
        )
    elif req.status is RequestStatus.pending:
        req.status = RequestStatus[form.decision.data]
        req.decided_by_id = current_user.id
        req.decided_at = now_utc()
        req.note = note
        audit.record(AuditAction.update, "proposal_request", req.id, detail={"to": req.status.name})
        db.session.commit()
        flash(_("Svaret er registrert."), "success")
    return redirect(url_for("matches.detail", match_id=req.match_id), 303)


@bp.post("/<int:match_id>/follow-ups")
@role_required(*CANDIDATE_READERS)
def add_follow_up(match_id: int):
    match = get_match_or_404(match_id, manage=True)
    placement = matches.placement_for(match)
    form = FollowUpForm()
    if placement is None:
        abort(400)
    if form.validate_on_submit():
        if not once.claim():
            return once.already_sent(url_for("matches.detail", match_id=match.id))
        if form.supervisor.data:
            placement.supervisor = form.supervisor.data.strip()
        db.session.add(
            FollowUp(
                placement_id=placement.id,
                due_date=form.due_date.data,
                note=(form.note.data or "").strip() or None,
                created_by_id=current_user.id,
            )
        )
        audit.record(AuditAction.update, "match", match.id, detail={"follow_up": "planned"})
        db.session.commit()
        flash(_("Oppfølgingen er planlagt."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("matches.detail", match_id=match.id), 303)


@bp.post("/follow-ups/<int:follow_up_id>/done")
@role_required(*CANDIDATE_READERS)
def follow_up_done(follow_up_id: int):
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        abort(404)
    placement: Placement = follow_up.placement
    match = get_match_or_404(placement.match_id or 0, manage=True)
    form = FollowUpDoneForm()
    note = _joined(follow_up.note, form.note.data)
    if not form.validate_on_submit():
        _flash_errors(form)
    elif len(note or "") > FollowUp.note.type.length:
        flash(_("Merknaden er for lang til å lagres sammen med planen. Gjør den kortere."), "error")
    elif follow_up.done_at is None:
        follow_up.done_at = now_utc()
        follow_up.note = note
        audit.record(AuditAction.update, "match", match.id, detail={"follow_up": "done"})
        db.session.commit()
        flash(_("Oppfølgingen er registrert som gjennomført."), "success")
    return redirect(url_for("matches.detail", match_id=match.id), 303)


def _flash_errors(form) -> None:
    """A form posted from the match page goes back there: its errors go as messages."""
    for errors in form.errors.values():
        flash(errors[0], "error")


def _joined(note: str | None, addition: str | None) -> str | None:
    """A stored note with an answer's note on a new line (the column holds both)."""
    return "\n".join(filter(None, ((note or "").strip(), (addition or "").strip()))) or None
