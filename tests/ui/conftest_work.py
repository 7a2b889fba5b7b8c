"""Fixtures for the meetings, plan and journal UI tests: a fresh database per test, a UiContext
on a fixed "today", and a small territory (a COPIL with six usual members, a plan, a journal).

Test modules import what they use: `from tests.ui.conftest_work import ctx, db, terr, TODAY`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from ctgdesk.models import (
    DecisionStatus,
    FicheStatus,
    InstanceKind,
    JournalKind,
    MeetingStatus,
    OrganisationKind,
)
from ctgdesk.services import journal, meetings, people, plan, territory
from ctgdesk.ui.context import UiContext

TODAY = date(2026, 6, 15)  # a Monday; the tests' "today"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def db(ui_db):
    """A fresh database with the referential (tests/ui/conftest.py copies it from a template)."""
    return ui_db


@pytest.fixture
def ctx(db, qtbot):
    context = UiContext(db=db, year=TODAY.year)
    context.today = lambda: TODAY  # type: ignore[method-assign]
    context.statuses = []  # type: ignore[attr-defined]
    context.signals.status_message.connect(lambda text, _ms: context.statuses.append(text))
    yield context
    context.undo_stack.clear()


@dataclass
class Territory:
    convention: int
    communes: dict[str, int]
    organisations: dict[str, int]
    persons: dict[str, int]
    coordinator: int
    copil: int
    cotech: int
    copil_members: list[int]
    enjeu: int
    objectif: int
    objectif2: int
    fiche: int


COPIL_MEMBERS = ["Christophe Morel", "Laurent Dupuis", "Sandrine Leroy", "Martine Fontaine",
                 "Patrick Deramecourt", "Claire Dumont"]
OTHERS = ["Céline Duhamel", "Fabrice Carpentier", "Agnès Delcroix"]


@pytest.fixture
def terr(db) -> Territory:
    with db.transaction() as s:
        convention = territory.create_convention(s, name="CTG Test 2026-2030", territory="Agglo de test",
                                                 first_year=2026, last_year=2030)
        caf = territory.create_organisation(s, name="Caf du Pas-de-Calais", kind=OrganisationKind.CAF)
        dep = territory.create_organisation(s, name="Département du Pas-de-Calais", kind=OrganisationKind.DEPARTEMENT)
        communes = {
            name: territory.create_organisation(s, name=name, kind=OrganisationKind.COMMUNE).id
            for name in ("Carvin", "Courrières", "Oignies", "Évin-Malmaison")
        }
        persons = {}
        for full in COPIL_MEMBERS + OTHERS:
            first, last = full.split(" ", 1)
            persons[full] = people.create_person(s, first_name=first, last_name=last,
                                                 organisation_id=caf.id if last == "Dupuis" else None).id
        coordinator = people.create_coordinator(s, persons["Claire Dumont"]).id
        copil = meetings.create_instance(s, name="Comité de pilotage CTG", kind=InstanceKind.COPIL,
                                         min_per_year=2, convention_id=convention.id,
                                         members=[(persons[n], None) for n in COPIL_MEMBERS]).id
        cotech = meetings.create_instance(s, name="Comité technique CTG", kind=InstanceKind.COTECH,
                                          min_per_year=2, members=[(persons["Claire Dumont"], None)]).id
        enjeu = plan.create_enjeu(s, convention.id, "Petite enfance", number="1")
        objectif = plan.create_objectif(s, enjeu.id, "Développer l'offre d'accueil", number="1.1")
        objectif2 = plan.create_objectif(s, enjeu.id, "Accueillir les enfants en situation de handicap", number="1.2")
        fiche = plan.create_fiche(s, objectif.id, number="1.1.1", title="Créer un relais petite enfance",
                                  status=FicheStatus.IN_PROGRESS, pilot_id=caf.id, start_date=date(2026, 1, 1),
                                  end_date=date(2026, 12, 31))
        # an earlier COTECH and COPIL, so the lists are not empty
        meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=cotech, starts_at=datetime(2026, 3, 10, 9, 30), status=MeetingStatus.HELD,
            place="Mairie de Carvin", animator_id=coordinator, commune_ids=[communes["Carvin"]],
            decisions=[meetings.DecisionInput("Valider le calendrier", status=DecisionStatus.DONE)],
        ), now=datetime(2026, 6, 15, 12))
        meetings.save_meeting(s, meetings.MeetingInput(
            instance_id=copil, starts_at=datetime(2026, 2, 3, 14), status=MeetingStatus.HELD,
            place="Siège de l'Agglomération", animator_id=coordinator,
            alerts=[meetings.AlertInput("Locaux du relais non trouvés", fiche_id=fiche.id)],
        ), now=datetime(2026, 6, 15, 12))
        journal.save_entry(s, journal.JournalInput(date(2026, 5, 4), JournalKind.CONSEIL_APPUI,
                                                   "Appui au projet social", coordinator_id=coordinator))
        journal.save_entry(s, journal.JournalInput(date(2026, 6, 1), JournalKind.SUPPORT_INFORMATION,
                                                   "Guide des modes d'accueil", duration_minutes=90))
        return Territory(
            convention=convention.id, communes=communes,
            organisations={"Caf du Pas-de-Calais": caf.id, "Département du Pas-de-Calais": dep.id},
            persons=persons, coordinator=coordinator, copil=copil, cotech=cotech,
            copil_members=[persons[n] for n in COPIL_MEMBERS], enjeu=enjeu.id, objectif=objectif.id,
            objectif2=objectif2.id, fiche=fiche.id,
        )


def wire_like_main_window(ctx: UiContext, page) -> None:
    """Without the main window, the page reloads itself when the data or the year change."""
    ctx.signals.data_changed.connect(page.refresh)
    ctx.signals.year_changed.connect(lambda _year: page.refresh())


def wait_loads(qtbot, ctx: UiContext) -> None:
    """Until the page loads asked so far are on screen (nothing to wait for in synchronous mode)."""
    qtbot.waitUntil(lambda: not ctx.loads.is_busy(), timeout=10_000)


def show_page(qtbot, page, width: int = 1280, height: int = 760):
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def reactivate(window, qtbot) -> None:
    """The offscreen platform leaves a closed dialog "active" until the window is activated again."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Save what the widget looks like (offscreen) into screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    QApplication.processEvents()
    assert widget.grab().save(str(path)), path
    return path


__all__ = ["TODAY", "Territory", "ctx", "db", "reactivate",
           "save_screenshot", "show_page", "terr", "wire_like_main_window"]


@pytest.fixture
def window(ctx, terr, qtbot, settings):
    """The real main window over the work territory, shown and its front page loaded: where the
    by-hand tests and the random walks open their forms."""
    from ctgdesk.ui.main_window import MainWindow

    main = MainWindow(ctx, settings)
    show_page(qtbot, main, 1440, 900)
    main.load()
    wait_loads(qtbot, ctx)
    return main


def focused():
    """The widget the keyboard is on (a test fails if nothing has focus)."""
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has focus"
    return widget
