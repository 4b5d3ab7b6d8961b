"""Partners: the NAV offices, districts, IMDi and Oslo VO that share the pool."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, enum_column
from employerpool.models.enums import District, PartnerKind, Programme


class Partner(Base):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind))
    district: Mapped[District | None] = mapped_column(enum_column(District))
    # A deactivated partner keeps its history but gets no new users or candidates.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # False: the partner's staff sign in through single sign-on (OpenID Connect) only.
    password_login: Mapped[bool] = mapped_column(default=True, server_default=true())

    programme_rows: Mapped[list[PartnerProgramme]] = relationship(
        cascade="all, delete-orphan", order_by="PartnerProgramme.programme"
    )

    @property
    def programmes(self) -> list[Programme]:
        """The programmes the partner runs (KVP, Intro, ...)."""
        return [row.programme for row in self.programme_rows]

    @programmes.setter
    def programmes(self, values) -> None:
        wanted = list(dict.fromkeys(values))
        self.programme_rows = [r for r in self.programme_rows if r.programme in wanted]
        have = {r.programme for r in self.programme_rows}
        self.programme_rows.extend(PartnerProgramme(programme=p) for p in wanted if p not in have)

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.name}>"


class PartnerProgramme(Base):
    """A programme a partner runs."""

    __tablename__ = "partner_programme"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), primary_key=True)
    programme: Mapped[Programme] = mapped_column(enum_column(Programme), primary_key=True)
