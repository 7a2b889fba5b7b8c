"""Typing is never lost: a form's draft survives a kill, the next start offers it back and fills
the form again, lines included; Annuler and Enregistrer discard it; a crash leaves a report
that the next start names.

The first start is the real application (`ctgdesk --db …`, ctgdesk.cli) in a child process,
driven by keyboard and mouse through a small hook on app._finish_start, then killed (SIGKILL);
the second start is the real start-up path (app._open_and_fill) in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from ctgdesk.fatal_crash import CrashLog
from ctgdesk.db.paths import DATA_DIR_VARIABLE, drafts_dir, reports_dir
from ctgdesk.models import AttendanceStatus, MeetingStatus
from ctgdesk.services import meetings
from ctgdesk.services.drafts import DraftStore, from_plain
from ctgdesk.services.meetings import MeetingInput
from ctgdesk.ui import startup_safety
from ctgdesk.ui.dialogs.meeting_dialog import MeetingDialog
from tests.ui.conftest_work import (  # noqa: F401 - fixtures
    TODAY,
    ctx,
    db,
    terr,
)

ROOT = Path(__file__).resolve().parents[2]

# The first start: the real application; once its window is filled, a new meeting is typed in
# the meetings page, then the child says READY (with what the form holds) once the draft on the
# disk is that form, and waits to be killed.
TYPIST = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from ctgdesk import cli
    from ctgdesk.ui import app as app_module

    db_path, mode = sys.argv[1], sys.argv[2]
    finish = app_module._finish_start

    def click(widget):
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    def type_meeting(window):
        page = window.show_page("meetings")
        page.table.setFocus()
        QTest.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialog = page.dialog
        QTest.keyClicks(dialog.instance_combo, "comite de pil")
        QTest.keyClicks(dialog.place_edit, "Salle du conseil, Carvin")
        QTest.keyClicks(dialog.title_edit, "COPIL de decembre")
        QTest.keyClicks(dialog.status_combo, "tenue")
        dialog.tabs.setCurrentIndex(1)
        attendance = dialog.attendance
        QTest.keyClicks(attendance.add_combo, "agnes")
        click(attendance.add_button)
        attendance.table.setFocus()
        attendance.table.setCurrentCell(1, 0)
        QTest.keyClick(attendance.table, Qt.Key.Key_Space)  # the second usual member: not there
        dialog.tabs.setCurrentIndex(2)
        click(dialog.agenda_edit)
        QTest.keyClicks(dialog.agenda_edit, "1. Bilan de l'annee")
        QTest.keyClick(dialog.agenda_edit, Qt.Key.Key_Return)
        QTest.keyClicks(dialog.agenda_edit, "2. Calendrier 2027")
        dialog.tabs.setCurrentIndex(3)
        for text, porteur in (("Lancer le diagnostic petite enfance", "martine"),
                              ("Valider le calendrier 2027", "caf")):
            click(dialog.decisions.add_button)
            line = dialog.decisions.lines()[-1].widgets
            QTest.keyClicks(line["text"], text)
            QTest.keyClicks(line["porteur"], porteur)
        dialog.tabs.setCurrentIndex(4)
        click(dialog.alerts.add_button)
        QTest.keyClicks(dialog.alerts.lines()[0].widgets["text"], "Relais toujours sans locaux")
        dialog.tabs.setCurrentIndex(5)
        click(dialog.expertises.add_button)
        QTest.keyClicks(dialog.expertises.lines()[0].widgets["who"], "caf")
        wait_for_draft(window, dialog)

    def wait_for_draft(window, dialog):
        store = window.ctx.drafts
        state = dialog.draft_state()
        if any(draft.state == state for draft in store.list(db_path)):
            print("READY " + json.dumps(state), flush=True)
            return
        QTimer.singleShot(100, lambda: wait_for_draft(window, dialog))

    def crash(window):
        print("CRASHING", flush=True)
        import faulthandler
        faulthandler._sigsegv()

    def quit(window):
        print("QUITTING", flush=True)
        window.close()

    def started(window):
        finish(window)
        QTimer.singleShot(0, lambda: {"type": type_meeting, "crash": crash, "quit": quit}[mode](window))

    app_module._finish_start = started
    sys.exit(cli.main(["--db", db_path]))
    """
)


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    """The user's data folder (drafts, reports) of this test: for this process and its children."""
    folder = tmp_path / "donnees-utilisateur"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(folder))
    return folder


