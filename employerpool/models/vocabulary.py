"""Controlled vocabularies: skills and occupations (derived from ESCO and STYRK-08)."""

from __future__ import annotations

import unicodedata

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, validates

from employerpool.models.base import Base

# Case folding and NFKC can lengthen a text (ß → ss, ﬃ → ffi): room for a 200-character label.
LABEL_KEY_LENGTH = 600


def label_key(label: str) -> str:
    """The one form labels are compared in: NFKC, case-folded, single spaces.

    Done in Python and stored, so that SQLite and PostgreSQL compare the same text ("Straße"
    and "STRASSE", "ﬁlering" and "filering", "Økonomi" and "økonomi" are one label); their own
    lower() functions disagree with each other and with Python outside ASCII.
    """
    text = " ".join(unicodedata.normalize("NFKC", label).split())
    return unicodedata.normalize("NFKC", text.casefold())[:LABEL_KEY_LENGTH]


class Skill(Base):
    """A competence, as counsellors and employers name it, optionally tied to ESCO."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), unique=True)
    # label_key(label), kept in step by the validator below; unique, so one label is one row.
    label_key: Mapped[str] = mapped_column(String(LABEL_KEY_LENGTH), unique=True, index=True)
    esco_uri: Mapped[str | None] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(40))

    @validates("label")
    def _keep_key(self, _name: str, label: str) -> str:
        self.label_key = label_key(label)
        return label

    def __repr__(self) -> str:
        return f"<Skill {self.label!r}>"


class Occupation(Base):
    """A Norwegian occupation title with its STYRK-08 unit group."""

    __tablename__ = "occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), index=True)
    styrk08: Mapped[str] = mapped_column(String(4), index=True)
    styrk08_label: Mapped[str | None] = mapped_column(String(200))
    esco_uri: Mapped[str | None] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(40))
