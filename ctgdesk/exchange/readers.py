"""Reading tables out of the files coordinators already have: Excel (.xlsx) and CSV.

A table is found by its column names, whatever their case, accents, spacing or order, in the
first rows of a sheet (titles and blank lines above the header are fine). CSV files may use
`;`, `,` or tabs, and be UTF-8 (with or without BOM), UTF-16 or Windows-1252.

Every value comes back with where it was read (file, sheet, row, column), so that the import
can say precisely which cell is wrong. A file that cannot be read (truncated, protected by a
password, an old .xls, too big…) raises `ImportFileError` with a French message: never a
traceback.

This module only reads files: it knows nothing of the database.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from openpyxl.utils import get_column_letter

MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # a part over 1 Mo unzipped may be at most 100 times its zipped size
RATIO_FLOOR = 1024 * 1024
# openpyxl keeps every shared string in memory: at least 2 zipped bytes per string on average
# (a real text, a uid or a date takes 5 to 20), plus room for small files.
SHARED_STRINGS_FLOOR = 50_000
MAX_ROWS = 100_000
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 30

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class ImportFileError(Exception):
    """The file itself cannot be read. The message is French and names the file."""

    def __init__(self, message: str, location: "Location | None" = None):
        super().__init__(message)
        self.message = message
        self.location = location


@dataclass(frozen=True)
class Location:
    """Where a value was read: file name, sheet (None for CSV), row and column (1-based)."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None

    @property
    def column_letter(self) -> str | None:
        return get_column_letter(self.column) if self.column else None

    def at(self, *, row: int | None = None, column: int | None = None, header: str | None = None) -> "Location":
        return Location(
            self.file, self.sheet,
            row if row is not None else self.row,
            column if column is not None else self.column,
            header if header is not None else self.header,
        )

    def __str__(self) -> str:
        parts = [f"fichier « {self.file} »"]
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.column is not None:
            label = f"colonne {self.column_letter}"
            if self.header:
                label += f" (« {self.header} »)"
            parts.append(label)
        return ", ".join(parts)


# --- column names ----------------------------------------------------------------------

def header_key(text: object) -> str:
    """'Commune / Structure ' → 'communestructure': no case, accents, spaces or punctuation."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", stripped.casefold())


# What may follow or precede a column name to say which period it is: "ETP 2025", "ETP CTG 1",
# "ETP (2020-2024)", "CTG 2 – ETP".
_PERIOD_TAG = re.compile(r"^(ctg|periode|annee|en|n)?[0-9]*$")


@dataclass(frozen=True)
class ColumnSpec:
    """A column the import understands: its field name and the headers it may be printed as."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False
    repeatable: bool = False

    def match(self, header: object) -> str | None:
        """The period tag ('' when none) if `header` names this column, else None."""
        key = header_key(header)
        if not key:
            return None
        for alias in self.aliases:
            alias_key = header_key(alias)
            if key == alias_key:
                return ""
            if key.startswith(alias_key) and _PERIOD_TAG.match(key[len(alias_key):]):
                return key[len(alias_key):]
            if key.endswith(alias_key) and _PERIOD_TAG.match(key[: -len(alias_key)]):
                return key[: -len(alias_key)]
        return None

    @property
    def label(self) -> str:
        return self.aliases[0]


@dataclass(frozen=True)
class Column:
    index: int  # 1-based
    header: str
    field: str
    tag: str  # what told the period apart ("2025", "ctg1"), or ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in re.findall(r"(?:19|20)\d\d", self.tag))


@dataclass(frozen=True)
class Cell:
    value: Any
    location: Location

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value).strip()

    @property
    def is_empty(self) -> bool:
        return self.text == ""


