"""Reading what users type: French decimals, "En cours", dates, INSEE codes, names."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ctgdesk.services.errors import ValidationError

MIN_YEAR, MAX_YEAR = 1990, 2100  # a date outside is a typing slip (0001-01-01, 2206…)
PENDING_WORDS = {"en cours", "encours", "a definir", "à définir", "nc"}
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def parse_decimal(text: str | int | float | Decimal, *, what: str = "La valeur", field: str | None = None) -> Decimal:
    """'0,40', '0.4', '1', ' 1 234,5 ' → Decimal. Refuses anything else with a French message."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    cleaned = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{what} « {text} » n'est pas un nombre (ex. 0,40).", field) from None
    if not value.is_finite():
        raise ValidationError(f"{what} « {text} » n'est pas un nombre (ex. 0,40).", field)
    return value


def is_pending(text: object) -> bool:
    """True for the "En cours" status a convention prints instead of an ETP not yet fixed."""
    return isinstance(text, str) and fold(text) in {fold(w) for w in PENDING_WORDS}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        stripped = decomposed
    elif max(decomposed) <= "\uffff":  # one C-level pass instead of a Python test per character
        stripped = decomposed.translate(_combining_marks())
    else:
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


_COMBINING: dict[int, None] = {}


def _combining_marks() -> dict[int, None]:
    """Every combining mark of the Basic Multilingual Plane, to delete with str.translate
    (searching a year of meetings folds 2 000 lines at once: 0,1 s the character-by-character way)."""
    if not _COMBINING:
        _COMBINING.update({cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))})
    return _COMBINING


def name_key(text: str) -> str:
    """The key two spellings of one name share: no case, accents, hyphens, apostrophes or spaces.

    "Bruay-la- Buissière" and "Bruay-La-Buissière" give the same key.
    """
    return re.sub(r"[\W_]+", "", fold(text))


def validate_insee(code: str | None, *, field: str = "insee_code") -> str | None:
    if code is None or not str(code).strip():
        return None
    code = str(code).strip().upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code  # spreadsheets drop the leading zero of Ain, Aisne…
    if not _INSEE.match(code):
        raise ValidationError(
            f"Le code INSEE « {code} » est invalide : il faut 5 caractères (ex. 62427, 2A004).", field
        )
    return code


def parse_date(text: str | date | datetime | None, *, what: str = "La date", field: str | None = None) -> date | None:
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    cleaned = str(text).strip()
    if not cleaned:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"{what} « {text} » n'est pas une date (jj/mm/aaaa).", field)


def check_date_range(value: date | datetime | None, *, what: str = "La date", field: str | None = None) -> None:
    """Refuse a date outside MIN_YEAR–MAX_YEAR (the years a convention may cover)."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            f"{what} ({value.day:02d}/{value.month:02d}/{value.year:04d}) est hors des années "
            f"{MIN_YEAR}–{MAX_YEAR}.", field,
        )
