"""Partners: the NAV offices, districts, IMDi and Oslo VO that share the pool."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from employerpool.models.base import Base, enum_column
from employerpool.models.enums import District, PartnerKind


class Partner(Base):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind))
    district: Mapped[District | None] = mapped_column(enum_column(District))

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.name}>"