@dataclass
class Row:
    number: int
    values: tuple
    table: "Table" = field(repr=False)

    def _raw(self, index: int) -> Any:
        value = self.values[index - 1] if 0 < index <= len(self.values) else None
        if isinstance(value, str):
            value = value.strip() or None
        return value

    def cell(self, field_name: str, occurrence: int = 0) -> Cell | None:
        """The value of a column of this row, with its location; None if the file lacks the column."""
        columns = self.table.columns_for(field_name)
        if occurrence >= len(columns):
            return None
        column = columns[occurrence]
        return Cell(self._raw(column.index), self.location.at(column=column.index, header=column.header))

    def value(self, field_name: str, occurrence: int = 0) -> Any:
        found = self.cell(field_name, occurrence)
        return None if found is None else found.value

    def text(self, field_name: str, occurrence: int = 0) -> str:
        found = self.cell(field_name, occurrence)
        return "" if found is None else found.text

    @property
    def location(self) -> Location:
        return Location(self.table.file_name, self.table.sheet, self.number)

    def is_blank(self) -> bool:
        return all(self._raw(i) is None for i in range(1, len(self.values) + 1))


@dataclass
class Table:
    path: Path
    sheet: str | None
    header_row: int | None
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def location(self) -> Location:
        return Location(self.file_name, self.sheet)

    def columns_for(self, field_name: str) -> list[Column]:
        return [c for c in self.columns if c.field == field_name]

    def has(self, field_name: str) -> bool:
        return bool(self.columns_for(field_name))


# --- opening files safely --------------------------------------------------------------

def _display(path: Path) -> str:
    return path.name


def sniff_kind(path: Path) -> str:
    """'xlsx', 'csv', or an ImportFileError for what we cannot read."""
    name = _display(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"Le fichier « {name} » est introuvable.") from None
    except OSError as error:
        raise ImportFileError(f"Le fichier « {name} » ne peut pas être lu ({error.strerror}).") from None
    if path.is_dir():
        raise ImportFileError(f"« {name} » est un dossier, pas un fichier.")
    if size == 0:
        raise ImportFileError(f"Le fichier « {name} » est vide.")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"Le fichier « {name} » est trop gros ({size // (1024 * 1024)} Mo, "
            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus)."
        )
    head = _read_bytes(path, 8)
    if head.startswith(OLE_MAGIC):
        if _ENCRYPTED_STREAM in _read_bytes(path):  # the directory entry may lie anywhere
            raise ImportFileError(
                f"Le fichier « {name} » est protégé par un mot de passe. Ouvrez-le dans Excel, "
                "retirez la protection (Fichier › Informations › Protéger le classeur) et enregistrez-le à nouveau."
            )
        raise ImportFileError(
            f"Le fichier « {name} » est au format Excel 97-2003 (.xls). Ouvrez-le dans Excel ou "
            "LibreOffice et enregistrez-le au format .xlsx."
        )
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise ImportFileError(f"Le fichier « {name} » n'est pas un classeur Excel lisible (fichier tronqué ou abîmé ?).")
    return "csv"


def _read_bytes(path: Path, count: int | None = None) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read() if count is None else handle.read(count)
    except PermissionError:
        raise ImportFileError(
            f"Le fichier « {_display(path)} » est verrouillé : fermez-le dans Excel puis réessayez."
        ) from None
    except OSError as error:
        raise ImportFileError(f"Le fichier « {_display(path)} » ne peut pas être lu ({error.strerror}).") from None


def check_archive(archive: zipfile.ZipFile, name: str, what: str = "Le classeur") -> None:
    """Refuse, before anything unzips it, a zip file that would take far more memory or time
    than its size says (a « zip bomb »), or that names one part twice (the reader would see one
    copy, another program the other). `what` starts the French sentence."""
    infos = archive.infolist()
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise ImportFileError(
                f"{what} « {name} » contient deux fois la partie « {info.filename} » : il a été modifié "
                "en dehors de son logiciel, ctgdesk ne le lit pas."
            )
        seen.add(info.filename)
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            f"{what} « {name} » est trop volumineux une fois décompressé "
            f"({MAX_UNZIPPED_BYTES // (1024 * 1024)} Mo au plus)."
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
            raise ImportFileError(
                f"{what} « {name} » est anormalement comprimé (la partie « {info.filename} » passe de "
                f"{info.compress_size // 1024} Ko à {info.file_size // (1024 * 1024)} Mo) : ctgdesk ne l'ouvre pas."
            )


