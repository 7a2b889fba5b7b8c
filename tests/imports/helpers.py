"""Files written by the tests, and a full dump of a database to compare before/after."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import openpyxl


def write_xlsx(path: Path, rows: list[list], sheet: str = "Feuil1", extra_sheets: dict[str, list[list]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for name, other in (extra_sheets or {}).items():
        sheet_ = workbook.create_sheet(name)
        for row in other:
            sheet_.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def dump(db) -> list[str]:
    """Every row of every table, as SQL text: two equal dumps mean two equal databases."""
    connection = sqlite3.connect(db.path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