def run_child(db_path: Path, mode: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}  # its own window settings
    return subprocess.Popen([sys.executable, "-c", TYPIST, str(db_path), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def read_line(process: subprocess.Popen, prefix: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith(prefix):
            return line[len(prefix):].strip()
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"the child never said {prefix!r}: {process.stderr.read()[-3000:]}")


@pytest.fixture
def second_start(qapp, qtbot, settings, monkeypatch):
    """The next start of the window: app._open_and_fill on a window as run_gui makes it (its
    drafts, what the crash log found)."""
    from ctgdesk.ui import app as app_module
    from ctgdesk.ui.context import UiContext
    from ctgdesk.ui.main_window import MainWindow

    monkeypatch.setattr(app_module.gc, "freeze", lambda: None)  # not in a long test session
    monkeypatch.setattr(startup_safety, "START_BACKUP_DELAY_MS", 60_000)
    windows = []

    def run(db_path: Path) -> MainWindow:
        ctx = UiContext(db=None, year=TODAY.year, drafts=DraftStore(drafts_dir()))  # type: ignore[arg-type]
        window = MainWindow(ctx, settings=settings, db_path=db_path)
        window.crash_log = CrashLog(reports_dir())  # as run_gui's start_safety_nets, faulthandler aside
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        app_module._open_and_fill(qapp, window, db_path)
        qtbot.waitUntil(lambda: getattr(window, "recovery", None) is not None)  # _finish_start ran
        return window

    yield run
    for window in windows:
        window.ctx.undo_stack.clear()  # while the window it speaks to is alive
        safety = getattr(window, "safety", None)
        if safety is not None:
            qapp.aboutToQuit.disconnect(safety.at_exit)
            safety.at_exit()
        window.ctx.wait_for_loads()
        window.ctx.db.dispose()


def click_box_button(qtbot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_killed_window_offers_its_draft_back_and_the_form_is_whole_again(
        db, terr, data_folder, tmp_path, qtbot, second_start):
    db_path = db.path
    child = run_child(db_path, "type", tmp_path)
    typed = json.loads(read_line(child, "READY "))
    child.kill()  # SIGKILL: no clean exit, nothing flushed
    child.wait(30)
    child.stdout.close()
    child.stderr.close()
    # what the typist typed is in the draft, field for field
    expected = from_plain(MeetingInput, typed)
    assert (expected.instance_id, expected.place, expected.title, expected.status) == (
        terr.copil, "Salle du conseil, Carvin", "COPIL de decembre", MeetingStatus.HELD)
    assert expected.agenda == "1. Bilan de l'annee\n2. Calendrier 2027"
    present = {(a.person_id, a.organisation_id) for a in expected.attendances}
    assert (terr.persons["Agnès Delcroix"], None) in present and len(present) == 6  # 6 usual − 1 + 1 guest
    assert [(d.text, d.carried_by_id, d.carried_by_organisation_id) for d in expected.decisions] == [
        ("Lancer le diagnostic petite enfance", terr.persons["Martine Fontaine"], None),
        ("Valider le calendrier 2027", None, terr.organisations["Caf du Pas-de-Calais"])]
    assert [a.text for a in expected.alerts] == ["Relais toujours sans locaux"]
    assert [e.organisation_id for e in expected.expertises] == [terr.organisations["Caf du Pas-de-Calais"]]
    drafts = DraftStore(drafts_dir()).list(db_path)
    assert len(drafts) == 1 and drafts[0].kind == "meeting" and drafts[0].record_uid is None

    window = second_start(db_path)
    recovery = window.recovery
    # first: the crash (a kill leaves no report), then the draft
    assert recovery.box is not None
    assert recovery.box.text().startswith("ctgdesk s'est arrêté brutalement la dernière fois")
    assert "Aucun rapport n'a pu être écrit" in recovery.box.text()
    assert "il vous est proposé maintenant" in recovery.box.text()
    qtbot.mouseClick(recovery.box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: recovery.box is not None and recovery.box.isVisible())
    started = drafts[0].started_at
    assert recovery.box.text().startswith(
        f"Reprendre la saisie de la réunion « COPIL de decembre » commencée le {started:%d/%m/%Y à %H:%M} ?")
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.form is not None and recovery.form.isVisible())

    dialog = recovery.form
    assert isinstance(dialog, MeetingDialog) and window.current_key() == "meetings"
    assert dialog.draft_state() == typed  # every field, every line
    assert dialog.place_edit.text() == "Salle du conseil, Carvin" and dialog.title_edit.text() == "COPIL de decembre"
    assert dialog.decisions.count() == 2 and dialog.alerts.count() == 1 and dialog.expertises.count() == 1
    assert dialog.decisions.lines()[1].widgets["text"].text() == "Valider le calendrier 2027"
    assert dialog.attendance.checked_count() == 6
    assert dialog.tabs.tabText(3) == "Décisions (2)"

    # the typing goes on where it stopped: the expertise's subject, then Enregistrer
    qtbot.keyClicks(dialog.expertises.lines()[0].widgets["subject"], "Bonus territoire")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted, [
        m for m in (dialog.errors.message(name) for name in [None, *dialog.errors.fields]) if m]
    with window.ctx.db.transaction() as s:
        stored = meetings.meeting_input(s, dialog.saved_id)
    assert (stored.instance_id, stored.starts_at, stored.place, stored.title, stored.agenda) == (
        expected.instance_id, expected.starts_at, expected.place, expected.title, expected.agenda)
    assert [(d.text, d.carried_by_id, d.carried_by_organisation_id) for d in stored.decisions] == [
        (d.text, d.carried_by_id, d.carried_by_organisation_id) for d in expected.decisions]
    assert {(a.person_id, a.organisation_id) for a in stored.attendances} == present
    assert [(e.organisation_id, e.subject) for e in stored.expertises] == [
        (terr.organisations["Caf du Pas-de-Calais"], "Bonus territoire")]
    assert DraftStore(drafts_dir()).list() == []  # saved: the draft is gone
    assert recovery.current is None  # nothing else to offer


def test_annuler_asks_then_discards_the_draft(ctx, terr, data_folder, qtbot, monkeypatch):
    ctx.drafts = DraftStore(drafts_dir())
    monkeypatch.setattr("ctgdesk.ui.widgets.drafts.SAVE_DELAY_MS", 50)
    dialog = MeetingDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.draft.timer.setInterval(50)
    dialog.show()
    # nothing typed: no draft, and Annuler closes without a question
    qtbot.wait(120)
    assert ctx.drafts.list() == []
    qtbot.keyClicks(dialog.place_edit, "Mairie")
    qtbot.waitUntil(lambda: len(ctx.drafts.list()) == 1)
    assert from_plain(MeetingInput, ctx.drafts.list()[0].state).place == "Mairie"
    assert ctx.drafts.list()[0].label == "une nouvelle réunion"

    asked = []

    def answer(reply):
        def question(_parent, title, text, *_args, **_kwargs):
            asked.append(text)
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and len(asked) == 1 and asked[0].startswith("Abandonner ce qui a été saisi")
    assert len(ctx.drafts.list()) == 1  # kept: the form is still open
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    cancel = next(b for b in dialog.buttons.buttons() if b.text() == "Annuler")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert ctx.drafts.list() == [] and len(asked) == 2


def test_an_untouched_form_closes_without_a_question(ctx, terr, data_folder, qtbot, monkeypatch):
    ctx.drafts = DraftStore(drafts_dir())
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("nothing was typed"))
    dialog = MeetingDialog(ctx, instance_id=terr.copil)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and ctx.drafts.list() == []


def test_a_crash_leaves_a_report_that_the_next_start_names(db, terr, data_folder, tmp_path, qtbot, second_start):
    child = run_child(db.path, "crash", tmp_path)
    read_line(child, "CRASHING")
    assert child.wait(60) != 0
    child.stdout.close()
    child.stderr.close()
    logs = [p for p in reports_dir().glob("*.log")]
    report = logs[0].read_text(encoding="utf-8") if len(logs) == 1 else ""
    assert "Fatal Python error: Segmentation fault" in report or "Windows fatal exception" in report, logs
    assert "crash(window)" in report or "in crash" in report  # the Python stack of the fatal error
    assert len(list(reports_dir().glob("en-cours-*.json"))) == 1  # the marker the crash left

    window = second_start(db.path)
    box = window.recovery.box
    assert box is not None and box.isVisible()
    assert box.text().startswith("ctgdesk s'est arrêté brutalement la dernière fois (session ouverte le ")
    assert f"Le rapport est dans « {logs[0]} »." in box.text()
    assert "proposé" not in box.text()  # no draft to offer
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert window.recovery.box is None
    assert list(reports_dir().glob("en-cours-*.json")) == [] and logs[0].is_file()  # said once; the report stays


def test_a_clean_exit_leaves_neither_marker_nor_log(tmp_path):
    script = textwrap.dedent(
        """
        import sys
        from ctgdesk.fatal_crash import CrashLog
        log = CrashLog(sys.argv[1])
        log.start("base.sqlite")
        assert log.previous_crashes() == []  # its own marker is no crash
        print(len(list(log.folder.iterdir())))
        log.stop()
        """
    )
    folder = tmp_path / "journaux"
    folder.mkdir()
    for number in range(21):  # reports of earlier crashes: the newest 20 stay
        old = folder / f"ctgdesk-202501{number + 1:02d}-100000-1.log"
        old.write_text("Fatal Python error", encoding="utf-8")
        os.utime(old, (1_700_000_000 + number * 86_400,) * 2)
    result = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "22"  # while running: 20 reports, its marker and its log
    assert sorted(p.name for p in folder.iterdir()) == [f"ctgdesk-202501{n:02d}-100000-1.log" for n in range(2, 22)]
    assert CrashLog(folder).previous_crashes() == []


@pytest.fixture
def window(ctx, terr, qtbot, settings, data_folder):
    from ctgdesk.ui.main_window import MainWindow

    ctx.drafts = DraftStore(drafts_dir())
    main = MainWindow(ctx, settings)
    qtbot.addWidget(main)
    main.show()
    main.load()
    yield main
    ctx.wait_for_loads()


def vanish(dialog) -> None:
    """The window goes as in a crash: no Annuler, no close, nothing discarded."""
    from shiboken6 import Shiboken

    dialog.draft.timer.stop()
    Shiboken.delete(dialog)


def test_an_edited_fiche_comes_back_with_its_lines(window, ctx, terr, qtbot):
    from ctgdesk.services import plan
    from ctgdesk.ui.dialogs.fiche_dialog import TAB_INDICATORS, TAB_MEANS, FicheDialog
    from ctgdesk.ui.recovery import offer_recovery

    page = window.show_page("plan")
    assert page.select("fiche", terr.fiche)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, FicheDialog) and dialog.fiche_id == terr.fiche
    with ctx.db.transaction() as s:
        uid = plan.fiche_input(s, terr.fiche).uid
    qtbot.keyClicks(dialog.title_edit, " (phase 2)")
    qtbot.keyClicks(dialog.status_combo, "en cours")
    dialog.tabs.setCurrentIndex(TAB_MEANS)
    qtbot.keyClicks(dialog.budget_edit, "40 000,50")
    qtbot.mouseClick(dialog.steps.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.steps.lines()[-1].widgets["title"], "Trouver le local")
    qtbot.mouseClick(dialog.fundings.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.fundings.lines()[-1].widgets["funder"], "caf")
    qtbot.keyClicks(dialog.fundings.lines()[-1].widgets["amount"], "24000")
    qtbot.mouseClick(dialog.fundings.add_button, Qt.MouseButton.LeftButton)  # its funder not chosen yet
    qtbot.keyClicks(dialog.fundings.lines()[-1].widgets["amount"], "1000")
    dialog.tabs.setCurrentIndex(TAB_INDICATORS)
    qtbot.mouseClick(dialog.indicators.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.indicators.lines()[-1].widgets["label"], "Places ouvertes")
    qtbot.keyClicks(dialog.indicators.lines()[-1].widgets["actual"], "4,5")
    typed = dialog.draft_state()
    qtbot.waitUntil(lambda: [d.state for d in ctx.drafts.list()] == [typed], timeout=5000)
    draft = ctx.drafts.list()[0]
    assert (draft.kind, draft.record_uid) == ("fiche", uid)
    assert draft.label == "la fiche action « 1.1.1 Créer un relais petite enfance (phase 2) »"
    vanish(dialog)

    recovery = offer_recovery(window, [])
    assert recovery.box.text().startswith("Reprendre la saisie de la fiche action « 1.1.1 Créer un relais")
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.form is not None and recovery.form.isVisible())
    again = recovery.form
    assert isinstance(again, FicheDialog) and again.fiche_id == terr.fiche
    assert again.draft_state() == typed
    assert again.title_edit.text() == "Créer un relais petite enfance (phase 2)"
    assert [line.widgets["amount"].text() for line in again.fundings.lines()] == ["24\u202f000,00 €", "1\u202f000,00 €"]
    assert again.fundings.lines()[1].widgets["funder"].current_key() is None
    # the form still refuses what it refused: the second funding has no funder
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.errors.message("fundings") == "Financement 2 : choisissez le financeur."
    qtbot.keyClicks(again.fundings.lines()[1].widgets["funder"], "departement")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.result() == QDialog.DialogCode.Accepted
    with ctx.db.transaction() as s:
        saved = plan.fiche_input(s, terr.fiche)
    assert saved.title == "Créer un relais petite enfance (phase 2)" and str(saved.budget) == "40000.50"
    assert [s.title for s in saved.steps][-1] == "Trouver le local"
    assert [(f.funder_id, str(f.amount)) for f in saved.fundings] == [
        (terr.organisations["Caf du Pas-de-Calais"], "24000.00"),
        (terr.organisations["Département du Pas-de-Calais"], "1000.00")]
    assert [i.label for i in saved.indicators][-1] == "Places ouvertes"
    assert ctx.drafts.list() == []


