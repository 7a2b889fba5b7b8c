"""The whole database as one Excel workbook of plain data, and back.

Format (documented in the "Lisez-moi" sheet the writer adds first):
- one sheet per table, named after the table; row 1 holds the column names, each next row
  one record; every value is written as text, so that nothing is rounded or reinterpreted
  by Excel (decimals, codes with leading zeros, dates);
- an empty cell means "no value"; in the columns where an empty text and "no value" differ
  (`keep_empty`), an empty text is written `base64:`;
- a text Excel cannot hold as such (control characters, carriage returns, which XML turns
  into line feeds) or that begins with `base64:` is written `base64:` followed by its UTF-8
  bytes in base64.

This module knows sheets and cells only: which sheets and columns exist is the caller's.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from ctgdesk.exchange.atomic import ExportError, atomic_path
from ctgdesk.exchange.readers import ImportFileError, Location, iter_sheet_rows, open_xlsx, sniff_kind

README_SHEET = "Lisez-moi"
ESCAPE = "base64:"


WorkbookWriteError = ExportError  # the workbook could not be written; the message is French


@dataclass
class SheetData:
    name: str
    headers: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    keep_empty: set[str] = field(default_factory=set)  # columns where "" is not None
    row_numbers: list[int] = field(default_factory=list)  # filled by the reader

    def location(self, file: str, index: int, column: str | None = None) -> Location:
        number = self.row_numbers[index] if index < len(self.row_numbers) else index + 2
        col = self.headers.index(column) + 1 if column in self.headers else None
        return Location(file, self.name, number, col, column)


def encode_cell(text: str | None, keep_empty: bool) -> str | None:
    if text is None:
        return None
    if text == "":
        return ESCAPE if keep_empty else None
    if text.startswith(ESCAPE) or "\r" in text or ILLEGAL_CHARACTERS_RE.search(text):
        return ESCAPE + base64.b64encode(text.encode("utf-8")).decode("ascii")
    return text


def decode_cell(value: object, location: Location) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    if text.startswith(ESCAPE):
        try:
            return base64.b64decode(text[len(ESCAPE):].encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError):
            raise ImportFileError(f"{location} : la valeur commençant par « {ESCAPE} » est abîmée.", location) from None
    return text


def write_workbook(path: Path | str, readme: list[list[str]], sheets: list[SheetData]) -> Path:
    """Write the workbook to a temporary file beside `path`, then rename it."""
    path = Path(path)
    workbook = Workbook()
    cover = workbook.active
    cover.title = README_SHEET
    for line in readme:
        cover.append(line)
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 28
    cover.column_dimensions["C"].width = 90
    if readme:
        cover["A1"].font = Font(bold=True, size=14)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.headers)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        keep = [h in sheet.keep_empty for h in sheet.headers]
        for row_index, values in enumerate(sheet.rows, start=2):
            for col_index, text in enumerate(values, start=1):
                value = encode_cell(text, keep[col_index - 1])
                if value is None:
                    continue
                cell = worksheet.cell(row=row_index, column=col_index, value=value)
                cell.data_type = "s"  # never a formula, never a number
        worksheet.freeze_panes = "A2"
        for col_index, header in enumerate(sheet.headers, start=1):
            worksheet.cell(row=1, column=col_index).alignment = Alignment(horizontal="left")
    return save_atomically(workbook, path)


def save_atomically(workbook: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


def read_workbook(path: Path | str) -> dict[str, SheetData]:
    """Every sheet but the Lisez-moi, as text rows (escapes undone), with their row numbers."""
    path = Path(path)
    if sniff_kind(path) != "xlsx":
        raise ImportFileError(f"« {path.name} » n'est pas un classeur Excel (.xlsx).", Location(path.name))
    sheets: dict[str, SheetData] = {}
    with open_xlsx(path) as workbook:
        for name in workbook.sheetnames:
            if name == README_SHEET:
                continue
            rows = iter_sheet_rows(path, workbook[name])
            header = next(rows, None)
            if header is None:
                sheets[name] = SheetData(name, [])
                continue
            headers = [str(h).strip() if h is not None else "" for h in header[1]]
            while headers and not headers[-1]:
                headers.pop()
            sheet = SheetData(name, headers)
            for number, values in rows:
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                cells = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
                sheet.rows.append([
                    decode_cell(v, Location(path.name, name, number, i + 1, headers[i]))
                    for i, v in enumerate(cells)
                ])
                sheet.row_numbers.append(number)
            sheets[name] = sheet
    return sheets
