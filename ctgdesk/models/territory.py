"""Territory aggregate: conventions, their signatories, communes and structures."""

from datetime import date
from typing import TYPE_CHECKING, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctgdesk.models.base import Base, Tracked, enum_column_type
from ctgdesk.models.enums import OrganisationKind

if TYPE_CHECKING:
    from ctgdesk.models.plan import Enjeu

convention_perimeter = Table(
    "convention_perimeter",
    Base.metadata,
    Column("convention_id", ForeignKey("convention.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Convention(Tracked, Base):
    __tablename__ = "convention"
    __table_args__ = (
        CheckConstraint("last_year >= first_year", name="years_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str] = mapped_column(String(200))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    signed_on: Mapped[Optional[date]] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    signatories: Mapped[list["Signatory"]] = relationship(
        back_populates="convention", cascade="all, delete-orphan", order_by="Signatory.position"
    )
    perimeter: Mapped[list["Organisation"]] = relationship(secondary=convention_perimeter)
    enjeux: Mapped[list["Enjeu"]] = relationship(
        back_populates="convention", cascade="all, delete-orphan", order_by="Enjeu.position"
    )

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class Organisation(Tracked, Base):
    """A commune, a structure (EPCI, SIVOM…) or a partner institution."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column_type(OrganisationKind))
    insee_code: Mapped[Optional[str]] = mapped_column(String(5), unique=True)
    population: Mapped[Optional[int]] = mapped_column(Integer)
    parent_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    deliberation_date: Mapped[Optional[date]] = mapped_column(Date)
    engagement_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    engagement_date: Mapped[Optional[date]] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[Optional["Organisation"]] = relationship(remote_side=[id])

    @property
    def is_commune(self) -> bool:
        return self.kind is OrganisationKind.COMMUNE


class Signatory(Tracked, Base):
    """A party that signs a convention, with the logo every common support must show."""

    __tablename__ = "signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    representative: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    logo: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    logo_filename: Mapped[Optional[str]] = mapped_column(String(255))

    convention: Mapped[Convention] = relationship(back_populates="signatories")
    organisation: Mapped[Organisation] = relationship()
