"""The national referential of the post, as data: version → objectives → functions → indicators."""

import json

from typing import Optional

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctgdesk.models.base import Base, Tracked, enum_column_type
from ctgdesk.models.enums import RefIndicatorKind


class ReferentialVersion(Base):
    __tablename__ = "referential_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text, default="")

    objectives: Mapped[list["RefObjective"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="RefObjective.number"
    )


class RefObjective(Base):
    __tablename__ = "ref_objective"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("referential_version.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    version: Mapped[ReferentialVersion] = relationship(back_populates="objectives")
    functions: Mapped[list["RefFunction"]] = relationship(
        back_populates="objective", cascade="all, delete-orphan", order_by="RefFunction.code"
    )


class RefFunction(Base):
    __tablename__ = "ref_function"
    __table_args__ = (UniqueConstraint("objective_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("ref_objective.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(Text)
    actions: Mapped[str] = mapped_column(Text, default="")

    objective: Mapped[RefObjective] = relationship(back_populates="functions")
    indicators: Mapped[list["RefIndicator"]] = relationship(
        back_populates="function", cascade="all, delete-orphan", order_by="RefIndicator.position"
    )


class RefIndicator(Base):
    """An indicateur de suivi or d'évaluation, verbatim, with how it is counted."""

    __tablename__ = "ref_indicator"
    __table_args__ = (UniqueConstraint("function_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("ref_function.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[RefIndicatorKind] = mapped_column(enum_column_type(RefIndicatorKind))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    computation: Mapped[str] = mapped_column(Text, default="{\"source\": \"manual\"}")
    counted: Mapped[str] = mapped_column(Text, default="")

    function: Mapped[RefFunction] = relationship(back_populates="indicators")

    @property
    def spec(self) -> dict:
        """How the indicator is counted, as written in the referential data file."""
        return json.loads(self.computation)

    @property
    def is_manual(self) -> bool:
        return self.spec.get("source") == "manual"


class IndicatorEntry(Tracked, Base):
    """What the coordinator enters for an indicator, a year and a scope: a value where the
    referential asks for an appreciation, a nature, and a comment on any indicator."""

    __tablename__ = "indicator_entry"
    __table_args__ = (UniqueConstraint("indicator_code", "year", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(60), default="territoire")
    value: Mapped[Optional[int]] = mapped_column(Integer)
    nature: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
