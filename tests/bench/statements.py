"""The SQL statements an action sends, for the query-plan tests."""

from __future__ import annotations

from sqlalchemy import event


def statements_of(session, action) -> list[tuple[str, object]]:
    """(statement, parameters) of every statement `action()` sends through the session's engine."""
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return sent
