"""Driving the real main window on the big database (offscreen): page switches and filtering
the meetings list, each action timed from the call to the end of the events it caused
(`QApplication.processEvents()`, paints included), with time.perf_counter().

Used by bench/measure.py; returns {"p95", "count", "worst", "detail": {category: p95}, ...}.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from datetime import date

SEARCH_WORDS = ["comité", "bilan", "mairie"]


def _settle(app) -> None:
    app.processEvents()
    app.processEvents()


def drive(db, today: date) -> dict:
    from PySide6.QtWidgets import QApplication

    from ctgdesk.ui import app as app_module
    from ctgdesk.ui.context import UiContext
    from ctgdesk.ui.main_window import MainWindow

    app = app_module.create_application([])
    ctx = UiContext(db=db)
    window = MainWindow(ctx)
    window.resize(1366, 820)
    window.show()
    window.load()
    _settle(app)

    samples: dict[str, list[float]] = defaultdict(list)
    worst = (0.0, "")
    every_action: list[tuple[float, str]] = []

    def timed(category: str, label: str, action) -> None:
        nonlocal worst
        started = time.perf_counter()
        action()
        _settle(app)
        elapsed = time.perf_counter() - started
        samples[category].append(elapsed)
        every_action.append((elapsed, label))
        if elapsed > worst[0]:
            worst = (elapsed, label)

    keys = list(window.pages)
    front = window.current_key()
    # 1. Every page, first visit (the page loads its data), then visited again twice.
    for key in keys:
        if key != front:
            timed("page switch, first visit", f"first visit of {key}", lambda k=key: window.show_page(k))
    for _round in range(2):
        for key in keys:
            timed("page switch, visited page", f"back to {key}", lambda k=key: window.show_page(k))
    # 2. The year changes (the page in front reloads), then each page is visited (reloads).
    window.show_page("meetings")
    _settle(app)
    year = ctx.year
    for target in (year - 1, year):
        timed("year change (page in front reloads)", f"year {target} on meetings",
              lambda y=target: window.year_spin.setValue(y))
        for key in keys:
            if key != "meetings":
                timed("page switch after a year change", f"{key} after year change",
                      lambda k=key: window.show_page(k))
        window.show_page("meetings")
        _settle(app)
    # 3. Filtering the meetings list: typing in the search field, one key at a time, then the filters.
    page = window.pages["meetings"]
    for word in SEARCH_WORDS:
        for letter in word:
            timed("meetings: search, per keystroke", f"typing « {word} »",
                  lambda c=letter: page.search.insert(c))
        timed("meetings: search, per keystroke", "clearing the search", page.search.clear)
    for combo, name in ((page.instance_filter, "instance"), (page.commune_filter, "commune"),
                        (page.status_filter, "status")):
        for index in (1, 2, 0):
            if index < combo.count():
                timed("meetings: filter (instance, commune, status)", f"{name} filter #{index}",
                      lambda c=combo, i=index: c.setCurrentIndex(i))

    every = [value for values in samples.values() for value in values]
    window.close()
    QApplication.processEvents()
    return {
        "p95": _p95(every),
        "median": statistics.median(every),
        "count": len(every),
        "worst": f"{worst[1]} {worst[0] * 1000:.0f} ms",
        "detail": {category: _p95(values) for category, values in samples.items()},
        "counts": {category: len(values) for category, values in samples.items()},
        "slowest": [f"{label} {seconds * 1000:.0f} ms" for seconds, label in sorted(every_action, reverse=True)[:8]],
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * (len(ordered) - 1))))]