def _count_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """How many strings the shared-strings part holds, counted while unzipping it by pieces."""
    count, tail = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(1024 * 1024):
            data = tail + chunk
            count += data.count(b"<si>") + data.count(b"<si ")
            tail = data[-3:]  # shorter than "<si>": a match is never counted twice
    return count


def _check_shared_strings(archive: zipfile.ZipFile, name: str) -> None:
    for info in archive.infolist():
        if info.filename.lower().endswith("sharedstrings.xml"):
            count = _count_shared_strings(archive, info)
            if count > SHARED_STRINGS_FLOOR + info.compress_size // 2:
                raise ImportFileError(
                    f"Le classeur « {name} » contient {count} textes pour {info.compress_size // 1024} Ko : "
                    "un classeur fabriqué pour saturer la mémoire ? ctgdesk ne l'ouvre pas."
                )


@contextmanager
def open_xlsx(path: Path) -> Iterator[Any]:
    """An openpyxl workbook (read-only, values not formulas), closed after use."""
    import openpyxl

    name = _display(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                if "content.xml" in names:
                    raise ImportFileError(
                        f"Le fichier « {name} » est un classeur OpenDocument (.ods) : "
                        "enregistrez-le au format Excel (.xlsx)."
                    )
                raise ImportFileError(f"Le fichier « {name} » n'est pas un classeur Excel (.xlsx).")
            check_archive(archive, name)
            bad = archive.testzip()
            if bad is not None:
                raise ImportFileError(f"Le classeur « {name} » est abîmé (partie « {bad} » illisible).")
            _check_shared_strings(archive, name)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error, NotImplementedError):
        raise ImportFileError(f"Le classeur « {name} » est abîmé ou tronqué : impossible de l'ouvrir.") from None
    except PermissionError:
        raise ImportFileError(f"Le fichier « {name} » est verrouillé : fermez-le dans Excel puis réessayez.") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except PermissionError:
        raise ImportFileError(f"Le fichier « {name} » est verrouillé : fermez-le dans Excel puis réessayez.") from None
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise ImportFileError(
            f"Le classeur « {name} » est illisible ({type(error).__name__}) : ouvrez-le dans Excel "
            "et enregistrez-le à nouveau."
        ) from None
    try:
        yield workbook
    finally:
        workbook.close()


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def uncomputed_formulas(path: Path, worksheet: Any, limit: int = 5) -> list[str]:
    """The cells (« D12 ») of a sheet holding a formula with no computed value: a file written
    by a program that never ran the formulas (openpyxl would read them as empty cells)."""
    from xml.etree.ElementTree import iterparse

    part = getattr(worksheet, "_worksheet_path", None)
    if not part:
        return []
    with zipfile.ZipFile(path) as archive:
        with archive.open(part) as stream:  # most sheets have no formula: look for one first
            tail, found = b"", False
            while chunk := stream.read(1024 * 1024):
                if _FORMULA_TAG.search(tail + chunk):
                    found = True
                    break
                tail = chunk[-8:]
        if not found:
            return []
        cells: list[str] = []
        with archive.open(part) as stream:
            for _, element in iterparse(stream, events=("end",)):
                if element.tag.rsplit("}", 1)[-1] != "c":
                    continue
                children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                value = children.get("v")
                if "f" in children and (value is None or not (value.text or "").strip()):
                    cells.append(element.get("r") or "?")
                    if len(cells) >= limit:
                        break
                element.clear()
    return cells


