"""Migration 0006 merges what its new unique keys forbid instead of failing on old data."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import select, text

from employerpool import create_app
from employerpool.extensions import db
from employerpool.models import Candidate, Partner, Skill, candidate_skill
from employerpool.models.enums import Innsatsgruppe, PartnerKind, Programme
from tests.integration.test_migrations import _empty_database


def test_upgrade_merges_skills_that_share_a_normal_form(tmp_path):
    url, cleanup = _empty_database(tmp_path)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0005")
            with db.engine.begin() as conn:
                # Core inserts from the models fill the columns' defaults.
                conn.execute(
                    Partner.__table__.insert().values(id=1, name="P", kind=PartnerKind.nav)
                )
                conn.execute(
                    Candidate.__table__.insert().values(
                        id=1,
                        first_name="A",
                        last_name="B",
                        birth_year=1990,
                        partner_id=1,
                        programme=Programme.KVP,
                        innsatsgruppe=Innsatsgruppe.standard,
                    )
                )
                skill = Skill.__table__
                for skill_id, label in ((1, "Økonomi"), (2, "ØKONOMI"), (3, "økonomi ")):
                    conn.execute(
                        text("INSERT INTO skill (id, label) VALUES (:id, :label)"),
                        {"id": skill_id, "label": label},
                    )
                conn.execute(
                    candidate_skill.insert(),
                    [{"candidate_id": 1, "skill_id": 2}, {"candidate_id": 1, "skill_id": 3}],
                )
            upgrade(revision="0006")
            with db.engine.connect() as conn:
                assert conn.execute(select(skill.c.id, skill.c.label_key)).all() == [(1, "økonomi")]
                assert conn.execute(select(candidate_skill)).all() == [(1, 1)]
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
