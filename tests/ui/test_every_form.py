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
from ctgdesk.ui.widgets.date_field import DateField
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    ctx,
    focused,
    window,
    db,
    show_page,
    terr,
    wait_loads,
)
from tests.ui.monkey import ACTIONS, SEED, Monkey

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


# --- a person's gestures ---------------------------------------------------------------------

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
    if isinstance(widget, DateField):
        click(widget.button)
    elif hasattr(widget, "calendarWidget") and widget.calendarPopup():
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
    ran: list[bool] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        ran.append(dialog is not None)
        if dialog is None:
            return
        try:
            qtbot.waitUntil(lambda: dialog.isActiveWindow())
            inside(dialog)
        except BaseException as error:  # noqa: BLE001 - reported once exec() returned
            failures.append(error)
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, run)
    trigger()
    assert ran == [True], "the gesture opened no dialog"
    if failures:
        raise failures[0]


# --- by hand ---------------------------------------------------------------------------------

def test_journal_entry_by_hand(window, ctx, terr, qtbot):
    go_to(qtbot, window, 6)
    page = window.pages["journal"]
    click(page.bar.details_button)  # « Détails… »: the full form
    dialog = new_dialog(qtbot, page)
    tab_to(dialog.date_edit)
    type_text("12/06/2026")
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
    key(Qt.Key.Key_N, CTRL | SHIFT)  # « Saisie rapide »: the bar's type d'action
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
    assert page.bar.nature_edit.text() == ""  # ready for the next line


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
    click(dialog.start.edit)
    type_text("01/09/2025")
    escape_popup(qtbot, dialog.start)
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
    assert any(dialog.year.isAncestorOf(w) for w in met) and dialog.pending in met
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
    tab_to(dialog.deliberation)
    type_text("03/03/2026")
    tab_to(dialog.signed)
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Tab)
    assert dialog.engagement_date.isAncestorOf(focused())
    type_text("10/04/2026")
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
        key(Qt.Key.Key_A, CTRL)
        type_text("24/09/2026")
        key(Qt.Key.Key_Tab)
        assert dialog.time_edit.isAncestorOf(focused())
        key(Qt.Key.Key_A, CTRL)
        type_text("10:30")
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


# --- random walks ----------------------------------------------------------------------------

def by_text(*texts: str):
    """Avoid the buttons with these texts (a file chooser, a question…)."""
    return lambda w: isinstance(w, QAbstractButton) and w.text().replace("&", "") in texts


class Form:
    """How a person opens one form, and what to check once it closed."""

    def __init__(self, trigger, *, dialog=None, check=None, modal: bool = False, avoid=None, prefill=None,
                 after=None):
        self.trigger = trigger  # the gesture that opens it
        self.dialog = dialog  # () -> the dialog just opened (not for a modal one)
        self.check = check  # (dialog) -> None, for a dialog that was accepted
        self.after = after  # () -> None, after it closed (for what the page does on accept)
        self.modal = modal  # run with exec()
        self.avoid = avoid or (lambda _w: False)
        self.prefill = prefill  # (dialog) -> None: what a form needs first, typed