def iter_sheet_rows(path: Path, worksheet: Any, *, max_columns: int = MAX_COLUMNS) -> Iterator[tuple[int, tuple]]:
    """(row number, values) for every row of a read-only worksheet, with the row-count guard;
    columns past `max_columns` are not read (a cell at column XFD would pad every row).

    A sheet with formulas never computed is refused: their cells would read as empty."""
    name = _display(path)
    try:
        formulas = uncomputed_formulas(path, worksheet)
    except Exception:  # noqa: BLE001 - unreadable XML: openpyxl says so just below
        formulas = []
    if formulas:
        listed = ", ".join(formulas)
        raise ImportFileError(
            f"La feuille « {worksheet.title} » de « {name} » contient des formules jamais calculées "
            f"(cellules {listed}) : le fichier a été écrit par un programme sans calculer ses formules. "
            "Ouvrez-le dans Excel ou LibreOffice, enregistrez-le, puis recommencez l'import.",
            Location(name, worksheet.title, _row_of(formulas[0]), _column_of(formulas[0])),
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()
            for number, values in enumerate(worksheet.iter_rows(max_col=max_columns, values_only=True), start=1):
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise ImportFileError(
                        f"La feuille « {worksheet.title} » de « {name} » a plus de {MAX_ROWS} lignes : "
                        "découpez le fichier."
                    )
                if len(values) > max_columns:
                    values = values[:max_columns]
                if values and values[-1] is None:  # openpyxl pads each row to max_col: keep what is there
                    last = len(values)
                    while last and values[last - 1] is None:
                        last -= 1
                    values = values[:last]
                yield number, tuple(values)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            f"La feuille « {worksheet.title} » de « {name} » est illisible ({type(error).__name__}) : "
            "le fichier est peut-être tronqué."
        ) from None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _line_encodings(data: bytes) -> tuple[int | None, int | None]:
    """The first line (1-based) that is UTF-8 with accents, and the first that is not UTF-8."""
    utf8_line = other_line = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and other_line:
            break
    return utf8_line, other_line


def _column_of(reference: str) -> int | None:
    from openpyxl.utils import column_index_from_string

    letters = "".join(c for c in reference if c.isalpha())
    try:
        return column_index_from_string(letters) if letters else None
    except ValueError:
        return None


def _row_of(reference: str) -> int | None:
    digits = "".join(c for c in reference if c.isdigit())
    return int(digits) if digits else None


def decode_text(path: Path) -> tuple[str, str]:
    """The text of a CSV file and the encoding found (UTF-8 with/without BOM, UTF-16, Windows-1252).

    A file that mixes UTF-8 lines and Windows-1252 lines (pasted from two sources) is refused:
    read either way, one half would come out garbled (« CourriÃ¨res »)."""
    data = _read_bytes(path)
    name = _display(path)
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            if encoding.startswith("utf-8") and _UTF8_SEQUENCE.search(data):
                utf8_line, other_line = _line_encodings(data)
                if utf8_line and other_line:
                    raise ImportFileError(
                        f"Le fichier « {name} » mélange deux encodages (ligne {utf8_line} en UTF-8, ligne "
                        f"{other_line} en Windows-1252) : les accents d'une partie seraient abîmés. Ouvrez-le "
                        "dans Excel ou LibreOffice, corrigez ces lignes et enregistrez-le au format « CSV UTF-8 ».",
                        Location(name, None, other_line),
                    ) from None
            continue
        if "\x00" in text:
            break
        return text, encoding
    raise ImportFileError(
        f"Le fichier « {name} » n'est pas un fichier texte lisible (ni UTF-8, ni Windows-1252) : "
        "enregistrez-le depuis Excel au format « CSV UTF-8 » ou « Classeur Excel »."
    )


DELIMITERS = (";", ",", "\t")


def _delimiter_order(text: str) -> list[str]:
    """Delimiters from the likeliest: the one found most consistently on the first lines."""
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]

    def score(delimiter: str) -> tuple[int, int]:
        counts = [line.count(delimiter) for line in lines]
        used = [c for c in counts if c]
        if not used:
            return (0, 0)
        commonest = max(set(used), key=used.count)
        return (used.count(commonest), commonest)

    return sorted(DELIMITERS, key=score, reverse=True)


