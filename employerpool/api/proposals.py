"""API operations for employer users: the candidates proposed for their own needs."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from employerpool.api import api
from employerpool.api.common import name_of, page_of
from employerpool.api.schemas import (
    NorwegianLevels,
    Page,
    ProposalOut,
    ProposalQuery,
)
from employerpool.extensions import db
from employerpool.models import (
    Match,
    Vacancy,
)
from employerpool.models.enums import (
    Role,
)
from employerpool.services import proposals


def proposal_out(match: Match) -> ProposalOut:
    view = proposals.build_view(match)
    return ProposalOut(
        match_id=view.match_id,
        vacancy_id=view.vacancy_id,
        vacancy_title=view.vacancy_title,
        display_name=view.display_name,
        identified=view.identified,
        email=view.email,
        phone=view.phone,
        norwegian=NorwegianLevels(
            oral=name_of(view.norwegian_oral), written=name_of(view.norwegian_written)
        ),
        norwegian_tested=view.norwegian_tested,
        skills=view.skills,
        experience=view.experience,
        available_from=view.available_from,
        max_hours_per_week=view.max_hours_per_week,
        driving_licences=view.driving_licences,
        reasons=view.reasons,
        outcome=name_of(view.outcome),
        counsellor_name=view.counsellor_name,
        counsellor_email=view.counsellor_email,
    )


@api.operation(
    "GET",
    "/proposals",
    summary="Kandidater foreslått for egne behov (arbeidsgiver)",
    tag="matches",
    query=ProposalQuery,
    response=Page[ProposalOut],
    description="Bare det kandidaten har samtykket til å dele; navn og kontaktinfo bare med "
    "samtykke til identitet. Hver lesing logges.",
    roles=(Role.employer,),
)
def list_proposals(query: ProposalQuery):
    stmt = (
        select(Match)
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        .where(proposals.visible_condition(current_user.employer_id))
        .order_by(Match.updated_at.desc(), Match.id.desc())
    )
    if query.vacancy_id is not None:
        stmt = stmt.where(Match.vacancy_id == query.vacancy_id)

    def seen(match: Match) -> ProposalOut:
        proposals.record_view(match)  # an employer's read of a candidate is audited
        return proposal_out(match)

    page = page_of(stmt, query, seen, ProposalOut)
    db.session.commit()
    return page
