"""Reading what users type: French decimals and amounts, "En cours", dates, times, INSEE codes, names.

The one place that reads a typed date, time or amount: forms, imports and the command line all
call these, and each refuses what it cannot read with a French message naming the value —
never guessing another value."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
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


MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
          "novembre", "decembre")  # folded (no accents): what fold() gives of the typed word
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")
EARLIEST_DATE, LATEST_DATE = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
_DATE_EXAMPLE = "jj/mm/aaaa, ex. 01/01/2027 ou 1er janvier 2027"
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_SPACED_DATE = re.compile(r"^(\d{1,2}) (\d{1,2}) (\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT_DATE = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s*(er)?\s*([a-z]+)\.?\s*(\d{2}|\d{4})$")
_TIME_TEXT = re.compile(r"^(\d{1,2})\s*(?:(?:h|:)\s*(\d{2})?)?$")
_COMPACT_TIME = re.compile(r"^(\d{1,2})(\d{2})$")
_AMOUNT = re.compile(r"^[+-]?(\d+|\d{1,3}([ .,])\d{3}(?:\2\d{3})*)([.,]\d+)?$")


def _month(word: str) -> int | None:
    """janvier, janv, fevr., sept… → 1–12; None for a word that names no month or several (« ju »)."""
    if len(word) < 3:
        return None
    found = [number for number, name in enumerate(MONTHS, start=1) if name.startswith(word)]
    return found[0] if len(found) == 1 else None


def _year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _date_parts(cleaned: str) -> tuple[int, int, int] | None:
    """(year, month, day) read from a folded text, None when it is no spelling of a date."""
    if match := _ISO_DATE.match(cleaned):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _NUMERIC_DATE.match(cleaned):
        return _year(match[4]), int(match[3]), int(match[1])
    if match := _SPACED_DATE.match(cleaned):
        return _year(match[3]), int(match[2]), int(match[1])
    if match := _COMPACT_DATE.match(cleaned):
        return _year(match[3]), int(match[2]), int(match[1])
    if match := _WORD_DATE.match(cleaned):
        month = _month(match[3])
        if month is None or (match[2] and match[1] not in ("1", "01")):
            return None
        return _year(match[4]), month, int(match[1])
    return None


def parse_date(text: str | date | datetime | None, *, what: str = "La date", field: str | None = None) -> date | None:
    """What a person types for a date → that date; None for an empty text.

    01/01/2027, 1/1/27, 01-01-2027, 01.01.2027, 01012027, 010127, 1er janvier 2027, 1 janv. 2027,
    2027-01-01. A two-digit year is 20yy. Refuses anything else (« 31/02/2027 », « 2027 », « hier »)
    with a French message naming the text: a date is never guessed.
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if not str(text).strip():
        return None
    cleaned = fold(str(text).replace("\u00a0", " ").replace("\u202f", " "))  # « ´ » folds to nothing: refused
    parts = _date_parts(cleaned)
    if parts is None:
        raise ValidationError(f"{what} « {str(text).strip()} » n'est pas une date ({_DATE_EXAMPLE}).", field)
    year, month, day = parts
    try:
        return date(year, month, day)
    except ValueError:
        why = f"il n'y a pas de mois {month}" if not 1 <= month <= 12 else (
            f"il n'y a pas de {day} {FRENCH_MONTHS[month - 1]} en {year}" if year else "il n'y a pas d'an 0")
        raise ValidationError(f"{what} « {str(text).strip()} » n'existe pas : {why} (jj/mm/aaaa).", field) from None


