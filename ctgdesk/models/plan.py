"""Plan d'action aggregate: enjeux → objectifs → fiches actions, their indicators and suivi."""

from datetime import date
from decimal import Decimal
from typing import Iterable, Optional

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctgdesk.models.base import Base, Tracked, enum_column_type
from ctgdesk.models.enums import FicheIndicatorKind, FicheStatus
from ctgdesk.models.staff import Coordinator, Person
from ctgdesk.models.territory import Convention, Organisation

MONEY = Numeric(14, 2, asdecimal=True)
VALUE = Numeric(14, 3, asdecimal=True)

fiche_partners = Table(
    "fiche_partner",
    Base.metadata,
    Column("fiche_id", ForeignKey("fiche_action.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)

fiche_communes = Table(
    "fiche_commune",
    Base.metadata,
    Column("fiche_id", ForeignKey("fiche_action.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


def fiche_is_late(status: FicheStatus, end_date: date | None, steps: Iterable[tuple[date | None, bool]],
                  today: date) -> bool:
    """The rule of FicheAction.is_late, on plain values (steps: (end date, done)) for the lists
    that read columns rather than objects."""
    if status in (FicheStatus.DONE, FicheStatus.DROPPED):
        return False
    if end_date is not None and end_date < today:
        return True
    return any(end is not None and end < today and not done for end, done in steps)


class Enjeu(Tracked, Base):
    """An enjeu (axe) of the convention."""

    __tablename__ = "enjeu"

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    convention: Mapped[Convention] = relationship(back_populates="enjeux")
    objectifs: Mapped[list["Objectif"]] = relationship(
        back_populates="enjeu", cascade="all, delete-orphan", order_by="Objectif.position"
    )


class Objectif(Tracked, Base):
    __tablename__ = "objectif"

    id: Mapped[int] = mapped_column(primary_key=True)
    enjeu_id: Mapped[int] = mapped_column(ForeignKey("enjeu.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    enjeu: Mapped[Enjeu] = relationship(back_populates="objectifs")
    fiches: Mapped[list["FicheAction"]] = relationship(
        back_populates="objectif", cascade="all, delete-orphan", order_by="FicheAction.number"
    )


class FicheAction(Tracked, Base):
    __tablename__ = "fiche_action"
    __table_args__ = (
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objectif_id: Mapped[int] = mapped_column(ForeignKey("objectif.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    thematiques: Mapped[str] = mapped_column(String(500), default="")
    pilot_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    referent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    elected_referent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    public: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[Optional[date]] = mapped_column(Date)
    end_date: Mapped[Optional[date]] = mapped_column(Date)
    means: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[Optional[Decimal]] = mapped_column(MONEY)
    status: Mapped[FicheStatus] = mapped_column(
        enum_column_type(FicheStatus), default=FicheStatus.TO_COME, index=True
    )
    blocking: Mapped[str] = mapped_column(Text, default="")

    objectif: Mapped[Objectif] = relationship(back_populates="fiches")
    pilot: Mapped[Optional[Organisation]] = relationship()
    referent: Mapped[Optional[Person]] = relationship(foreign_keys=[referent_id])
    elected_referent: Mapped[Optional[Person]] = relationship(foreign_keys=[elected_referent_id])
    partners: Mapped[list[Organisation]] = relationship(secondary=fiche_partners)
    communes: Mapped[list[Organisation]] = relationship(secondary=fiche_communes)
    fundings: Mapped[list["Funding"]] = relationship(back_populates="fiche", cascade="all, delete-orphan")
    steps: Mapped[list["FicheStep"]] = relationship(
        back_populates="fiche", cascade="all, delete-orphan", order_by="FicheStep.position"
    )
    indicators: Mapped[list["FicheIndicator"]] = relationship(
        back_populates="fiche", cascade="all, delete-orphan", order_by="FicheIndicator.id"
    )
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="fiche", cascade="all, delete-orphan", order_by="FollowUp.date"
    )

    @property
    def tags(self) -> list[str]:
        return [t.strip() for t in self.thematiques.split(",") if t.strip()]

    def is_late(self, today: date) -> bool:
        """"En retard": past its end date, or with an unfinished step past its end, while still open."""
        return fiche_is_late(self.status, self.end_date, ((s.end_date, s.done) for s in self.steps), today)

    @property
    def progress(self) -> int:
        """Latest avancement recorded in the suivi, in percent."""
        return self.follow_ups[-1].progress if self.follow_ups else 0


class Funding(Tracked, Base):
    """A financeur of a fiche and the amount it brings."""

    __tablename__ = "funding"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id", ondelete="CASCADE"), index=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(MONEY)

    fiche: Mapped[FicheAction] = relationship(back_populates="fundings")
    funder: Mapped[Organisation] = relationship()


class FicheStep(Tracked, Base):
    """An étape of a fiche, with its own dates."""

    __tablename__ = "fiche_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    start_date: Mapped[Optional[date]] = mapped_column(Date)
    end_date: Mapped[Optional[date]] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    fiche: Mapped[FicheAction] = relationship(back_populates="steps")


class FicheIndicator(Tracked, Base):
    __tablename__ = "fiche_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[FicheIndicatorKind] = mapped_column(
        enum_column_type(FicheIndicatorKind), default=FicheIndicatorKind.RESULT
    )
    unit: Mapped[str] = mapped_column(String(50), default="")
    reference_value: Mapped[Optional[Decimal]] = mapped_column(VALUE)
    target_value: Mapped[Optional[Decimal]] = mapped_column(VALUE)
    source: Mapped[str] = mapped_column(String(300), default="")

    fiche: Mapped[FicheAction] = relationship(back_populates="indicators")
    values: Mapped[list["FicheIndicatorValue"]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="FicheIndicatorValue.year"
    )

    def actual(self, year: int) -> Optional[Decimal]:
        return next((v.value for v in self.values if v.year == year), None)


class FicheIndicatorValue(Tracked, Base):
    """The réalisé of a fiche indicator for one year."""

    __tablename__ = "fiche_indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("fiche_indicator.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(VALUE)

    indicator: Mapped[FicheIndicator] = relationship(back_populates="values")


class FollowUp(Tracked, Base):
    """A dated suivi entry: avancement and comment."""

    __tablename__ = "follow_up"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("coordinator.id", ondelete="SET NULL"))

    fiche: Mapped[FicheAction] = relationship(back_populates="follow_ups")
    author: Mapped[Optional[Coordinator]] = relationship()
