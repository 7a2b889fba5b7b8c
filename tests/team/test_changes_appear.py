"""Others' saves reach every window of a team base (LISTEN/NOTIFY), only once committed."""

from __future__ import annotations

import queue

import pytest

from ctgdesk.db import open_database
from ctgdesk.db.team import ChangeListener, init_team_base
from ctgdesk.services import people


def test_a_commit_is_announced_and_a_rollback_is_not(pg_url):
    database = open_database(pg_url, migrate=False)
    init_team_base(database.engine)
    received: queue.Queue = queue.Queue()
    listener = ChangeListener(pg_url, lambda actor, tables: received.put((actor, tables))).start()
    try:
        assert listener.listening.wait(10)
        with pytest.raises(RuntimeError):
            with database.transaction() as session:
                people.create_person(session, first_name="Jamais", last_name="Enregistrée")
                raise RuntimeError("rolled back")
        with database.transaction() as session:
            session.info["actor"] = "claire.dumont"
            people.create_person(session, first_name="Claire", last_name="Dumont")
        actor, tables = received.get(timeout=10)
        assert (actor, tables) == ("claire.dumont", ["person"])
        assert received.empty()
    finally:
        listener.stop()
        database.dispose()
