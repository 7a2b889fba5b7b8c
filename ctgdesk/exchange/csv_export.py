"""Any table to CSV the way French Excel opens it: `;` separated, UTF-8 with a BOM."""

from __future__ import annotations

import csv
import io
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
    label = getattr(value, "label", None)  # LabelledEnum
    if isinstance(label, str):
        return label
    return defuse(str(value))


def defuse(text: str) -> str:
    """A text a spreadsheet would read as a formula ("=…", "@…", "+A1", "-A1") gets a leading
    apostrophe; "+33 6…" or "- point 1" are left alone."""
    if not text:
        return text
    first = text[0]
    if first in "=@" or (first in "+-" and len(text) > 1 and not (text[1].isdigit() or text[1] in " ,.")):
        return "'" + text
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
