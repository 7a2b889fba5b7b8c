"""The Excel bilan for the CAF (openpyxl, write-only streaming workbook).

Sheets: Synthèse, Indicateurs, Réunions, Décisions et alertes, Plan d'action, ETP. Each long
sheet is an Excel table (filters), with a styled header row, frozen panes, column widths,
drop-down lists where a column has a fixed list, French-displayed number and date formats,
landscape print setup fitting the width with the header row repeated. Values only, never
formulas (openpyxl does not compute them; a text starting with "=" stays a text).

Speed: the workbook is written in write-only mode; styled cells are one prototype cell per
column whose value is replaced row after row (openpyxl writes each row as it is appended).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo

from ctgdesk import __version__
from ctgdesk.exchange.atomic import atomic_path
from ctgdesk.exchange.bilan_tables import (
    SHEET_ETP,
    SHEET_SUMMARY,
    Column,
    Table,
    bilan_tables,
)
from ctgdesk.formatting import short_date
from ctgdesk.services.bilan import Bilan

HEADER_FILL = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
FONT_NAME = "Calibri"  # the default body font; a Font without a name makes LibreOffice use a serif
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True, color="FFFFFF")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16, color="1F4E79")
SECTION_FONT = Font(name=FONT_NAME, bold=True, size=12, color="1F4E79")
BOLD = Font(name=FONT_NAME, size=11, bold=True)
NOTE_FONT = Font(name=FONT_NAME, italic=True, size=9, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TOP = Alignment(vertical="top")
ROW_TOP = Alignment(horizontal="general", vertical="top")
TOTAL_BORDER = Border(top=Side(style="thin", color="1F4E79"))
TABLE_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True, showColumnStripes=False)

DATE_FORMAT = "dd/mm/yyyy"
INT_FORMAT = "0"
ETP_FORMAT = "0.00"  # Excel shows it with the reader's decimal separator: 0,40 in French
MONEY_FORMAT = '#,##0.00 "€"'
NUMBER_FORMATS = {"date": DATE_FORMAT, "etp": ETP_FORMAT, "money": MONEY_FORMAT}

MAX_CELL_TEXT = 32_000  # Excel's limit is 32 767 characters
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@dataclass
class BilanXlsxOptions:
    """Which columns of the long sheets to export: {"Réunions": ["date", "Instance", …], …}
    (column keys or headers). A sheet not named keeps its default columns."""

    columns: dict[str, list[str]] = field(default_factory=dict)


def write_bilan_xlsx(bilan: Bilan, path: Path | str, options: BilanXlsxOptions | None = None) -> Path:
    """Write the workbook to `path` (through a temporary file). Raises TargetLocked, ExportError,
    or ValueError for an unknown column name."""
    options = options or BilanXlsxOptions()
    tables = bilan_tables(bilan, options.columns)  # checks the column choice before any writing
    workbook = Workbook(write_only=True)
    _top_aligned_by_default(workbook)
    _properties(workbook, bilan)
    _summary_sheet(workbook, bilan)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.sheet))
        _table_sheet(sheet, table, bilan)
        if table.sheet == SHEET_ETP:
            _etp_totals(sheet, table, bilan)
    path = Path(path)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


# --- cells ------------------------------------------------------------------------------------

def _top_aligned_by_default(workbook: Workbook) -> None:
    """Make the default cell format (xf 0, which a cell without a style index has) top-aligned.

    In a row made tall by a wrapped text, the plain cells (numbers, codes, names) would
    otherwise sit at the bottom, and styling each of them would cost a third of the writing
    time. openpyxl keeps its formats in private lists (pinned < 3.2 in pyproject.toml;
    tests/bilan/test_xlsx.py checks the result): if they change, cells keep the bottom
    alignment. LibreOffice takes the row's format instead: see `set_row_height`.
    """
    try:
        from openpyxl.styles.cell_style import StyleArray
        from openpyxl.utils.indexed_list import IndexedList

        if len(workbook._cell_styles) != 1 or len(workbook._alignments) != 1:
            return
        workbook._alignments = IndexedList([Alignment(), TOP])
        default = StyleArray()
        default.alignmentId = 1
        workbook._cell_styles = IndexedList([default])
    except (AttributeError, ImportError):  # pragma: no cover - another openpyxl
        return


def clean_text(text: str) -> str:
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(" ", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def _styled(sheet, value: Any = None, *, font=None, fill=None, alignment=None, number_format=None, border=None):
    cell = WriteOnlyCell(sheet)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    if border is not None:
        cell.border = border
    _set(cell, value)
    return cell


def _set(cell, value: Any) -> None:
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if value.startswith("="):
            cell.data_type = "s"  # a text, never a formula
    else:
        cell.value = value


def _plain(sheet, value: Any) -> Any:
    """A value to append as is, unless it is a text that needs cleaning or protecting."""
    if isinstance(value, str) and (_ILLEGAL.search(value) or len(value) > MAX_CELL_TEXT or value.startswith("=")):
        return _styled(sheet, value)
    return value


LINE_HEIGHT = 15.0  # points, Calibri 11
MAX_ROW_HEIGHT = 409.0  # Excel's limit
CHARS_PER_WIDTH_UNIT = 1.2  # a column width counts "0" characters; French text is a little narrower


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column of this width (an estimate: neither Excel
    nor LibreOffice fits row heights by itself when it opens a file)."""
    per_line = max(int(width * CHARS_PER_WIDTH_UNIT) - 1, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def row_height(lines: int) -> float | None:
    return None if lines <= 1 else min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def set_row_height(sheet, row: int, height: float | None) -> None:
    """Before the row is appended (write-only mode writes each row as it comes). A tall row
    is also given a top-aligned format: LibreOffice applies it to the row's unstyled cells.
    (ROW_TOP differs from the default format on purpose: a row format 0 would be ignored.)"""
    if height:
        dimension = sheet.row_dimensions[row]
        dimension.height = height
        dimension.alignment = ROW_TOP


class _RowMaker:
    """Turns a row of values into what `append` takes, with one reusable styled cell per column
    that needs a style (dates, ETP, money, long wrapped text) and plain values elsewhere; gives
    the row the height its wrapped texts need (plain cells are top-aligned by the default
    format and the row format, not one by one: that would cost a third of the writing time)."""

    def __init__(self, sheet, columns: Sequence[Column]):
        self.sheet = sheet
        self.wrapped = [(i, c.width) for i, c in enumerate(columns) if c.kind == "wrap"]
        self.wrap_width = [c.width if c.kind == "wrap" else None for c in columns]
        self.prototypes: list[WriteOnlyCell | None] = []
        for column in columns:
            number_format = NUMBER_FORMATS.get(column.kind)
            alignment = WRAP if column.kind == "wrap" else (TOP if number_format else None)
            if number_format or alignment:
                self.prototypes.append(_styled(sheet, number_format=number_format, alignment=alignment))
            else:
                self.prototypes.append(None)

    def height(self, values: list[Any]) -> float | None:
        lines = 1
        for index, width in self.wrapped:
            value = values[index]
            if isinstance(value, str) and (len(value) > width or "\n" in value):
                lines = max(lines, text_lines(value, width))
        return row_height(lines)

    def __call__(self, values: list[Any]) -> list[Any]:
        out = values
        for index, value in enumerate(values):
            if value is None or value == "":
                out[index] = None
                continue
            prototype = self.prototypes[index]
            width = self.wrap_width[index]
            if width is not None and isinstance(value, str) and len(value) <= width and "\n" not in value:
                prototype = None  # a short text needs no wrapping: a plain cell is much cheaper
            if prototype is not None:
                _set(prototype, value)
                out[index] = prototype
            elif isinstance(value, str):
                if _ILLEGAL.search(value) or len(value) > MAX_CELL_TEXT or value.startswith("="):
                    out[index] = _styled(self.sheet, value)
        return out


# --- sheets -----------------------------------------------------------------------------------

def _sheet_title(name: str) -> str:
    return name[:31]


def _print_setup(sheet, bilan: Bilan, *, title_rows: str | None) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddHeader.left.text = f"{bilan.title} — {bilan.scope_label}".replace("&", "&&")
    sheet.oddHeader.left.size = 8
    sheet.oddFooter.left.text = (f"Produit le {short_date(bilan.produced_at)} à {bilan.produced_at:%H:%M} avec "
                                 "ctgdesk — source : feuille « Synthèse »")
    sheet.oddFooter.left.size = 7
    sheet.oddFooter.right.text = "Page &P / &N"
    sheet.oddFooter.right.size = 8


def _table_sheet(sheet, table: Table, bilan: Bilan) -> None:
    columns = table.columns
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2" if table.sheet != SHEET_ETP else "A2"
    _print_setup(sheet, bilan, title_rows="1:1")
    set_row_height(sheet, 1, row_height(max(text_lines(c.header, c.width) for c in columns)))
    sheet.append([_styled(sheet, c.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
                  for c in columns])
    make = _RowMaker(sheet, columns)
    count = 0
    for row_number, values in enumerate(table.values(), start=2):
        height = make.height(values)
        set_row_height(sheet, row_number, height)
        sheet.append(make(values))
        count += 1
    last_row = max(count + 1, 2)  # an Excel table has at least one (possibly empty) data row
    last_column = get_column_letter(len(columns))
    reference = f"A1:{last_column}{last_row}"
    excel_table = ExcelTable(displayName=table.name, ref=reference, tableStyleInfo=TABLE_STYLE)
    excel_table.autoFilter = AutoFilter(ref=reference)
    excel_table.tableColumns = [TableColumn(id=i, name=c.header) for i, c in enumerate(columns, start=1)]
    with warnings.catch_warnings():  # "in write-only mode you must add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        sheet.add_table(excel_table)
    for index, column in enumerate(columns, start=1):
        if column.choices:
            _drop_down(sheet, column, get_column_letter(index), last_row)


def _drop_down(sheet, column: Column, letter: str, last_row: int) -> None:
    formula = '"' + ",".join(column.choices) + '"'
    if len(formula) > 255 or any("," in choice or '"' in choice for choice in column.choices):
        raise ValueError(f"liste de choix trop longue pour une validation Excel : {column.header}")
    validation = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorTitle=column.header, error="Choisissez une valeur dans la liste.",
        promptTitle=column.header, prompt="Valeur de la liste",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    sheet.data_validations.append(validation)


def _etp_totals(sheet, table: Table, bilan: Bilan) -> None:
    keys = [c.key for c in table.columns]
    totals = {
        "structure": "Total", "etp_avant": bilan.etp.total_before, "personnes_avant": bilan.etp.people_before,
        "etp_apres": bilan.etp.total_after, "personnes_apres": bilan.etp.people_after,
        "evolution": f"{bilan.etp.evolution.arrow} {bilan.etp.evolution.value}",
    }
    row = []
    for key in keys:
        number_format = ETP_FORMAT if key.startswith("etp_") else None
        row.append(_styled(sheet, totals.get(key), font=BOLD, border=TOTAL_BORDER, number_format=number_format))
    sheet.append(row)
    if any(line.pending_before or line.pending_after for line in bilan.etp.lines):
        sheet.append([_styled(sheet, "« En cours » : ETP non encore fixé, compté 0 dans les totaux.", font=NOTE_FONT)])
    sheet.append([_styled(sheet, f"Comparaison : {bilan.etp.before_label} → {bilan.etp.after_label}.",
                          font=NOTE_FONT)])


class _Lines:
    """Appends rows to the summary sheet, keeping count of them (for merges and row heights)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.count = 0

    def add(self, values: list, height: float | None = None) -> int:
        self.count += 1
        if height:
            set_row_height(self.sheet, self.count, height)
        self.sheet.append(values)
        return self.count


SUMMARY_WIDTHS = (34, 14, 62, 14, 30)  # A … E


def _summary_sheet(workbook: Workbook, bilan: Bilan) -> None:
    sheet = workbook.create_sheet(SHEET_SUMMARY)
    for letter, width in zip("ABCDE", SUMMARY_WIDTHS):
        sheet.column_dimensions[letter].width = width
    _print_setup(sheet, bilan, title_rows=None)
    lines = _Lines(sheet)
    lines.add([_styled(sheet, bilan.title, font=TITLE_FONT)], height=24)
    lines.add([_styled(sheet, bilan.subtitle, font=SECTION_FONT)], height=18)
    lines.add([])
    convention = bilan.convention
    facts: list[tuple[str, Any]] = [("Période", bilan.period_label), ("Périmètre", bilan.scope_label)]
    if convention is not None:
        signed = f", signée le {short_date(convention.signed_on)}" if convention.signed_on else ""
        facts += [
            ("Territoire", convention.territory),
            ("Convention", f"{convention.name} ({convention.first_year}–{convention.last_year}){signed}"),
            ("Signataires", ", ".join(s.name for s in convention.signatories)),
        ]
    facts += [("Référentiel", bilan.referential_title), ("Produit le", bilan.produced_at),
              ("Source", bilan.source)]
    merged_width = sum(SUMMARY_WIDTHS[1:])
    for label, value in facts:
        number_format = "dd/mm/yyyy hh:mm" if isinstance(value, datetime) else None
        height = row_height(text_lines(value, merged_width)) if isinstance(value, str) else None
        row = lines.add([_styled(sheet, label, font=BOLD, alignment=WRAP),
                         _styled(sheet, value, number_format=number_format,
                                 alignment=Alignment(horizontal="left", vertical="top", wrap_text=True))],
                        height=height)
        sheet.merged_cells.add(f"B{row}:E{row}")
    lines.add([])
    lines.add([_styled(sheet, "Chiffres clés", font=SECTION_FONT)], height=18)
    lines.add([_styled(sheet, h, font=HEADER_FONT, fill=HEADER_FILL) for h in ("Indicateur", "Valeur", "Détail")])
    for figure in bilan.key_figures:
        number_format = ETP_FORMAT if isinstance(figure.value, Decimal) else None
        lines.add([_styled(sheet, figure.label, alignment=WRAP),
                   _styled(sheet, figure.value, number_format=number_format,
                           alignment=Alignment(horizontal="right", vertical="top")),
                   _styled(sheet, figure.detail, alignment=WRAP)],
                  height=row_height(text_lines(figure.detail, SUMMARY_WIDTHS[2])))
    lines.add([])
    lines.add([_styled(sheet, "Chargé·e·s de coopération", font=SECTION_FONT)], height=18)
    lines.add([_styled(sheet, h, font=HEADER_FONT, fill=HEADER_FILL)
               for h in ("Nom", f"ETP {bilan.year_to}", "Communes / structures", "Chef·fe de projet", "Employeur")])
    for coordinator in bilan.coordinators:
        lines.add([_plain(sheet, coordinator.name), _styled(sheet, coordinator.etp, number_format=ETP_FORMAT),
                   _styled(sheet, coordinator.structures, alignment=WRAP),
                   "Oui" if coordinator.is_project_lead else "Non",
                   _styled(sheet, coordinator.employer, alignment=WRAP)],
                  height=row_height(max(text_lines(coordinator.structures, SUMMARY_WIDTHS[2]),
                                        text_lines(coordinator.employer, SUMMARY_WIDTHS[4]))))
    lines.add([])
    lines.add([_styled(sheet, "Indicateurs du référentiel national", font=SECTION_FONT)], height=18)
    lines.add([_styled(sheet, h, font=HEADER_FONT, fill=HEADER_FILL)
               for h in ("Fonction", "Nombre", "Indicateur", "Code")])
    for _, _, code, title, results in bilan.functions():
        for result in results:
            function = f"{code} : {title}"
            lines.add([_styled(sheet, function, alignment=WRAP),
                       _styled(sheet, result.value, alignment=Alignment(horizontal="right", vertical="top")),
                       _styled(sheet, result.text, alignment=WRAP), result.code],
                      height=row_height(max(text_lines(function, SUMMARY_WIDTHS[0]),
                                            text_lines(result.text, SUMMARY_WIDTHS[2]))))


def _properties(workbook: Workbook, bilan: Bilan) -> None:
    properties = workbook.properties
    properties.title = bilan.title
    properties.subject = bilan.subtitle
    properties.creator = "ctgdesk"
    properties.lastModifiedBy = "ctgdesk"
    properties.description = bilan.source
    properties.keywords = "CTG; bilan; référentiel national; chargé de coopération"
    properties.created = bilan.produced_at
    properties.modified = bilan.produced_at
    properties.category = f"ctgdesk {__version__}"

