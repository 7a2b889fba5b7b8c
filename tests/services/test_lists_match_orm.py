"""The long lists (journal, meetings, the bilan's meetings and decisions) read with plain column
queries in chunks and names from lookup tables give exactly what the ORM objects say, row for
row: checked on a generated territory (every kind of record, ten years) and on hand-made edge
cases (no coordinator, no animator, names whose order depends on case, chunk boundaries)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.generate import Params, build
from ctgdesk.db import open_database
from ctgdesk.models import (
    Alert,
    AttendanceStatus,
    Coordinator,
    Decision,
    InstanceKind,
    JournalEntry,
    JournalKind,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationKind,
)
from ctgdesk.services import bulk, journal, meetings
from ctgdesk.services.bilan import AlertLine, DecisionLine, MeetingLine, Scope, compute_bilan, meeting_lines
from ctgdesk.services.journal import JournalInput, JournalRow
from ctgdesk.services.meetings import AttendanceInput, DecisionInput, MeetingInput, MeetingRow

TODAY = date(2026, 11, 23)
SMALL = Params(communes=12, structures=6, coordinators=6, partners=60, years=10, instances=12, meetings=600,
               attendances=4_000, decisions=700, alerts=60, expertises=60, journal_entries=1_500, fiches=8)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "territory.sqlite"
    build(path, SMALL, seed=11, today=TODAY)
    database = open_database(path)
    yield database
    database.dispose()


@pytest.fixture
def gsession(generated):
    with generated.transaction() as session:
        yield session


# --- the ORM's account of each list --------------------------------------------------------

def orm_journal(session, year=None, coordinator_id=None) -> list[JournalRow]:
    entries = session.scalars(select(JournalEntry).options(
        selectinload(JournalEntry.partners), selectinload(JournalEntry.communes),
        selectinload(JournalEntry.coordinator).selectinload(Coordinator.person))).all()
    entries = [e for e in entries if (year is None or e.date.year == year)
               and (coordinator_id is None or e.coordinator_id == coordinator_id)]
    entries.sort(key=lambda e: (e.date, e.id), reverse=True)
    return [
        JournalRow(e.id, e.date, e.function_code, e.kind, e.nature, e.coordinator.name if e.coordinator else "",
                   ", ".join(sorted(p.name for p in e.partners)), ", ".join(sorted(c.name for c in e.communes)),
                   e.duration_minutes)
        for e in entries
    ]


def _meetings(session):
    return session.scalars(select(Meeting).options(
        selectinload(Meeting.communes), selectinload(Meeting.attendances), selectinload(Meeting.decisions),
        selectinload(Meeting.alerts), selectinload(Meeting.instance),
        selectinload(Meeting.animator).selectinload(Coordinator.person))).all()


def _present(meeting) -> int:
    return sum(1 for a in meeting.attendances if a.status is AttendanceStatus.PRESENT)


def orm_meetings(session, keep) -> list[MeetingRow]:
    chosen = sorted((m for m in _meetings(session) if keep(m)), key=lambda m: (m.starts_at, m.id), reverse=True)
    return [
        MeetingRow(m.id, m.starts_at, m.instance_id, m.instance.name, m.instance.kind, m.title, m.place,
                   ", ".join(sorted(c.name for c in m.communes)), m.animator.name if m.animator else "", m.status,
                   _present(m), len(m.decisions), len(m.alerts))
        for m in chosen
    ]


def orm_meeting_lines(session, years: range) -> list[MeetingLine]:
    chosen = sorted((m for m in _meetings(session) if m.starts_at.year in years), key=lambda m: (m.starts_at, m.id))
    return [
        MeetingLine(m.id, m.uid, m.starts_at, m.ends_at, m.instance.name, m.instance.kind, m.title, m.status,
                    m.place, ", ".join(sorted((c.name for c in m.communes), key=str.casefold)),
                    m.animator.name if m.animator else "", _present(m), len(m.decisions), len(m.alerts),
                    m.agenda, m.diagnostic_partage)
        for m in chosen
    ]


def orm_decision_lines(session, years: range) -> list[DecisionLine]:
    decisions = session.scalars(select(Decision).options(
        selectinload(Decision.meeting).selectinload(Meeting.instance), selectinload(Decision.carried_by),
        selectinload(Decision.carried_by_organisation), selectinload(Decision.fiche))).all()
    chosen = sorted((d for d in decisions if d.meeting.starts_at.year in years
                     and d.meeting.status is MeetingStatus.HELD), key=lambda d: (d.meeting.starts_at, d.id))
    lines = []
    for d in chosen:
        person = d.carried_by.full_name if d.carried_by else ""
        org = d.carried_by_organisation.name if d.carried_by_organisation else ""
        lines.append(DecisionLine(
            d.id, d.meeting_id, d.meeting.starts_at.date(), d.meeting.instance.name, d.meeting.instance.kind, d.text,
            f"{person} ({org})" if person and org else person or org, d.due_date, d.status,
            f"{d.fiche.number} {d.fiche.title}" if d.fiche else ""))
    return lines


def orm_alert_lines(session, keep) -> list[AlertLine]:
    alerts = session.scalars(select(Alert).options(
        selectinload(Alert.meeting).selectinload(Meeting.instance), selectinload(Alert.fiche),
        selectinload(Alert.raised_by).selectinload(Coordinator.person))).all()
    return [
        AlertLine(a.id, a.raised_on, a.text, f"{a.fiche.number} {a.fiche.title}" if a.fiche else "",
                  a.meeting.instance.name if a.meeting else "", a.raised_by.name if a.raised_by else "",
                  a.resolved_on, a.resolution)
        for a in sorted((a for a in alerts if keep(a)), key=lambda a: (a.raised_on, a.id))
    ]


# --- the generated territory ------------------------------------------------------------------

def test_journal_of_each_year_and_coordinator(gsession):
    for year in (TODAY.year - 9, TODAY.year - 1, TODAY.year):
        rows = journal.list_entries(gsession, year=year)
        assert len(rows) > 50 and any(r.partners for r in rows) and any(r.communes for r in rows)
        assert rows == orm_journal(gsession, year)
    coordinator_id = gsession.scalars(select(Coordinator.id)).first()
    mine = journal.list_entries(gsession, year=TODAY.year, coordinator_id=coordinator_id)
    assert mine and {r.coordinator for r in mine} == {gsession.get(Coordinator, coordinator_id).name}
    assert mine == orm_journal(gsession, TODAY.year, coordinator_id)
    assert journal.list_entries(gsession) == orm_journal(gsession)


def test_meetings_of_a_year_and_each_filter(gsession):
    year = TODAY.year - 1
    rows = meetings.list_meetings(gsession, year=year)
    assert len(rows) > 40 and any(r.communes for r in rows) and sum(r.present for r in rows) > 100
    assert rows == orm_meetings(gsession, lambda m: m.starts_at.year == year)
    first = rows[0]
    assert meetings.list_meetings(gsession, year=year, instance_id=first.instance_id) == orm_meetings(
        gsession, lambda m: m.starts_at.year == year and m.instance_id == first.instance_id)
    commune = gsession.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.COMMUNE)).first()
    of_commune = meetings.list_meetings(gsession, year=year, commune_id=commune.id)
    assert of_commune and all(commune.name in r.communes for r in of_commune)
    assert of_commune == orm_meetings(gsession, lambda m: m.starts_at.year == year and commune in m.communes)
    for status in MeetingStatus:
        assert meetings.list_meetings(gsession, year=TODAY.year, status=status) == orm_meetings(
            gsession, lambda m: m.starts_at.year == TODAY.year and m.status is status)
    month = meetings.list_meetings(gsession, start=datetime(year, 3, 1), end=datetime(year, 4, 1))
    assert month and month == orm_meetings(gsession, lambda m: (m.starts_at.year, m.starts_at.month) == (year, 3))


def test_bilan_meetings_and_decisions(gsession):
    for first, last in ((TODAY.year - 1, TODAY.year - 1), (TODAY.year - 4, TODAY.year),
                        (TODAY.year - 9, TODAY.year - 5)):
        years = range(first, last + 1)
        lines = meeting_lines(gsession, first, last)
        assert len(lines) > 40 and lines == orm_meeting_lines(gsession, years)
        bilan = compute_bilan(gsession, first, last, today=TODAY)
        assert bilan.meetings == lines
        assert len(bilan.decisions) > 40 and any(d.carried_by for d in bilan.decisions)
        assert bilan.decisions == orm_decision_lines(gsession, years)
        assert bilan.alerts and bilan.alerts == orm_alert_lines(gsession, lambda a: a.raised_on.year in years)
        end = min(TODAY, date(last + 1, 1, 1))
        assert bilan.open_alerts == orm_alert_lines(gsession, lambda a: a.raised_on.year <= last and (
            a.resolved_on is None or a.resolved_on > end))
    assert any(d.fiche for d in bilan.decisions)  # the first convention's decisions and alerts name fiches
    assert any(a.fiche for a in bilan.alerts) and all(a.raised_by and a.instance for a in bilan.alerts)
    assert meeting_lines(gsession) == orm_meeting_lines(gsession, range(TODAY.year - 9, TODAY.year + 1))


def test_chunk_boundaries_change_nothing(gsession, monkeypatch):
    year = TODAY.year - 2
    expected = (journal.list_entries(gsession, year=year), meetings.list_meetings(gsession, year=year),
                meeting_lines(gsession, year, year), compute_bilan(gsession, year, today=TODAY,
                                                                   produced_at=datetime(2026, 1, 1)))
    monkeypatch.setattr(bulk, "CHUNK", 7)  # many partial chunks, one at the end
    assert (journal.list_entries(gsession, year=year), meetings.list_meetings(gsession, year=year),
            meeting_lines(gsession, year, year), compute_bilan(gsession, year, today=TODAY,
                                                               produced_at=datetime(2026, 1, 1))) == expected


# --- hand-made edge cases ---------------------------------------------------------------------

@pytest.fixture
def small(session):
    from ctgdesk.services import people, territory

    names = ["évreux", "Amiens", "Zutkerque", "béthune"]  # case and accents: the two sorts differ
    communes = [territory.create_organisation(session, name=n, kind=OrganisationKind.COMMUNE).id for n in names]
    person = people.create_person(session, first_name="Claire", last_name="Dumont")
    coordinator = people.create_coordinator(session, person.id)
    instance = meetings.create_instance(session, name="COPIL", kind=InstanceKind.COPIL)
    return {"communes": communes, "coordinator": coordinator.id, "instance": instance.id, "person": person.id}


def test_edge_cases_of_the_journal(session, small):
    kinds = [JournalKind.PROJET_HABITANTS, JournalKind.INITIATIVE_CITOYENNE]
    for n, day in enumerate([date(2025, 3, 2), date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 1)]):
        journal.save_entry(session, JournalInput(
            date=day, kind=kinds[n % 2], nature=f"Entrée {n}",
            coordinator_id=small["coordinator"] if n % 2 else None,
            partner_ids=small["communes"][:n], commune_ids=small["communes"][n:]))
    rows = journal.list_entries(session, year=2025)
    assert [r.nature for r in rows] == ["Entrée 2", "Entrée 0", "Entrée 3", "Entrée 1"]  # newest first, then id
    assert [r.coordinator for r in rows] == ["", "", "Claire Dumont", "Claire Dumont"]
    assert rows[0].partners == "Amiens, évreux" and rows[0].communes == "Zutkerque, béthune"
    assert rows[1].partners == "" and rows[1].communes == "Amiens, Zutkerque, béthune, évreux"
    assert rows == orm_journal(session, 2025)
    # the two kinds of one indicator are merged in date order, then id
    bilan = compute_bilan(session, 2025, today=TODAY)
    items = next(i for i in bilan.indicators if i.code == "4.1-E1").items
    assert [item.label for item in items] == [
        "Entrée 1 (01/03/2025)", "Entrée 3 (01/03/2025)", "Entrée 0 (02/03/2025)", "Entrée 2 (02/03/2025)"]
    assert [item.record_id for item in items] == sorted(item.record_id for item in items if item.on.day == 1) + \
        sorted(item.record_id for item in items if item.on.day == 2)
    # names are read afresh on every call: nothing is cached between calls
    from ctgdesk.services import territory

    territory.update_organisation(session, small["communes"][1], name="Abbeville")
    assert journal.list_entries(session, year=2025)[0].partners == "Abbeville, évreux"


def test_edge_cases_of_the_meetings(session, small):
    starts = datetime(2025, 5, 6, 9)
    data = MeetingInput(instance_id=small["instance"], starts_at=starts, status=MeetingStatus.HELD,
                        commune_ids=small["communes"], title="Bilan",
                        attendances=[AttendanceInput(person_id=small["person"]),
                                     AttendanceInput(organisation_id=small["communes"][0],
                                                     status=AttendanceStatus.EXCUSED)],
                        decisions=[DecisionInput("Relancer", carried_by_id=small["person"],
                                                 carried_by_organisation_id=small["communes"][2])])
    meetings.save_meeting(session, data, now=datetime(2026, 1, 1))
    meetings.save_meeting(session, replace(data, animator_id=small["coordinator"], commune_ids=[], attendances=[],
                                           decisions=[], status=MeetingStatus.CANCELLED),
                          now=datetime(2026, 1, 1))
    rows = meetings.list_meetings(session, year=2025)
    assert [(r.animator, r.communes, r.present, r.decisions) for r in rows] == [
        ("Claire Dumont", "", 0, 0), ("", "Amiens, Zutkerque, béthune, évreux", 1, 1)]
    assert rows == orm_meetings(session, lambda m: m.starts_at.year == 2025)
    lines = meeting_lines(session, 2025, 2025)
    assert [line.communes for line in lines] == ["Amiens, béthune, Zutkerque, évreux", ""]  # casefold
    assert lines == orm_meeting_lines(session, range(2025, 2026))
    bilan = compute_bilan(session, 2025, scope=Scope.commune(small["communes"][0]), today=TODAY)
    assert [d.carried_by for d in bilan.decisions] == ["Claire Dumont (Zutkerque)"]
    assert bilan.decisions == orm_decision_lines(session, range(2025, 2026))
