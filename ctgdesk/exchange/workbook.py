"""The whole database as one Excel workbook of plain data, and back.

Format (documented in the "Lisez-moi" sheet the writer adds first):
- one sheet per table, named after the table; row 1 holds the column names, each next row
  one record; every value is written as text, so that nothing is rounded or reinterpreted
  by Excel (decimals, codes with leading zeros, dates);
- an empty cell means "no value"; in the columns where an empty text and "no value" differ
  (`keep_empty`), an empty text is written `base64:`;
- a text Excel cannot hold as such (control characters, carriage returns, which XML turns
  into line feeds) or that begins with `base64:` is written `base64:` followed by its UTF-8
  bytes in base64;
- a cell holds at most 32 767 characters (Excel cuts the rest): a longer value (a long text,
  a logo in base64) is cut into pieces of at most CHUNK characters; the first piece stays in
  its column, the next ones go to columns added at the right of the sheet, named
  « colonne (suite 2) », « colonne (suite 3) »… The reader joins them back, in order.

This module knows sheets and cells only: which sheets and columns exist is the caller's.
"""

from __future__ import annotations

import base64
import binascii
import re
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
CHUNK = 32_000  # UTF-16 units per cell, under Excel's 32 767
MAX_SHEET_COLUMNS = 2_000  # a table's columns and the continuation columns of its long values
_CONTINUATION = re.compile(r"^(?P<base>.+) \(suite (?P<n>[1-9][0-9]*)\)$")


def continuation_header(header: str, piece: int) -> str:
    """« notes (suite 2) »: the column holding the second piece of the values of « notes »."""
    return f"{header} (suite {piece})"


def split_cell(text: str, limit: int = CHUNK) -> list[str]:
    """`text` in pieces of at most `limit` UTF-16 units (how Excel counts), never inside a
    character; one piece when it fits."""
    if len(text) <= limit // 2 or len(text.encode("utf-16-le")) <= 2 * limit:
        return [text]
    pieces, start, units = [], 0, 0
    for index, character in enumerate(text):
        width = 2 if ord(character) > 0xFFFF else 1
        if units + width > limit:
            pieces.append(text[start:index])
            start, units = index, 0
        units += width
    pieces.append(text[start:])
    return pieces


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
        keep = [h in sheet.keep_empty for h in sheet.headers]
        encoded = [
            [split_cell(v) if (v := encode_cell(text, keep[i])) is not None else None for i, text in enumerate(values)]
            for values in sheet.rows
        ]
        pieces = [max((len(row[i]) for row in encoded if row[i] is not None), default=1) for i in range(len(keep))]
        headers = list(sheet.headers)
        extra: list[tuple[int, int]] = []  # (column index of the field, piece number) of each added column
        for index, count in enumerate(pieces):
            for piece in range(2, count + 1):
                extra.append((index, piece))
                headers.append(continuation_header(sheet.headers[index], piece))
        if len(headers) > MAX_SHEET_COLUMNS:
            raise WorkbookWriteError(
                f"La feuille « {sheet.name} » aurait {len(headers)} colonnes ({MAX_SHEET_COLUMNS} au plus) : "
                "une valeur est trop longue pour le classeur."
            )
        worksheet.append(headers)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        first_extra = len(sheet.headers) + 1
        for row_index, values in enumerate(encoded, start=2):
            for col_index, parts in enumerate(values, start=1):
                if parts is None:
                    continue
                _text_cell(worksheet, row_index, col_index, parts[0])
            for offset, (index, piece) in enumerate(extra):
                parts = values[index]
                if parts is not None and len(parts) >= piece:
                    _text_cell(worksheet, row_index, first_extra + offset, parts[piece - 1])
        worksheet.freeze_panes = "A2"
        for col_index, header in enumerate(headers, start=1):
            worksheet.cell(row=1, column=col_index).alignment = Alignment(horizontal="left")
    return save_atomically(workbook, path)


def _text_cell(worksheet, row: int, column: int, text: str) -> None:
    cell = worksheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"  # never a formula, never a number


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
            rows = iter_sheet_rows(path, workbook[name], max_columns=MAX_SHEET_COLUMNS)
            header = next(rows, None)
            if header is None:
                sheets[name] = SheetData(name, [])
                continue
            all_headers = [str(h).strip() if h is not None else "" for h in header[1]]
            while all_headers and not all_headers[-1]:
                all_headers.pop()
            headers, continuations = _split_headers(path, name, all_headers)
            sheet = SheetData(name, headers)
            for number, values in rows:
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                cells = list(values[: len(all_headers)]) + [None] * (len(all_headers) - len(values))
                for base, columns in continuations.items():
                    parts = [cells[base]] + [cells[c] for c in columns]
                    if any(p is not None for p in parts[1:]):
                        cells[base] = "".join("" if p is None else str(p) for p in parts)
                sheet.rows.append([
                    decode_cell(v, Location(path.name, name, number, i + 1, headers[i]))
                    for i, v in enumerate(cells[: len(headers)])
                ])
                sheet.row_numbers.append(number)
            sheets[name] = sheet
    return sheets


def _split_headers(path: Path, sheet: str, headers: list[str]) -> tuple[list[str], dict[int, list[int]]]:
    """The table's own columns, and for each the columns holding the next pieces of its values,
    in order. A continuation column must follow its column and be numbered 2, 3… without gap."""
    own: list[str] = []
    continuations: dict[int, list[int]] = {}
    for index, header in enumerate(headers):
        match = _CONTINUATION.match(header)
        if match is None or match["base"] not in own:
            if continuations:
                raise ImportFileError(
                    f"La colonne « {header} » de la feuille « {sheet} » suit des colonnes « (suite …) » : "
                    "les colonnes de suite doivent être les dernières.",
                    Location(path.name, sheet, 1, index + 1, header),
                )
            own.append(header)
            continue
        base = own.index(match["base"])
        expected = len(continuations.get(base, [])) + 2
        if int(match["n"]) != expected:
            raise ImportFileError(
                f"La colonne « {header} » de la feuille « {sheet} » est attendue sous le nom "
                f"« {continuation_header(match['base'], expected)} » (les suites se suivent dans l'ordre).",
                Location(path.name, sheet, 1, index + 1, header),
            )
        continuations.setdefault(base, []).append(index)
    return own, continuations
