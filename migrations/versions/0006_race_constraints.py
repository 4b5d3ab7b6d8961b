"""Constraints that referee races: one placement per match, one skill per label (a stored
normal form, label_key)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:50:00.000000

"""
from alembic import op
import unicodedata

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


def _label_key(label: str) -> str:
    """models.vocabulary.label_key as of this revision (NFKC, case-folded, single spaces)."""
    text = " ".join(unicodedata.normalize("NFKC", label).split())
    return unicodedata.normalize("NFKC", text.casefold())[:600]


# Tables that link to a skill: (table, owner column).
SKILL_LINKS = (
    ("candidate_skill", "candidate_id"),
    ("vacancy_skill", "vacancy_id"),
    ("competence_need_skill", "competence_need_id"),
)


def _fill_label_keys(conn) -> None:
    """Store each skill's normal form; skills that share one become the oldest of them, with
    their links moved to it (a link it already has is dropped)."""
    skill = sa.table("skill", sa.column("id"), sa.column("label"), sa.column("label_key"))
    keep: dict[str, int] = {}
    merged: dict[int, int] = {}
    for skill_id, label in conn.execute(sa.select(skill.c.id, skill.c.label).order_by(skill.c.id)):
        key = _label_key(label)
        if key in keep:
            merged[skill_id] = keep[key]
        else:
            keep[key] = skill_id
            conn.execute(skill.update().where(skill.c.id == skill_id).values(label_key=key))
    for name, owner in SKILL_LINKS:
        link = sa.table(name, sa.column(owner), sa.column("skill_id"))
        for old, new in merged.items():
            owners = conn.execute(sa.select(link.c[owner]).where(link.c.skill_id == old)).scalars()
            for owner_id in list(owners):
                has = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(link)
                    .where(link.c[owner] == owner_id, link.c.skill_id == new)
                ).scalar()
                row = sa.and_(link.c[owner] == owner_id, link.c.skill_id == old)
                if has:
                    conn.execute(link.delete().where(row))
                else:
                    conn.execute(link.update().where(row).values(skill_id=new))
    if merged:
        conn.execute(skill.delete().where(skill.c.id.in_(list(merged))))


def upgrade():
    # Unique indexes rather than constraints: SQLite adds an index without rebuilding the
    # table (a rebuild would drop a table other tables' foreign keys point at).
    conn = op.get_bind()
    _detach_extra_placements(conn)
    op.create_index("ix_placement_match_id", "placement", ["match_id"], unique=True)

    op.add_column(
        "skill", sa.Column("label_key", sa.String(length=600), nullable=False, server_default="")
    )
    _fill_label_keys(conn)
    if conn.dialect.name != "sqlite":  # SQLite cannot drop a default without a rebuild
        op.alter_column("skill", "label_key", server_default=None)
    op.create_index("ix_skill_label_key", "skill", ["label_key"], unique=True)


def downgrade():
    op.drop_index("ix_skill_label_key", table_name="skill")
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.drop_column("label_key")
    op.drop_index("ix_placement_match_id", table_name="placement")
