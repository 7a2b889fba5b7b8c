"""The Excel bilan for the CAF (openpyxl, write-only streaming workbook).

Sheets: Présentation (what the workbook is, for whom, which period and convention, when it was
made), Synthèse, Indicateurs, Réunions, Décisions et alertes, Plan d'action, ETP. Each long
sheet is an Excel table (filters), with a styled header row, frozen panes, column widths (never
narrower than a header word), drop-down lists where a column has a fixed list, French-displayed
number, date and time formats. Every sheet prints on A4 landscape fitted to the width, its
first row(s) repeated on each page. Values only, never formulas (openpyxl does not compute
them; a text starting with "=" stays a text).

Speed: the workbook is written in write-only mode; styled cells are one prototype cell per
column whose value is replaced row after row (openpyxl writes each row as it is appended).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo

from ctgdesk import __version__
from ctgdesk.exchange.atomic import atomic_path
from ctgdesk.exchange.bilan_tables import (
    SHEET_COVER,
    SHEET_DECISIONS,
    SHEET_ETP,
    SHEET_INDICATORS,
    SHEET_MEETINGS,
    SHEET_PLAN,
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
CENTRED_TOP = Alignment(horizontal="center", vertical="top")
RIGHT_TOP = Alignment(horizontal="right", vertical="top", indent=1)  # a figure not glued to the text after it
LEFT_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
FUNCTION_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
ROW_TOP = Alignment(horizontal="general", vertical="top")
TOTAL_BORDER = Border(top=Side(style="thin", color="1F4E79"))
TABLE_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True, showColumnStripes=False)

DATE_FORMAT = "dd/mm/yyyy"
INT_FORMAT = "0"
ETP_FORMAT = "0.00"  # Excel shows it with the reader's decimal separator: 0,40 in French
MONEY_FORMAT = '#,##0.00 "€"'
TIME_FORMAT = "hh:mm"
NUMBER_FORMATS = {"date": DATE_FORMAT, "time": TIME_FORMAT, "etp": ETP_FORMAT, "money": MONEY_FORMAT}

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
    _cover_sheet(workbook, bilan, tables)
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


HEADER_CHAR = 1.15  # a bold header character, in width units
FILTER_BUTTON = 2.5  # the filter drop-down button over the right of a table's header cell


def header_width(header: str, width: float, *, filter_button: bool = True) -> float:
    """The column width: the one asked, or wider so that the header's longest word fits on one line
    (a header wraps at its spaces, never inside a word)."""
    longest = max((len(word) for word in header.split()), default=0)
    return max(width, round(longest * HEADER_CHAR + 1 + (FILTER_BUTTON if filter_button else 0), 1))


def header_lines(header: str, width: float, *, filter_button: bool = True) -> int:
    """How many lines a header takes when wrapped at its spaces in a column of this width."""
    room = (width - 1 - (FILTER_BUTTON if filter_button else 0)) / HEADER_CHAR
    lines, used = 1, 0.0
    for word in header.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


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
            if column.kind == "wrap":
                alignment = WRAP
            elif column.centred or column.kind == "date":  # a date is not glued to its neighbours
                alignment = CENTRED_TOP
            else:
                alignment = TOP if number_format else None
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


def _print_setup(sheet, bilan: Bilan, *, title_rows: str) -> None:
    """A4 landscape, the width fitted to one page and as many pages down as needed, the title
    rows repeated on each page, the bilan named in the header and the date in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
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
    widths = [header_width(c.header, c.width) for c in columns]
    _set_widths(sheet, widths)
    sheet.freeze_panes = "B2" if table.sheet != SHEET_ETP else "A2"
    _print_setup(sheet, bilan, title_rows="1:1")
    set_row_height(sheet, 1, row_height(max(header_lines(c.header, w) for c, w in zip(columns, widths))))
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