def _csv_rows(path: Path, text: str, delimiter: str) -> list[tuple[int, tuple]]:
    """The rows of the text. A quote opened and never closed swallows the rest of the file
    into one cell: refused, with the line where the quote opened."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    rows = []
    start = 1
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFileError(f"Le fichier « {_display(path)} » a plus de {MAX_ROWS} lignes : découpez-le.")
            rows.append((number, tuple(values[:MAX_COLUMNS])))
            start = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise ImportFileError(
                f"Le fichier « {_display(path)} » a un guillemet ouvert ligne {start} qui n'est jamais fermé : "
                "tout le reste du fichier tiendrait dans une seule cellule. Corrigez cette ligne puis recommencez.",
                Location(_display(path), None, start),
            ) from None
        raise ImportFileError(
            f"Le fichier « {_display(path)} » est mal formé près de la ligne {reader.line_num} "
            "(guillemet mal placé ?) : corrigez cette ligne puis recommencez.",
            Location(_display(path), None, reader.line_num),
        ) from None
    return rows


# --- finding the table ------------------------------------------------------------------

def _match_header(values: Sequence, specs: Sequence[ColumnSpec]) -> list[Column] | None:
    columns: list[Column] = []
    for index, value in enumerate(values, start=1):
        for spec in specs:
            tag = spec.match(value)
            if tag is None:
                continue
            if not spec.repeatable and any(c.field == spec.field for c in columns):
                break
            columns.append(Column(index, str(value).strip(), spec.field, tag))
            break
    found = {c.field for c in columns}
    if all(s.field in found for s in specs if s.required):
        return columns
    return None


def _find_table(path: Path, sheet: str | None, rows: list[tuple[int, tuple]], specs: Sequence[ColumnSpec]) -> Table | None:
    for position, (number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _match_header(values, specs)
        if columns:
            table = Table(path, sheet, number, columns)
            table.rows = [Row(n, v, table) for n, v in rows[position + 1:]]
            return table
    return None


def _positional_table(path: Path, sheet: str | None, rows: list[tuple[int, tuple]], fields: Sequence[str]) -> Table:
    columns = [Column(i, f"colonne {get_column_letter(i)}", name, "") for i, name in enumerate(fields, start=1)]
    table = Table(path, sheet, None, columns)
    table.rows = [Row(n, v, table) for n, v in rows]
    return table


def _missing_columns_error(path: Path, specs: Sequence[ColumnSpec], where: str) -> ImportFileError:
    wanted = ", ".join(f"« {s.label} »" for s in specs if s.required)
    return ImportFileError(
        f"Les colonnes {wanted} sont introuvables dans {where} de « {_display(path)} » "
        f"(elles doivent figurer dans les {HEADER_SEARCH_ROWS} premières lignes)."
    )


def read_table(
    path: Path | str,
    specs: Sequence[ColumnSpec],
    *,
    sheet: str | None = None,
    headerless: Sequence[str] | None = None,
) -> Table:
    """Find the table whose header names the required columns, and return its rows.

    `headerless`: field names to read by position when no header row is found (plain
    two-column files such as « code ; nom »).
    """
    path = Path(path)
    kind = sniff_kind(path)
    if kind == "xlsx":
        return _read_xlsx_table(path, specs, sheet, headerless)
    text, encoding = decode_text(path)
    order = _delimiter_order(text)
    for delimiter in order:
        rows = _csv_rows(path, text, delimiter)
        table = _find_table(path, None, rows, specs)
        if table is not None:
            table.encoding, table.delimiter = encoding, delimiter
            return table
    if headerless:
        rows = _csv_rows(path, text, order[0])
        table = _positional_table(path, None, rows, headerless)
        table.encoding, table.delimiter = encoding, order[0]
        return table
    raise _missing_columns_error(path, specs, "le fichier")


def _read_xlsx_table(path: Path, specs: Sequence[ColumnSpec], sheet: str | None, headerless: Sequence[str] | None) -> Table:
    with open_xlsx(path) as workbook:
        names = workbook.sheetnames
        if sheet is not None:
            if sheet not in names:
                listed = ", ".join(f"« {n} »" for n in names)
                raise ImportFileError(f"La feuille « {sheet} » n'existe pas dans « {_display(path)} » (feuilles : {listed}).")
            names = [sheet]
        first_rows = None
        for name in names:
            rows = list(iter_sheet_rows(path, workbook[name]))
            if first_rows is None:
                first_rows = (name, rows)
            table = _find_table(path, name, rows, specs)
            if table is not None:
                return table
        if headerless and first_rows is not None:
            return _positional_table(path, first_rows[0], first_rows[1], headerless)
    where = f"la feuille « {sheet} »" if sheet else "aucune feuille"
    raise _missing_columns_error(path, specs, where)
