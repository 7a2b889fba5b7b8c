"""French dates and numbers, through babel. Used by the UI, the CLI and the exports alike."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

LOCALE = "fr_FR"
# Fast paths give exactly babel's text for the commonest cells (dates, whole numbers) at a
# fraction of its cost: tables of a year of the biggest territory format tens of thousands of
# cells (bench/run). They use babel's French symbols and names, written out here so that
# babel and its locale data load only when a value needs babel itself (about 15 ms of the cold
# start to the dashboard): tests/bench/test_formatting.py checks them against babel.
_GROUP = "\u202f"  # babel.numbers.get_group_symbol: a narrow no-break space
_MINUS = "-"  # get_minus_sign_symbol
_DECIMAL = ","  # get_decimal_symbol
_CENT, _MILLI = Decimal("0.01"), Decimal("0.001")


def _format_decimal(value: Decimal | float | int, format: str) -> str:
    """babel's format_decimal in French, for the values the fast paths leave (floats, huge numbers)."""
    from babel.numbers import format_decimal

    try:
        return format_decimal(value, format=format, locale=LOCALE)
    except (ArithmeticError, ValueError, OverflowError):  # 1E+400: beyond what a format can round
        return str(value).replace(".", _DECIMAL)


def _fast_decimal(value: Decimal | int, step: Decimal, keep_zeros: bool) -> str | None:
    """babel's "#,##0.00" (keep_zeros) or "#,##0.###" for a Decimal or an int; None when unusual."""
    number = Decimal(value)
    if not number.is_finite():
        return None
    try:
        rounded = number.quantize(step, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # beyond the context's precision
        return None
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    if not keep_zeros:
        fraction = fraction.rstrip("0")
    text = f"{int(whole):,}".replace(",", _GROUP) + (f"{_DECIMAL}{fraction}" if fraction else "")
    return f"{_MINUS}{text}" if number.is_signed() else text


def long_date(value: date | None) -> str:
    """lundi 12 janvier 2026"""
    if value is None:
        return ""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTH_NAMES[value.month - 1]} {value.year}"


def short_date(value: date | None) -> str:
    """12/01/2026"""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year}"


def date_time(value: datetime | None) -> str:
    """12/01/2026 14:30"""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year} {value.hour:02d}:{value.minute:02d}"


def decimal2(value: Decimal | float | int | None) -> str:
    """0,40 — two decimals, French separator (ETP)."""
    if value is None:
        return ""
    if type(value) in (Decimal, int):
        fast = _fast_decimal(value, _CENT, keep_zeros=True)
        if fast is not None:
            return fast
    return _format_decimal(value, format="#,##0.00")


def number(value: Decimal | float | int | None) -> str:
    """1 234,5 — as many decimals as needed."""
    if value is None:
        return ""
    if type(value) is int:
        digits = f"{abs(value):,}".replace(",", _GROUP)
        return f"{_MINUS}{digits}" if value < 0 else digits
    if type(value) is Decimal:
        fast = _fast_decimal(value, _MILLI, keep_zeros=False)
        if fast is not None:
            return fast
    return _format_decimal(value, format="#,##0.###")


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{decimal2(value)} €"


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]  # babel's "MMMM" in French
_MONTH_NAMES = list(MONTHS)  # long_date's own copy: MONTHS is public
_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]  # babel's "EEEE", Monday first
