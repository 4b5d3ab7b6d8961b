"""Skills by label: one row per label, whoever types it and however many type it at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from employerpool.extensions import db
from employerpool.models import Skill
from employerpool.models.vocabulary import label_key

LABEL_LENGTH = 200


def skills_for(labels: list[str]) -> list[Skill]:
    """The Skill rows for `labels` in order, adding labels the vocabulary does not know yet.

    Labels are compared on their stored normal form (`label_key`), and a label typed twice or
    in another case is one skill. A creator that loses a race with another request re-reads
    the row the other made (a unique key, a savepoint and a second read): no error, no
    duplicate. The caller commits.
    """
    wanted: dict[str, str] = {}
    for raw in labels:
        text = " ".join((raw or "").split())[:LABEL_LENGTH]
        if text:
            wanted.setdefault(label_key(text), text)
    if not wanted:
        return []
    found = {
        skill.label_key: skill
        for skill in db.session.scalars(select(Skill).where(Skill.label_key.in_(list(wanted))))
    }
    for key, text in wanted.items():
        if key not in found:
            found[key] = _create(text, key)
    return [found[key] for key in wanted]


def _create(text: str, key: str) -> Skill:
    try:
        with db.session.begin_nested():
            skill = Skill(label=text)
            db.session.add(skill)
        return skill
    except IntegrityError:
        # Another request created it since our read: use theirs.
        return db.session.scalars(select(Skill).where(Skill.label_key == key)).one()
