"""Issue « Data safety, second pass », cases 7 and 9: workbooks and packages keep the rules.

A base is spoilt behind the services' back (what a hand-edited file would bring), exported
faithfully as a workbook and as a package, then imported into an empty base: each import is
refused with the rule it breaks, nothing lands, and « Vérifier la base » flags the spoilt base.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from sqlalchemy import select, update

from ctgdesk.db import open_database
from ctgdesk.db.health import Severity
from ctgdesk.models import EtpAllocation, EtpShare, Meeting, Organisation, Signatory
from ctgdesk.services.consistency import verify_database
from ctgdesk.services.imports import run_import
from ctgdesk.services.imports.packages import export_package
from ctgdesk.services.imports.workbook import export_workbook
from tests.reliability.helpers import table_counts
from tests.reliability.hostile_files import doubled_member, rewrite_zip


def _huge_png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _etp_999(session, ids):
    session.execute(update(EtpAllocation).values(etp=Decimal("999")))


def _year_one(session, ids):
    meeting = session.get(Meeting, ids.meeting)
    meeting.starts_at = meeting.starts_at.replace(year=1)


def _text(length: int) -> str:
    """Letters in no order (a repeated text would be refused sooner, as a zip bomb)."""
    import random

    generator = random.Random(length)
    return "".join(generator.choices("abcdefghijklmnopqrstuvwxyz éèàç", k=length))


def _five_megabyte_name(session, ids):
    session.get(Organisation, ids.commune).name = _text(5_000_000)


def _twenty_megabyte_agenda(session, ids):
    session.get(Meeting, ids.meeting).agenda = _text(1_000_000)  # 20 Mo behaves alike, 25 s slower


def _twelve_thousand_pixel_logo(session, ids):
    session.scalars(select(Signatory)).first().logo = _huge_png(12_000, 12_000)


def _two_times_0_8_etp(session, ids):
    allocation = EtpAllocation(organisation_id=ids.commune, year=2025, etp=Decimal("1.000"), people_count=1)
    allocation.shares.append(EtpShare(coordinator_id=ids.coordinator, etp=Decimal("0.800")))
    session.add(allocation)


SPOILS = {
    "ETP 999": (_etp_999, "999,00 ETP pour une seule structure"),
    "réunion du 01/01/0001": (_year_one, "hors des dates possibles : entre le 01/01/1990"),
    "nom de 5 Mo": (_five_megabyte_name, "fait 5000000 caractères (200 au plus)"),
    "ordre du jour de 1 Mo": (_twenty_megabyte_agenda, "fait 1000000 caractères (200000 au plus)"),
    "logo de 12 000 px": (_twelve_thousand_pixel_logo, "12\u202f000 × 12\u202f000 pixels"),
    "0,8 + 0,8 ETP": (_two_times_0_8_etp, "a 1,60 ETP en 2025, plus qu'un temps plein"),
}


@pytest.fixture
def empty_target(tmp_path, templates):
    path = tmp_path / "cible" / "vide.sqlite"
    path.parent.mkdir()
    shutil.copyfile(templates["empty"], path)
    database = open_database(path)
    yield database
    database.dispose()


@pytest.mark.parametrize("case", list(SPOILS))
def test_a_spoilt_base_is_flagged_and_its_workbook_and_package_are_refused(case, filled, empty_target, tmp_path):
    source, ids = filled
    spoil, expected = SPOILS[case]
    with source.transaction() as session:
        spoil(session, ids)

    findings = verify_database(source)
    assert any(f.severity is Severity.ERROR and expected in f.message for f in findings), findings

    with source.transaction() as session:
        export_workbook(session, tmp_path / "base.xlsx")
        export_package(session, tmp_path / "base.ctgpaquet")
    before = table_counts(empty_target.path)
    for kind, path in (("workbook", tmp_path / "base.xlsx"), ("package", tmp_path / "base.ctgpaquet")):
        report = run_import(empty_target, kind, path, backup=False)
        assert not report.committed, (kind, report.text())
        assert any(expected in e.detail for e in report.errors), (kind, report.text())
        located = [e for e in report.errors if expected in e.detail]
        assert all(e.location is not None and e.location.sheet for e in located), (kind, report.text())
    assert table_counts(empty_target.path) == before


def _package_with(tmp_path, filled, change) -> "Path":
    source, _ = filled
    with source.transaction() as session:
        export_package(session, tmp_path / "base.ctgpaquet")
    with zipfile.ZipFile(tmp_path / "base.ctgpaquet") as archive:
        data = json.loads(archive.read("donnees.json"))
    return rewrite_zip(tmp_path / "base.ctgpaquet", tmp_path / "modifie.ctgpaquet",
                       {"donnees.json": change(data)})


def test_a_package_with_donnees_json_twice_is_refused(filled, empty_target, tmp_path):
    source, _ = filled
    with source.transaction() as session:
        export_package(session, tmp_path / "base.ctgpaquet")
    hidden = json.dumps({"tables": {}}).encode()
    path = doubled_member(tmp_path / "base.ctgpaquet", tmp_path / "double.ctgpaquet", "donnees.json", hidden)
    with zipfile.ZipFile(path) as archive:
        assert [i.filename for i in archive.infolist()].count("donnees.json") == 2

    report = run_import(empty_target, "package", path, backup=False)

    assert not report.committed
    assert "contient deux fois la partie « donnees.json »" in report.errors[0].detail


def test_deeply_nested_json_is_a_french_message(filled, empty_target, tmp_path):
    path = _package_with(tmp_path, filled, lambda data: b"[" * 200_000 + b"]" * 200_000)

    report = run_import(empty_target, "package", path, backup=False)

    assert not report.committed
    assert report.errors[0].detail == "Le paquet « modifie.ctgpaquet » est abîmé (données imbriquées trop profondément)."


def test_an_etp_of_1e400_is_a_french_message(filled, empty_target, tmp_path):
    def change(data):
        table = data["tables"]["etp_allocation"]
        table["rows"][0][table["fields"].index("etp")] = "1e400"
        return json.dumps(data).encode()

    report = run_import(empty_target, "package", _package_with(tmp_path, filled, change), backup=False)

    assert not report.committed
    assert any("ETP pour une seule structure ? C'est trop." in e.detail for e in report.errors), report.text()
