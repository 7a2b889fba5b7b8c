"""Every form and dialog of ctgdesk besides the meeting and fiche forms
(tests/ui/test_meeting_form_by_hand.py, tests/ui/test_forms_monkey.py), used as a person does.

By hand: each is opened from the real main window by its shortcut, its button or its menu entry
chosen by keyboard; focus moves with Tab, Maj+Tab and clicks; values are typed (QTest.keyClicks,
never setText); pick lists and calendars are opened and closed with Échap; it is saved with
Entrée or a click on « Enregistrer »; what was stored is read back through the services. Dialogs
that save nothing (Vérifier la base, Sauvegardes, RGPD) are checked for what they show.

Random walk: a seeded walk of tests/ui/monkey.py through each, in a child process
(@pytest.mark.isolated): no crash, no Qt warning, no exception in a slot; every record saved on
the way reads back as the form said and passes the service's validation once more.
CTG_MONKEY_ACTIONS (default 2000) actions per form, CTG_MONKEY_SEED the seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMenu, QPushButton, QToolButton, QWidget

from ctgdesk.models import Coordinator, JournalKind, Organisation, OrganisationKind
from ctgdesk.services import journal, meetings, plan, territory
from ctgdesk.services.snapshots import allocation_snapshot
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    ctx,
    db,
    show_page,
    terr,
    wait_loads,
)
from tests.ui.monkey import ACTIONS, SEED, Monkey
from tests.ui.test_meeting_form_by_hand import type_date

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(ctx, terr, qtbot, settings):
    from ctgdesk.ui.main_window import MainWindow

    main = MainWindow(ctx, settings)
    show_page(qtbot, main, 1440, 900)
    main.load()
    wait_loads(qtbot, ctx)
    return main


# --- a person's gestures ---------------------------------------------------------------------

def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has focus"
    return widget


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = NO, times: int = 1) -> None:
    for _ in range(times):
        QTest.keyClick(focused(), k, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def tab_to(widget: QWidget, limit: int = 60, backward: bool = False) -> list[QWidget]:
    """Tab (or Maj+Tab) until `widget` has focus; the widgets met on the way."""
    met: list[QWidget] = []
    for _ in range(limit):
        if focused() is widget or widget.isAncestorOf(focused()):
            return met
        met.append(focused())
        key(Qt.Key.Key_Backtab if backward else Qt.Key.Key_Tab, SHIFT if backward else NO)
    raise AssertionError(f"Tab never reached {widget.accessibleName() or widget}")


def click(widget: QWidget, pos: QPoint | None = None) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, NO, pos if pos is not None else widget.rect().center())


def escape_popup(qtbot, widget: QWidget) -> None:
    """Open a pick list (click) or a calendar (click on its arrow), then close it with Échap."""
    if hasattr(widget, "calendarWidget") and widget.calendarPopup():
        click(widget, QPoint(widget.width() - 8, widget.height() // 2))
    else:
        click(widget)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    QTest.keyClick(QApplication.focusWidget() or QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def header_button(page: QWidget, text: str) -> QToolButton:
    return next(b for b in page.findChildren(QToolButton) if b.text().replace("&", "") == text and b.isVisible())


def go_to(qtbot, window, number: int) -> QWidget:
    """Ctrl+<number>: the page of the navigation."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.focusWidget() or window, getattr(Qt.Key, f"Key_{number}"), CTRL)
    wait_loads(qtbot, window.ctx)
    return window.stack.currentWidget() if hasattr(window, "stack") else None


