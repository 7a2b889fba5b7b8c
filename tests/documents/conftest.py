"""A COPIL held on Tuesday 14 October 2025 — 6 participants, 2 decisions, 1 alert, 1 expertise —
and the next meeting of the same instance, on a territory whose convention has two signatories
with logos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

import pytest

from ctgdesk.models import AttendanceStatus, DecisionStatus, InstanceKind, MeetingStatus, OrganisationKind
from ctgdesk.services import meetings, people, plan, territory


def png(colour: str, text: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 90), colour)
    ImageDraw.Draw(image).text((20, 35), text, fill="white")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# name, structure, role, e-mail, attendance at the COPIL of 14/10/2025 (None: not a usual member)
PEOPLE = [
    ("Anne", "Mercier", "Caf du Nord", "Directrice adjointe", "anne.mercier@caf.example", AttendanceStatus.PRESENT),
    ("Bernard", "Lheureux", "Ville de Sainville", "Maire", "maire@sainville.example", AttendanceStatus.PRESENT),
    ("Chantal", "Obry", "Département du Nord", "Responsable territoriale", None, AttendanceStatus.EXCUSED),
    ("Denis", "Quéval", "MSA Nord", "Chargé de développement", "d.queval@msa.example", AttendanceStatus.ABSENT),
    ("Élise", "Vandamme", "Ville de Sainville", "Chargée de coopération CTG", "elise.vandamme@sainville.example",
     AttendanceStatus.PRESENT),
]
GUEST = ("Farid", "Zerrouki", "Centre social Les Tilleuls", "Directeur", None, AttendanceStatus.PRESENT)


@dataclass
class Copil:
    meeting_id: int
    next_meeting_id: int
    names: dict[str, AttendanceStatus]  # "Prénom Nom" -> attendance
    emails: set[str]


@pytest.fixture
def copil(session) -> Copil:
    return build_copil(session)


@pytest.fixture
def copil_db(db) -> tuple[str, Copil]:
    """The same COPIL committed to a database file (for the commands)."""
    with db.transaction() as session:
        built = build_copil(session)
    path = str(db.path)
    db.dispose()
    return path, built


def build_copil(session) -> Copil:
    convention = territory.create_convention(session, name="CTG Sainville 2024-2028", territory="Pays de Sainville",
                                             first_year=2024, last_year=2028)
    orgs = {}
    for name, kind in (("Caf du Nord", OrganisationKind.CAF), ("Ville de Sainville", OrganisationKind.COMMUNE),
                       ("Département du Nord", OrganisationKind.DEPARTEMENT), ("MSA Nord", OrganisationKind.MSA),
                       ("Centre social Les Tilleuls", OrganisationKind.CENTRE_SOCIAL)):
        orgs[name] = territory.create_organisation(session, name=name, kind=kind)
    territory.add_signatory(session, convention.id, orgs["Caf du Nord"].id, logo=png("#1F4E79", "CAF"),
                            logo_filename="caf.png")
    territory.add_signatory(session, convention.id, orgs["Ville de Sainville"].id, logo=png("#C55A11", "SAINVILLE"),
                            logo_filename="ville.png")
    persons = {}
    for first, last, org, role, email, _status in [*PEOPLE, GUEST]:
        persons[f"{first} {last}"] = people.create_person(session, first_name=first, last_name=last,
                                                          organisation_id=orgs[org].id, role=role, email=email)
    coordinator = people.create_coordinator(session, persons["Élise Vandamme"].id)
    enjeu = plan.create_enjeu(session, convention.id, "Petite enfance", number="1")
    objectif = plan.create_objectif(session, enjeu.id, "Accueillir", number="1.1")
    fiche = plan.create_fiche(session, objectif.id, number="1.1.1", title="Ouvrir une micro-crèche")
    instance = meetings.create_instance(session, name="Comité de pilotage Sainville", kind=InstanceKind.COPIL,
                                        members=[(persons[f"{p[0]} {p[1]}"].id, None) for p in PEOPLE])
    session.flush()
    data = meetings.MeetingInput(
        instance_id=instance.id, starts_at=datetime(2025, 10, 14, 14, 0), ends_at=datetime(2025, 10, 14, 16, 30),
        place="Salle du conseil, mairie de Sainville", animator_id=coordinator.id, status=MeetingStatus.HELD,
        title="COPIL d'automne", agenda="Bilan de l'année\nPlan d'action 2026\nQuestions diverses",
        minutes="Le COPIL a examiné le bilan.\n\nLa micro-crèche prend du retard faute de local.",
        commune_ids=[orgs["Ville de Sainville"].id],
        attendances=[meetings.AttendanceInput(person_id=persons[f"{p[0]} {p[1]}"].id, status=p[5])
                     for p in [*PEOPLE, GUEST]],
        decisions=[
            meetings.DecisionInput("Chercher un local pour la micro-crèche", carried_by_id=persons["Bernard Lheureux"].id,
                                   due_date=date(2025, 12, 31), status=DecisionStatus.OPEN, fiche_id=fiche.id),
            meetings.DecisionInput("Diffuser le bilan aux conseils municipaux",
                                   carried_by_organisation_id=orgs["Caf du Nord"].id, due_date=date(2025, 11, 15),
                                   status=DecisionStatus.DONE),
        ],
        alerts=[meetings.AlertInput("Aucun local disponible pour la micro-crèche", raised_on=date(2025, 10, 14),
                                    fiche_id=fiche.id, raised_by_id=coordinator.id)],
        expertises=[meetings.ExpertiseInput("Besoins d'accueil des 0-3 ans", expert_label="Observatoire Caf",
                                            organisation_id=orgs["Caf du Nord"].id)],
    )
    held = meetings.save_meeting(session, data, now=datetime(2025, 11, 1))
    following = meetings.save_meeting(session, meetings.MeetingInput(
        instance_id=instance.id, starts_at=datetime(2026, 3, 10, 9, 30), place="Centre social Les Tilleuls",
        title="COPIL de printemps", agenda="Suivi des décisions"), now=datetime(2025, 11, 1))
    session.flush()
    names = {f"{p[0]} {p[1]}": p[5] for p in [*PEOPLE, GUEST]}
    emails = {p[4] for p in [*PEOPLE, GUEST] if p[4]}
    return Copil(held.id, following.id, names, emails)