def forms(name: str, window, ctx, terr, qtbot) -> Form:
    def page_key(number: int, page_name: str, k: Qt.Key = Qt.Key.Key_N, tab: int | None = None):
        def trigger() -> None:
            go_to(qtbot, window, number)
            page = window.pages[page_name]
            if tab is not None:
                click(page.tabs.tabBar(), page.tabs.tabBar().tabRect(tab).center())
            QTest.keyClick(window.focusWidget() or page, k, CTRL)
        return trigger

    def page_button(number: int, page_name: str, text: str):
        def trigger() -> None:
            go_to(qtbot, window, number)
            click(header_button(window.pages[page_name], text))
        return trigger

    def menu(entry: str):
        return lambda: choose_in_menu(qtbot, window, Qt.Key.Key_F, entry)

    def page_dialog(page_name: str, attribute: str = "dialog"):
        return lambda: getattr(window.pages[page_name], attribute)

    if name == "journal":
        def check(d) -> None:
            with ctx.db.transaction() as s:
                stored = journal.entry_input(s, d.saved_id)
                assert stored == d.after
                journal.save_entry(s, stored, d.saved_id)  # validates again
        return Form(lambda: (go_to(qtbot, window, 6), click(window.pages["journal"].bar.details_button)),
                    dialog=page_dialog("journal"), check=check)
    if name == "journal_quick":
        def quick() -> None:
            go_to(qtbot, window, 6)
            key(Qt.Key.Key_N, CTRL | SHIFT)
        return Form(quick, dialog=lambda: window.pages["journal"].bar, avoid=by_text("Détails…"))
    if name == "coordinator":
        def check(d) -> None:
            from ctgdesk.ui.dialogs.coordinator_dialog import save_coordinator

            with ctx.db.transaction() as s:
                c = s.get(Coordinator, d.saved_id)
                person = {k: getattr(c.person, k) for k in ("first_name", "last_name", "email", "phone")}
                post = {k: getattr(c, k) for k in ("employer_id", "cadre_emploi", "is_project_lead",
                                                   "start_date", "end_date")}
                typed_person, typed_post = d.fields()
                assert post == typed_post
                assert {k: v or "" for k, v in person.items()} == {k: v.strip() for k, v in typed_person.items()}
                save_coordinator(s, d.saved_id, person, post)  # validates again
        return Form(page_key(3, "staff", tab=0), dialog=page_dialog("staff"), check=check,
                    prefill=lambda d: (click(d.first_name), type_text("Ana"), click(d.last_name), type_text("Gil")))
    if name == "etp":
        def check(d) -> None:
            from ctgdesk.services import etp

            with ctx.db.transaction() as s:
                stored = allocation_snapshot(s, *d.saved_key)
                assert stored == d.after
                etp.set_allocation(s, stored.organisation_id, stored.year,
                                   "En cours" if stored.etp is None else str(stored.etp).replace(".", ","),
                                   people_count=stored.people_count, shares=list(stored.shares), notes=stored.notes)
        return Form(page_key(3, "staff", tab=1), dialog=page_dialog("staff"), check=check)
    if name == "organisation":
        def check(d) -> None:
            with ctx.db.transaction() as s:
                o = s.get(Organisation, d.saved_id)
                stored = {k: getattr(o, k) for k in territory.ORGANISATION_FIELDS}
                typed = d.fields()
                assert stored["name"] == typed["name"].strip() and stored["kind"].value == typed["kind"]
                assert (stored["population"], stored["parent_id"], stored["engagement_signed"]) == (
                    typed["population"], typed["parent_id"], typed["engagement_signed"])
                territory.update_organisation(s, d.saved_id, **stored)  # validates again
        return Form(page_key(2, "territory"), dialog=page_dialog("territory"), check=check,
                    prefill=lambda d: (click(d.name), type_text("Commune au hasard")))
    if name == "convention":
        def check(d) -> None:
            with ctx.db.transaction() as s:
                stored = territory.convention_input(s, d.saved_id)
                assert stored == d.after
                territory.save_convention(s, stored, d.saved_id)  # validates again
        return Form(page_button(2, "territory", "Nouvelle convention"),
                    dialog=page_dialog("territory", "convention_dialog"), check=check,
                    avoid=by_text("Choisir un logo…"),
                    prefill=lambda d: (click(d.name), type_text("Convention au hasard")))
    if name in ("enjeu", "objectif"):
        def check(d) -> None:
            with ctx.db.transaction() as s:
                if name == "enjeu":
                    plan.update_enjeu(s, d.saved_id, **d.after)  # validates again
                else:
                    plan.update_objectif(s, d.saved_id, **d.after)
        return Form(page_button(5, "plan", "Nouvel enjeu" if name == "enjeu" else "Nouvel objectif"),
                    dialog=page_dialog("plan"), check=check,
                    prefill=lambda d: (click(d.title_edit), type_text("Au hasard")))
    if name == "import":
        return Form(lambda: QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_I, CTRL),
                    dialog=lambda: window.dialog, avoid=by_text("Parcourir…"))
    if name == "verify":
        def shown() -> None:
            qtbot.waitUntil(lambda: window.dialog.done_, timeout=20_000)
        return Form(menu("Vérifier la base…"), dialog=lambda: (shown(), window.dialog)[1])
    if name == "rgpd":
        return Form(menu("Données personnelles (RGPD)…"), dialog=lambda: window.dialog,
                    avoid=by_text("Exporter ses données…", "Anonymiser…"))
    if name == "backups":
        return Form(menu("Sauvegardes…"), dialog=lambda: window.dialog,
                    avoid=by_text("Restaurer la sauvegarde choisie…", "Copier sur une clé USB ou un partage…"))
    if name == "bilan_indicator":
        from ctgdesk.models import IndicatorEntry
        from ctgdesk.services.bilan import save_indicator_entry

        def pick() -> None:
            go_to(qtbot, window, 7)
            page = window.pages["bilan"]
            if True:
                click(page.table.search)
                key(Qt.Key.Key_A, CTRL)
                type_text(MANUAL)
                view = page.table.view
                qtbot.waitUntil(lambda: view.model().rowCount() == 1)
                click(view.viewport(), view.visualRect(view.model().index(0, 0)).center())
            click(header_button(page, "Saisir / commenter…"))

        def check(d) -> None:
            with ctx.db.transaction() as s:
                entry = s.query(IndicatorEntry).filter_by(indicator_code=MANUAL, year=2026).one_or_none()
                typed = (d.value.text().strip(), d.nature.toPlainText().strip(), d.comment.toPlainText().strip())
                if entry is None:
                    assert typed == ("", "", "")
                    return
                assert (entry.nature, entry.comment) == typed[1:]
                assert entry.value == (int(typed[0].replace(" ", "")) if typed[0] else None)
                save_indicator_entry(s, MANUAL, 2026, "territoire", entry.value, entry.nature, entry.comment)
        return Form(pick, modal=True, check=check)
    if name == "bilan_columns":
        from ctgdesk.ui.dialogs.bilan_columns import saved_columns

        def check(d) -> None:
            assert saved_columns(window.pages["bilan"].settings) == d.chosen()
        return Form(page_button(7, "bilan", "Colonnes…"), modal=True, check=check)
    if name == "duplicate":
        expected: list[datetime] = []

        def pick() -> None:
            go_to(qtbot, window, 4)
            page = window.pages["meetings"]
            page.table.setFocus()
            key(Qt.Key.Key_Home)
            key(Qt.Key.Key_D, CTRL)

        def check(d) -> None:
            expected.append(d.starts_at())

        def after() -> None:
            if expected:
                with ctx.db.transaction() as s:
                    starts = [m.starts_at for m in meetings.list_meetings(s)]
                assert expected.pop() in starts
        return Form(pick, modal=True, check=check, after=after)
    raise KeyError(name)