def check_date_bounds(value: date | None, *, what: str = "La date", field: str | None = None,
                      earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> date | None:
    """The date itself when it lies between 1990 and 2100 (or the bounds given); refused otherwise."""
    if value is not None and not earliest <= value <= latest:
        raise ValidationError(
            f"{what} ({value.day:02d}/{value.month:02d}/{value.year}) est hors des dates possibles : "
            f"entre le {earliest.day:02d}/{earliest.month:02d}/{earliest.year} "
            f"et le {latest.day:02d}/{latest.month:02d}/{latest.year}.", field)
    return value


def parse_year(text: str | int | None, *, what: str = "L'année", field: str | None = None) -> int | None:
    """2027 (or 27: 2027) → 2027, between 1990 and 2100; None for an empty text; refused otherwise."""
    if text is None:
        return None
    if isinstance(text, int):
        year = text
    else:
        cleaned = str(text).strip()
        if not cleaned:
            return None
        if not re.fullmatch(r"\d{2}|\d{4}", cleaned):
            raise ValidationError(f"{what} « {cleaned} » n'est pas une année (ex. 2027).", field)
        year = _year(cleaned)
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise ValidationError(f"{what} {year} est hors des années possibles : de {EARLIEST_DATE.year} "
                              f"à {LATEST_DATE.year}.", field)
    return year


def parse_time(text: str | time | datetime | None, *, what: str = "L'heure", field: str | None = None) -> time | None:
    """9h, 9 h 30, 9h30, 09:30, 930, 0930, 14 → that time; None for an empty text; 25:00 or 9h75 refused."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.time()
    if isinstance(text, time):
        return text
    if not str(text).strip():
        return None
    cleaned = fold(str(text).replace("\u00a0", " ").replace("\u202f", " "))  # « ´ » folds to nothing: refused
    match = _TIME_TEXT.match(cleaned) or _COMPACT_TIME.match(cleaned)
    if match is None:
        raise ValidationError(f"{what} « {str(text).strip()} » n'est pas une heure (ex. 14h30 ou 14:30).", field)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise ValidationError(
            f"{what} « {str(text).strip()} » n'existe pas : de 0 h à 23 h, de 0 à 59 minutes (ex. 14h30).", field)
    return time(hour, minute)


def parse_amount(text: str | int | Decimal | None, *, what: str = "Le montant", field: str | None = None) -> Decimal | None:
    """1 500, 1500,50, 1 500 €, 1.500,50, 1500.50 → Decimal; None for an empty text; refused otherwise.

    Spaces (also no-break ones) group thousands; a comma is the decimal mark; a point is one too
    unless it groups thousands (1.500,50, 1.500.000). At most two decimals: « 1.500 » (mille cinq
    cents, or un et demi?) is refused, never guessed.
    """
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    shown = str(text).strip()
    cleaned = " ".join(shown.replace("\u00a0", " ").replace("\u202f", " ").split())
    if cleaned.endswith("€"):
        cleaned = cleaned[:-1].rstrip()
    elif cleaned.lower().endswith("eur"):
        cleaned = cleaned[:-3].rstrip()
    if not cleaned:
        return None
    match = _AMOUNT.match(cleaned)
    if match is None or (match[2] and match[3] and match[2] == match[3][0]):  # 1.500.000.5: the mark that groups is no decimal one
        raise ValidationError(f"{what} « {shown} » n'est pas un montant (ex. 1 500,50 €).", field)
    whole, fraction = re.sub(r"\D", "", match[1]), (match[3] or ".")[1:]
    if len(fraction) > 2:  # 1.500 or 1,500: mille cinq cents, or un et demi? Never guessed.
        raise ValidationError(f"{what} « {shown} » n'est pas un montant : au plus deux chiffres après la "
                              f"virgule (ex. 1 500,50 €).", field)
    sign = "-" if cleaned.startswith("-") else ""
    return Decimal(f"{sign}{whole}" + (f".{fraction}" if fraction else ""))


def check_date_range(value: date | datetime | None, *, what: str = "La date", field: str | None = None) -> None:
    """Refuse a date outside MIN_YEAR–MAX_YEAR (the years a convention may cover): the one rule
    is check_date_bounds's; a date and time is judged by its day."""
    check_date_bounds(value.date() if isinstance(value, datetime) else value, what=what, field=field)