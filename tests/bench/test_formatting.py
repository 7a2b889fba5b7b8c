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
