"""Staff aggregate: people, chargé·e·s de coopération and the ETP each commune or structure has."""

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctgdesk.models.base import Base, Tracked, enum_column_type
from ctgdesk.models.enums import EtpStatus
from ctgdesk.models.territory import Organisation

ETP = Numeric(6, 3, asdecimal=True)


class Person(Tracked, Base):
    """Anyone named in the records: partner, elected official, participant, coordinator."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    organisation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[Optional[str]] = mapped_column(String(200))
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    is_elected: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Optional[Organisation]] = relationship()
    coordinator: Mapped[Optional["Coordinator"]] = relationship(back_populates="person")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Coordinator(Tracked, Base):
    """A person who is a chargé·e de coopération territoriale CTG."""

    __tablename__ = "coordinator"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    employer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    cadre_emploi: Mapped[str] = mapped_column(String(200), default="")
    is_project_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[Optional[date]] = mapped_column(Date)
    end_date: Mapped[Optional[date]] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="coordinator")
    employer: Mapped[Optional[Organisation]] = relationship()
    shares: Mapped[list["EtpShare"]] = relationship(back_populates="coordinator")

    @property
    def name(self) -> str:
        return self.person.full_name


class EtpAllocation(Tracked, Base):
    """The ETP of coordination a commune or structure has for a year, shared by coordinators."""

    __tablename__ = "etp_allocation"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year"),
        CheckConstraint("etp IS NULL OR etp >= 0", name="etp_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    etp: Mapped[Optional[Decimal]] = mapped_column(ETP)
    status: Mapped[EtpStatus] = mapped_column(enum_column_type(EtpStatus), default=EtpStatus.FIXED)
    people_count: Mapped[Optional[int]] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    shares: Mapped[list["EtpShare"]] = relationship(
        back_populates="allocation", cascade="all, delete-orphan"
    )


class EtpShare(Tracked, Base):
    """A coordinator's part of an allocation; the ETP split per person is optional."""

    __tablename__ = "etp_share"
    __table_args__ = (
        UniqueConstraint("allocation_id", "coordinator_id"),
        CheckConstraint("etp IS NULL OR etp >= 0", name="share_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("etp_allocation.id", ondelete="CASCADE"), index=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinator.id", ondelete="CASCADE"), index=True)
    etp: Mapped[Optional[Decimal]] = mapped_column(ETP)

    allocation: Mapped[EtpAllocation] = relationship(back_populates="shares")
    coordinator: Mapped[Coordinator] = relationship(back_populates="shares")
