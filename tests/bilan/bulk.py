"""A large territory written with bulk inserts (executemany), for the speed measurements."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ctgdesk.models import (
    Alert,
    Attendance,
    Decision,
    Expertise,
    Instance,
    InstanceKind,
    JournalEntry,
    JournalKind,
    Meeting,
    Organisation,
    OrganisationKind,
    Person,
)
from ctgdesk.models.journal import journal_communes, journal_partners
from ctgdesk.models.meetings import meeting_communes


def add_bulk_meetings(session: Session, count: int, years: list[int], *, coordinator_ids: list[int],
                      seed: int = 7) -> None:
    """`count` meetings spread over `years`, each with communes, 6 attendees, 2 decisions, some
    alerts and expertise; plus journal entries. Written in a handful of executemany statements."""
    rng = random.Random(seed)
    now = datetime(2020, 1, 1)
    organisations = [
        {"name": f"Structure {i}", "kind": OrganisationKind.ASSOCIATION if i % 3 else OrganisationKind.COMMUNE,
         "uid": str(uuid.uuid4()), "updated_at": now, "engagement_signed": False, "notes": ""}
        for i in range(200)
    ]
    first_org = _insert(session, Organisation, organisations)
    org_ids = list(range(first_org, first_org + len(organisations)))
    persons = [{"first_name": "P", "last_name": f"Personne {i}", "organisation_id": rng.choice(org_ids),
                "uid": str(uuid.uuid4()), "updated_at": now, "role": "", "is_elected": False, "anonymised": False}
               for i in range(500)]
    first_person = _insert(session, Person, persons)
    person_ids = list(range(first_person, first_person + len(persons)))
    kinds = list(InstanceKind)
    instances = [{"name": f"Instance {kind.label}", "kind": kind, "uid": str(uuid.uuid4()), "updated_at": now,
                  "theme": "", "min_per_year": 0, "notes": ""} for kind in kinds]
    first_instance = _insert(session, Instance, instances)
    instance_ids = list(range(first_instance, first_instance + len(instances)))

    meetings, commune_links, attendances, decisions, alerts, expertises = [], [], [], [], [], []
    first_meeting = _next_id(session, Meeting)
    for n in range(count):
        year = years[n % len(years)]
        starts = datetime(year, 1, 1, 9) + timedelta(days=rng.randrange(360), hours=rng.randrange(8))
        meeting_id = first_meeting + n
        meetings.append({
            "id": meeting_id, "instance_id": rng.choice(instance_ids), "starts_at": starts,
            "ends_at": starts + timedelta(hours=2), "place": "Salle du conseil",
            "animator_id": rng.choice(coordinator_ids + [None]), "status": "tenue" if n % 10 else "prevue",
            "title": f"Réunion {n}", "agenda": "Ordre du jour", "minutes": "", "diagnostic_partage": n % 17 == 0,
            "uid": str(uuid.uuid4()), "updated_at": now,
        })
        for org in rng.sample(org_ids, 2):
            commune_links.append({"meeting_id": meeting_id, "organisation_id": org})
        for person in rng.sample(person_ids, 5):
            attendances.append({"meeting_id": meeting_id, "person_id": person, "status": "present",
                                "uid": str(uuid.uuid4()), "updated_at": now})
        attendances.append({"meeting_id": meeting_id, "organisation_id": rng.choice(org_ids), "status": "present",
                            "uid": str(uuid.uuid4()), "updated_at": now})
        for d in range(2):
            decisions.append({"meeting_id": meeting_id, "text": f"Décision {d} de la réunion {n}",
                              "status": "a_faire", "uid": str(uuid.uuid4()), "updated_at": now})
        if n % 7 == 3:
            alerts.append({"meeting_id": meeting_id, "text": f"Alerte {n}", "raised_on": starts.date(),
                           "raised_by_id": rng.choice(coordinator_ids), "resolution": "",
                           "uid": str(uuid.uuid4()), "updated_at": now})
        if n % 4 == 0:
            expertises.append({"meeting_id": meeting_id, "subject": f"Expertise {n}", "expert_label": "Cabinet",
                               "uid": str(uuid.uuid4()), "updated_at": now})
    session.execute(insert(Meeting), meetings)
    session.execute(insert(meeting_communes), commune_links)
    session.execute(insert(Attendance), attendances)
    session.execute(insert(Decision), decisions)
    session.execute(insert(Alert), alerts)
    session.execute(insert(Expertise), expertises)

    journal_kinds = list(JournalKind)
    entries, partner_links, commune_entry_links = [], [], []
    first_entry = _next_id(session, JournalEntry)
    for n in range(count // 2):
        entry_id = first_entry + n
        entries.append({"id": entry_id, "date": date(years[n % len(years)], 1, 1) + timedelta(days=rng.randrange(360)),
                        "coordinator_id": rng.choice(coordinator_ids), "function_code": "3.2",
                        "kind": rng.choice(journal_kinds), "nature": f"Entrée {n}", "description": "",
                        "uid": str(uuid.uuid4()), "updated_at": now})
        partner_links.append({"entry_id": entry_id, "organisation_id": rng.choice(org_ids)})
        commune_entry_links.append({"entry_id": entry_id, "organisation_id": rng.choice(org_ids)})
    session.execute(insert(JournalEntry), entries)
    session.execute(insert(journal_partners), partner_links)
    session.execute(insert(journal_communes), commune_entry_links)
    session.flush()


def _next_id(session: Session, model) -> int:
    from sqlalchemy import func, select

    return (session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(session: Session, model, rows: list[dict]) -> int:
    first = _next_id(session, model)
    for offset, row in enumerate(rows):
        row["id"] = first + offset
    session.execute(insert(model), rows)
    return first
