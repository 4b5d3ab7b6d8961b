"""Controlled vocabularies: skills and occupations (derived from ESCO and STYRK-08)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from employerpool.models.base import Base


class Skill(Base):
    """A competence, as counsellors and employers name it, optionally tied to ESCO."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), unique=True)
    esco_uri: Mapped[str | None] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(40))

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
