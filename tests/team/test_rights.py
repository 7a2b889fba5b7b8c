"""Rights enforced by the server: a coordinator connecting with SQL cannot change another's journal."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from ctgdesk.db.team import TeamError, add_user, members
from ctgdesk.models import Coordinator, JournalEntry, Meeting



def _two_coordinators_with_entries(database):
    with database.transaction() as session:
        found = []
        for coordinator in session.scalars(select(Coordinator).order_by(Coordinator.id)):
            entry = session.scalars(select(JournalEntry.id).where(JournalEntry.coordinator_id == coordinator.id)).first()
            if entry is not None:
                found.append((coordinator.person_id, entry))
        assert len(found) >= 2, "the demo has journal entries for two coordinators"
        return found[0], found[1]


def _connect(pg_server, database, login):
    return psycopg.connect(host="127.0.0.1", port=pg_server.port, user=login,
                           dbname=database.engine.url.database, autocommit=True)


def test_a_coordinator_cannot_update_another_coordinators_journal_through_sql(team_base, pg_server):
    (claire_person, claire_entry), (other_person, other_entry) = _two_coordinators_with_entries(team_base)
    add_user(team_base.engine, "claire.dumont", claire_person, "charge", "secret")
    assert members(team_base.engine) == [("claire.dumont", claire_person, "charge")]

    with _connect(pg_server, team_base, "claire.dumont") as claire:
        others = claire.execute("UPDATE journal_entry SET nature = 'piraté' WHERE id = %s", (other_entry,))
        assert others.rowcount == 0
        mine = claire.execute("UPDATE journal_entry SET nature = 'corrigé par Claire' WHERE id = %s", (claire_entry,))
        assert mine.rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor put an entry in another's name
            claire.execute("UPDATE journal_entry SET coordinator_id = (SELECT id FROM coordinator WHERE person_id = %s) "
                           "WHERE id = %s", (other_person, claire_entry))
        assert claire.execute("SELECT count(*) FROM journal_entry").fetchone()[0] > 2  # she reads everything
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            claire.execute("UPDATE alembic_version SET version_num = '9999'")

    with team_base.transaction() as session:
        assert session.get(JournalEntry, other_entry).nature != "piraté"
        assert session.get(JournalEntry, claire_entry).nature == "corrigé par Claire"


def test_a_coordinator_changes_only_the_meetings_she_animates(team_base, pg_server):
    with team_base.transaction() as session:
        meetings = session.execute(select(Meeting.id, Meeting.animator_id).where(Meeting.animator_id.is_not(None))).all()
    animator = meetings[0].animator_id
    hers = [m.id for m in meetings if m.animator_id == animator]
    others = [m.id for m in meetings if m.animator_id != animator]
    assert hers and others
    add_user(team_base.engine, "anim", animator, "charge", None)
    with _connect(pg_server, team_base, "anim") as her:
        assert her.execute("UPDATE meeting SET place = 'Mairie' WHERE id = %s", (hers[0],)).rowcount == 1
        assert her.execute("UPDATE meeting SET place = 'Mairie' WHERE id = %s", (others[0],)).rowcount == 0
        assert her.execute("DELETE FROM decision WHERE meeting_id = %s", (others[0],)).rowcount == 0


def test_a_reader_reads_and_changes_nothing(team_base, pg_server):
    add_user(team_base.engine, "conseillere.caf", None, "lecture", None)
    with _connect(pg_server, team_base, "conseillere.caf") as reader:
        assert reader.execute("SELECT count(*) FROM meeting").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("UPDATE meeting SET place = 'x'")


def test_bad_logins_and_roles_are_refused_in_french(team_base):
    with pytest.raises(TeamError, match="Identifiant « Claire Dumont » refusé"):
        add_user(team_base.engine, "Claire Dumont", None, "charge", None)
    with pytest.raises(TeamError, match="Rôle inconnu"):
        add_user(team_base.engine, "claire", None, "admin", None)