def _merge(sheet, reference: str) -> None:
    """Merge a range of one row. Straight into the set: `merged_cells.add` first compares the
    range with every one already merged (quadratic: a summary of 60 chargé·e·s merges hundreds),
    and these ranges, one per row, never overlap."""
    sheet.merged_cells.ranges.add(CellRange(reference))


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
        "structure": "Total (somme des structures)", "etp_avant": bilan.etp.total_before, "personnes_avant": bilan.etp.people_before,
        "etp_apres": bilan.etp.total_after, "personnes_apres": bilan.etp.people_after,
        "evolution": f"{bilan.etp.evolution.arrow} {bilan.etp.evolution.value}",
    }
    row = []
    for key in keys:
        number_format = ETP_FORMAT if key.startswith("etp_") else None
        row.append(_styled(sheet, totals.get(key), font=BOLD, border=TOTAL_BORDER, number_format=number_format,
                           alignment=CENTRED_TOP if key == "evolution" else None))
    sheet.append(row)
    notes = [bilan.etp.people_note]
    if any(line.pending_before or line.pending_after for line in bilan.etp.lines):
        notes.append("« En cours » : ETP non encore fixé, compté 0 dans les totaux.")
    notes.append(f"Comparaison : {bilan.etp.before_label} → {bilan.etp.after_label}.")
    # each note across the table, wrapped: printed within the page's width
    width = sum(header_width(c.header, c.width) for c in table.columns)
    last = get_column_letter(len(table.columns))
    row_number = len(bilan.etp.lines) + 2
    for note in notes:
        row_number += 1
        set_row_height(sheet, row_number, row_height(text_lines(note, width)))
        sheet.append([_styled(sheet, note, font=NOTE_FONT, alignment=LEFT_WRAP)])
        if len(table.columns) > 1:
            _merge(sheet, f"A{row_number}:{last}{row_number}")


SUMMARY_WIDTHS = (13, 50, 11, 60, 14, 30)  # A … F: 178 in all, prints at about 80 % on A4 landscape
Span = tuple[int, int]  # first and last column (1-based) of a cell merged across columns


