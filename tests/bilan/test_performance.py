"""The bilan of a busy year: a thousand meetings counted. (Its speed is measured by bench/run on
the biggest territory, against its targets; the tests time nothing.)"""

from __future__ import annotations

from ctgdesk.services.bilan import compute_bilan
from tests.bilan.bulk import add_bulk_meetings


def test_one_year_of_1000_meetings(session, territory, today):
    add_bulk_meetings(session, 2000, [2025, 2026], coordinator_ids=[territory["claire"], territory["mehdi"]])
    session.commit()
    bilan = compute_bilan(session, 2026, today=today)
    assert len(bilan.meetings) == 1000 + 10
    assert bilan.indicator("1.1-S1").value > 50
