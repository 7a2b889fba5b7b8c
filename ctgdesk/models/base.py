"""Declarative base shared by every aggregate: naming convention, enum mapping, mixins."""

import enum
import uuid
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_uid() -> str:
    return str(uuid.uuid4())


def enum_column_type(enum_cls: type[enum.Enum]) -> Enum:
    """Store enums by their value, as portable VARCHAR (no native enum, no CHECK)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table(model: type[Base]) -> Table:
    """A model's table, for statements that name its columns (`table(Meeting).c.starts_at`).

    A statement naming ORM attributes (`Meeting.starts_at`) makes SQLAlchemy configure every
    mapper before it runs: the 70-odd relationships, about 75 ms on the first statement of a
    process. What runs at start-up — the referential check, the dashboard — names table
    columns instead: the same columns, types and values, and no mapper is configured until a
    page needs one (tests/bench/test_start_without_mappers.py).
    """
    return model.__table__  # type: ignore[return-value]  # a Table for every model here


class Tracked:
    """A stable identifier across databases (packages, workbook round trips), a change date, and
    a version for optimistic locking: every ORM update says `WHERE row_version = <the one read>`
    and bumps it, so a save over somebody else's change (a team base) fails instead of
    silently overwriting it (SQLAlchemy raises StaleDataError; services turn it into a message)."""

    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.row_version}