def test_later_keeps_the_draft_and_supprimer_removes_it(window, ctx, terr, qtbot):
    from ctgdesk.ui.recovery import offer_recovery

    first = MeetingDialog(ctx, instance_id=terr.copil)
    qtbot.keyClicks(first.place_edit, "Oignies")
    first.draft.flush()
    second = MeetingDialog(ctx)
    qtbot.keyClicks(second.title_edit, "Reunion de veille")
    second.draft.flush()
    vanish(first)
    vanish(second)
    assert [d.label for d in ctx.drafts.list()] == ["la réunion « Comité de pilotage CTG »",
                                                    "la réunion « Reunion de veille »"]
    recovery = offer_recovery(window, [])
    assert "de la réunion « Comité de pilotage CTG »" in recovery.box.text()
    click_box_button(qtbot, recovery.box, "Plus tard")
    qtbot.waitUntil(lambda: recovery.box is not None and "veille" in recovery.box.text())
    click_box_button(qtbot, recovery.box, "Supprimer")
    qtbot.waitUntil(lambda: recovery.box is None)
    assert [d.label for d in ctx.drafts.list()] == ["la réunion « Comité de pilotage CTG »"]


def test_a_journal_entry_comes_back(window, ctx, terr, qtbot):
    from ctgdesk.services import journal
    from ctgdesk.ui.dialogs.journal_dialog import JournalEntryDialog
    from ctgdesk.ui.recovery import offer_recovery

    page = window.show_page("journal")
    dialog = page.open_details_from_bar()
    qtbot.keyClicks(dialog.nature_edit, "Appui au centre social")
    qtbot.keyClicks(dialog.description_edit, "Projet social : premiers ateliers")
    dialog.duration_spin.setFocus()
    qtbot.keyClick(dialog.duration_spin, Qt.Key.Key_Up)  # 15 minutes
    typed = dialog.draft_state()
    qtbot.waitUntil(lambda: [d.state for d in ctx.drafts.list()] == [typed], timeout=5000)
    vanish(dialog)

    recovery = offer_recovery(window, [])
    assert recovery.box.text().startswith(
        "Reprendre la saisie de la nouvelle entrée du journal « Appui au centre social » commencée le ")
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.form is not None and recovery.form.isVisible())
    again = recovery.form
    assert isinstance(again, JournalEntryDialog) and again.draft_state() == typed
    assert again.duration_spin.value() == 15
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        saved = journal.entry_input(s, again.saved_id)
    assert (saved.nature, saved.description, saved.duration_minutes) == (
        "Appui au centre social", "Projet social : premiers ateliers", 15)
    assert ctx.drafts.list() == []


