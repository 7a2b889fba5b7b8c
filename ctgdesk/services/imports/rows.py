"""One row of an imported file at a time: a savepoint each, so that every bad row is reported
(with where and why) while the good ones go on; the runner then rolls everything back if
any row failed, so an import lands whole or not at all."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session

from ctgdesk.exchange.readers import Location
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.imports.report import ImportReport


class RowError(Exception):
    """A row is refused: where (down to the cell) and why, in French."""

    def __init__(self, location: Location | None, message: str):
        super().__init__(message)
        self.location = location
        self.message = message


class SkipRow(Exception):
    """A row that cannot go in because a row it depends on was refused (already reported)."""


@contextmanager
def row_savepoint(session: Session, report: ImportReport, location: Location | None, resolver=None) -> Iterator[None]:
    """Run one row in a savepoint; on a RowError or ValidationError, undo the row, forget what it
    reported as created or matched, and report the error instead."""
    marks = {name: len(getattr(report, name)) for name in ("created", "matched", "updated", "refused", "conflicts")}
    snapshot = resolver.snapshot() if resolver is not None else None
    nested = session.begin_nested()
    try:
        yield
        nested.commit()
    except SkipRow:
        nested.rollback()
        for name, length in marks.items():
            del getattr(report, name)[length:]
        if resolver is not None:
            resolver.restore(snapshot)
    except (RowError, ValidationError) as error:
        nested.rollback()
        for name, length in marks.items():
            del getattr(report, name)[length:]
        if resolver is not None:
            resolver.restore(snapshot)
        where = getattr(error, "location", None) or location
        report.add_error(where, error.message)
