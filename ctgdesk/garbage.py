"""How often Python's garbage collector runs, in the window and the commands alike.

The collector looks for reference cycles; by default it scans the young objects every 700
allocations, and the whole heap every hundred young scans or so. Reading a bilan builds a
million short-lived objects (rows, dataclasses): with the default, a five-year bilan of the
biggest territory ran some tens of full scans of everything alive, a quarter of its time
(bench/services.py, bench/run). Scanning the young objects every 10 000 allocations keeps the
same collector — cycles are still found, a little later — at a fraction of the cost. Most
objects are freed anyway as soon as their last reference goes (reference counting).
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS_PER_SCAN = 10_000  # Python's default: 700


def collect_less_often() -> None:
    """Young objects scanned every YOUNG_OBJECTS_PER_SCAN allocations; the older generations
    keep Python's own ratios."""
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_SCAN, middle, old)
