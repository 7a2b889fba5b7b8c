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


def test_the_written_out_symbols_and_names_are_babels():
    """formatting.py writes babel's French symbols and names out, so that babel loads only when
    a value needs it; they must stay what babel says."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    assert formatting._GROUP == get_group_symbol(LOCALE) == "\u202f"
    assert formatting._DECIMAL == get_decimal_symbol(LOCALE)
    assert formatting._MINUS == get_minus_sign_symbol(LOCALE)
    assert formatting.MONTHS == [format_date(date(2000, m, 1), "MMMM", locale=LOCALE) for m in range(1, 13)]
    assert formatting._DAYS == [format_date(date(2024, 1, 1 + d), "EEEE", locale=LOCALE) for d in range(7)]
    for day in (date(2026, 1, 12), date(2024, 2, 29), date(1999, 8, 1)):
        assert formatting.long_date(day) == format_date(day, "EEEE d MMMM y", locale=LOCALE)


def test_babel_loads_only_when_a_value_needs_it():
    import subprocess
    import sys

    code = ("import sys; from decimal import Decimal; from datetime import date; from ctgdesk import formatting as f; "
            "f.decimal2(Decimal('1234.5')); f.number(-12); f.long_date(date(2026, 1, 12)); f.short_date(date(2026, 1, 2)); "
            "print('babel' in sys.modules); print(f.number(1.5), 'babel' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False", "1,5 True"]  # a float: babel's own formatting
