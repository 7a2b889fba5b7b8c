"""The pages of the main window, in sidebar order: the one place that lists them.

Each entry names a module and a class following the contract of ctgdesk.ui.context.Page
(`title`, `icon_name`, `refresh()`). A page whose module is not there (yet) is left out
quietly, so that the window runs while pages are being written on other branches; an error
*inside* a page module is not hidden.

The main window loads a page (`refresh()`) when it is first shown, and again when it is
shown after `ctx.notify_changed()` or a change of year: pages need not reload themselves.
Page actions made with `ctgdesk.ui.widgets.page_header.page_action(page, …, shortcut=…)`
answer only while their page is in front (Ctrl+N, Ctrl+F…); `SearchableTable` gives the
search field, sorting, Entrée (activated) and Suppr (delete_requested).

Optional hooks a page may offer (the main window uses them when present):
- `show_record(kind: str, record_id: int) -> None` — select a record the dashboard points at
  (kinds: "instance", "meeting", "fiche", "coordinator", "organisation");
- a `open_record` Signal(str, str, int) (page key, record kind, record id) to ask the main
  window to show a record on another page (the dashboard's warnings).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ctgdesk.ui.context import Page


@dataclass(frozen=True)
class PageSpec:
    key: str
    module: str
    class_name: str


PAGES: list[PageSpec] = [
    PageSpec("dashboard", "ctgdesk.ui.pages.dashboard", "DashboardPage"),
    PageSpec("territory", "ctgdesk.ui.pages.territory", "TerritoryPage"),
    PageSpec("staff", "ctgdesk.ui.pages.staff", "StaffPage"),
    PageSpec("meetings", "ctgdesk.ui.pages.meetings", "MeetingsPage"),
    PageSpec("plan", "ctgdesk.ui.pages.plan", "PlanPage"),
    PageSpec("journal", "ctgdesk.ui.pages.journal", "JournalPage"),
    PageSpec("bilan", "ctgdesk.ui.pages.bilan", "BilanPage"),
    PageSpec("referential", "ctgdesk.ui.pages.referential", "ReferentialPage"),
]


def available_pages(specs: list[PageSpec] | None = None) -> list[tuple[str, type[Page]]]:
    """(key, page class) for every page whose module exists."""
    found = []
    for spec in PAGES if specs is None else specs:
        try:
            module = importlib.import_module(spec.module)
        except ModuleNotFoundError as error:
            if error.name == spec.module:
                continue  # not written yet
            raise
        found.append((spec.key, getattr(module, spec.class_name)))
    return found
