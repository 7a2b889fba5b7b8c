"""Any table to CSV the way French Excel opens it: `;` separated, UTF-8 with a BOM."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from ctgdesk.exchange.atomic import atomic_path


def csv_text(value: Any) -> str:
    """French spreadsheet conventions: 0,40 ; 12/03/2026 ; 12/03/2026 14:00 ; 14:00 ; Oui/Non."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    label = getattr(value, "label", None)  # LabelledEnum
    if isinstance(label, str):
        return label
    return defuse(str(value))


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): = + - @ first,
# or a tab / carriage return before them; full-width and small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫)
# are folded to these by NFKC, which some spreadsheets apply; "−" (U+2212) is a minus to them too.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\u2212")


def defuse(text: str) -> str:
    """A text whose first non-blank character could start a formula gets a leading apostrophe
    (OWASP CSV-injection guidance): "=1+1", " +1+cmd|…", "-1+1", a tab then "=…", "＝…". Numbers are
    not texts: they are written by csv_text and stay numbers."""
    for character in text:
        if character in FORMULA_TRIGGERS or unicodedata.normalize("NFKC", character)[:1] in FORMULA_TRIGGERS:
            return "'" + text
        if not character.isspace():
            return text
    return text


def write_csv(path: Path | str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write the table; returns the number of data rows written."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
        count += 1
    with atomic_path(path) as temporary:
        temporary.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return count