class _Lines:
    """Appends rows to a summary sheet, keeping count of them (for merges and row heights)."""

    def __init__(self, sheet, widths: Sequence[float]):
        self.sheet = sheet
        self.widths = widths
        self.count = 0

    def add(self, values: list, height: float | None = None) -> int:
        self.count += 1
        if height:
            set_row_height(self.sheet, self.count, height)
        self.sheet.append(values)
        return self.count

    def width(self, span: Span) -> float:
        return sum(self.widths[span[0] - 1:span[1]])

    def spanned(self, spans: Sequence[Span], cells: list, texts: Sequence[str | None] = (),
                height: float | None = None) -> int:
        """One row, each cell across its span of columns; the height fits `texts` (wrapped in their spans)."""
        if height is None and texts:
            height = row_height(max(text_lines(text, self.width(span)) if isinstance(text, str) else 1
                                    for text, span in zip(texts, spans)))
        row: list = [None] * spans[-1][1]
        for (first, _), cell in zip(spans, cells):
            row[first - 1] = cell
        number = self.add(row, height)
        for first, last in spans:
            if last > first:
                _merge(self.sheet, f"{get_column_letter(first)}{number}:{get_column_letter(last)}{number}")
        return number

    def header(self, spans: Sequence[Span], headers: Sequence[str]) -> int:
        cells = [_styled(self.sheet, h, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
                 for h in headers]
        height = row_height(max(header_lines(h, self.width(span), filter_button=False)
                                for h, span in zip(headers, spans)))
        return self.spanned(spans, cells, height=height)

    def section(self, title: str) -> None:
        self.add([])
        self.add([_styled(self.sheet, title, font=SECTION_FONT)], height=18)

    def facts(self, facts: Sequence[tuple[str, Any]]) -> None:
        """Label | value rows, the value across the other columns."""
        spans = ((1, 1), (2, len(self.widths)))
        for label, value in facts:
            number_format = "dd/mm/yyyy hh:mm" if isinstance(value, datetime) else None
            self.spanned(spans, [_styled(self.sheet, label, font=BOLD, alignment=WRAP),
                                 _styled(self.sheet, value, number_format=number_format, alignment=LEFT_WRAP)],
                         texts=[label, value])


def _set_widths(sheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _convention_facts(bilan: Bilan) -> list[tuple[str, Any]]:
    convention = bilan.convention
    if convention is None:
        return [("Convention", f"Aucune convention enregistrée ne couvre {bilan.period_label}.")]
    signed = f", signée le {short_date(convention.signed_on)}" if convention.signed_on else ""
    return [
        ("Convention", f"{convention.name} ({convention.first_year}–{convention.last_year}){signed}"),
        ("Territoire", convention.territory),
        ("Signataires", ", ".join(s.name for s in convention.signatories)),
    ]


def _summary_sheet(workbook: Workbook, bilan: Bilan) -> None:
    sheet = workbook.create_sheet(SHEET_SUMMARY)
    _set_widths(sheet, SUMMARY_WIDTHS)
    _print_setup(sheet, bilan, title_rows="1:2")
    lines = _Lines(sheet, SUMMARY_WIDTHS)
    lines.add([_styled(sheet, bilan.title, font=TITLE_FONT)], height=24)
    lines.add([_styled(sheet, bilan.subtitle, font=SECTION_FONT)], height=18)
    lines.add([])
    lines.facts([("Période", bilan.period_label), ("Périmètre", bilan.scope_label), *_convention_facts(bilan),
                 ("Référentiel", bilan.referential_title), ("Produit le", bilan.produced_at),
                 ("Source", bilan.source)])

    lines.section("Chiffres clés")
    spans = ((1, 2), (3, 3), (4, 6))
    lines.header(spans, ("Indicateur", "Valeur", "Détail"))
    for figure in bilan.key_figures:
        number_format = ETP_FORMAT if isinstance(figure.value, Decimal) else None
        lines.spanned(spans, [_styled(sheet, figure.label, alignment=WRAP),
                              _styled(sheet, figure.value, number_format=number_format, alignment=RIGHT_TOP),
                              _styled(sheet, figure.detail, alignment=WRAP)],
                      texts=[figure.label, None, figure.detail])

    lines.section("Chargé·e·s de coopération")
    spans = ((1, 2), (3, 3), (4, 4), (5, 5), (6, 6))
    lines.header(spans, ("Nom", f"ETP {bilan.year_to}", "Communes / structures", "Chef·fe de projet", "Employeur"))
    for coordinator in bilan.coordinators:
        lines.spanned(spans, [_plain(sheet, coordinator.name),
                              _styled(sheet, coordinator.etp, number_format=ETP_FORMAT, alignment=RIGHT_TOP),
                              _styled(sheet, coordinator.structures, alignment=WRAP),
                              "Oui" if coordinator.is_project_lead else "Non",
                              _styled(sheet, coordinator.employer, alignment=WRAP)],
                      texts=[coordinator.name, None, coordinator.structures, None, coordinator.employer])

    lines.section("Indicateurs du référentiel national")
    spans = ((1, 1), (2, 2), (3, 3), (4, 6))
    lines.header(spans, ("Code", "Indicateur", "Nombre", "Nature"))
    whole = ((1, len(SUMMARY_WIDTHS)),)
    for _, _, code, title, results in bilan.functions():
        function = f"{code} : {title}"
        lines.spanned(whole, [_styled(sheet, function, font=BOLD, fill=FUNCTION_FILL, alignment=WRAP)],
                      texts=[function])
        for result in results:
            lines.spanned(spans, [result.code, _styled(sheet, result.text, alignment=WRAP),
                                  _styled(sheet, result.value, alignment=RIGHT_TOP),
                                  _styled(sheet, result.nature_summary, alignment=WRAP)],
                          texts=[None, result.text, None, result.nature_summary])
    lines.add([_styled(sheet, "Nature : les premiers éléments comptés ; la liste complète est dans la feuille "
                              f"« {SHEET_INDICATORS} ». Un nombre vide : indicateur d'appréciation pas encore "
                              "renseigné.", font=NOTE_FONT)])


COVER_WIDTHS = (24, 100)


def _cover_sheet(workbook: Workbook, bilan: Bilan, tables: Sequence[Table]) -> None:
    """The first sheet: what the workbook is, for whom, which period and convention, when it was made,
    and what each sheet holds."""
    sheet = workbook.create_sheet(SHEET_COVER)
    _set_widths(sheet, COVER_WIDTHS)
    _print_setup(sheet, bilan, title_rows="1:1")
    lines = _Lines(sheet, COVER_WIDTHS)
    lines.add([_styled(sheet, bilan.title, font=TITLE_FONT)], height=24)
    caf = bilan.convention.caf if bilan.convention is not None else ""
    lines.add([_styled(sheet, f"Classeur pour {_the(caf) if caf else 'la Caf signataire de la convention'}",
                       font=SECTION_FONT)], height=18)
    lines.add([])
    period = bilan.period
    leads = ", ".join(c.name for c in bilan.coordinators if c.is_project_lead)
    facts: list[tuple[str, Any]] = [
        ("Ce classeur", f"Le bilan {bilan.period_label} de la Convention Territoriale Globale : les indicateurs du "
                        "référentiel national du poste de chargé·e de coopération territoriale, comptés à partir de "
                        "ce qui a été enregistré dans ctgdesk, et les listes dont ils sont tirés."),
        ("Pour", f"{_capital(_the(caf)) if caf else 'La Caf'}, signataire de la convention, pour le suivi "
                 "de la CTG par sa conseillère ou son conseiller."),
        ("Période", f"{bilan.period_label} (du {short_date(period.start)} au "
                    f"{short_date(period.end - timedelta(days=1))})"),
        *_convention_facts(bilan),
        ("Périmètre", bilan.scope_label),
    ]
    if leads:
        facts.append(("Chef·fe de projet CTG", leads))
    facts += [("Produit le", bilan.produced_at), ("Source", bilan.source),
              ("Lecture", "Chaque liste est un tableau Excel avec ses filtres ; les dates, heures et ETP sont de "
                          "vraies valeurs (pas de texte ni de formule) ; chaque feuille s'imprime sur A4 paysage.")]
    lines.facts(facts)
    lines.section("Feuilles du classeur")
    spans = ((1, 1), (2, 2))
    lines.header(spans, ("Feuille", "Contenu"))
    for name, text in [(SHEET_SUMMARY, "Les chiffres clés, les chargé·e·s de coopération et le nombre de chaque "
                                        "indicateur : à lire d'abord."),
                       *((table.sheet, _sheet_text(table, bilan)) for table in tables)]:
        lines.spanned(spans, [_styled(sheet, name, font=BOLD, alignment=WRAP), _styled(sheet, text, alignment=WRAP)],
                      texts=[name, text])


def _the(name: str) -> str:
    """"la Caf du Pas-de-Calais" from "Caf du Pas-de-Calais"."""
    return f"la {name}" if name[:3].casefold() == "caf" else name


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sheet_text(table: Table, bilan: Bilan) -> str:
    count = len(table.rows)
    if table.sheet == SHEET_INDICATORS:
        return (f"Les {count} indicateurs du référentiel national : leur nombre, la liste complète de ce qui a "
                "été compté (Nature), le commentaire et le mode de calcul.")
    if table.sheet == SHEET_MEETINGS:
        return f"Les {count} réunion(s) de la période, tenues, prévues ou annulées, avec leur date et leur heure."
    if table.sheet == SHEET_DECISIONS:
        return (f"Les {len(bilan.decisions)} décision(s) relevée(s) et les {len(bilan.alerts)} alerte(s) au "
                "COPIL de la période, avec échéance et statut.")
    if table.sheet == SHEET_PLAN:
        return f"Les {count} fiche(s) action(s) du plan d'action : pilote, statut, avancement, budget, indicateurs."
    if table.sheet == SHEET_ETP:
        return (f"L'ETP de coordination de chaque commune et structure : {bilan.etp.before_label} → "
                f"{bilan.etp.after_label}, et les totaux.")
    return ""


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

