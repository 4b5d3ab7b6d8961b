"""Placement history kept outside the match pipeline: placements registered from partners'
own records, closed or corrected later. Placements started through a match belong to the
pipeline (services.matches) and are changed there only."""

from __future__ import annotations

from datetime import date

from employerpool.extensions import db
from employerpool.labels import ABORT_REASON_LABELS
from employerpool.models import Candidate, CandidateEvent, Placement, User, now_utc
from employerpool.models.enums import AuditAction, PlacementOutcome
from employerpool.services import audit
from employerpool.services.candidates import _styrk_for

ABORTED = (PlacementOutcome.aborted, PlacementOutcome.no_show)
EDITABLE = ("end_date", "outcome", "note", "abort_reason")


class PipelinePlacement(Exception):
    """The placement belongs to a match: change it through the match's events."""

    def __init__(self, match_id: int) -> None:
        super().__init__(f"placement belongs to match {match_id}")
        self.match_id = match_id


def check(
    start: date,
    end: date | None,
    outcome: PlacementOutcome,
    abort_reason: str | None = None,
    contract_type: str | None = None,
) -> dict[str, str]:
    """Field errors (Norwegian) for a placement's dates, outcome and outcome details."""
    errors: dict[str, str] = {}
    if end is not None and end < start:
        errors["end_date"] = "Sluttdatoen kan ikke være før oppstart."
    if abort_reason and outcome not in ABORTED:
        errors["abort_reason"] = "Oppgi grunn bare når praksisen er avbrutt (aborted, no_show)."
    elif abort_reason and abort_reason not in ABORT_REASON_LABELS:
        # a code from the list, never free text that may name the candidate (as the web)
        errors["abort_reason"] = "Velg en grunn fra listen: " + ", ".join(ABORT_REASON_LABELS) + "."
    if contract_type and outcome is not PlacementOutcome.hired:
        errors["contract_type"] = "Oppgi kontraktstype bare når kandidaten er ansatt (hired)."
    return errors


def _record(candidate: Candidate, placement: Placement, fields: list[str], actor: User) -> None:
    # The matcher's index refreshes when a candidate changes; placements are part of the profile.
    candidate.updated_at = now_utc()
    candidate.events.append(
        CandidateEvent(
            actor_id=actor.id,
            fields=[f"placement:{f}" for f in fields],
            note=f"placement {placement.id}",
        )
    )
    audit.record(
        AuditAction.create if fields == ["created"] else AuditAction.update,
        "placement",
        placement.id,
        detail={"candidate_id": candidate.id, "fields": fields},
        user=actor,
    )


def register_placement(candidate: Candidate, values: dict, actor: User) -> Placement:
    """Add a placement from a partner's records to `candidate`'s history; the caller validates
    (see `check`) and commits."""
    label = values.get("occupation_label") or values["title"]
    placement = Placement(candidate=candidate, styrk08=_styrk_for(label), **values)
    db.session.add(placement)
    db.session.flush()
    _record(candidate, placement, ["created"], actor)
    return placement


def update_placement(placement: Placement, changes: dict, actor: User) -> list[str]:
    """Apply `changes` (keys from EDITABLE) to a placement outside the pipeline and record them.

    Leaving an aborted outcome clears the abort reason, leaving hired the contract type, as the
    pipeline does. Raises PipelinePlacement for a placement that belongs to a match.
    """
    if placement.match_id is not None:
        raise PipelinePlacement(placement.match_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = sorted(k for k, v in changes.items() if getattr(placement, k) != v)
    for key in changed:
        setattr(placement, key, changes[key])
    if placement.outcome not in ABORTED and placement.abort_reason is not None:
        placement.abort_reason = None
        changed = sorted({*changed, "abort_reason"})
    if placement.outcome is not PlacementOutcome.hired and placement.contract_type is not None:
        placement.contract_type = None
        changed = sorted({*changed, "contract_type"})
    if changed:
        _record(placement.candidate, placement, changed, actor)
    return changed
