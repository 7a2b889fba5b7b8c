"""The tableau de bord's figures and warnings, computed from what services recorded."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ctgdesk.models import (
    Coordinator,
    DecisionStatus,
    EtpAllocation,
    EtpShare,
    FicheStatus,
    InstanceKind,
    MeetingStatus,
    OrganisationKind,
)
from ctgdesk.services import etp, meetings, people, plan, territory
from ctgdesk.services.dashboard import PAGE_MEETINGS, PAGE_PLAN, PAGE_STAFF, dashboard
from ctgdesk.services.etp import ShareInput
from ctgdesk.services.meetings import AlertInput, DecisionInput, MeetingInput

TODAY = date(2026, 6, 15)


@pytest.fixture
def territory_ids(db):
    """A convention 2025–2029, two instances, two communes with ETP, one coordinator."""
    with db.transaction() as s:
        convention = territory.create_convention(
            s, name="CTG du Ternois", territory="Ternois", first_year=2025, last_year=2029)
        copil = meetings.create_instance(s, name="COPIL", kind=InstanceKind.COPIL, min_per_year=2,
                                         convention_id=convention.id)
        cotech = meetings.create_instance(s, name="COTECH", kind=InstanceKind.COTECH, min_per_year=3,
                                          convention_id=convention.id)
        groupe = meetings.create_instance(s, name="Groupe jeunesse", kind=InstanceKind.GROUPE_THEMATIQUE,
                                          theme="Jeunesse", convention_id=convention.id)
        divion = territory.create_organisation(s, name="Divion", kind=OrganisationKind.COMMUNE)
        houdain = territory.create_organisation(s, name="Houdain", kind=OrganisationKind.COMMUNE)
        person = people.create_person(s, last_name="Martin", first_name="Claire")
        claire = people.create_coordinator(s, person.id)
        etp.set_allocation(s, divion.id, 2025, "0,30")
        etp.set_allocation(s, divion.id, 2026, "0,40", shares=[ShareInput(claire.id, "0,40")])
        etp.set_allocation(s, houdain.id, 2026, "En cours")
        enjeu = plan.create_enjeu(s, convention.id, "Petite enfance")
        objectif = plan.create_objectif(s, enjeu.id, "Accueillir")
        blocked = plan.create_fiche(s, objectif.id, number="1.1", title="Crèche intercommunale",
                                    status=FicheStatus.BLOCKED)
        alerted = plan.create_fiche(s, objectif.id, number="1.2", title="RPE itinérant",
                                    status=FicheStatus.BLOCKED)
        running = plan.create_fiche(s, objectif.id, number="1.3", title="Lieu d'accueil parents",
                                    status=FicheStatus.IN_PROGRESS, end_date=date(2026, 3, 31))
        return dict(convention=convention.id, copil=copil.id, cotech=cotech.id, groupe=groupe.id,
                    divion=divion.id, claire=claire.id, blocked=blocked.id, alerted=alerted.id,
                    running=running.id)


def add_meeting(db, instance_id, when, status, **fields):
    with db.transaction() as s:
        return meetings.save_meeting(
            s, MeetingInput(instance_id=instance_id, starts_at=when, status=status, **fields),
            now=datetime.combine(TODAY, datetime.min.time()),
        ).id


def test_counts_meetings_per_instance_against_their_minimum(db, territory_ids):
    ids = territory_ids
    add_meeting(db, ids["copil"], datetime(2026, 2, 3, 14), MeetingStatus.HELD)
    add_meeting(db, ids["copil"], datetime(2026, 10, 6, 14), MeetingStatus.PLANNED)
    add_meeting(db, ids["cotech"], datetime(2026, 3, 10, 9), MeetingStatus.HELD)
    add_meeting(db, ids["cotech"], datetime(2026, 4, 10, 9), MeetingStatus.CANCELLED)
    add_meeting(db, ids["cotech"], datetime(2026, 5, 10, 9), MeetingStatus.PLANNED)  # past, never held
    add_meeting(db, ids["cotech"], datetime(2025, 5, 10, 9), MeetingStatus.HELD)  # another year

    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)

    by_name = {c.name: c for c in board.instances}
    assert by_name["COPIL"].label == "COPIL : 1 / 2"
    assert (by_name["COPIL"].held, by_name["COPIL"].planned) == (1, 1)
    assert not by_name["COPIL"].under_minimum  # the October COPIL completes it
    assert by_name["COTECH"].label == "COTECH : 1 / 3"
    assert by_name["COTECH"].under_minimum
    assert by_name["Groupe jeunesse"].label == "Groupe jeunesse : 0"
    assert not by_name["Groupe jeunesse"].under_minimum
    assert board.meetings_held == 2 and board.meetings_planned == 2
    assert [(m.instance, m.starts_at) for m in board.next_meetings] == [("COPIL", datetime(2026, 10, 6, 14))]

    instance_warnings = [w for w in board.warnings if w.record_kind == "instance"]
    assert len(instance_warnings) == 1
    warning = instance_warnings[0]
    assert (warning.page, warning.record_id) == (PAGE_MEETINGS, ids["cotech"])
    assert warning.message == (
        "COTECH : 1 réunion(s) tenue(s) et 0 prévue(s) en 2026, pour 3 au moins — 2 à programmer."
    )


def test_open_and_overdue_decisions_and_open_alerts(db, territory_ids):
    ids = territory_ids
    meeting_id = add_meeting(
        db, ids["copil"], datetime(2025, 11, 4, 14), MeetingStatus.HELD,
        decisions=[
            DecisionInput("Lancer l'étude de besoins petite enfance", due_date=date(2026, 3, 1)),
            DecisionInput("Réunir les élus", due_date=date(2026, 9, 1), status=DecisionStatus.IN_PROGRESS),
            DecisionInput("Valider le diagnostic", due_date=date(2026, 1, 1), status=DecisionStatus.DONE),
            DecisionInput("Sans échéance"),
        ],
        alerts=[AlertInput("Le RPE itinérant n'a pas de locaux", fiche_id=ids["alerted"]),
                AlertInput("Déjà traité", resolved_on=date(2025, 12, 1))],
    )
    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)

    assert board.open_decisions == 3
    assert board.overdue_decisions == 1
    assert board.open_alerts == 1
    decision_warnings = [w for w in board.warnings if w.record_kind == "meeting"]
    assert [(w.page, w.record_id) for w in decision_warnings] == [(PAGE_MEETINGS, meeting_id)]
    assert decision_warnings[0].message == (
        "Décision en retard (échéance 01/03/2026) : « Lancer l'étude de besoins petite enfance »"
    )


def test_the_most_urgent_warnings_of_a_kind_are_listed_the_others_counted(db, territory_ids):
    from ctgdesk.services.dashboard import WARNINGS_PER_KIND

    due = [date(2026, 1, 1 + n) for n in range(WARNINGS_PER_KIND + 5)]
    meeting_id = add_meeting(
        db, territory_ids["copil"], datetime(2025, 11, 4, 14), MeetingStatus.HELD,
        decisions=[DecisionInput(f"Décision {day:%d}", due_date=day) for day in reversed(due)],
    )
    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)

    assert board.overdue_decisions == len(due)  # the figures count them all
    listed = [w for w in board.warnings if w.record_kind == "meeting"]
    assert [w.message for w in listed] == [
        f"Décision en retard (échéance {day:%d}/01/2026) : « Décision {day:%d} »" for day in due[:WARNINGS_PER_KIND]]
    assert {w.record_id for w in listed} == {meeting_id}
    assert board.more_warnings == {"meeting": 5}


def test_fiches_by_status_and_blocked_fiche_without_alert(db, territory_ids):
    ids = territory_ids
    add_meeting(db, ids["copil"], datetime(2026, 2, 3, 14), MeetingStatus.HELD,
                alerts=[AlertInput("Le RPE itinérant n'a pas de locaux", fiche_id=ids["alerted"])])
    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)

    assert board.fiches_by_status[FicheStatus.BLOCKED] == 2
    assert board.fiches_by_status[FicheStatus.IN_PROGRESS] == 1
    assert board.fiches_by_status[FicheStatus.DONE] == 0
    assert board.fiches_total == 3
    assert board.late_fiches == 1  # 1.3 ended on 31 March
    fiche_warnings = [w for w in board.warnings if w.record_kind == "fiche"]
    assert [(w.page, w.record_id) for w in fiche_warnings] == [(PAGE_PLAN, ids["blocked"])]
    assert fiche_warnings[0].message == "Fiche 1.1 « Crèche intercommunale » bloquée sans alerte ouverte au COPIL."


def test_etp_totals_and_over_allocated_coordinator(db, territory_ids):
    ids = territory_ids
    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)
    assert board.convention == "CTG du Ternois"
    assert board.etp_total == Decimal("0.400")
    assert board.etp_previous_total == Decimal("0.300")
    assert (board.etp_structures, board.etp_pending, board.coordinators) == (2, 1, 1)
    assert board.organisations == 2
    assert not [w for w in board.warnings if w.page == PAGE_STAFF]

    # An import of older data can leave a coordinator above a full time: the dashboard says so.
    with db.transaction() as s:
        other = territory.create_organisation(s, name="Calonne", kind=OrganisationKind.COMMUNE)
        allocation = EtpAllocation(organisation_id=other.id, year=2026, etp=Decimal("0.8"))
        allocation.shares.append(EtpShare(coordinator_id=ids["claire"], etp=Decimal("0.8")))
        s.add(allocation)
    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)
    staff = [w for w in board.warnings if w.page == PAGE_STAFF]
    assert [(w.record_kind, w.record_id) for w in staff] == [("coordinator", ids["claire"])]
    assert staff[0].message == "Claire Martin a 1,20 ETP en 2026 (plus d'un temps plein)."
    assert board.etp_total == Decimal("1.200")


def test_empty_database_gives_an_empty_board(db):
    with db.transaction() as s:
        board = dashboard(s, 2026, TODAY)
    assert board.convention is None
    assert board.instances == [] and board.warnings == [] and board.next_meetings == []
    assert board.etp_total == 0 and board.etp_previous_total is None
    assert board.fiches_total == 0 and set(board.fiches_by_status) == set(FicheStatus)
    assert board.organisations == 0


def test_coordinators_counted_when_in_post_during_the_year(db):
    with db.transaction() as s:
        for name, start, end in (("A", None, None), ("B", date(2027, 1, 1), None), ("C", None, date(2025, 12, 31)),
                                 ("D", date(2026, 12, 1), date(2027, 3, 1))):
            people.create_coordinator(s, people.create_person(s, last_name=name).id, start_date=start, end_date=end)
    with db.transaction() as s:
        assert dashboard(s, 2026, TODAY).coordinators == 2
        assert s.query(Coordinator).count() == 4


def test_demo_dashboard_reads_the_demo_territory(demo_db):
    from tests.conftest import DEMO_TODAY

    with demo_db.transaction() as s:
        board = dashboard(s, 2026, DEMO_TODAY)
    assert board.convention is not None
    assert board.instances and board.meetings_held > 0
    assert board.etp_total > 0 and board.coordinators == 10
    assert all(m.starts_at.date() >= DEMO_TODAY for m in board.next_meetings)
    assert board.fiches_total > 0


def test_instances_outside_the_conventions_years_are_left_out(db):
    with db.transaction() as s:
        convention = territory.create_convention(s, name="CTG", territory="T", first_year=2025, last_year=2029)
        meetings.create_instance(s, name="COPIL", kind=InstanceKind.COPIL, min_per_year=2,
                                 convention_id=convention.id)
        meetings.create_instance(s, name="Veille", kind=InstanceKind.VEILLE, min_per_year=4)
    with db.transaction() as s:
        assert [c.name for c in dashboard(s, 2026, TODAY).instances] == ["COPIL", "Veille"]
        early = dashboard(s, 2019, TODAY)
    assert early.instances == [] and early.warnings == []


def test_my_dashboard_counts_her_meetings_decisions_fiches_and_journal(demo_db):
    from sqlalchemy import select as _select

    from ctgdesk.models import Decision as _Decision, FicheAction as _Fiche, JournalEntry as _Entry, Meeting as _Meeting
    from tests.conftest import DEMO_TODAY

    with demo_db.transaction() as s:
        coordinators = {c.name: c for c in people.list_coordinators(s)}
        claire, pauline = coordinators["Claire Dumont"], coordinators["Pauline Vasseur"]
        everyone = dashboard(s, 2026, DEMO_TODAY)
        hers = dashboard(s, 2026, DEMO_TODAY, mine=claire.id)
        assert everyone.mine is None and hers.mine == "Claire Dumont"
        meetings_2026 = [m for m in s.scalars(_select(_Meeting)) if m.starts_at.year == 2026]
        animated = {m.id for m in meetings_2026 if m.animator_id == claire.id}
        assert hers.meetings_held == sum(1 for m in meetings_2026 if m.id in animated and m.status.name == "HELD")
        assert 0 < hers.meetings_held < everyone.meetings_held
        every_meeting_she_animates = {m.id for m in s.scalars(_select(_Meeting)) if m.animator_id == claire.id}
        open_decisions = [d for d in s.scalars(_select(_Decision)) if d.status.name in ("OPEN", "IN_PROGRESS")]
        assert hers.open_decisions == sum(1 for d in open_decisions if d.carried_by_id == claire.person_id
                                          or d.meeting_id in every_meeting_she_animates)
        assert hers.fiches_total == sum(1 for f in s.scalars(_select(_Fiche)) if f.referent_id == claire.person_id)
        assert hers.journal_entries == sum(1 for e in s.scalars(_select(_Entry))
                                           if e.coordinator_id == claire.id and e.date.year == 2026)
        assert hers.etp_total == everyone.etp_total  # the territory's ETP whoever looks
        theirs = dashboard(s, 2026, DEMO_TODAY, mine=pauline.id)
        assert theirs.fiches_total == 0 and theirs.meetings_held < everyone.meetings_held
