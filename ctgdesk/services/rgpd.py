"""RGPD: where personal data live, a person's data as a file, anonymisation, erasure.

- `personal_data_inventory()` — the register of what ctgdesk keeps about people, in French;
- `export_person(session, id)` — everything about one person, JSON-serialisable (droit d'accès
  et de portabilité);
- `anonymise_person(session, id)` — names and contact details replaced, every link kept,
  so that the counts of past years (attendance, decisions…) stay exactly the same;
- `erase_person(session, id)` — deletes a person who is linked to nothing (else anonymise);
- `persons_not_seen_since(session, years, today)` — people absent from every record for
  N years: candidates for anonymisation (durée de conservation).
Each write is done by the caller's transaction (`with db.transaction() as session`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ctgdesk import __version__
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.history import history
from ctgdesk.models import (
    AuditEntry,
    Alert,
    Attendance,
    Coordinator,
    Decision,
    EtpAllocation,
    EtpShare,
    Expertise,
    FicheAction,
    FollowUp,
    InstanceMember,
    JournalEntry,
    Meeting,
    Person,
)


class RgpdError(ValidationError):
    """A request that cannot be carried out; the message is French, for the user."""


def anonymised_name(person_id: int) -> str:
    return f"Personne anonymisée n°{person_id}"


# ---------------------------------------------------------------- inventory


@dataclass(frozen=True)
class PersonalDataLocation:
    table: str
    columns: tuple[str, ...]
    description: str


def personal_data_inventory() -> list[PersonalDataLocation]:
    """Where ctgdesk keeps personal data, for the register of processing (registre RGPD)."""
    return [
        PersonalDataLocation(
            "person",
            ("first_name", "last_name", "email", "phone", "role", "is_elected", "organisation_id"),
            "Identité et coordonnées des personnes (partenaires, élu·e·s, participant·e·s, "
            "chargé·e·s de coopération) : prénom, nom, courriel, téléphone, fonction, qualité "
            "d'élu·e, structure de rattachement.",
        ),
        PersonalDataLocation(
            "coordinator",
            ("person_id", "employer_id", "cadre_emploi", "is_project_lead", "start_date", "end_date"),
            "Dossier des chargé·e·s de coopération : employeur, cadre d'emploi, rôle de chef·fe "
            "de projet, dates d'arrivée et de départ.",
        ),
        PersonalDataLocation(
            "etp_share",
            ("coordinator_id", "etp"),
            "Temps de travail (ETP) de chaque chargé·e de coopération, par structure et par année.",
        ),
        PersonalDataLocation(
            "attendance",
            ("person_id", "status"),
            "Présence, excuse ou absence de chaque personne aux réunions, avec la date de la réunion.",
        ),
        PersonalDataLocation(
            "instance_member",
            ("person_id",),
            "Appartenance des personnes aux instances (COPIL, COTECH, groupes…).",
        ),
        PersonalDataLocation(
            "decision",
            ("carried_by_id",),
            "Décisions du relevé de décisions dont une personne est porteuse.",
        ),
        PersonalDataLocation(
            "expertise",
            ("expert_id", "expert_label"),
            "Expertises apportées en réunion par une personne (le nom peut aussi être saisi en "
            "clair dans le libellé de l'expert·e).",
        ),
        PersonalDataLocation(
            "fiche_action",
            ("referent_id", "elected_referent_id"),
            "Référent·e et élu·e référent·e des fiches actions.",
        ),
        PersonalDataLocation(
            "meeting",
            ("animator_id",),
            "Animation des réunions par un·e chargé·e de coopération.",
        ),
        PersonalDataLocation(
            "alert",
            ("raised_by_id",),
            "Alertes au COPIL levées par un·e chargé·e de coopération.",
        ),
        PersonalDataLocation(
            "follow_up",
            ("author_id",),
            "Suivis de fiches actions rédigés par un·e chargé·e de coopération.",
        ),
        PersonalDataLocation(
            "journal_entry",
            ("coordinator_id", "description"),
            "Journal d'activité de chaque chargé·e de coopération (dates, nature, durée).",
        ),
        PersonalDataLocation(
            "signatory",
            ("representative",),
            "Nom du ou de la représentant·e de chaque signataire de la convention.",
        ),
        PersonalDataLocation(
            "(textes libres)",
            ("meeting.agenda", "meeting.minutes", "decision.text", "alert.text", "notes"),
            "Textes libres (ordres du jour, comptes rendus, décisions, alertes, notes) : ils "
            "peuvent citer des personnes et ne sont pas anonymisés automatiquement ; relisez-les.",
        ),
        PersonalDataLocation(
            "audit_entry",
            ("actor", "changes"),
            "Historique des modifications (qui a changé quoi, avant / après) : il cite les valeurs "
            "changées, noms compris. L'anonymisation et l'effacement d'une personne en retirent son "
            "historique et remplacent son nom partout où il le cite.",
        ),
        PersonalDataLocation(
            "(sauvegardes)",
            (),
            "Les sauvegardes contiennent les mêmes données. Les automatiques sont effacées par la "
            "rotation (un an au plus) ; les manuelles et celles d'avant mise à jour ou restauration "
            "sont à effacer par vous.",
        ),
    ]


# ---------------------------------------------------------------- export


def _get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise RgpdError(f"Aucune personne n°{person_id} dans la base.")
    return person


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _meeting_ref(meeting: Meeting) -> dict:
    return {
        "reunion_id": meeting.id,
        "instance": meeting.instance.name,
        "date": _iso(meeting.starts_at),
        "titre": meeting.title,
        "statut": meeting.status.label,
    }


def export_person(session: Session, person_id: int) -> dict:
    """Everything ctgdesk holds about one person, as plain JSON-serialisable data."""
    person = _get_person(session, person_id)
    organisation = person.organisation
    data: dict = {
        "export": {
            "outil": "ctgdesk",
            "version": __version__,
            "date": datetime.now().replace(microsecond=0).isoformat(),
            "objet": "Données personnelles d'une personne (RGPD, droit d'accès)",
        },
        "personne": {
            "id": person.id,
            "identifiant": person.uid,
            "prenom": person.first_name,
            "nom": person.last_name,
            "fonction": person.role,
            "courriel": person.email,
            "telephone": person.phone,
            "elu": person.is_elected,
            "anonymisee": person.anonymised,
            "organisation": None if organisation is None else {
                "id": organisation.id, "nom": organisation.name, "type": organisation.kind.label,
            },
            "mise_a_jour": _iso(person.updated_at),
        },
        "chargee_de_cooperation": None,
    }
    attendances = session.scalars(
        select(Attendance).join(Attendance.meeting).where(Attendance.person_id == person_id)
        .options(selectinload(Attendance.meeting).selectinload(Meeting.instance))
        .order_by(Meeting.starts_at, Attendance.id)
    ).all()
    data["presences"] = [
        {**_meeting_ref(a.meeting), "presence": a.status.label} for a in attendances
    ]
    memberships = session.scalars(
        select(InstanceMember).where(InstanceMember.person_id == person_id)
        .options(selectinload(InstanceMember.instance)).order_by(InstanceMember.id)
    ).all()
    data["instances"] = [
        {"instance_id": m.instance.id, "instance": m.instance.name, "type": m.instance.kind.label}
        for m in memberships
    ]
    decisions = session.scalars(
        select(Decision).join(Decision.meeting).where(Decision.carried_by_id == person_id)
        .options(selectinload(Decision.meeting).selectinload(Meeting.instance))
        .order_by(Meeting.starts_at, Decision.id)
    ).all()
    data["decisions_portees"] = [
        {
            **_meeting_ref(d.meeting),
            "decision": d.text,
            "echeance": _iso(d.due_date),
            "etat": d.status.label,
        }
        for d in decisions
    ]
    expertises = session.scalars(
        select(Expertise).join(Expertise.meeting).where(Expertise.expert_id == person_id)
        .options(selectinload(Expertise.meeting).selectinload(Meeting.instance))
        .order_by(Meeting.starts_at, Expertise.id)
    ).all()
    data["expertises"] = [
        {**_meeting_ref(e.meeting), "sujet": e.subject, "libelle": e.expert_label} for e in expertises
    ]
    fiches = session.scalars(
        select(FicheAction)
        .where(or_(FicheAction.referent_id == person_id, FicheAction.elected_referent_id == person_id))
        .order_by(FicheAction.number, FicheAction.id)
    ).all()
    data["fiches_referent"] = [
        {
            "fiche_id": f.id,
            "numero": f.number,
            "titre": f.title,
            "role": ", ".join(
                role for role, holder in (
                    ("référent·e", f.referent_id), ("élu·e référent·e", f.elected_referent_id)
                ) if holder == person_id
            ),
        }
        for f in fiches
    ]
    coordinator = person.coordinator
    if coordinator is not None:
        data["chargee_de_cooperation"] = _coordinator_data(session, coordinator)
    data["historique"] = [
        {"date": _iso(line.at), "par": line.actor, "action": line.action, "changements": line.changes}
        for line in history(session, "person", person.uid)
    ]
    return data


def _scrub_history(session: Session, person: Person, old_names: list[str], replacement: str) -> None:
    """The audit must not keep what anonymisation or erasure took away: the person's own
    history goes, and her former names are replaced wherever the history quotes them."""
    session.flush()  # the change being made is audited now, then removed with the rest
    session.execute(delete(AuditEntry).where(AuditEntry.table_name == "person", AuditEntry.record_uid == person.uid))
    for name in {n for n in old_names if n and n.strip()}:
        quoted = json.dumps(name, ensure_ascii=False)[1:-1]  # as it stands inside the JSON text
        for entry in session.scalars(select(AuditEntry).where(
                (AuditEntry.changes.contains(quoted)) | (AuditEntry.actor == name))):
            if entry.changes:
                entry.changes = entry.changes.replace(quoted, replacement)
            if entry.actor == name:
                entry.actor = replacement
    session.flush()


def _coordinator_data(session: Session, coordinator: Coordinator) -> dict:
    shares = session.scalars(
        select(EtpShare).join(EtpShare.allocation).where(EtpShare.coordinator_id == coordinator.id)
        .options(selectinload(EtpShare.allocation).selectinload(EtpAllocation.organisation))
        .order_by(EtpAllocation.year, EtpShare.id)
    ).all()
    animated = session.scalars(
        select(Meeting).where(Meeting.animator_id == coordinator.id)
        .options(selectinload(Meeting.instance)).order_by(Meeting.starts_at)
    ).all()
    alerts = session.scalars(
        select(Alert).where(Alert.raised_by_id == coordinator.id).order_by(Alert.raised_on, Alert.id)
    ).all()
    follow_ups = session.scalars(
        select(FollowUp).where(FollowUp.author_id == coordinator.id)
        .options(selectinload(FollowUp.fiche)).order_by(FollowUp.date, FollowUp.id)
    ).all()
    journal = session.scalars(
        select(JournalEntry).where(JournalEntry.coordinator_id == coordinator.id)
        .order_by(JournalEntry.date, JournalEntry.id)
    ).all()
    return {
        "employeur": None if coordinator.employer is None else coordinator.employer.name,
        "cadre_emploi": coordinator.cadre_emploi,
        "chef_de_projet": coordinator.is_project_lead,
        "debut": _iso(coordinator.start_date),
        "fin": _iso(coordinator.end_date),
        "etp": [
            {"annee": s.allocation.year, "structure": s.allocation.organisation.name, "etp": _decimal(s.etp)}
            for s in shares
        ],
        "reunions_animees": [_meeting_ref(m) for m in animated],
        "alertes_levees": [
            {"alerte": a.text, "levee_le": _iso(a.raised_on), "resolue_le": _iso(a.resolved_on)}
            for a in alerts
        ],
        "suivis_rediges": [
            {"fiche": f.fiche.number, "date": _iso(f.date), "avancement": f.progress, "commentaire": f.comment}
            for f in follow_ups
        ],
        "journal": [
            {
                "date": _iso(j.date),
                "fonction": j.function_code,
                "type": j.kind.label,
                "nature": j.nature,
                "description": j.description,
                "duree_minutes": j.duration_minutes,
            }
            for j in journal
        ],
    }


# ---------------------------------------------------------------- anonymisation and erasure


def person_links(session: Session, person_id: int) -> dict[str, int]:
    """How many records refer to the person, by French label (only the non-zero ones)."""
    coordinator_id = session.scalar(select(Coordinator.id).where(Coordinator.person_id == person_id))
    counts = {
        "présences aux réunions": select(func.count()).select_from(Attendance).where(Attendance.person_id == person_id),
        "appartenances à une instance": select(func.count()).select_from(InstanceMember).where(InstanceMember.person_id == person_id),
        "décisions portées": select(func.count()).select_from(Decision).where(Decision.carried_by_id == person_id),
        "expertises": select(func.count()).select_from(Expertise).where(Expertise.expert_id == person_id),
        "fiches actions (référent·e)": select(func.count()).select_from(FicheAction).where(
            or_(FicheAction.referent_id == person_id, FicheAction.elected_referent_id == person_id)
        ),
    }
    result = {label: session.scalar(query) or 0 for label, query in counts.items()}
    if coordinator_id is not None:
        result["dossier de chargé·e de coopération"] = 1
    return {label: count for label, count in result.items() if count}


def anonymise_person(session: Session, person_id: int) -> Person:
    """Replace who the person is by « Personne anonymisée n°<id> », keeping every link.

    Identity, contact details and function go; the organisation, the elected status and all
    the records (attendance, decisions, expertise, fiches, coordinator file) stay, so that
    the indicators and counts of past years are unchanged. Irreversible.
    """
    person = _get_person(session, person_id)
    name = anonymised_name(person.id)
    old_names = [person.full_name, person.last_name, person.email or "", person.phone or ""]
    old_names += [e.expert_label for e in session.scalars(select(Expertise).where(Expertise.expert_id == person_id))]
    person.first_name = ""
    person.last_name = name
    person.email = None
    person.phone = None
    person.role = ""
    person.anonymised = True
    for expertise in session.scalars(select(Expertise).where(Expertise.expert_id == person_id)):
        if expertise.expert_label:
            expertise.expert_label = name
    _scrub_history(session, person, old_names, name)
    return person


def erase_person(session: Session, person_id: int) -> None:
    """Delete a person linked to no record. Linked people are to be anonymised instead."""
    person = _get_person(session, person_id)
    links = person_links(session, person_id)
    if links:
        detail = ", ".join(f"{count} {label}" for label, count in links.items())
        raise RgpdError(
            f"{person.full_name or anonymised_name(person.id)} ne peut pas être effacé·e : "
            f"la personne figure dans des enregistrements ({detail}). Anonymisez-la plutôt : "
            "les comptes des années passées resteront justes."
        )
    old_names = [person.full_name, person.last_name, person.email or "", person.phone or ""]
    session.delete(person)
    _scrub_history(session, person, old_names, anonymised_name(person.id))


# ---------------------------------------------------------------- retention


@dataclass(frozen=True)
class StalePerson:
    person_id: int
    name: str
    last_seen: date


def _last_seen_by_person(session: Session) -> dict[int, date]:
    """The latest date at which each person appears in a dated record."""
    seen: dict[int, date] = {}

    def note(person_id: int | None, when: date | datetime | None) -> None:
        if person_id is None or when is None:
            return
        day = when.date() if isinstance(when, datetime) else when
        if person_id not in seen or day > seen[person_id]:
            seen[person_id] = day

    dated_queries = [
        select(Attendance.person_id, func.max(Meeting.starts_at)).join(Meeting).group_by(Attendance.person_id),
        select(Decision.carried_by_id, func.max(Meeting.starts_at)).join(Meeting).group_by(Decision.carried_by_id),
        select(Expertise.expert_id, func.max(Meeting.starts_at)).join(Meeting).group_by(Expertise.expert_id),
        select(FicheAction.referent_id, func.max(func.coalesce(FicheAction.end_date, FicheAction.start_date)))
        .group_by(FicheAction.referent_id),
        select(FicheAction.elected_referent_id, func.max(func.coalesce(FicheAction.end_date, FicheAction.start_date)))
        .group_by(FicheAction.elected_referent_id),
    ]
    for query in dated_queries:
        for person_id, when in session.execute(query):
            note(person_id, when)
    return seen


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` years earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def persons_not_seen_since(session: Session, years: int, today: date | None = None) -> list[StalePerson]:
    """People (not yet anonymised) who appear in no record of the last `years` years.

    The last sighting is the latest of: a meeting attended, a decision carried, an
    expertise, a fiche where they are referent (its end, else its start), the end of a
    coordinator's post (a coordinator still in post is always current), and the last change
    of their own record.
    """
    today = today or date.today()
    limit = years_before(today, years)
    seen = _last_seen_by_person(session)
    stale: list[StalePerson] = []
    people = session.scalars(
        select(Person).where(Person.anonymised.is_(False))
        .options(selectinload(Person.coordinator)).order_by(Person.last_name, Person.id)
    )
    for person in people:
        coordinator = person.coordinator
        if coordinator is not None and (coordinator.end_date is None or coordinator.end_date >= limit):
            continue
        candidates = [person.updated_at.date()]
        if person.id in seen:
            candidates.append(seen[person.id])
        if coordinator is not None and coordinator.end_date is not None:
            candidates.append(coordinator.end_date)
        last = max(candidates)
        if last < limit:
            stale.append(StalePerson(person.id, person.full_name, last))
    return stale
