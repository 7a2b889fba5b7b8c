"""The history of changes is personal data too: exported with the person, scrubbed when she is
anonymised or erased (both engines)."""

from __future__ import annotations

from sqlalchemy import select

from ctgdesk.models import AuditEntry
from ctgdesk.services import people, rgpd


def _all_audit_text(session) -> str:
    return " ".join(f"{e.actor} {e.changes or ''}" for e in session.scalars(select(AuditEntry)))


def test_anonymising_removes_the_name_from_the_history(db):
    with db.transaction() as session:
        person = people.create_person(session, first_name="Claire", last_name="Dumont", email="claire@carvin.fr")
        person_id = person.id
    with db.transaction() as session:
        people.update_person(session, person_id, last_name="Dumont-Martin", phone="0321000000")
    with db.transaction() as session:
        exported = rgpd.export_person(session, person_id)
        assert [line["action"] for line in exported["historique"]] == ["modification", "création"]
        assert exported["historique"][0]["changements"]["last_name"] == ["Dumont", "Dumont-Martin"]
        assert "Dumont" in _all_audit_text(session)
    with db.transaction() as session:
        session.info["actor"] = "Claire Dumont-Martin"  # she anonymises herself: her login name goes too
        rgpd.anonymise_person(session, person_id)
    with db.transaction() as session:
        text = _all_audit_text(session)
        assert "Dumont" not in text and "claire@carvin.fr" not in text and "0321000000" not in text
        assert rgpd.export_person(session, person_id)["historique"] == []


def test_erasing_removes_the_persons_history(db):
    with db.transaction() as session:
        person_id = people.create_person(session, first_name="Jean", last_name="Effacé").id
    with db.transaction() as session:
        rgpd.erase_person(session, person_id)
    with db.transaction() as session:
        assert "Effacé" not in _all_audit_text(session)
