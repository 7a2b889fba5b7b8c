"""Issue « Data safety, second pass », case 5: no CSV cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctgdesk.exchange.csv_export import csv_text, write_csv

LIVE = "=+-@"


def _would_be_live(text: str) -> bool:
    """What a spreadsheet may run: = + - @ (or their full-width / small forms, or −) as the
    first non-blank character, or a tab / carriage return before it."""
    for character in text:
        if character in "\t\r" or unicodedata.normalize("NFKC", character)[:1] in LIVE + "\u2212" or character == "\u2212":
            return True
        if not character.isspace():
            return False
    return False


@pytest.mark.parametrize("text", [
    "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "-1+1", "\t=1+1", "\r=1+1", " \t=1+1",
    "＝1+1", "＋1", "－1", "＠SUM(A1)", "  =HYPERLINK(\"http://x\")", "@SUM(A1)", "=1",
])
def test_the_testers_cells_are_neutralised(text):
    assert csv_text(text) == "'" + text


def test_numbers_stay_numbers():
    assert csv_text(Decimal("-0.40")) == "-0,40"
    assert csv_text(-3) == "-3"
    assert csv_text(-1.5) == "-1,5"


prefix = st.text(alphabet=" \t\r\n\u00a0\u3000", max_size=3)
head = st.sampled_from(list("=+-@＝＋－＠﹦﹢﹣﹫−aZ0 é"))


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=30), st.builds(lambda p, h, t: p + h + t, prefix, head, st.text(max_size=10))))
def test_no_generated_text_stays_live_and_none_is_changed_otherwise(text):
    written = csv_text(text)
    if _would_be_live(text):
        assert written == "'" + text
    else:
        assert written == text


@settings(max_examples=50, deadline=None)
@given(st.lists(st.builds(lambda p, h, t: p + h + t, prefix, head, st.text(max_size=8)), min_size=1, max_size=5))
def test_a_written_file_reads_back_with_no_live_cell(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    write_csv(path, ["Texte"] * len(texts), [texts])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    for cell in rows[1]:
        assert not _would_be_live(cell) or cell.startswith("'")
