"""The referential's indicators, counted from the records of the test territory."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from ctgdesk.models import Decision, DecisionStatus, Meeting, MeetingStatus, RefIndicator
from ctgdesk.services import meetings
from ctgdesk.services.bilan import Scope, compute_bilan, save_indicator_entry
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.indicators import COUNTERS, UnknownComputation
from ctgdesk.services.meetings import DecisionInput, MeetingInput
from ctgdesk.services.referential import read_referential_file
from tests.bilan.territory import NOW

EXPECTED_2026 = {
    "1.1-S1": 2, "1.1-S2": 3, "1.1-E1": 4, "1.2-S1": 2, "1.2-S2": 1, "1.2-E1": 1, "2.1-S1": 3, "2.1-S2": 1,
    "2.1-E1": 1, "2.2-S1": 1, "2.2-E1": 1, "3.1-S1": 1, "3.1-E1": 7, "3.2-S1": 3, "3.2-S2": 1, "3.2-E1": None,
    "4.1-S1": 1, "4.1-E1": 2, "4.2-S1": 1, "4.2-E1": None,
}


def values(bilan) -> dict[str, int | None]:
    return {r.code: r.value for r in bilan.indicators}


def test_every_source_of_the_referential_file_has_a_counter():
    data = read_referential_file()
    sources = {i["compute"]["source"] for o in data["objectives"] for f in o["functions"] for i in f["indicators"]}
    assert sources <= set(COUNTERS)
    assert set(COUNTERS) == {"meetings", "decisions", "alerts", "expertises", "plan_axes",
                             "diagnostic_partners", "new_partners", "journal", "manual"}


def test_territory_2026_numbers(session, today):
    bilan = compute_bilan(session, 2026, today=today)
    assert values(bilan) == EXPECTED_2026
    assert [r.code for r in bilan.indicators][:3] == ["1.1-S1", "1.1-S2", "1.1-E1"]
    assert len(bilan.indicators) == 20
    assert [f[2] for f in bilan.functions()] == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"]


def test_nature_says_what_was_counted(session, territory, today):
    bilan = compute_bilan(session, 2026, today=today)
    copil = bilan.indicator("1.1-S1")
    assert copil.nature == "COPIL CTG du 12/03/2026 (Lancement CTG 2) ; COPIL CTG du 15/10/2026"
    assert [i.record_id for i in copil.items] == [territory["copil_1"], territory["copil_2"]]
    assert {i.record for i in copil.items} == {"meeting"}
    partners = bilan.indicator("3.2-S1")
    assert partners.nature == ("Association : 1 (Association Parents & Cœur) ; Centre social : 1 "
                               "(Centre social Les Tilleuls) ; Commune : 1 (Marles-les-Mines)")
    expertise = bilan.indicator("1.1-S2")
    assert "Observatoire de la parentalité — Cabinet Études & Co (Groupe parentalité du 10/02/2026)" in expertise.nature
    assert "Données Caf sur les allocataires — Caf du Pas-de-Calais" in expertise.nature
    assert bilan.indicator("1.2-S1").nature == "1 Petite enfance (fiches 1.1.1) ; 2 Parentalité (fiches 2.1.1)"


def test_2025_counts_only_2025(session, today):
    bilan = compute_bilan(session, 2025, today=today)
    assert bilan.indicator("1.1-S1").value == 1
    assert bilan.indicator("1.1-E1").value == 1
    assert bilan.indicator("1.2-S2").value == 1
    assert bilan.indicator("4.2-S1").nature == "Plaquette 2025 (01/11/2025)"
    assert bilan.indicator("3.1-E1").value == 2  # the old association and the Caf, new in 2025


def test_two_years_add_up(session, today):
    one, two = compute_bilan(session, 2025, today=today), compute_bilan(session, 2026, today=today)
    both = compute_bilan(session, 2025, 2026, today=today)
    for code in ("1.1-S1", "1.1-E1", "1.2-S2", "4.2-S1", "3.1-S1"):
        assert both.indicator(code).value == one.indicator(code).value + two.indicator(code).value
    assert both.period_label == "2025–2026"


def test_coordinator_scope(session, territory, today):
    bilan = compute_bilan(session, 2026, scope=Scope.coordinator(territory["mehdi"]), today=today)
    assert bilan.scope_label == "Chargé·e de coopération : Mehdi Benali"
    got = values(bilan)
    assert got["1.1-S1"] == 0  # the COPIL is animated by Claire
    assert got["2.1-S2"] == 1 and got["2.1-S1"] == 3
    assert got["3.2-S1"] == 1  # her one conseil/appui entry, one partner
    assert got["1.2-S1"] == 1  # the follow-up she wrote
    assert [c.name for c in bilan.coordinators] == ["Mehdi Benali"]
    assert [line.name for line in bilan.etp.lines] == ["Bruay-la-Buissière"]


def test_commune_scope(session, territory, today):
    bilan = compute_bilan(session, 2026, scope=Scope.commune(territory["houdain"]), today=today)
    assert bilan.scope_label == "Commune : Houdain (62457)"
    got = values(bilan)
    assert got["1.1-S1"] == 1 and got["1.1-E1"] == 3 and got["2.1-E1"] == 1 and got["2.2-S1"] == 0
    assert [f.number for f in bilan.fiches] == ["2.1.1"]
    assert [line.name for line in bilan.etp.lines] == ["Houdain"]
    assert {m.id for m in bilan.meetings} == {territory["copil_1"], territory["elus_1"], territory["veille_1"]}


def test_unknown_source_fails_loudly(session, today):
    indicator = session.scalar(select(RefIndicator).where(RefIndicator.code == "2.2-S1"))
    indicator.computation = json.dumps({"source": "telepathy"})
    session.flush()
    with pytest.raises(UnknownComputation, match="2.2-S1.*telepathy"):
        compute_bilan(session, 2026, today=today)


def test_unknown_spec_key_or_value_fails_loudly(session, today):
    indicator = session.scalar(select(RefIndicator).where(RefIndicator.code == "1.1-S1"))
    indicator.computation = json.dumps({"source": "meetings", "instance_kind": ["copil"]})
    session.flush()
    with pytest.raises(UnknownComputation, match="instance_kind"):
        compute_bilan(session, 2026, today=today)
    indicator.computation = json.dumps({"source": "meetings", "instance_kinds": ["copilot"]})
    session.flush()
    with pytest.raises(UnknownComputation, match="copilot"):
        compute_bilan(session, 2026, today=today)


def test_manual_indicator_and_comments(session, territory, today):
    save_indicator_entry(session, "3.2-E1", 2026, Scope.territory(), "4", "Enquête auprès de 12 partenaires",
                         "Retours très positifs")
    save_indicator_entry(session, "1.1-S1", 2026, "territoire", None, "", "Deux COPIL, comme prévu")
    bilan = compute_bilan(session, 2026, today=today)
    manual = bilan.indicator("3.2-E1")
    assert (manual.value, manual.nature, manual.comment) == (4, "Enquête auprès de 12 partenaires",
                                                             "Retours très positifs")
    assert bilan.indicator("1.1-S1").comment == "Deux COPIL, comme prévu"
    assert bilan.indicator("1.1-S1").value == 2
    # another scope does not see them
    other = compute_bilan(session, 2026, scope=Scope.coordinator(territory["claire"]), today=today)
    assert other.indicator("3.2-E1").value is None and other.indicator("1.1-S1").comment == ""
    # several years: values add up, natures keep their year
    save_indicator_entry(session, "3.2-E1", 2025, "territoire", 2, "Premiers retours")
    both = compute_bilan(session, 2025, 2026, today=today).indicator("3.2-E1")
    assert both.value == 6
    assert both.nature == "2025 : Premiers retours ; 2026 : Enquête auprès de 12 partenaires"
    # emptying an entry removes it
    assert save_indicator_entry(session, "3.2-E1", 2026, "territoire", "", "", "") is None
    assert compute_bilan(session, 2026, today=today).indicator("3.2-E1").value is None


@pytest.mark.parametrize(
    ("code", "value", "nature", "message"),
    [
        ("1.1-S1", 3, "", "calculé"),
        ("1.1-S1", None, "des réunions", "calculé"),
        ("3.2-E1", "beaucoup", "", "nombre entier"),
        ("3.2-E1", -1, "", "négatif"),
        ("9.9-Z9", 1, "", "n'existe pas"),
    ],
)
def test_entry_refused(session, code, value, nature, message):
    with pytest.raises(ValidationError, match=message):
        save_indicator_entry(session, code, 2026, Scope.territory(), value, nature, "")


def test_adding_a_copil_with_one_decision_raises_exactly_its_two_indicators(session, territory, today):
    before = values(compute_bilan(session, 2026, today=today))
    meetings.save_meeting(session, MeetingInput(
        instance_id=territory["copil"], starts_at=datetime(2026, 6, 20, 14), status=MeetingStatus.HELD,
        decisions=[DecisionInput("Adopter le calendrier des COPIL")]), now=NOW)
    after = values(compute_bilan(session, 2026, today=today))
    changed = {code: (before[code], after[code]) for code in before if before[code] != after[code]}
    assert changed == {"1.1-S1": (2, 3), "1.1-E1": (4, 5)}


def test_queries_do_not_grow_with_the_number_of_meetings(session, territory, today):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind()
    compute_bilan(session, 2026, today=today)  # warm up
    event.listen(engine, "before_cursor_execute", record)
    try:
        compute_bilan(session, 2026, today=today)
        first = len(statements)
        for day in range(1, 25):
            meetings.save_meeting(session, MeetingInput(
                instance_id=territory["veille"], starts_at=datetime(2026, 1, day, 9), status=MeetingStatus.HELD,
                animator_id=territory["claire"], commune_ids=[territory["bruay"]],
                decisions=[DecisionInput(f"Décision {day}")]), now=NOW)
        session.flush()
        statements.clear()
        bilan = compute_bilan(session, 2026, today=today)
        assert len(statements) == first
        assert bilan.indicator("2.1-S2").value == 25
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_bilan_carries_its_context(session, territory, today):
    bilan = compute_bilan(session, 2026, today=today, produced_at=datetime(2026, 12, 15, 10, 30))
    assert bilan.convention.name == "CTG Artois Sud 2026-2030"
    assert [s.name for s in bilan.convention.signatories][:2] == ["Caf du Pas-de-Calais", "Communauté d'Artois Sud"]
    assert bilan.source == "Source : ctgdesk, CTG Artois Sud 2026-2030 (Communauté d'Artois Sud), données au 15/12/2026"
    assert bilan.authors == ["Mehdi Benali", "Claire Lefèvre"]
    assert bilan.convention.caf == "Caf du Pas-de-Calais"
    assert [(c.name, str(c.etp)) for c in bilan.coordinators] == [("Mehdi Benali", "0.800"),
                                                                  ("Claire Lefèvre", "0.400")]
    assert (bilan.etp.year_before, bilan.etp.year_after) == (2025, 2026)
    assert bilan.etp.before_label == "CTG 1 (2025)"
    assert [(line.name, line.arrow) for line in bilan.etp.lines] == [
        ("Bruay-la-Buissière", "↗"), ("Divion", "↘"), ("Houdain", "→"), ("Marles-les-Mines", "?")]
    assert (str(bilan.etp.total_before), str(bilan.etp.total_after)) == ("1.000", "1.200")
    assert len(bilan.meetings) == 10  # held, planned and cancelled
    assert bilan.previous_copil == date(2026, 10, 15)
    assert [d.text for d in bilan.decisions_since_copil] == ["Ouvrir un second café des parents"]
    # taken before that COPIL, still "en cours", due 30/06/2026: overdue on 15/12/2026
    assert [d.text for d in bilan.overdue_before_copil] == ["Lancer l'étude micro-crèche"]
    assert [a.text for a in bilan.open_alerts] == ["Permanences toujours sans local"]
    assert [a.text for a in bilan.alerts] == ["Permanences toujours sans local"]
    late = {f.number: f.late for f in bilan.fiches}
    assert late == {"1.1.1": True, "2.1.1": False, "3.1.1": False, "3.1.2": False}
    assert {f.number: f.progress for f in bilan.fiches}["1.1.1"] == 60
    figures = {k.label: k.value for k in bilan.key_figures}
    assert figures["Réunions tenues"] == 8 and figures["Réunions du COPIL"] == 2
    assert figures["Décisions relevées"] == 5


def test_an_alert_resolved_after_the_period_was_open_then(session, today):
    bilan = compute_bilan(session, 2025, today=today)
    assert [a.text for a in bilan.open_alerts] == ["Local des permanences introuvable"]


def test_empty_database_gives_an_empty_bilan(tmp_path):
    from ctgdesk.db.engine import make_engine, make_session_factory
    from ctgdesk.models import Base
    from ctgdesk.services.referential import ensure_referential

    engine = make_engine(tmp_path / "vide.sqlite")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        ensure_referential(session)
        bilan = compute_bilan(session, 2026)
        assert bilan.convention is None and bilan.meetings == [] and bilan.etp.lines == ()
        assert all(r.value in (0, None) for r in bilan.indicators)
    engine.dispose()


def test_meeting_lines_default_to_every_year(session):
    from ctgdesk.services.bilan import meeting_lines

    lines = meeting_lines(session)
    assert len(lines) == len(session.scalars(select(Meeting)).all()) == 11
    assert lines[0].starts_at.year == 2025


def test_overdue_decisions_before_the_last_copil(session, territory, today):
    def overdue(scope=None) -> list[str]:
        return [d.text for d in compute_bilan(session, 2026, scope=scope, today=today).overdue_before_copil]

    # taken at the COPIL of 12/03/2026 (Bruay, Houdain, Divion), animated by Claire, still "en cours"
    assert overdue() == ["Lancer l'étude micro-crèche"]
    assert overdue(Scope.commune(territory["bruay"])) == ["Lancer l'étude micro-crèche"]
    # Houdain's last COPIL is that of 12/03/2026: the decision is one "since the last COPIL" there
    houdain = compute_bilan(session, 2026, scope=Scope.commune(territory["houdain"]), today=today)
    assert houdain.previous_copil == date(2026, 3, 12) and houdain.overdue_before_copil == []
    assert "Lancer l'étude micro-crèche" in [d.text for d in houdain.decisions_since_copil]
    assert overdue(Scope.commune(territory["marles"])) == []
    assert overdue(Scope.coordinator(territory["mehdi"])) == []
    decision = session.scalars(select(Decision).where(Decision.text == "Lancer l'étude micro-crèche")).one()
    decision.due_date = today  # due today: not overdue yet
    session.flush()
    assert overdue() == []
    decision.due_date = today - timedelta(days=1)
    session.flush()
    assert overdue() == ["Lancer l'étude micro-crèche"]
    decision.status = DecisionStatus.DROPPED
    session.flush()
    assert overdue() == []
