"""A small territory with at least one row in every table, written with the ORM.

Used by the reliability tests and by tests/fixtures/schemas/make_fixture.py (which freezes
it into the database file of a released schema version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from ctgdesk.models import (
    Alert,
    Attendance,
    AttendanceStatus,
    Convention,
    Coordinator,
    Decision,
    DecisionStatus,
    Enjeu,
    EtpAllocation,
    EtpShare,
    Expertise,
    FicheAction,
    FicheIndicator,
    FicheIndicatorValue,
    FicheStatus,
    FicheStep,
    FollowUp,
    Funding,
    IndicatorEntry,
    Instance,
    InstanceKind,
    InstanceMember,
    JournalEntry,
    JournalKind,
    Meeting,
    MeetingStatus,
    Objectif,
    Organisation,
    OrganisationKind,
    Person,
    RefFunction,
    RefIndicator,
    RefIndicatorKind,
    RefObjective,
    ReferentialVersion,
    Signatory,
)



def small_png(width: int = 4, height: int = 2) -> bytes:
    """A real PNG: a logo must be one the form accepts (« Vérifier la base » checks them)."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), (0, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()

@dataclass(frozen=True)
class Ids:
    """Ids of the records tests look at."""

    partner: int  # a partner with attendance, decisions, expertise, fiche referent
    elected: int  # an elected official, referent of a fiche
    coordinator_person: int
    coordinator: int
    loner: int  # a person linked to nothing
    meeting: int
    commune: int


def populate(session: Session) -> Ids:
    version = ReferentialVersion(code="2024", title="Référentiel national du poste", source="CNAF")
    objective = RefObjective(version=version, number=1, title="Piloter la CTG")
    function = RefFunction(objective=objective, code="1.1", title="Animer la gouvernance", actions="Préparer les COPIL")
    RefIndicator(
        function=function, code="1.1.a", kind=RefIndicatorKind.SUIVI, position=1,
        text="Nombre de COPIL tenus", computation='{"source": "meetings", "kind": "copil"}',
    )
    session.add(version)
    session.add(IndicatorEntry(indicator_code="1.1.b", year=2025, scope="territoire", value=3, comment="Estimation"))

    epci = Organisation(name="Communauté de communes du Val Vert", kind=OrganisationKind.EPCI)
    commune = Organisation(name="Sainte-Aulde", kind=OrganisationKind.COMMUNE, insee_code="77398", population=1450, parent=epci)
    caf = Organisation(name="Caf de Seine-et-Marne", kind=OrganisationKind.CAF)
    convention = Convention(
        name="CTG du Val Vert 2023-2027", territory="Val Vert", first_year=2023, last_year=2027,
        signed_on=date(2023, 3, 14), perimeter=[commune, epci],
    )
    convention.signatories.append(Signatory(organisation=caf, representative="Mme la Directrice", position=1, logo=small_png(), logo_filename="caf.png"))
    session.add_all([epci, commune, caf, convention])

    partner = Person(first_name="Claire", last_name="Fontaine", organisation=commune, role="Directrice du centre social",
                     email="claire.fontaine@example.fr", phone="01 23 45 67 89")
    elected = Person(first_name="Marc", last_name="Leroy", organisation=commune, role="Maire adjoint", is_elected=True,
                     email="m.leroy@example.fr")
    coordinator_person = Person(first_name="Inès", last_name="Moreau", organisation=epci, role="Chargée de coopération")
    loner = Person(first_name="Paul", last_name="Solo", email="paul.solo@example.fr")
    coordinator = Coordinator(person=coordinator_person, employer=epci, cadre_emploi="Attaché territorial",
                              is_project_lead=True, start_date=date(2023, 1, 2))
    session.add_all([partner, elected, coordinator_person, loner, coordinator])

    allocation = EtpAllocation(organisation=epci, year=2025, etp=Decimal("1.000"), people_count=1)
    allocation.shares.append(EtpShare(coordinator=coordinator, etp=Decimal("0.800")))
    session.add(allocation)

    copil = Instance(convention=convention, name="COPIL CTG", kind=InstanceKind.COPIL, min_per_year=2)
    copil.members.append(InstanceMember(person=elected))
    copil.members.append(InstanceMember(organisation=caf))
    meeting = Meeting(
        instance=copil, starts_at=datetime(2025, 3, 10, 14, 0), ends_at=datetime(2025, 3, 10, 16, 0),
        place="Mairie", animator=coordinator, status=MeetingStatus.HELD, title="COPIL de printemps",
        communes=[commune], diagnostic_partage=True,
    )
    meeting.attendances.append(Attendance(person=partner, status=AttendanceStatus.PRESENT))
    meeting.attendances.append(Attendance(person=elected, status=AttendanceStatus.EXCUSED))
    meeting.attendances.append(Attendance(organisation=caf, status=AttendanceStatus.PRESENT))
    meeting.decisions.append(Decision(text="Lancer le diagnostic jeunesse", carried_by=partner,
                                      due_date=date(2025, 6, 30), status=DecisionStatus.IN_PROGRESS))
    meeting.expertises.append(Expertise(expert=partner, expert_label="Claire Fontaine", subject="Accueil des 11-17 ans"))
    session.add_all([copil, meeting])

    enjeu = Enjeu(convention=convention, number="1", title="Jeunesse", position=1)
    objectif = Objectif(enjeu=enjeu, number="1.1", title="Mieux accueillir les jeunes", position=1)
    fiche = FicheAction(
        objectif=objectif, number="1.1.1", title="Espace jeunes itinérant", pilot=commune, referent=partner,
        elected_referent=elected, start_date=date(2025, 1, 1), end_date=date(2026, 12, 31),
        status=FicheStatus.IN_PROGRESS, budget=Decimal("12000.00"), partners=[caf], communes=[commune],
    )
    fiche.fundings.append(Funding(funder=caf, amount=Decimal("6000.00")))
    fiche.steps.append(FicheStep(title="Recruter un animateur", start_date=date(2025, 1, 1), end_date=date(2025, 3, 31), position=1))
    indicator = FicheIndicator(label="Jeunes accueillis", unit="jeunes", reference_value=Decimal("0"), target_value=Decimal("40"))
    indicator.values.append(FicheIndicatorValue(year=2025, value=Decimal("18")))
    fiche.indicators.append(indicator)
    fiche.follow_ups.append(FollowUp(date=date(2025, 6, 1), progress=40, comment="Animateur recruté", author=coordinator))
    session.add(enjeu)
    meeting.alerts.append(Alert(fiche=fiche, raised_by=coordinator, text="Local non trouvé", raised_on=date(2025, 3, 10)))
    session.add(JournalEntry(
        date=date(2025, 2, 3), coordinator=coordinator, function_code="1.1", kind=JournalKind.CONSEIL_APPUI,
        nature="Appui au centre social", duration_minutes=90, partners=[caf], communes=[commune],
    ))
    session.flush()
    return Ids(partner.id, elected.id, coordinator_person.id, coordinator.id, loner.id, meeting.id, commune.id)
