"""Meetings aggregate: instances, meetings, attendance, decisions, alerts to the COPIL, expertise."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctgdesk.models.base import Base, Tracked, enum_column_type
from ctgdesk.models.enums import (
    AttendanceStatus,
    DecisionStatus,
    InstanceKind,
    MeetingStatus,
)
from ctgdesk.models.staff import Coordinator, Person
from ctgdesk.models.territory import Convention, Organisation

if TYPE_CHECKING:
    from ctgdesk.models.plan import FicheAction

meeting_communes = Table(
    "meeting_commune",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Instance(Tracked, Base):
    """A standing body of the CTG governance (COPIL, COTECH, groupe thématique…)."""

    __tablename__ = "instance"
    __table_args__ = (CheckConstraint("min_per_year >= 0", name="min_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[Optional[int]] = mapped_column(ForeignKey("convention.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[InstanceKind] = mapped_column(enum_column_type(InstanceKind), index=True)
    theme: Mapped[str] = mapped_column(String(200), default="")
    min_per_year: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")

    convention: Mapped[Optional[Convention]] = relationship()
    members: Mapped[list["InstanceMember"]] = relationship(
        back_populates="instance", cascade="all, delete-orphan"
    )


class InstanceMember(Tracked, Base):
    """A usual member of an instance: a person, or an organisation as such."""

    __tablename__ = "instance_member"
    __table_args__ = (
        CheckConstraint(
            "person_id IS NOT NULL OR organisation_id IS NOT NULL", name="member_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))

    instance: Mapped[Instance] = relationship(back_populates="members")
    person: Mapped[Optional[Person]] = relationship()
    organisation: Mapped[Optional[Organisation]] = relationship()


class Meeting(Tracked, Base):
    __tablename__ = "meeting"
    __table_args__ = (
        # Lists, dashboard and bilan filter a period by status or by instance: these two let
        # SQLite seek the period instead of reading every meeting of a status or an instance
        # (a lone index on status made it scan 90 % of the table).
        Index("ix_meeting_status_starts_at", "status", "starts_at"),
        Index("ix_meeting_instance_id_starts_at", "instance_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    animator_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column_type(MeetingStatus), default=MeetingStatus.PLANNED
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    diagnostic_partage: Mapped[bool] = mapped_column(Boolean, default=False)

    instance: Mapped[Instance] = relationship()
    animator: Mapped[Optional[Coordinator]] = relationship()
    communes: Mapped[list[Organisation]] = relationship(secondary=meeting_communes)
    attendances: Mapped[list["Attendance"]] = relationship(  # in the order recorded, whatever index SQLite reads
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.id"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.id"
    )
    alerts: Mapped[list["Alert"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Alert.id"
    )
    expertises: Mapped[list["Expertise"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Expertise.id"
    )


class Attendance(Tracked, Base):
    __tablename__ = "attendance"
    __table_args__ = (
        CheckConstraint(
            "person_id IS NOT NULL OR organisation_id IS NOT NULL", name="attendee_named"
        ),
        # Counts of those present per meeting read the index alone.
        Index("ix_attendance_meeting_id_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column_type(AttendanceStatus), default=AttendanceStatus.PRESENT
    )

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    person: Mapped[Optional[Person]] = relationship()
    organisation: Mapped[Optional[Organisation]] = relationship()


class Decision(Tracked, Base):
    """An entry of the relevé de décisions."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    carried_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    carried_by_organisation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    due_date: Mapped[Optional[date]] = mapped_column(Date)
    status: Mapped[DecisionStatus] = mapped_column(
        enum_column_type(DecisionStatus), default=DecisionStatus.OPEN, index=True
    )
    fiche_id: Mapped[Optional[int]] = mapped_column(ForeignKey("fiche_action.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    carried_by: Mapped[Optional[Person]] = relationship()
    carried_by_organisation: Mapped[Optional[Organisation]] = relationship()
    fiche: Mapped[Optional["FicheAction"]] = relationship()


class Alert(Tracked, Base):
    """An alert to the COPIL: a blocked or unrealised priority action."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    fiche_id: Mapped[Optional[int]] = mapped_column(ForeignKey("fiche_action.id", ondelete="SET NULL"), index=True)
    raised_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("coordinator.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    resolved_on: Mapped[Optional[date]] = mapped_column(Date)
    resolution: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Optional[Meeting]] = relationship(back_populates="alerts")
    fiche: Mapped[Optional["FicheAction"]] = relationship()
    raised_by: Mapped[Optional[Coordinator]] = relationship()

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Expertise(Tracked, Base):
    """Expertise brought into a meeting: who, on what."""

    __tablename__ = "expertise"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    organisation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    expert_label: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="expertises")
    expert: Mapped[Optional[Person]] = relationship()
    organisation: Mapped[Optional[Organisation]] = relationship()
