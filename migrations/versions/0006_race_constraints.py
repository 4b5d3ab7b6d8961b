"""Constraints that referee races: one placement per match

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _detach_extra_placements(conn) -> None:
    """Before a match may have only one placement: keep the first of each match's placements
    in the pipeline, and keep the others as history outside it (match_id cleared)."""
    placement = sa.table("placement", sa.column("id"), sa.column("match_id"))
    keep = (
        sa.select(sa.func.min(placement.c.id))
        .where(placement.c.match_id.is_not(None))
        .group_by(placement.c.match_id)
        .scalar_subquery()
    )
    conn.execute(
        placement.update()
        .where(placement.c.match_id.is_not(None), placement.c.id.not_in(keep))
        .values(match_id=None)
    )


def upgrade():
    _detach_extra_placements(op.get_bind())
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_placement_match_id"), ["match_id"])


def downgrade():
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_placement_match_id"), type_="unique")
