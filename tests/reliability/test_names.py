"""Backup file names and French formatting under hostile input (hypothesis)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.db.backup import BackupKind, BackupName, format_backup_name, parse_backup_name
from ctgdesk.db.sqlite_files import french_datetime, french_size, unused_name

stems = st.text(
    alphabet=st.characters(exclude_characters="/\\\x00", exclude_categories=("Cs",)), min_size=1, max_size=40
)
moments = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@settings(max_examples=300, deadline=None)
@given(stems, moments, st.sampled_from(list(BackupKind)), st.integers(1, 9999))
def test_backup_names_round_trip(stem, created, kind, counter):
    name = format_backup_name(stem, created, kind, counter)
    assert parse_backup_name(name) == BackupName(stem, created, kind, counter)


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    st.text(max_size=80),
    st.from_regex(r"\A.{0,10}_\d{8}-\d{6}(-\d{1,5})?_[a-z-]{3,20}\.sqlite\Z"),
))
def test_any_file_name_parses_or_is_ignored(name):
    parsed = parse_backup_name(name)
    if parsed is not None:
        assert format_backup_name(parsed.stem, parsed.created, parsed.kind, parsed.counter) == name


def test_impossible_dates_and_lookalikes_are_ignored():
    for name in (
        "ctgdesk_20260230-120000_auto.sqlite",  # 30 February
        "ctgdesk_20261301-120000_auto.sqlite",
        "ctgdesk_20260101-250000_auto.sqlite",
        "ctgdesk_20260101-120000-1_auto.sqlite",  # counters start at 2
        "ctgdesk_20260101-120000-02_auto.sqlite",
        "ctgdesk_20260101-120000_auto.sqlite-wal",
        "ctgdesk_20260101-120000_Auto.sqlite",
        "_20260101-120000_auto.sqlite",
    ):
        assert parse_backup_name(name) is None, name
    assert parse_backup_name("ma_base_20260101-120000_auto.sqlite").stem == "ma_base"


@given(moments)
def test_french_datetime(moment):
    text = french_datetime(moment)
    assert datetime.strptime(text, "%d/%m/%Y à %H:%M") == moment.replace(second=0)


@given(st.integers(0, 2**50))
def test_french_size(size):
    text = french_size(size)
    number, unit = text.split(" ")
    assert unit in ("octets", "Ko", "Mo", "Go") and "." not in number


def test_french_size_examples():
    assert [french_size(n) for n in (0, 1023, 1024, 1536 * 1024, 5 * 1024**3)] == [
        "0 octets", "1023 octets", "1,0 Ko", "1,5 Mo", "5,0 Go"
    ]


def test_unused_name_never_overwrites(tmp_path):
    first = tmp_path / "base.sqlite.corrompu-20260115-090000"
    assert unused_name(first) == first
    first.write_bytes(b"1")
    second = unused_name(first)
    second.write_bytes(b"2")
    assert second.name.endswith("-2") and unused_name(first).name.endswith("-3")
