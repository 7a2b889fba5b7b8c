"""Issue « Data safety, second pass », case 4: the whole-base workbook is lossless.

Every table (with every column type) of a filled base, plus a 100 000-character text and a
2 Mo logo, exported then imported into an empty base: both bases hold the same rows."""

from __future__ import annotations

import random
import shutil
from io import BytesIO

import openpyxl
from sqlalchemy import select

from ctgdesk.db import open_database
from ctgdesk.models import Meeting, Signatory
from ctgdesk.services.imports import run_import
from ctgdesk.services.imports.dataset import dump_dataset, exported_tables, table_fields
from ctgdesk.services.imports.workbook import export_workbook
from ctgdesk.services.territory import MAX_LOGO_BYTES, check_logo


def _two_megabyte_png() -> bytes:
    from PIL import Image

    generator = random.Random(4)
    side = 830
    image = Image.frombytes("RGB", (side, side), generator.randbytes(side * side * 3))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _long_text(length: int) -> str:
    generator = random.Random(1)
    words = ["réunion", "COPIL", "écoles", "Carvin", "😀", "«", "»", "\n", "œuvre", "=SUM(A1)", "ligne"]
    text = ""
    while len(text) < length:
        text += generator.choice(words) + " "
    return text[:length]


def test_a_filled_base_with_a_100_000_character_text_and_a_2_mo_logo_comes_back_whole(filled, templates, tmp_path):
    source, ids = filled
    logo = _two_megabyte_png()
    assert 1_900_000 < len(logo) <= MAX_LOGO_BYTES and check_logo(logo) == (830, 830)
    text = _long_text(100_000)
    with source.transaction() as session:
        session.get(Meeting, ids.meeting).minutes = text
        session.scalars(select(Signatory)).first().logo = logo
    with source.transaction() as session:
        original = dump_dataset(session)
        export_workbook(session, tmp_path / "base.xlsx")
    kinds = {f.kind for table in exported_tables() for f in table_fields(table)}
    assert kinds == {"text", "int", "decimal", "date", "datetime", "bool", "enum", "binary", "ref"}
    assert all(original.tables[t.name].rows for t in exported_tables()), "every table has a row"

    # Excel's limit holds in every cell: the long values went to continuation columns
    workbook = openpyxl.load_workbook(tmp_path / "base.xlsx", read_only=True)
    try:
        longest = max(len(str(v)) for name in ("meeting", "signatory")
                      for row in workbook[name].iter_rows(values_only=True) for v in row if v is not None)
        headers = next(workbook["signatory"].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert longest <= 32_767
    assert "logo (suite 2)" in headers

    target_path = tmp_path / "nouvelle" / "base.sqlite"
    target_path.parent.mkdir()
    shutil.copyfile(templates["empty"], target_path)
    target = open_database(target_path)
    try:
        report = run_import(target, "workbook", tmp_path / "base.xlsx", backup=False)
        assert report.committed, report.text()
        with target.transaction() as session:
            copied = dump_dataset(session)
            assert session.get(Meeting, session.scalar(select(Meeting.id).where(Meeting.minutes == text))) is not None
            assert session.scalars(select(Signatory)).first().logo == logo
    finally:
        target.dispose()
    for table in exported_tables():
        assert [r.values for r in copied.tables[table.name].rows] == \
               [r.values for r in original.tables[table.name].rows], table.name
