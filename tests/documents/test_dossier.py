"""The dossier de séance of the demo's last COPIL: what changed since the previous COPIL, checked
against the records themselves."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from ctgdesk.exchange.meeting_files import write_document
from ctgdesk.models import Alert, Decision, DecisionStatus, FicheAction, FollowUp, Instance, InstanceKind, Meeting
from ctgdesk.models import MeetingStatus
from ctgdesk.models.plan import FicheIndicatorValue
from ctgdesk.services import plan
from ctgdesk.services.meeting_documents import dossier_copil
from tests.documents.helpers import read_back, section


def _copils(session) -> list[Meeting]:
    return list(session.scalars(
        select(Meeting).join(Instance).where(Instance.kind == InstanceKind.COPIL, Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.starts_at)))


@pytest.fixture
def last_copil(demo_db):
    """The demo's last two COPILs, with a suivi and an indicator value entered between them."""
    with demo_db.transaction() as session:
        previous, last = _copils(session)[-2:]
        between = previous.starts_at.date() + (last.starts_at.date() - previous.starts_at.date()) / 2
        untouched = [f for f in session.scalars(select(FicheAction)).all()
                     if not any(previous.starts_at.date() <= u.date < last.starts_at.date() for u in f.follow_ups)]
        fiche = untouched[0]
        plan.add_follow_up(session, fiche.id, between, 55, "Suivi ajouté par le test")
        quiet = next(f for f in session.scalars(select(FicheAction).order_by(FicheAction.id)) if f.id != fiche.id)
        for follow_up in [u for u in quiet.follow_ups if previous.starts_at.date() <= u.date < last.starts_at.date()]:
            quiet.follow_ups.remove(follow_up)  # a fiche nobody followed between the two COPILs
        indicator = plan.add_indicator(session, fiche.id, "Familles accompagnées", unit="familles", target_value="40")
        plan.set_indicator_value(session, indicator.id, last.starts_at.year, "27")
        value = session.scalar(select(FicheIndicatorValue).where(FicheIndicatorValue.indicator_id == indicator.id))
        value.updated_at = datetime.combine(between, datetime.min.time())  # entered between the two COPILs
        return previous.id, last.id, fiche.number


def test_the_dossier_shows_what_changed_since_the_previous_copil(demo_db, last_copil, tmp_path):
    previous_id, last_id, added_fiche = last_copil
    with demo_db.transaction() as session:
        previous, last = session.get(Meeting, previous_id), session.get(Meeting, last_id)
        since, until = previous.starts_at, last.starts_at
        expected_follow_ups = session.execute(
            select(FicheAction.number, FollowUp.date).join(FollowUp.fiche)
            .where(FollowUp.date >= since.date(), FollowUp.date < until.date())).all()
        expected_modified = set(session.scalars(select(FicheAction.number).where(
            FicheAction.updated_at >= since, FicheAction.updated_at < until)))
        expected_alerts = session.scalars(select(Alert.text).where(
            Alert.raised_on >= since.date(), Alert.raised_on <= until.date())).all()
        earlier = session.scalars(select(Decision).join(Meeting).join(Instance).where(
            Instance.kind == InstanceKind.COPIL, Meeting.starts_at < until)).all()
        expected_decisions = {d.text for d in earlier
                              if d.meeting_id == previous_id or d.status in (DecisionStatus.OPEN,
                                                                              DecisionStatus.IN_PROGRESS)}
        all_fiches = {f.number: f for f in session.scalars(select(FicheAction))}
        dossier = dossier_copil(session, last_id)

    assert (dossier.since, dossier.until) == (since, until)
    assert dossier.previous_copil.meeting_id == previous_id
    changed = {c.number for c in dossier.fiche_changes}
    assert changed == {n for n, _ in expected_follow_ups} | expected_modified
    assert added_fiche in changed and len(changed) < len(all_fiches)
    assert [(v.indicator, v.value, v.target) for v in dossier.indicator_values] == [
        ("Familles accompagnées", "27 familles", "40 familles")]
    assert sorted(a.text for a in dossier.alerts) == sorted(expected_alerts) and expected_alerts
    assert {d.text for d in dossier.earlier_decisions} == expected_decisions and expected_decisions
    assert {f.number for f in dossier.late_or_blocked} == {
        n for n, f in all_fiches.items() if f.is_late(until.date()) or f.status.value == "bloquee"}

    for fmt in ("pdf", "docx"):
        text = read_back(write_document(dossier, fmt, tmp_path / f"dossier.{fmt}"))
        assert "Dossier de séance du COPIL" in text and dossier.meeting.date_label in text
        changes = section(text, "fiches modifiées ou suivies", "Fiches en retard ou bloquées")
        for number in changed:
            assert f"{number} {all_fiches[number].title}" in changes
        for number in set(all_fiches) - changed:
            assert f"{number} {all_fiches[number].title}" not in changes
        assert "Suivi ajouté par le test" in changes
        assert "Familles accompagnées" in section(text, "Valeurs d'indicateurs saisies", "Alertes au COPIL émises")
        alerts = section(text, "Alertes au COPIL émises sur la période", "Décisions des COPIL précédents")
        assert all(a in alerts for a in expected_alerts)
        decisions = section(text, "Décisions des COPIL précédents et leur suivi", "ETP de coordination")
        assert all(d in decisions for d in expected_decisions)
        assert f"Total {dossier.etp_year} : {dossier.etp_total} ETP" in text


def test_a_change_of_status_is_shown_from_the_history(demo_db):
    """The history of changes (ctgdesk.models.audit) says what a fiche went from and to."""
    from ctgdesk.models import AuditEntry, FicheStatus

    with demo_db.transaction() as session:
        previous, last = _copils(session)[-2:]
        fiche = session.scalars(select(FicheAction).where(FicheAction.status == FicheStatus.IN_PROGRESS)
                                .order_by(FicheAction.id)).first()
        session.info["actor"] = "Claire Dumont"
        plan.update_fiche(session, fiche.id, status=FicheStatus.DONE)
    between = previous.starts_at + (last.starts_at - previous.starts_at) / 2
    with demo_db.transaction() as session:  # the change dated between the two COPILs
        entry = session.scalars(select(AuditEntry).where(AuditEntry.record_uid == fiche.uid)
                                .order_by(AuditEntry.id.desc())).first()
        entry.at = between
    with demo_db.transaction() as session:
        dossier = dossier_copil(session, last.id)
    change = next(c for c in dossier.fiche_changes if c.number == fiche.number)
    assert change.status_changes == (f"{between:%d/%m/%Y} : En cours → Réalisée (Claire Dumont)",)
