"""« Vérifier la base »: SQLite integrity, broken links and the application's own rules."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal

from ctgdesk.db.health import Severity, storage_findings
from ctgdesk.models import (
    Alert,
    Coordinator,
    Decision,
    EtpAllocation,
    EtpShare,
    FicheAction,
    FicheStep,
    Instance,
    InstanceKind,
    Meeting,
    MeetingStatus,
    Objectif,
    Organisation,
    OrganisationKind,
    Person,
)
from ctgdesk.models import Convention, Enjeu
from ctgdesk.services.consistency import consistency_findings, verify_database
from tests.reliability.helpers import corrupt_pages

NOW = datetime(2026, 1, 15, 12, 0)


def test_a_sound_base_has_no_finding(filled):
    db, _ = filled
    assert verify_database(db, NOW) == []


def test_each_rule_names_the_faulty_record(db):
    with db.transaction() as session:
        epci = Organisation(name="CC du Val Vert", kind=OrganisationKind.EPCI)
        commune = Organisation(name="Sainte-Aulde", kind=OrganisationKind.COMMUNE)
        ines = Coordinator(person=Person(first_name="Inès", last_name="Moreau"),
                           start_date=date(2025, 6, 1), end_date=date(2025, 1, 31))
        a1 = EtpAllocation(organisation=epci, year=2025, etp=Decimal("0.500"))
        a1.shares.append(EtpShare(coordinator=ines, etp=Decimal("0.700")))
        a2 = EtpAllocation(organisation=commune, year=2025, etp=Decimal("1.000"))
        a2.shares.append(EtpShare(coordinator=ines, etp=Decimal("0.450")))
        a3 = EtpAllocation(organisation=commune, year=2024, etp=None)  # « en cours »: no limit
        a3.shares.append(EtpShare(coordinator=ines, etp=Decimal("0.300")))
        copil = Instance(name="COPIL CTG", kind=InstanceKind.COPIL)
        future = Meeting(instance=copil, starts_at=datetime(2026, 3, 2, 14), status=MeetingStatus.HELD)
        past = Meeting(instance=copil, title="COPIL d'automne", starts_at=datetime(2025, 10, 6, 14),
                       ends_at=datetime(2025, 10, 6, 12), status=MeetingStatus.HELD)
        past.decisions.append(Decision(text="Relancer les communes", due_date=date(2025, 9, 30)))
        past.decisions.append(Decision(text="Bilan au printemps", due_date=date(2026, 4, 30)))
        past.alerts.append(Alert(text="Local introuvable", raised_on=date(2025, 10, 6), resolved_on=date(2025, 9, 1)))
        past.alerts.append(Alert(text="Retard de financement", raised_on=date(2025, 10, 6), resolved_on=date(2025, 11, 1)))
        objectif = Objectif(title="Mieux accueillir", enjeu=Enjeu(title="Jeunesse", convention=Convention(
            name="CTG", territory="Val Vert", first_year=2023, last_year=2027)))
        fiche = FicheAction(objectif=objectif, number="2.1", title="Espace jeunes",
                            start_date=date(2026, 1, 1), end_date=date(2025, 12, 31))
        fiche.steps.append(FicheStep(title="Recruter", start_date=date(2025, 5, 1), end_date=date(2025, 4, 1)))
        session.add_all([epci, commune, ines, a1, a2, a3, future, past, fiche])

    with db.session() as session:
        findings = consistency_findings(session, NOW)
    messages = [f.message for f in findings]
    assert messages == [
        "CC du Val Vert, 2025 : les parts des chargé·e·s de coopération totalisent 0,70 ETP pour 0,50 ETP attribués.",
        "Inès Moreau a 1,15 ETP en 2025, plus qu'un temps plein (1,00 ETP).",
        "Inès Moreau quitte son poste le 31/01/2025, avant d'y être arrivé·e le 01/06/2025.",
        "La réunion « COPIL d'automne » du 06/10/2025 finit avant de commencer.",
        "La réunion « COPIL CTG » du 02/03/2026 est marquée « tenue » alors qu'elle est à venir.",
        "Une décision de la réunion « COPIL d'automne » du 06/10/2025 a pour échéance le 30/09/2025, "
        "avant la réunion : « Relancer les communes ».",
        "L'alerte « Local introuvable » est levée le 06/10/2025 mais résolue le 01/09/2025, avant d'avoir été levée.",
        "La fiche action 2.1 « Espace jeunes » finit le 31/12/2025, avant son début le 01/01/2026.",
        "L'étape « Recruter » de la fiche action 2.1 finit le 01/04/2025, avant son début le 01/05/2025.",
    ]
    assert [f.severity for f in findings].count(Severity.WARNING) == 1  # the early due date
    assert {f.table for f in findings} == {
        "etp_allocation", "coordinator", "meeting", "decision", "alert", "fiche_action", "fiche_step"
    }
    # the same base one year later: the meeting of March 2026 is no longer in the future
    with db.session() as session:
        later = consistency_findings(session, datetime(2027, 1, 1))
    assert len(later) == len(findings) - 1


def test_broken_links_are_found(filled, db_path):
    db, _ = filled
    db.dispose()
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA foreign_keys=OFF")
    connection.execute("UPDATE attendance SET person_id = 999 WHERE id = 1")
    connection.commit()
    connection.close()
    findings = storage_findings(db_path)
    assert [(f.severity, f.table, f.record_id) for f in findings] == [(Severity.ERROR, "attendance", 1)]
    assert "« person » qui n'existe plus" in findings[0].message


def test_a_damaged_base_is_reported_without_running_the_rules(filled, db_path):
    db, _ = filled
    db.dispose()
    corrupt_pages(db_path)
    findings = verify_database(db, NOW)
    assert findings and all(f.severity is Severity.ERROR for f in findings)
    assert "endommagée" in findings[0].message
