"""What people type for a date, a time or an amount: every accepted spelling gives the value
back; anything else is refused with a French message naming the text — never another value."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.formatting import money, number
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.parsing import (
    FRENCH_MONTHS,
    check_date_bounds,
    parse_amount,
    parse_date,
    parse_time,
    parse_year,
)

NEW_YEAR_2027 = date(2027, 1, 1)


@pytest.mark.parametrize("text", [
    "01/01/2027", "1/1/2027", "1/1/27", "01012027", "010127", "1 janvier 2027", "1er janvier 2027",
    "1 janv. 2027", "01-01-2027", "01.01.2027", "2027-01-01", " 01/01/2027 ", "1ER JANVIER 2027",
    "1\u00a0janvier\u00a02027", "1 Janv 27",
])
def test_every_spelling_of_new_year_2027(text):
    assert parse_date(text) == NEW_YEAR_2027


@pytest.mark.parametrize("text, why", [
    ("31/02/2027", "« 31/02/2027 » n'existe pas : il n'y a pas de 31 février en 2027"),
    ("32/01/2027", "« 32/01/2027 » n'existe pas : il n'y a pas de 32 janvier en 2027"),
    ("01/13/2027", "« 01/13/2027 » n'existe pas : il n'y a pas de mois 13"),
    ("2027", "« 2027 » n'est pas une date"),
    ("hier", "« hier » n'est pas une date"),
    ("01/01", "« 01/01 » n'est pas une date"),
    ("0101", "« 0101 » n'est pas une date"),
    ("1 ju 2027", "« 1 ju 2027 » n'est pas une date"),  # juin or juillet?
    ("2er janvier 2027", "« 2er janvier 2027 » n'est pas une date"),
    ("01/01-2027", "« 01/01-2027 » n'est pas une date"),
    ("1/1/202", "« 1/1/202 » n'est pas une date"),
    ("´", "« ´ » n'est pas une date"),  # folds to nothing, yet something was typed
])
def test_refused_dates_name_the_text(text, why):
    with pytest.raises(ValidationError) as refused:
        parse_date(text, what="Le début", field="start_date")
    assert refused.value.message.startswith("Le début " + why)
    assert refused.value.field == "start_date"


def test_empty_date_is_none_and_bounds_are_1990_to_2100():
    assert parse_date("") is None and parse_date("  ") is None and parse_date(None) is None
    assert check_date_bounds(date(1990, 1, 1)) == date(1990, 1, 1)
    assert check_date_bounds(date(2100, 12, 31)) == date(2100, 12, 31)
    assert check_date_bounds(None) is None
    with pytest.raises(ValidationError, match=r"La fin \(31/12/1989\) est hors des dates possibles : entre le "
                                              r"01/01/1990 et le 31/12/2100\."):
        check_date_bounds(date(1989, 12, 31), what="La fin")
    with pytest.raises(ValidationError):
        check_date_bounds(date(2101, 1, 1))


ABBREVIATIONS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def spellings(day: date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    month, short = FRENCH_MONTHS[m - 1], ABBREVIATIONS[m - 1]
    first = "1er" if d == 1 else str(d)
    texts = [f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}-{m:02d}-{y}", f"{d:02d}.{m:02d}.{y}",
             f"{d:02d}{m:02d}{y}", f"{y}-{m:02d}-{d:02d}", f"{d} {month} {y}", f"{first} {month} {y}",
             f"{d} {short} {y}", f"{d} {month.upper()} {y}"]
    if 2000 <= y <= 2099:
        texts += [f"{d}/{m}/{y % 100:02d}", f"{d:02d}{m:02d}{y % 100:02d}", f"{first} {short} {y % 100:02d}"]
    return texts


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_date_round_trip_in_every_spelling(day):
    for text in spellings(day):
        assert parse_date(text) == day, text


def _date_like() -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789/-. erjanvifévrmsuloctdéÉ", max_size=14)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_date_like(), st.text(max_size=14)))
def test_junk_is_refused_or_read_as_what_it_spells(text):
    try:
        value = parse_date(text)
    except ValidationError as refused:
        assert f"« {text.strip()} »" in refused.message
        return
    if value is None:
        assert not text.strip()
        return
    # what was read is one of that date's spellings, separators and case aside
    def key(spelling: str) -> str:
        return "".join(ch for ch in spelling.casefold() if ch.isalnum())
    candidates = {key(s) for s in spellings(value)}
    candidates |= {key(f"{value.day}{value.month}{value.year}"), key(f"{value.day}{value.month}{value.year % 100}"),
                   key(f"{value.day:02d}{value.month}{value.year}"), key(f"{value.day}{value.month:02d}{value.year}"),
                   key(f"{value.day:02d}{value.month}{value.year % 100:02d}"),
                   key(f"{value.day}{value.month:02d}{value.year % 100:02d}"),
                   key(f"{value.day}{value.month}{value.year % 100:02d}"),
                   key(f"{value.year}{value.month}{value.day}"), key(f"{value.year}{value.month:02d}{value.day}"),
                   key(f"{value.year}{value.month}{value.day:02d}")}
    typed = key(text)
    month_word = "".join(ch for ch in typed if ch.isalpha())
    if month_word:  # an abbreviation: the digits and the month it starts
        digits = "".join(ch for ch in typed if ch.isdigit())
        assert FRENCH_MONTHS[value.month - 1].replace("é", "e").replace("û", "u").startswith(
            month_word.removeprefix("er").replace("é", "e").replace("û", "u")), text
        assert digits in {f"{value.day}{value.year}", f"{value.day:02d}{value.year}",
                          f"{value.day}{value.year % 100:02d}", f"{value.day:02d}{value.year % 100:02d}"}, text
    else:
        assert typed in candidates, text


@pytest.mark.parametrize("text, expected", [
    ("9h", time(9)), ("9 h 30", time(9, 30)), ("9h30", time(9, 30)), ("09:30", time(9, 30)), ("930", time(9, 30)),
    ("0930", time(9, 30)), ("14", time(14)), ("14H05", time(14, 5)), ("0h", time(0)), ("23:59", time(23, 59)),
])
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9h75", "24h", "midi", "9h3", "12345", "9.30", "-1"])
def test_refused_times_name_the_text(text):
    with pytest.raises(ValidationError) as refused:
        parse_time(text, what="L'heure de fin")
    assert refused.value.message.startswith(f"L'heure de fin « {text} »")


@settings(max_examples=300, deadline=None)
@given(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_time_round_trip(at):
    h, m = at.hour, at.minute
    texts = [f"{h}h{m:02d}", f"{h} h {m:02d}", f"{h:02d}:{m:02d}", f"{h}:{m:02d}", f"{h}{m:02d}", f"{h:02d}{m:02d}"]
    if m == 0:
        texts += [f"{h}h", f"{h}", f"{h:02d} h"]
    for text in texts:
        assert parse_time(text) == at, text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789h: H", max_size=7))
def test_time_junk_is_refused_or_read_as_typed(text):
    try:
        value = parse_time(text)
    except ValidationError:
        return
    if value is None:
        assert not text.strip()
        return
    digits = "".join(ch for ch in text if ch.isdigit())
    assert digits in {f"{value.hour}", f"{value.hour:02d}", f"{value.hour}{value.minute:02d}",
                      f"{value.hour:02d}{value.minute:02d}"}, text
    assert int(digits[-2:]) == value.minute or value.minute == 0


@pytest.mark.parametrize("text, expected", [
    ("1 500", Decimal(1500)), ("1500,50", Decimal("1500.50")), ("1 500 €", Decimal(1500)),
    ("1.500,50", Decimal("1500.50")), ("1500.50", Decimal("1500.50")), ("1\u00a0500,50\u00a0€", Decimal("1500.50")),
    ("1\u202f500\u202f000", Decimal(1500000)), ("0", Decimal(0)), ("24000", Decimal(24000)), ("1,5", Decimal("1.5")),
])
def test_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["1.500", "1,500", "abc", "1 50", "12,345,6", "1 500.000", "€", "1e3", "1..5"])
def test_refused_amounts_name_the_text(text):
    if text == "€":
        assert parse_amount(text) is None  # nothing but the sign: nothing typed
        return
    with pytest.raises(ValidationError) as refused:
        parse_amount(text, what="Le montant du financement")
    assert refused.value.message.startswith(f"Le montant du financement « {text} »")


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_amount_round_trip(value):
    whole, cents = divmod(int(value * 100), 100)
    plain = f"{whole}"
    texts = [money(value), number(value), f"{whole},{cents:02d}", f"{whole}.{cents:02d}",
             f"{whole:,}".replace(",", " ") + f",{cents:02d} €", f"{whole:,}".replace(",", ".") + f",{cents:02d}",
             f"{whole:,}".replace(",", "\u00a0") + f",{cents:02d}\u00a0€"]
    if cents == 0:
        texts += [plain, f"{whole:,}".replace(",", " ") + " €"]
    for text in texts:
        assert parse_amount(text) == value, text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789 .,€\u00a0", max_size=12))
def test_amount_junk_is_refused_or_read_as_typed(text):
    try:
        value = parse_amount(text)
    except ValidationError as refused:
        assert "n'est pas un montant" in refused.message
        return
    if value is None:
        return
    digits = "".join(ch for ch in text if ch.isdigit())
    # every digit typed is in the value, in order; at most two after the decimal mark
    shown = f"{value:f}".replace(".", "")
    assert shown.lstrip("0") == digits.lstrip("0") or shown.lstrip("0") == (digits.lstrip("0") + "0"), text


@pytest.mark.parametrize("text, expected", [("2027", 2027), ("27", 2027), (" 1990 ", 1990), ("2100", 2100), ("", None)])
def test_years(text, expected):
    assert parse_year(text) == expected


@pytest.mark.parametrize("text, message", [
    ("1989", "La première année 1989 est hors des années possibles : de 1990 à 2100."),
    ("2101", "La première année 2101 est hors des années possibles : de 1990 à 2100."),
    ("hier", "La première année « hier » n'est pas une année (ex. 2027)."),
    ("202", "La première année « 202 » n'est pas une année (ex. 2027)."),
    ("2 027", "La première année « 2 027 » n'est pas une année (ex. 2027)."),
])
def test_refused_years(text, message):
    with pytest.raises(ValidationError) as refused:
        parse_year(text, what="La première année")
    assert refused.value.message == message
