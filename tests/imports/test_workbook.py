"""The whole database as one workbook: lossless round trip, empty-database rule, bad cells."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from ctgdesk.db import open_database
from ctgdesk.exchange.workbook import README_SHEET
from ctgdesk.models import (
    Base,
    EtpAllocation,
    FicheAction,
    IndicatorEntry,
    FicheStep,
    Organisation,
    Person,
    Signatory,
)
from ctgdesk.services.imports import run_import
from ctgdesk.services.imports.dataset import LOCAL_TABLES, REFERENTIAL_TABLES
from ctgdesk.services.imports.workbook import export_workbook
from ctgdesk.services.referential import ensure_referential
from tests.imports.helpers import dump

EXPORTED_AT = datetime(2026, 11, 23, 10, 0)


def _png() -> bytes:
    """A real PNG (imports check a logo as the form does), with every byte value in it."""
    from io import BytesIO

    from PIL import Image

    image = Image.frombytes("RGB", (16, 16), bytes(range(256)) * 3)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


LOGO = _png()


def cells(path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path)
    try:
        return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}
    finally:
        workbook.close()


def add_awkward_values(db) -> None:
    """Values a naive export would lose: binary, control characters, CR, formulas, empty vs none."""
    with db.transaction() as session:
        signatory = session.scalars(select(Signatory)).first()
        signatory.logo, signatory.logo_filename = LOGO, "logo caf.png"
        organisation = session.scalars(select(Organisation)).first()
        organisation.notes = "=SUM(A1)\r\nligne 2\x01\tfin  "
        person = session.scalars(select(Person)).first()
        person.phone = ""
        person.role = "base64:pas du base64"
        allocation = session.scalars(select(EtpAllocation)).first()
        allocation.etp = Decimal("0.333")
        fiche = session.scalars(select(FicheAction)).first()
        fiche.budget = Decimal("1234567.89")
        session.add(IndicatorEntry(indicator_code="1.1.a", year=2026, scope="territoire", value=3,
                                   nature="Groupe d'élus", comment="Saisi à la main"))


def test_round_trip_is_lossless(demo_db, tmp_path):
    add_awkward_values(demo_db)
    first = tmp_path / "base.xlsx"
    with demo_db.session() as session:
        summary = export_workbook(session, first, exported_at=EXPORTED_AT)
    assert summary.rows > 1000

    target = open_database(tmp_path / "nouvelle.sqlite")
    try:
        with target.transaction() as session:
            ensure_referential(session)
        report = run_import(target, "workbook", first)
        assert report.ok, report.text()
        second = tmp_path / "base2.xlsx"
        with target.session() as session:
            export_workbook(session, second, exported_at=EXPORTED_AT)
            signatory = session.scalars(select(Signatory).where(Signatory.logo.is_not(None))).one()
            assert signatory.logo == LOGO
            organisation = session.scalars(select(Organisation).order_by(Organisation.id)).first()
            assert organisation.notes == "=SUM(A1)\r\nligne 2\x01\tfin  "
            person = session.scalars(select(Person).order_by(Person.id)).first()
            assert person.phone == "" and person.role == "base64:pas du base64"
            assert session.scalars(select(EtpAllocation).order_by(EtpAllocation.id)).first().etp == Decimal("0.333")
            assert session.scalars(select(FicheAction).order_by(FicheAction.id)).first().budget == Decimal("1234567.89")
    finally:
        target.dispose()

    before, after = cells(first), cells(second)
    assert list(before) == list(after)
    for name in before:
        assert before[name] == after[name], name  # every cell of every sheet
    # Every table but the shipped referential (and the base's own history) has its sheet,
    # association tables included.
    expected = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENTIAL_TABLES | LOCAL_TABLES]
    assert set(before) == {README_SHEET, *expected}
    assert {"meeting_commune", "convention_perimeter", "indicator_entry"} <= set(before)
    header = before["etp_allocation"][0]
    assert "organisation_uid" in header and "id" not in header and "organisation_id" not in header
    etp_column = header.index("etp")
    assert all(isinstance(r[etp_column], (str, type(None))) for r in before["etp_allocation"][1:])
    assert before["etp_allocation"][1][etp_column] == "0.333"


def test_readme_documents_every_column(demo_workbook):
    sheets = cells(demo_workbook)
    readme = sheets[README_SHEET]
    documented = {(r[0], r[1]) for r in readme if r and len(r) > 2 and r[2] and r[0] in sheets}
    for name, rows in sheets.items():
        if name == README_SHEET:
            continue
        for column in rows[0]:
            assert (name, column) in documented, (name, column)
    assert any("Exporté le 23/11/2026" in (r[0] or "") for r in readme if r)


def test_import_refuses_a_database_that_is_not_empty(demo_db, demo_workbook):
    before = dump(demo_db)
    report = run_import(demo_db, "workbook", demo_workbook)
    assert len(report.errors) == 1
    assert "ne s'importe que dans une base vide" in report.errors[0].detail
    assert dump(demo_db) == before


def export_edited(db, path, edits: list[tuple[str, str, int, str]]) -> None:
    """Export the database to `path` with some cells changed: (sheet, column, row, value)."""
    from ctgdesk.exchange.workbook import write_workbook
    from ctgdesk.services.imports.dataset import dump_dataset
    from ctgdesk.services.imports.workbook import dataset_sheets, readme_rows

    with db.session() as session:
        dataset = dump_dataset(session)
    sheets = {s.name: s for s in dataset_sheets(dataset)}
    for sheet, column, row, value in edits:
        sheets[sheet].rows[row - 2][sheets[sheet].headers.index(column)] = value
    write_workbook(path, readme_rows(dataset, EXPORTED_AT), list(sheets.values()))


def test_a_bad_cell_late_in_the_file_leaves_the_database_exactly_as_it_was(demo_db, db, tmp_path):
    path = tmp_path / "base.xlsx"
    export_edited(demo_db, path, [
        ("follow_up", "progress", 3, "beaucoup"),  # after almost every other sheet was inserted
        ("meeting", "status", 5, "reportée"),
    ])
    before = dump(db)
    report = run_import(db, "workbook", path)
    assert not report.committed
    where = {(e.location.sheet, e.location.row, e.location.header) for e in report.errors}
    assert where == {("follow_up", 3, "progress"), ("meeting", 5, "status")}
    messages = " ".join(e.detail for e in report.errors)
    assert "« beaucoup » n'est pas un nombre entier" in messages
    assert "« reportée » n'est pas une valeur permise" in messages
    assert dump(db) == before


def test_broken_references_and_duplicate_uids_are_located(demo_db, db, tmp_path):
    path = tmp_path / "base.xlsx"
    with demo_db.session() as session:
        first_step = session.scalars(select(FicheStep).order_by(FicheStep.id)).first().uid
    export_edited(demo_db, path, [
        ("person", "organisation_uid", 2, "00000000-0000-0000-0000-000000000000"),
        ("fiche_step", "uid", 3, first_step),  # a sheet no other sheet points at
    ])
    report = run_import(db, "workbook", path)
    details = {(e.location.sheet, e.location.row, e.location.header): e.detail for e in report.errors}
    assert "aucune ligne de la feuille « organisation »" in details[("person", 2, "organisation_uid")]
    assert "figure deux fois" in details[("fiche_step", 3, "uid")]
    assert len(details) == 2  # no errors in cascade for the rows that point at them


def test_a_workbook_from_elsewhere_is_refused(db, tmp_path):
    from tests.imports.helpers import write_xlsx

    path = write_xlsx(tmp_path / "autre.xlsx", [["a", "b"], [1, 2]])
    report = run_import(db, "workbook", path)
    assert "n'est pas un classeur complet exporté par ctgdesk" in report.errors[0].detail


def test_export_to_a_locked_file_says_so_in_french(db, tmp_path, monkeypatch):
    import os

    from ctgdesk.exchange.workbook import WorkbookWriteError

    def locked(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with db.session() as session, pytest.raises(WorkbookWriteError, match="ouvert dans un autre programme"):
        export_workbook(session, tmp_path / "base.xlsx")
    assert list(tmp_path.glob("*.tmp")) == []


def test_dates_and_booleans_are_plain_text(demo_workbook):
    sheets = cells(demo_workbook)
    organisation = sheets["organisation"]
    header = organisation[0]
    signed = {r[header.index("engagement_signed")] for r in organisation[1:]}
    assert signed == {"oui", "non"}
    dates = [r[header.index("deliberation_date")] for r in organisation[1:] if r[header.index("deliberation_date")]]
    assert all(date.fromisoformat(d) for d in dates)