def choose_in_menu(qtbot, window, letter: Qt.Key, entry: str) -> None:
    """Alt+<letter> opens the menu; ↓ to the entry; Entrée."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.focusWidget() or window, letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu: QMenu = QApplication.activePopupWidget()
    for _ in range(len(menu.actions()) + 1):
        current = menu.activeAction()
        if current is not None and current.text().replace("&", "") == entry:
            QTest.keyClick(menu, Qt.Key.Key_Return)
            return
        QTest.keyClick(menu, Qt.Key.Key_Down)
    raise AssertionError(f"no « {entry} » in the menu: {[a.text() for a in menu.actions()]}")


def new_dialog(qtbot, page, before=None):
    dialog = page.dialog
    assert dialog is not None and dialog is not before
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    return dialog


def in_modal(qtbot, trigger, inside) -> None:
    """For a dialog run with exec(): `inside(dialog)` runs while it is open, then `trigger` returns."""
    failures: list[BaseException] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            qtbot.waitUntil(lambda: dialog.isActiveWindow())
            inside(dialog)
        except BaseException as error:  # noqa: BLE001 - reported once exec() returned
            failures.append(error)
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, run)
    trigger()
    if failures:
        raise failures[0]


# --- by hand ---------------------------------------------------------------------------------

def test_journal_entry_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 6)
    page = window.pages["journal"]
    click(page.bar.details_button)  # « Détails… »: the full form
    dialog = new_dialog(qtbot, page)
    tab_to(dialog.date_edit)
    type_date(dialog.date_edit, date(2026, 6, 12))
    met = tab_to(dialog.nature_edit)
    assert dialog.kind_combo in met and dialog.function_combo in met
    tab_to(dialog.kind_combo, backward=True)
    type_text("relais")  # type-ahead: « Relais Caf… »; the fonction follows
    escape_popup(qtbot, dialog.kind_combo)
    assert dialog.kind_combo.current_key() is JournalKind.RELAIS_CAF
    click(dialog.nature_edit)
    type_text("Relais vers le service Aides financieres")
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.coordinator_combo
    type_text("claire")
    tab_to(dialog.duration_spin)
    key(Qt.Key.Key_A, CTRL)
    type_text("45")
    tab_to(dialog.partners_list)
    key(Qt.Key.Key_Home)
    key(Qt.Key.Key_Space)  # the first partner ticked
    tab_to(dialog.communes_list)
    key(Qt.Key.Key_Home)
    key(Qt.Key.Key_Space)  # Carvin
    tab_to(dialog.description_edit)
    type_text("Dossier transmis le jour meme.")
    click(dialog.save_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.general_error.text()
    with ctx.db.transaction() as s:
        saved = journal.entry_input(s, dialog.saved_id)
    assert (saved.date, saved.kind, saved.function_code, saved.nature) == (
        date(2026, 6, 12), JournalKind.RELAIS_CAF, "3.1", "Relais vers le service Aides financieres")
    assert (saved.coordinator_id, saved.duration_minutes) == (terr.coordinator, 45)
    assert saved.partner_ids == [terr.organisations["Caf du Pas-de-Calais"]]
    assert saved.commune_ids == [terr.communes["Carvin"]]
    assert saved.description == "Dossier transmis le jour meme."


def test_journal_quick_entry_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 6)
    page = window.pages["journal"]
    with ctx.db.transaction() as s:
        before = {r.id for r in journal.list_entries(s)}
    key(Qt.Key.Key_N, CTRL)  # « Nouvelle entrée »: the bar's type d'action
    assert page.bar.isAncestorOf(focused())
    type_text("conseil")
    key(Qt.Key.Key_Tab)
    assert focused() is page.bar.nature_edit
    type_text("Appui au diagnostic de territoire")
    key(Qt.Key.Key_Return)
    with ctx.db.transaction() as s:
        added = [r for r in journal.list_entries(s) if r.id not in before]
        assert len(added) == 1
        saved = journal.entry_input(s, added[0].id)
    assert (saved.kind, saved.function_code, saved.nature, saved.date) == (
        JournalKind.CONSEIL_APPUI, "3.2", "Appui au diagnostic de territoire", date(2026, 6, 15))
    assert page.bar.nature_edit.text() == "" and focused() is page.bar.nature_edit


def test_coordinator_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 3)
    page = window.pages["staff"]
    key(Qt.Key.Key_N, CTRL)  # « Ajouter » on the chargé·e·s tab
    dialog = new_dialog(qtbot, page)
    tab_to(dialog.first_name)
    type_text("Nadia")
    key(Qt.Key.Key_Tab)
    type_text("Benali")
    key(Qt.Key.Key_Tab)
    type_text("nadia.benali@agglo.fr")
    key(Qt.Key.Key_Tab)
    type_text("03 21 00 00 00")
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.employer
    escape_popup(qtbot, dialog.employer)
    click(dialog.employer)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    type_text("Caf")
    key(Qt.Key.Key_Return)
    click(dialog.cadre)
    type_text("Attachee territoriale")
    click(dialog.lead, QPoint(8, dialog.lead.height() // 2))
    click(dialog.start.check, QPoint(8, dialog.start.check.height() // 2))
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.start.edit
    type_date(dialog.start.edit, date(2025, 9, 1))
    escape_popup(qtbot, dialog.start.edit)
    key(Qt.Key.Key_Tab, SHIFT)
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.message()
    with ctx.db.transaction() as s:
        saved = s.get(Coordinator, dialog.saved_id)
        person = saved.person
        assert (person.first_name, person.last_name, person.email, person.phone) == (
            "Nadia", "Benali", "nadia.benali@agglo.fr", "03 21 00 00 00")
        assert (saved.employer_id, saved.cadre_emploi, saved.is_project_lead, saved.start_date, saved.end_date) == (
            terr.organisations["Caf du Pas-de-Calais"], "Attachee territoriale", True, date(2025, 9, 1), None)


def test_etp_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 3)
    page = window.pages["staff"]
    click(page.tabs.tabBar(), page.tabs.tabBar().tabRect(1).center())
    click(header_button(page, "Saisir un ETP"))
    dialog = new_dialog(qtbot, page)
    tab_to(dialog.organisation)
    escape_popup(qtbot, dialog.organisation)
    type_text("Carvin")
    met = tab_to(dialog.etp)
    assert dialog.year in met and dialog.pending in met
    type_text("0,40")
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.people_count
    type_text("2")
    check, part = dialog.share_rows[terr.coordinator]
    click(check, QPoint(8, check.height() // 2))
    click(part)
    type_text("0,25")
    tab_to(dialog.notes)
    type_text("Convention de mise a disposition")
    click(dialog.save_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.message()
    with ctx.db.transaction() as s:
        saved = allocation_snapshot(s, terr.communes["Carvin"], 2026)
    assert saved is not None and (saved.etp, saved.people_count) == (Decimal("0.40"), 2)
    assert [(x.coordinator_id, x.etp) for x in saved.shares] == [(terr.coordinator, Decimal("0.25"))]
    assert saved.notes == "Convention de mise a disposition"


def test_organisation_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 2)
    page = window.pages["territory"]
    key(Qt.Key.Key_N, CTRL)  # « Nouvelle commune ou structure »
    dialog = new_dialog(qtbot, page)
    tab_to(dialog.name)
    type_text("Libercourt")
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.kind
    escape_popup(qtbot, dialog.kind)
    key(Qt.Key.Key_Tab)
    type_text("62907")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_A, CTRL)  # « Non renseignée » selected, replaced
    type_text("8200")
    assert dialog.population.value() == 8200, (dialog.population.text(), focused())
    tab_to(dialog.deliberation.check)
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Tab)
    type_date(dialog.deliberation.edit, date(2026, 3, 3))
    tab_to(dialog.signed)
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Tab)
    assert dialog.engagement_date.isAncestorOf(focused())
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Tab)
    type_date(dialog.engagement_date.edit, date(2026, 4, 10))
    tab_to(dialog.notes)
    type_text("Commune rejointe en 2026")
    tab_to(dialog.name, backward=True)
    key(Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.message()
    with ctx.db.transaction() as s:
        o = s.get(Organisation, dialog.saved_id)
        assert (o.name, o.kind, o.insee_code, o.population) == ("Libercourt", OrganisationKind.COMMUNE, "62907", 8200)
        assert (o.deliberation_date, o.engagement_signed, o.engagement_date, o.notes) == (
            date(2026, 3, 3), True, date(2026, 4, 10), "Commune rejointe en 2026")


def test_enjeu_and_objectif_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 5)
    page = window.pages["plan"]
    click(header_button(page, "Nouvel enjeu"))
    dialog = new_dialog(qtbot, page)
    assert dialog.number_edit.text() == "2"  # proposed
    tab_to(dialog.title_edit)
    type_text("Jeunesse")
    key(Qt.Key.Key_Tab)
    type_text("Les 11-25 ans")
    key(Qt.Key.Key_Tab, SHIFT)
    key(Qt.Key.Key_Tab, SHIFT)
    key(Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.message()
    enjeu_id = dialog.saved_id
    with ctx.db.transaction() as s:
        outline = plan.plan_outline(s, terr.convention)
    assert [(e.number, e.title) for e in outline][-1] == ("2", "Jeunesse")

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    click(header_button(page, "Nouvel objectif"))
    objectif = new_dialog(qtbot, page, dialog)
    tab_to(objectif.enjeu_combo)
    escape_popup(qtbot, objectif.enjeu_combo)
    type_text("jeunesse")
    key(Qt.Key.Key_Tab)
    assert focused() is objectif.number_edit and objectif.number_edit.text() == "2.1"
    key(Qt.Key.Key_Tab)
    type_text("Structurer un point information jeunesse")
    click(objectif.save_button)
    assert objectif.result() == QDialog.DialogCode.Accepted, objectif.errors.message()
    assert objectif.after == {"enjeu_id": enjeu_id, "number": "2.1",
                              "title": "Structurer un point information jeunesse"}


def test_verify_the_base_by_hand(window, qtbot):
    choose_in_menu(qtbot, window, Qt.Key.Key_F, "Vérifier la base…")
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.done_, timeout=20_000)
    from ctgdesk.ui.dialogs.verify_dialog import NO_PROBLEM

    assert dialog.summary.text() == NO_PROBLEM
    key(Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_rgpd_by_hand(window, terr, qtbot):
    choose_in_menu(qtbot, window, Qt.Key.Key_F, "Données personnelles (RGPD)…")
    dialog = window.dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    click(dialog.search)
    type_text("fontaine")
    qtbot.waitUntil(lambda: dialog.people.count() == 1)
    assert "Fontaine" in dialog.people.item(0).text()
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Down)
    assert dialog.selected_person() == terr.persons["Martine Fontaine"]
    assert dialog.export_button.isEnabled() and dialog.anonymise_button.isEnabled()
    key(Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_backups_by_hand(window, qtbot):
    choose_in_menu(qtbot, window, Qt.Key.Key_F, "Sauvegardes…")
    dialog = window.dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    rows = dialog.table.rowCount()
    click(dialog.backup_button)  # « Sauvegarder maintenant »: one more line
    qtbot.waitUntil(lambda: dialog.table.rowCount() == rows + 1, timeout=20_000)
    click(dialog.close_button)
    assert not dialog.isVisible()


def test_meeting_duplicate_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 4)
    page = window.pages["meetings"]
    page.table.setFocus()
    key(Qt.Key.Key_Home)
    row = page.selected_row()
    assert row is not None

    def inside(dialog):
        assert dialog.windowTitle() == "Dupliquer la réunion"
        tab_to(dialog.date_edit)
        escape_popup(qtbot, dialog.date_edit)
        type_date(dialog.date_edit, date(2026, 9, 24))
        key(Qt.Key.Key_Tab)
        assert focused() is dialog.time_edit
        type_text("1030")
        key(Qt.Key.Key_Return)

    with ctx.db.transaction() as s:
        before = {m.id for m in meetings.list_meetings(s)}
    in_modal(qtbot, lambda: key(Qt.Key.Key_D, CTRL), inside)
    with ctx.db.transaction() as s:
        added = [m for m in meetings.list_meetings(s) if m.id not in before]
        assert len(added) == 1
        copy = meetings.meeting_input(s, added[0].id)
    assert copy.starts_at == datetime(2026, 9, 24, 10, 30)


def test_convention_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 2)
    page = window.pages["territory"]
    click(header_button(page, "Nouvelle convention"))
    dialog = page.convention_dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    tab_to(dialog.name)
    type_text("CTG du Ternois 2027-2031")
    key(Qt.Key.Key_Tab)
    type_text("Communaute de communes du Ternois")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_A, CTRL)
    type_text("2027")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_A, CTRL)
    type_text("2031")
    tab_to(dialog.notes)
    type_text("Signature prevue au COPIL de janvier")
    key(Qt.Key.Key_Tab)  # out of the notes, not a tab typed into them
    assert focused() is not dialog.notes
    click(dialog.add_button)  # « Ajouter » a signataire
    assert len(dialog.lines) == 1
    click(dialog.save_button)
    if dialog.isVisible():  # a signataire line wants its organisation: say which, then save
        assert dialog.errors.message() or any(dialog.errors.message(f) for f in dialog.errors._fields)
        click(dialog.remove_button)
        click(dialog.save_button)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.errors.message()
    with ctx.db.transaction() as s:
        saved = territory.convention_input(s, dialog.saved_id)
    assert (saved.name, saved.territory, saved.first_year, saved.last_year, saved.notes) == (
        "CTG du Ternois 2027-2031", "Communaute de communes du Ternois", 2027, 2031,
        "Signature prevue au COPIL de janvier")


def test_import_wizard_by_hand(window, ctx, terr, qtbot, tmp_path):
    from PySide6.QtWidgets import QWizard

    from tests.imports.helpers import write_csv

    path = write_csv(tmp_path / "etp.csv", [["Commune / structure", "ETP", "Nom prénom"],
                                             ["Carvin", "0,5", "DUMONT Claire"]])
    window.activateWindow()
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_I, CTRL)  # Fichier → Importer des données…
    wizard = window.dialog
    qtbot.waitUntil(wizard.isActiveWindow)
    choice = wizard.choice
    assert choice.kind() == "etp"
    click(choice.file_edit)
    type_text(str(path))
    key(Qt.Key.Key_Tab)
    assert focused() is choice.browse
    tab_to(choice.year)
    assert choice.year.value() == 2026
    click(wizard.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.preview.report is not None, timeout=20_000)
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "Importer"
    click(wizard.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.result_page.report is not None, timeout=20_000)
    assert wizard.result_page.report.committed
    click(wizard.button(QWizard.WizardButton.FinishButton))
    assert not wizard.isVisible()
    with ctx.db.transaction() as s:
        saved = allocation_snapshot(s, terr.communes["Carvin"], 2026)
    assert saved is not None and saved.etp == Decimal("0.5")


MANUAL = "3.2-E1"  # a manual indicator of the referential


def test_bilan_indicator_by_hand(window, ctx, qtbot):
    from ctgdesk.models import IndicatorEntry

    go_to(qtbot, window, 7)
    page = window.pages["bilan"]
    wait_loads(qtbot, ctx)
    click(page.table.search)  # « Rechercher un indicateur… »
    type_text(MANUAL)
    view = page.table.view
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    click(view.viewport(), view.visualRect(view.model().index(0, 0)).center())  # its line chosen
    qtbot.waitUntil(lambda: page.table.current_row() is not None)
    assert page.table.current_row().code == MANUAL

    def inside(dialog):
        assert focused() is dialog.value
        type_text("7")
        key(Qt.Key.Key_Tab)
        assert focused() is dialog.nature
        type_text("Reunions d'information")
        key(Qt.Key.Key_Tab)
        assert focused() is dialog.comment
        type_text("Chiffre du service")
        key(Qt.Key.Key_Tab, SHIFT)
        key(Qt.Key.Key_Tab, SHIFT)
        key(Qt.Key.Key_Return)  # Entrée from the Nombre: « Enregistrer »

    in_modal(qtbot, lambda: click(header_button(page, "Saisir / commenter…")), inside)
    with ctx.db.transaction() as s:
        entry = s.query(IndicatorEntry).filter_by(indicator_code=MANUAL, year=2026).one()
        assert (entry.value, entry.nature, entry.comment, entry.scope) == (
            7, "Reunions d'information", "Chiffre du service", "territoire")


def test_bilan_columns_by_hand(window, ctx, qtbot, settings):
    from ctgdesk.ui.dialogs.bilan_columns import saved_columns

    go_to(qtbot, window, 7)
    page = window.pages["bilan"]
    chosen = {}

    def inside(dialog):
        lists = list(dialog.lists.values())
        first = lists[0]
        click(first.viewport(), first.visualItemRect(first.item(0)).center())
        key(Qt.Key.Key_Space)  # the first column unticked
        assert first.item(0).checkState() == Qt.CheckState.Unchecked
        chosen.update(dialog.chosen())
        click(next(b for b in dialog.findChildren(QPushButton) if b.text() == "Enregistrer"))

    in_modal(qtbot, lambda: click(header_button(page, "Colonnes…")), inside)
    assert saved_columns(page.settings) == chosen