WALKED = ["journal", "journal_quick", "coordinator", "etp", "organisation", "convention", "enjeu", "objectif",
          "import", "verify", "rgpd", "backups", "bilan_indicator", "bilan_columns", "duplicate"]


@pytest.mark.isolated
@pytest.mark.parametrize("name", WALKED)
def test_random_walk(name, window, ctx, terr, qtbot, accept_questions):
    form = forms(name, window, ctx, terr, qtbot)
    rng = random.Random(f"{SEED}-{name}")
    remaining = ACTIONS
    stats = {"opened": 0, "saved": 0, "closed": 0, "lines": 0, "popups": 0}

    def walk(dialog) -> None:
        nonlocal remaining
        if form.prefill is not None and dialog.isVisible():
            form.prefill(dialog)
        monkey = Monkey(rng, dialog, avoid=form.avoid)
        done = monkey.run(remaining)
        remaining -= done
        stats["popups"] += monkey.popups
        if dialog.isVisible() and remaining <= 0:  # the end: saved as it is, else closed
            monkey.close_popups()
            if monkey.save_button is not None and monkey.save_button.isEnabled():
                click(monkey.save_button)
            if dialog.isVisible() and isinstance(dialog, QDialog):
                QTest.keyClick(dialog, Qt.Key.Key_Escape)
        accepted = isinstance(dialog, QDialog) and not dialog.isVisible() \
            and QDialog.result(dialog) == QDialog.DialogCode.Accepted  # (the indicator form has its own .result)
        if accepted and form.check is not None:
            try:
                form.check(dialog)
            except Exception as error:
                raise AssertionError(f"{error}\nlast actions:\n{monkey.trail()}") from error
            stats["saved"] += 1
        stats["closed"] += not dialog.isVisible()

    while remaining > 0:
        stats["opened"] += 1
        while QApplication.activePopupWidget() is not None:  # a pick list left open as the form closed
            QTest.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        if form.modal:
            in_modal(qtbot, form.trigger, walk)
        else:
            form.trigger()
            dialog = form.dialog()
            qtbot.waitUntil(lambda: dialog.isVisible())
            walk(dialog)
        if form.after is not None:
            form.after()
    print(f"{name}: {ACTIONS} actions, {stats}")
