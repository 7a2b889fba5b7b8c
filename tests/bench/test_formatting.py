"""The fast paths of ctgdesk.formatting write exactly what babel writes (they replace it for
dates and whole numbers because tables of the big territory format tens of thousands of cells)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from ctgdesk import formatting

LOCALE = formatting.LOCALE


def test_short_dates_and_date_times_are_babels():
    rng = random.Random(1)
    days = [date(1, 1, 1), date(999, 12, 31), date(2026, 1, 2), date(9999, 12, 31)]
    days += [date(1990, 1, 1) + timedelta(days=rng.randrange(60 * 365)) for _ in range(500)]
    for day in days:
        assert formatting.short_date(day) == format_date(day, "dd/MM/y", locale=LOCALE)
        moment = datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), rng.randrange(60))
        assert formatting.date_time(moment) == format_datetime(moment, "dd/MM/y HH:mm", locale=LOCALE)
    assert formatting.short_date(None) == formatting.date_time(None) == ""


def test_whole_numbers_are_babels():
    rng = random.Random(2)
    numbers = [0, 1, -1, 999, 1000, -1000, 1234567, -987654321, 10**15]
    numbers += [rng.randrange(-10**9, 10**9) for _ in range(500)]
    for value in numbers:
        assert formatting.number(value) == format_decimal(value, format="#,##0.###", locale=LOCALE), value
    assert formatting.number(1234) == "1\u202f234"


def test_decimals_are_babels():
    from decimal import Decimal

    rng = random.Random(3)
    values = [Decimal(v) for v in ("0", "-0", "0.005", "0.015", "0.025", "-0.0001", "-0.004", "1E+3", "0.4",
                                   "1234.5", "-1234.567", "12.3456", "999999.995", "1E-10", "123456789012.345")]
    for _ in range(2000):
        scale = rng.randrange(0, 7)
        values.append(Decimal(rng.randrange(-10**12, 10**12)).scaleb(-scale))
    values += [5, -7, 0, 1234567]
    for value in values:
        assert formatting.decimal2(value) == format_decimal(value, format="#,##0.00", locale=LOCALE), value
        assert formatting.number(value) == format_decimal(value, format="#,##0.###", locale=LOCALE), value
    assert formatting.decimal2(Decimal("0.4")) == "0,40" and formatting.money(Decimal("1234.5")) == "1\u202f234,50 €"


def test_long_dates_are_babels():
    rng = random.Random(4)
    days = [date(1, 1, 1), date(2024, 1, 1), date(2026, 2, 3)]
    days += [date(1990, 1, 1) + timedelta(days=rng.randrange(60 * 365)) for _ in range(800)]
    for day in days:
        assert formatting.long_date(day) == format_date(day, "EEEE d MMMM y", locale=LOCALE), day
    assert formatting.long_date(date(2026, 2, 3)) == "mardi 3 février 2026" and formatting.long_date(None) == ""