def test_a_field_of_any_kind_is_kept_without_a_signal_of_its_own(ctx, data_folder, qtbot):
    """A field the keeper knows nothing of (no change signal): a key typed in the form is enough."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout

    from ctgdesk.ui.widgets.drafts import DraftKeeper

    class Counter(QLabel):  # a widget that changes its value when typed into, and says nothing
        def __init__(self):
            super().__init__("0")
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        def keyPressEvent(self, event):
            self.setText(str(int(self.text()) + 1))

    class Form(QDialog):
        def __init__(self):
            super().__init__()
            self.counter = Counter()
            QVBoxLayout(self).addWidget(self.counter)
            self.draft = DraftKeeper(self, ctx, "essai", lambda: {"count": int(self.counter.text())},
                                     lambda: "un essai")

    ctx.drafts = DraftStore(drafts_dir())
    form = Form()
    qtbot.addWidget(form)
    form.draft.timer.setInterval(50)
    qtbot.keyClick(form.counter, Qt.Key.Key_Plus)
    qtbot.keyClick(form.counter, Qt.Key.Key_Plus)
    qtbot.waitUntil(lambda: [d.state for d in ctx.drafts.list()] == [{"count": 2}], timeout=3000)
    form.accept()
    assert ctx.drafts.list() == []


def test_the_window_closed_cleanly_leaves_no_marker(db, terr, data_folder, tmp_path):
    child = run_child(db.path, "quit", tmp_path)
    read_line(child, "QUITTING")
    assert child.wait(60) == 0
    child.stdout.close()
    child.stderr.close()
    assert list(reports_dir().iterdir()) == []  # no marker, and the empty log removed
    assert CrashLog(reports_dir()).previous_crashes() == []


def test_the_simple_forms_keep_their_rows(window, ctx, terr, qtbot):
    """FormDialog forms (here a structure, then a chargé·e de coopération being edited)."""
    from ctgdesk.services import territory
    from ctgdesk.ui.dialogs.coordinator_dialog import CoordinatorDialog
    from ctgdesk.ui.dialogs.organisation_dialog import OrganisationDialog
    from ctgdesk.ui.recovery import offer_recovery

    page = window.show_page("territory")
    page.new_action.trigger()
    dialog = page.dialog
    assert isinstance(dialog, OrganisationDialog)
    qtbot.keyClicks(dialog.name, "Centre social Agora")
    qtbot.keyClicks(dialog.kind, "centre")
    qtbot.keyClicks(dialog.notes, "Partenaire du relais")
    dialog.population.setFocus()
    qtbot.keyClick(dialog.population, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.population, "1200")
    typed = dialog.draft_state()
    assert typed["name"] == "Centre social Agora" and typed["population"] == 1200
    qtbot.waitUntil(lambda: [d.state for d in ctx.drafts.list()] == [typed], timeout=5000)
    vanish(dialog)

    staff = window.show_page("staff")
    assert staff.staff_table.select(lambda r: r.id == terr.coordinator)
    staff.edit_current_coordinator()
    edited = staff.dialog
    assert isinstance(edited, CoordinatorDialog) and edited.record_uid
    qtbot.keyClicks(edited.phone, "03 21 00 00 00")
    edited.draft.flush()
    phone_state = edited.draft_state()
    vanish(edited)

    recovery = offer_recovery(window, [])
    assert recovery.box.text().startswith("Reprendre la saisie du formulaire « Nouvelle commune ou structure » "
                                          "(Centre social Agora) commencée le ")
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.form is not None and recovery.form.isVisible())
    assert isinstance(recovery.form, OrganisationDialog) and recovery.form.draft_state() == typed
    qtbot.mouseClick(recovery.form.save_button, Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        created = [o for o in territory.list_organisations(s) if o.name == "Centre social Agora"]
    assert len(created) == 1 and created[0].kind.label == typed["kind"]

    qtbot.waitUntil(lambda: recovery.box is not None and recovery.box.isVisible())
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: isinstance(recovery.form, CoordinatorDialog) and recovery.form.isVisible())
    again = recovery.form
    assert again.coordinator_id is not None and again.draft_state() == phone_state
    assert again.phone.text().endswith("03 21 00 00 00")
    cancel = again.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    asked = []
    from unittest import mock

    def answer_yes(*args, **_kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    with mock.patch.object(QMessageBox, "question", answer_yes):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and not again.isVisible()  # a draft brought back is typing: asked first
    assert ctx.drafts.list() == []


def test_a_meeting_deleted_since_its_draft_comes_back_as_a_new_one(window, ctx, terr, qtbot):
    from datetime import datetime

    from ctgdesk.ui.recovery import offer_recovery

    with ctx.db.transaction() as s:
        february = next(m for m in meetings.list_meetings(s, year=2026) if m.starts_at == datetime(2026, 2, 3, 14))
        before = meetings.meeting_input(s, february.id)
    page = window.show_page("meetings")
    dialog = page.edit_meeting(february.id)
    qtbot.keyClicks(dialog.place_edit, "Salle B")
    dialog.draft.flush()
    assert ctx.drafts.list()[0].record_uid == before.uid
    vanish(dialog)
    with ctx.db.transaction() as s:
        meetings.delete_meeting(s, february.id)

    recovery = offer_recovery(window, [])
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.form is not None and recovery.form.isVisible())
    again = recovery.form
    assert again.meeting_id is None and ctx.statuses[-1].startswith("Cette réunion a été supprimée depuis")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.result() == QDialog.DialogCode.Accepted
    with ctx.db.transaction() as s:
        back = meetings.meeting_input(s, meetings.meeting_id_for_uid(s, before.uid))
    assert back.place == before.place + "Salle B"
    assert [a.text for a in back.alerts] == [a.text for a in before.alerts] and back.uid == before.uid
    assert ctx.drafts.list() == []


def test_resuming_the_typing_on_a_meeting_changed_since_warns(window, ctx, terr, qtbot):
    from dataclasses import replace
    from datetime import datetime

    from ctgdesk.ui.recovery import offer_recovery

    with ctx.db.transaction() as s:
        february = next(m for m in meetings.list_meetings(s, year=2026) if m.starts_at == datetime(2026, 2, 3, 14))
    page = window.show_page("meetings")
    dialog = page.edit_meeting(february.id)
    qtbot.keyClicks(dialog.minutes_edit, "Compte rendu en cours")
    dialog.draft.flush()
    vanish(dialog)
    unchanged = offer_recovery(window, [])  # the meeting as the typing found it: no warning
    click_box_button(qtbot, unchanged.box, "Reprendre")
    qtbot.waitUntil(lambda: unchanged.form is not None and unchanged.form.isVisible())
    assert unchanged.stale_box is None and not unchanged.form.draft.stale
    typed = unchanged.form.draft_state()
    vanish(unchanged.form)

    with ctx.db.transaction() as s:  # meanwhile, the meeting changes (another form, an import…)
        meetings.save_meeting(s, replace(meetings.meeting_input(s, february.id), place="Salle des fêtes"),
                              february.id)
    recovery = offer_recovery(window, [])
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.form is not None and recovery.form.isVisible())
    resumed = recovery.form.draft_state()
    # what was typed comes back; the version is the meeting's as it is now (the warning says why)
    assert {k: v for k, v in resumed.items() if k != "row_version"} == {
        k: v for k, v in typed.items() if k != "row_version"}
    assert resumed.get("row_version") == recovery.form.before.row_version
    assert recovery.stale_box is not None and recovery.stale_box.isVisible()
    assert recovery.stale_box.text().startswith("L'enregistrement a été modifié depuis le début de cette saisie")
    qtbot.mouseClick(recovery.stale_box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert recovery.form.isVisible()  # the form stays, for the person to decide


def test_a_draft_that_cannot_be_read_back_is_said_and_kept(window, ctx, terr, qtbot):
    from ctgdesk.services.drafts import Draft, base_key
    from ctgdesk.ui.recovery import offer_recovery

    broken = Draft(kind="meeting", base=base_key(ctx.db.path), label="la réunion « COPIL »",
                   state={"instance_id": terr.copil, "starts_at": "2026-12-06T14:00:00", "status": "disparu"})
    ctx.drafts.save(broken)
    recovery = offer_recovery(window, [])
    click_box_button(qtbot, recovery.box, "Reprendre")
    qtbot.waitUntil(lambda: recovery.box is not None and recovery.box.isVisible())
    assert recovery.box.text() == (f"La saisie de la réunion « COPIL » n'a pas pu être rouverte dans le formulaire.\n"
                                   f"Elle reste gardée dans « {ctx.drafts.path_of(broken.id)} ».")
    qtbot.mouseClick(recovery.box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: recovery.box is None)
    assert [d.id for d in ctx.drafts.list()] == [broken.id]
