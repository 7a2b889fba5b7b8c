"""French dates and numbers, through babel. Used by the UI, the CLI and the exports alike."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_decimal as _format_decimal

LOCALE = "fr_FR"


def long_date(value: date | None) -> str:
    """lundi 12 janvier 2026"""
    return "" if value is None else _format_date(value, "EEEE d MMMM y", locale=LOCALE)


def short_date(value: date | None) -> str:
    """12/01/2026"""
    return "" if value is None else _format_date(value, "dd/MM/y", locale=LOCALE)


def date_time(value: datetime | None) -> str:
    """12/01/2026 14:30"""
    return "" if value is None else _format_datetime(value, "dd/MM/y HH:mm", locale=LOCALE)


def decimal2(value: Decimal | float | int | None) -> str:
    """0,40 — two decimals, French separator (ETP)."""
    if value is None:
        return ""
    return _format_decimal(value, format="#,##0.00", locale=LOCALE)


def number(value: Decimal | float | int | None) -> str:
    """1 234,5 — as many decimals as needed."""
    if value is None:
        return ""
    return _format_decimal(value, format="#,##0.###", locale=LOCALE)


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{decimal2(value)} €"


MONTHS = [_format_date(date(2000, m, 1), "MMMM", locale=LOCALE) for m in range(1, 13)]
