"""An independent recount: every computed indicator counted again here with plain ORM loads and
Python filters, for each scope, and compared with compute_bilan (numbers and record ids)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ctgdesk.models import (
    Alert,
    AttendanceStatus,
    FollowUp,
    IndicatorEntry,
    JournalEntry,
    Meeting,
    MeetingStatus,
)
from ctgdesk.services.bilan import Scope, compute_bilan, save_indicator_entry
from ctgdesk.services.referential import indicator_definitions


def in_years(day: date, years: range) -> bool:
    return day.year in years


def meeting_in_scope(meeting: Meeting, scope: Scope) -> bool:
    if scope.kind == "coordinator":
        return meeting.animator_id == scope.id
    if scope.kind == "commune":
        return scope.id in {c.id for c in meeting.communes}
    return True


def entry_in_scope(entry: JournalEntry, scope: Scope) -> bool:
    if scope.kind == "coordinator":
        return entry.coordinator_id == scope.id
    if scope.kind == "commune":
        return scope.id in {c.id for c in entry.communes}
    return True


def alert_in_scope(alert: Alert, scope: Scope) -> bool:
    if scope.kind == "coordinator":
        return alert.raised_by_id == scope.id
    if scope.kind == "commune":
        via_meeting = alert.meeting is not None and scope.id in {c.id for c in alert.meeting.communes}
        via_fiche = alert.fiche is not None and scope.id in {c.id for c in alert.fiche.communes}
        return via_meeting or via_fiche
    return True


def present_organisations(meeting: Meeting) -> set[int]:
    found = set()
    for attendance in meeting.attendances:
        if attendance.status is not AttendanceStatus.PRESENT:
            continue
        org = attendance.organisation_id or (attendance.person.organisation_id if attendance.person else None)
        if org is not None:
            found.add(org)
    return found


def recount(session, spec: dict, code: str, years: range, scope: Scope) -> tuple[int | None, set]:
    """(number, ids of the records behind it)"""
    all_meetings = session.scalars(select(Meeting)).all()
    meetings = [m for m in all_meetings if in_years(m.starts_at.date(), years) and meeting_in_scope(m, scope)]
    entries = [e for e in session.scalars(select(JournalEntry)).all()
               if in_years(e.date, years) and entry_in_scope(e, scope)]
    source = spec["source"]

    def selected(spec_meetings):
        kinds = spec.get("instance_kinds")
        statuses = spec.get("status", ["tenue"])
        return [m for m in spec_meetings if (kinds is None or m.instance.kind.value in kinds)
                and m.status.value in statuses and (not spec.get("animated") or m.animator_id is not None)]

    if source == "meetings":
        ids = {m.id for m in selected(meetings)}
    elif source == "decisions":
        ids = {d.id for m in selected(meetings) for d in m.decisions}
    elif source == "expertises":
        ids = {x.id for m in selected(meetings) for x in m.expertises}
    elif source == "alerts":
        ids = {a.id for a in session.scalars(select(Alert)).all()
               if in_years(a.raised_on, years) and alert_in_scope(a, scope)}
    elif source == "plan_axes":
        ids = set()
        for follow_up in session.scalars(select(FollowUp)).all():
            if not in_years(follow_up.date, years):
                continue
            if scope.kind == "coordinator" and follow_up.author_id != scope.id:
                continue
            if scope.kind == "commune" and scope.id not in {c.id for c in follow_up.fiche.communes}:
                continue
            ids.add(follow_up.fiche.objectif.enjeu_id)
    elif source == "diagnostic_partners":
        ids = set()
        for m in meetings:
            if m.diagnostic_partage and m.status is MeetingStatus.HELD:
                ids |= present_organisations(m)
    elif source == "new_partners":
        now, before = set(), set()
        for m in meetings:
            if m.status is MeetingStatus.HELD:
                now |= present_organisations(m)
        for e in entries:
            now |= {p.id for p in e.partners}
        for m in all_meetings:
            if m.status is MeetingStatus.HELD and m.starts_at.year < years.start:
                before |= present_organisations(m)
        for e in session.scalars(select(JournalEntry)).all():
            if e.date.year < years.start:
                before |= {p.id for p in e.partners}
        ids = now - before
    elif source == "journal":
        chosen = [e for e in entries if e.kind.value in spec["kinds"]]
        if spec.get("count") == "partners":
            ids = {p.id for e in chosen for p in e.partners}
        else:
            ids = {e.id for e in chosen}
    elif source == "manual":
        rows = [r for r in session.scalars(select(IndicatorEntry)).all()
                if r.indicator_code == code and r.year in years and r.scope == scope.key]
        values = [r.value for r in rows if r.value is not None]
        return (sum(values) if values else None), {r.id for r in rows if r.nature}
    else:
        raise AssertionError(source)
    return len(ids), ids


SCOPES = ["territoire", "coordinator:claire", "coordinator:mehdi", "commune:bruay", "commune:houdain",
          "commune:divion"]


@pytest.mark.parametrize("scope_name", SCOPES)
@pytest.mark.parametrize("years", [(2026, 2026), (2025, 2025), (2025, 2026)])
def test_recount_matches(session, territory, today, scope_name, years):
    kind, _, key = scope_name.partition(":")
    scope = Scope.territory() if kind == "territoire" else Scope(kind, territory[key])
    save_indicator_entry(session, "4.2-E1", 2026, scope, 3, "Questionnaire en mairie", "")
    bilan = compute_bilan(session, years[0], years[1], scope=scope, today=today)
    definitions = {d.code: d for d in indicator_definitions(session)}
    checked = 0
    for result in bilan.indicators:
        expected_value, expected_ids = recount(session, definitions[result.code].spec, result.code,
                                               range(years[0], years[1] + 1), scope)
        assert result.value == expected_value, result.code
        assert {item.record_id for item in result.items} == expected_ids, result.code
        checked += 1
    assert checked == 20
    if years[1] == 2026:  # the recount is not trivially zero everywhere
        assert sum(r.value or 0 for r in bilan.indicators) >= 5
