"""The meetings calendar (.ics) and the CSV tables, read back."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from icalendar import Calendar

from ctgdesk.exchange import atomic
from ctgdesk.exchange.atomic import TargetLocked
from ctgdesk.exchange.bilan_tables import CSV_TABLES, csv_table
from ctgdesk.exchange.csv_export import csv_text, defuse, write_csv
from ctgdesk.exchange.ics import write_ics
from ctgdesk.models import Meeting
from ctgdesk.services.bilan import compute_bilan, meeting_lines


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_ics_events(session, territory, out):
    path = write_ics(meeting_lines(session, 2026), out / "reunions.ics", name="Réunions CTG 2026",
                     produced_at=datetime(2026, 12, 15, 10, 30))
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Réunions CTG 2026"
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    assert len(events) == 10
    copil = session.get(Meeting, territory["copil_1"])
    event = next(e for e in events if str(e["UID"]) == copil.uid)
    assert str(event["SUMMARY"]) == "COPIL CTG — Lancement CTG 2"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTSTART"].to_ical() == b"20260312T140000"
    assert event["DTEND"].to_ical() == b"20260312T160000"
    assert str(event["LOCATION"]) == "Mairie"
    assert str(event["DESCRIPTION"]).startswith("Ordre du jour :\n1. Installation du COPIL\n2. Plan d'action")
    assert str(event["STATUS"]) == "CONFIRMED"
    cancelled = next(e for e in events if str(e["UID"]) == session.get(Meeting, territory["veille_cancelled"]).uid)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    raw = path.read_text(encoding="utf-8")
    assert "DTSTART;TZID=Europe/Paris:20260312T140000" in raw
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in raw


def test_ics_uid_is_stable_between_exports(session, out):
    first = Calendar.from_ical(write_ics(meeting_lines(session, 2026), out / "a.ics").read_bytes())
    second = Calendar.from_ical(write_ics(meeting_lines(session, 2026), out / "b.ics").read_bytes())
    assert sorted(str(e["UID"]) for e in first.walk("VEVENT")) == sorted(
        str(e["UID"]) for e in second.walk("VEVENT"))
    assert sorted(str(e["UID"]) for e in first.walk("VEVENT")) == sorted(
        m.uid for m in session.query(Meeting).all() if m.starts_at.year == 2026)


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_write_csv(out):
    path = out / "t.csv"
    count = write_csv(path, ["Nom", "ETP", "Date", "Texte"],
                      [["Houdain", "0,30", datetime(2026, 3, 12, 14), "dit « oui »; puis \"non\"\nfin"],
                       ["=SOMME(A1)", None, None, "@cmd"]])
    assert count == 2
    assert read_csv(path) == [["Nom", "ETP", "Date", "Texte"],
                              ["Houdain", "0,30", "12/03/2026 14:00", "dit « oui »; puis \"non\"\nfin"],
                              ["'=SOMME(A1)", "", "", "'@cmd"]]
    assert b"\r\n" in path.read_bytes()


@pytest.mark.parametrize(("value", "expected"), [
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"), ("- point 1", "'- point 1"), ("-A1", "'-A1"), ("+A1", "'+A1"),
    ("=1+1", "'=1+1"), ("", ""), ("Houdain", "Houdain"),
])
def test_defuse(value, expected):
    assert defuse(value) == expected


def test_csv_text_french_conventions():
    from decimal import Decimal

    from ctgdesk.models import MeetingStatus

    assert csv_text(Decimal("0.40")) == "0,40"
    assert csv_text(True) == "Oui" and csv_text(None) == ""
    assert csv_text(MeetingStatus.HELD) == "Tenue"


@pytest.mark.parametrize("name", CSV_TABLES)
def test_every_csv_table(session, today, out, name):
    bilan = compute_bilan(session, 2026, today=today)
    table = csv_table(bilan, name)
    path = out / f"{name}.csv"
    count = write_csv(path, table.headers, table.text_values())
    rows = read_csv(path)
    assert rows[0] == table.headers
    assert len(rows) - 1 == count == len(table.rows)
    if name == "etp":
        assert rows[1][:5] == ["Bruay-la-Buissière", "0,50", "1", "0,80", "1"]
    if name == "meetings":
        assert ["12/03/2026", "14:00", "COPIL CTG", "COPIL", "Lancement CTG 2", "Tenue"] == rows[2][:6]
        assert rows[0][-1] == "Identifiant"  # what `ctgdesk export meeting ID` takes
        assert rows[2][-1] == str(next(m.id for m in bilan.meetings if m.title == "Lancement CTG 2"))


def test_unknown_csv_table(session, today):
    with pytest.raises(ValueError, match="Table inconnue"):
        csv_table(compute_bilan(session, 2026, today=today), "couleurs")


def test_locked_csv(out, monkeypatch):
    monkeypatch.setattr(atomic.os, "replace", lambda s, d: (_ for _ in ()).throw(PermissionError(13, "x")))
    monkeypatch.setattr(atomic, "REPLACE_PAUSE_S", 0)
    with pytest.raises(TargetLocked):
        write_csv(out / "t.csv", ["a"], [["b"]])
    assert list(out.iterdir()) == []


def test_missing_folder_is_a_french_error(tmp_path):
    from ctgdesk.exchange.atomic import ExportError

    with pytest.raises(ExportError, match="Le dossier .* n'existe pas"):
        write_csv(tmp_path / "absent" / "t.csv", ["a"], [])
