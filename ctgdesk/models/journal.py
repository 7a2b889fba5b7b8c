"""Journal d'activité: dated work that is not a meeting, tagged with a referential function."""

from datetime import date
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctgdesk.models.base import Base, Tracked, enum_column_type
from ctgdesk.models.enums import JournalKind
from ctgdesk.models.staff import Coordinator
from ctgdesk.models.territory import Organisation

journal_partners = Table(
    "journal_partner",
    Base.metadata,
    Column("entry_id", ForeignKey("journal_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True),
)

journal_communes = Table(
    "journal_commune",
    Base.metadata,
    Column("entry_id", ForeignKey("journal_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class JournalEntry(Tracked, Base):
    __tablename__ = "journal_entry"
    __table_args__ = (
        CheckConstraint("duration_minutes IS NULL OR duration_minutes >= 0", name="duration_not_negative"),
        # The bilan counts entries of some kinds in a period: seek (kind, date), not every entry of a kind.
        Index("ix_journal_entry_kind_date", "kind", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    coordinator_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("coordinator.id", ondelete="SET NULL"), index=True
    )
    function_code: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[JournalKind] = mapped_column(enum_column_type(JournalKind))
    nature: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[Optional[int]] = mapped_column(Integer)

    coordinator: Mapped[Optional[Coordinator]] = relationship()
    partners: Mapped[list[Organisation]] = relationship(secondary=journal_partners)
    communes: Mapped[list[Organisation]] = relationship(secondary=journal_communes)
