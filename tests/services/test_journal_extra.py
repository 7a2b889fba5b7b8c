"""entry_id_for_uid survives a delete / restore."""

from __future__ import annotations

from datetime import date

from ctgdesk.db import open_database
from ctgdesk.models import JournalKind
from ctgdesk.services import journal, referential


def test_entry_uid_lookup_across_undo(tmp_path):
    db = open_database(tmp_path / "j.sqlite")
    try:
        with db.transaction() as s:
            referential.ensure_referential(s)
            entry = journal.save_entry(s, journal.JournalInput(date(2026, 2, 3), JournalKind.RELAIS_CAF, "Relais AAP"))
            uid = entry.uid
            assert entry.function_code == "3.1"
            snapshot = journal.delete_entry(s, entry.id)
            assert journal.entry_id_for_uid(s, uid) is None
            back = journal.save_entry(s, snapshot)
            assert journal.entry_id_for_uid(s, uid) == back.id
    finally:
        db.dispose()
