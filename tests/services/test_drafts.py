"""The draft store alone: versioned JSON files, one per form opened, bound to a base; the
services' plain data through JSON and back, field for field."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from ctgdesk.models import AttendanceStatus, DecisionStatus, FicheStatus, MeetingStatus
from ctgdesk.services.drafts import Draft, DraftStore, base_key, from_plain, to_plain
from ctgdesk.services.meetings import AlertInput, AttendanceInput, DecisionInput, ExpertiseInput, MeetingInput
from ctgdesk.services.plan import FicheInput, FollowUpInput, FundingInput, IndicatorInput, StepInput


def _meeting() -> MeetingInput:
    return MeetingInput(
        instance_id=3, starts_at=datetime(2026, 12, 6, 14, 30), ends_at=datetime(2026, 12, 6, 16), place="Mairie",
        animator_id=2, status=MeetingStatus.HELD, title="COPIL", agenda="1. Bilan", minutes="…",
        diagnostic_partage=True, commune_ids=[4, 7],
        attendances=[AttendanceInput(1), AttendanceInput(None, 5, AttendanceStatus.EXCUSED)],
        decisions=[DecisionInput("Relancer", carried_by_organisation_id=5, due_date=date(2027, 1, 15),
                                 status=DecisionStatus.IN_PROGRESS, fiche_id=9, uid="d-1"), DecisionInput("")],
        alerts=[AlertInput("Retard", raised_on=date(2026, 12, 1), fiche_id=9, resolved_on=None, uid="a-1")],
        expertises=[ExpertiseInput("Bonus", expert_id=1, expert_label="CTF")],
        uid="m-1",
    )


def test_meeting_input_goes_through_json_and_back_unchanged():
    data = _meeting()
    text = json.dumps(to_plain(data))
    assert from_plain(MeetingInput, json.loads(text)) == data


def test_a_half_filled_form_comes_back_as_it_was():
    # no instance chosen yet, a funding line without its funder: a draft keeps them as they are
    meeting = MeetingInput(instance_id=None, starts_at=datetime(2026, 12, 6, 14, 0))  # type: ignore[arg-type]
    assert from_plain(MeetingInput, json.loads(json.dumps(to_plain(meeting)))) == meeting
    fiche = FicheInput(
        objectif_id=1, number="1.2", title="Relais", budget="12 000,50", status=FicheStatus.IN_PROGRESS,
        steps=[StepInput("Cadrage", date(2026, 1, 1), None, True, "s-1")],
        fundings=[FundingInput(None, "3 000"), FundingInput(4, Decimal("1500.00"), "f-1")],  # type: ignore[arg-type]
        indicators=[IndicatorInput("Familles", unit="familles", target_value="40", values={2025: "31", 2026: "12,5"})],
        follow_ups=[FollowUpInput(date(2026, 6, 1), 40, "Lancé")],
    )
    back = from_plain(FicheInput, json.loads(json.dumps(to_plain(fiche))))
    assert back.fundings[0] == FundingInput(None, "3 000")  # type: ignore[arg-type]
    assert back.fundings[1].amount == "1500.00"  # a decimal comes back as its text, which the services read
    assert back.indicators[0].values == {2025: "31", 2026: "12,5"}  # years are numbers again
    assert back.budget == "12 000,50" and back.status is FicheStatus.IN_PROGRESS
    assert back.steps == fiche.steps and back.follow_ups == fiche.follow_ups


def test_store_saves_lists_loads_and_discards(tmp_path):
    store = DraftStore(tmp_path / "brouillons")
    assert store.list() == []
    base = tmp_path / "ctg.sqlite"
    first = Draft(kind="meeting", base=base_key(base), state=to_plain(_meeting()), label="la réunion « COPIL »",
                  started_at=datetime(2026, 12, 6, 14, 32))
    other_base = Draft(kind="meeting", base=base_key(tmp_path / "autre.sqlite"), state={"a": 1},
                       started_at=datetime(2026, 12, 5, 9, 0))
    editing = Draft(kind="fiche", base=base_key(base), state={"number": "1.1"}, record_uid="f-9",
                    started_at=datetime(2026, 12, 6, 15, 0))
    for draft in (first, other_base, editing):
        store.save(draft)
    names = sorted(p.name for p in store.folder.iterdir())
    assert names == sorted(f"{d.id}.json" for d in (first, other_base, editing))
    assert [d.id for d in store.list(base)] == [first.id, editing.id]  # this base's, oldest first
    assert [d.id for d in store.list()] == [other_base.id, first.id, editing.id]
    loaded = store.load(first.id)
    assert loaded.state == first.state and loaded.label == "la réunion « COPIL »"
    assert loaded.started_at == datetime(2026, 12, 6, 14, 32) and loaded.saved_at is not None
    assert from_plain(MeetingInput, loaded.state) == _meeting()
    assert store.load(editing.id).record_uid == "f-9" and store.load(first.id).record_uid is None
    # a second save replaces the file (no temporary left behind)
    first.state = {"changed": True}
    store.save(first)
    assert store.load(first.id).state == {"changed": True}
    assert not [p for p in store.folder.iterdir() if p.suffix == ".tmp"]
    store.discard(first.id)
    assert [d.id for d in store.list(base)] == [editing.id] and store.load(first.id) is None


def test_files_that_are_not_our_drafts_are_ignored_and_never_removed(tmp_path):
    store = DraftStore(tmp_path)
    good = Draft(kind="meeting", base="x", state={})
    store.save(good)
    strangers = {
        "notes.json": '{"hello": 1}',
        "half.json": '{"format": "ctgdesk-draft", "vers',
        "future.json": json.dumps({"format": "ctgdesk-draft", "version": 99, "id": "future"}),
    }
    for name, text in strangers.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert [d.id for d in store.list()] == [good.id]
    for name in strangers:
        store.discard(name.removesuffix(".json"))
        assert (tmp_path / name).read_text(encoding="utf-8") == strangers[name]
    saved = json.loads(store.path_of(good.id).read_text(encoding="utf-8"))
    assert (saved["format"], saved["version"], saved["kind"]) == ("ctgdesk-draft", 1, "meeting")
