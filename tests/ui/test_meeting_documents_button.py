"""The "Documents" button, used as a person does: from the main window's Réunions page, a
meeting chosen in the list, the menu driven with the keyboard; the file the system is asked to
open is read back."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import select

from ctgdesk.formatting import long_date
from ctgdesk.models import Instance, InstanceKind, Meeting, MeetingStatus
from ctgdesk.services.parsing import fold
from tests.documents.helpers import docx_text
from tests.ui.conftest_work import show_page, wait_loads

# A menu is a popup: the offscreen platform says it cannot raise it nor grab the keyboard for it
# (the keys are sent to the menu itself). On each test, being the closest mark, it replaces the
# folder's (tests/ui/conftest.py): it repeats it.
POPUPS_OFFSCREEN = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise\(\)|grabbing the keyboard|propagateSizeHints\(\))")

COPIL_KIND_ORDER = ["convocation", "emargement", "compte-rendu", "releve", "dossier"]
ACTIONS = ["Ouvrir (PDF)", "Ouvrir (Word)", "Enregistrer sous…", "Envoyer aux participants"]


class UrlCatcher(QObject):
    """Qt's own hook for a URL scheme: what QDesktopServices.openUrl would hand to the system."""

    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened():
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher.urls
    QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def window(demo_ctx, qtbot, settings):
    from ctgdesk.ui.main_window import MainWindow

    main = MainWindow(demo_ctx, settings)
    show_page(qtbot, main, 1440, 860)
    main.load()
    wait_loads(qtbot, demo_ctx)
    return main


def last_copil(ctx) -> tuple[int, str, str]:
    """(id, title, what to type to find it: ASCII, QTest types nothing else)."""
    with ctx.db.transaction() as session:
        meeting = session.scalars(select(Meeting).join(Instance).where(
            Instance.kind == InstanceKind.COPIL, Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at < Meeting.starts_at.type.python_type(ctx.year + 1, 1, 1))
            .order_by(Meeting.starts_at.desc())).first()
        return meeting.id, meeting.title, fold(f"pilotage {long_date(meeting.starts_at.date())}")


def choose_in_list(qtbot, page, title: str, typed: str) -> None:
    """Type words of the meeting in the search field, then click its line."""
    QTest.mouseClick(page.search, Qt.MouseButton.LeftButton)
    QTest.keyClicks(page.search, typed)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    rect = page.table.visualRect(page.proxy.index(0, 1))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_row().title == title


def use_menu(qtbot, button, document: str, action: str) -> None:
    """Click the button, then with the keyboard: down to the document, right into its submenu,
    down to the action, Entrée (the menu runs its own event loop: the keys come from a timer)."""
    steps_done: list[str] = []

    def drive() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:  # not on screen yet
            QTimer.singleShot(50, drive)
            return
        try:
            choose(menu)
        finally:
            while QApplication.activePopupWidget() is not None:  # never leave a menu open on failure
                QApplication.activePopupWidget().close()

    def choose(menu) -> None:
        for _ in range(COPIL_KIND_ORDER.index(document) + 1):
            QTest.keyClick(menu, Qt.Key.Key_Down)
        QTest.keyClick(menu, Qt.Key.Key_Right)
        submenu = QApplication.activePopupWidget()
        assert submenu is not menu
        for _ in range(ACTIONS.index(action)):  # a submenu opened by the keyboard has its first line chosen
            QTest.keyClick(submenu, Qt.Key.Key_Down)
        assert submenu.activeAction().text() == action
        QTest.keyClick(submenu, Qt.Key.Key_Return)
        steps_done.append(action)

    QTimer.singleShot(50, drive)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: steps_done == [action], timeout=5000)


@POPUPS_OFFSCREEN
def test_send_the_compte_rendu_from_the_meetings_page(window, qtbot, opened, demo_ctx):
    copil_id, title, typed = last_copil(demo_ctx)
    page = window.show_page("meetings")
    wait_loads(qtbot, demo_ctx)
    assert not page.documents_button.isEnabled()  # nothing chosen yet
    choose_in_list(qtbot, page, title, typed)
    assert page.documents_button.isEnabled()

    use_menu(qtbot, page.documents_button, "compte-rendu", "Envoyer aux participants")
    qtbot.waitUntil(lambda: len(opened) == 1)
    path = Path(opened[0].toLocalFile())
    assert path.suffix == ".eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    with demo_ctx.db.transaction() as session:
        meeting = session.get(Meeting, copil_id)
        emails = {a.person.email for a in meeting.attendances if a.person is not None and a.person.email}
        emails |= {m.person.email for m in meeting.instance.members if m.person is not None and m.person.email}
    assert {a.addr_spec for a in message["To"].addresses} == emails and emails
    assert [a.get_filename().endswith(".pdf") for a in message.iter_attachments()] == [True]


@POPUPS_OFFSCREEN
def test_save_the_emargement_as_word_and_the_folder_is_remembered(window, qtbot, opened, demo_ctx, settings,
                                                                 tmp_path, monkeypatch):
    asked: list[str] = []

    def save_name(_parent, _caption, proposed, _filters):
        asked.append(proposed)
        return str(tmp_path / "emargement.docx"), "Document Word (*.docx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)  # the system's dialog, not ours
    _copil_id, title, typed = last_copil(demo_ctx)
    page = window.show_page("meetings")
    wait_loads(qtbot, demo_ctx)
    choose_in_list(qtbot, page, title, typed)
    use_menu(qtbot, page.documents_button, "emargement", "Enregistrer sous…")
    qtbot.waitUntil(lambda: (tmp_path / "emargement.docx").exists())
    assert "Feuille d'émargement" in docx_text(tmp_path / "emargement.docx")
    assert settings.value("documents/dossier") == str(tmp_path)
    assert opened == []  # saved, not opened

    use_menu(qtbot, page.documents_button, "releve", "Enregistrer sous…")
    assert Path(asked[-1]).parent == tmp_path  # the last folder is proposed again


@POPUPS_OFFSCREEN
def test_open_the_dossier_of_a_copil_from_its_form(window, qtbot, opened, demo_ctx):
    _copil_id, title, typed = last_copil(demo_ctx)
    page = window.show_page("meetings")
    wait_loads(qtbot, demo_ctx)
    choose_in_list(qtbot, page, title, typed)
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), type(page.dialog)) if page.dialog else False)
    dialog = page.dialog
    assert dialog.documents_button.isEnabled()
    use_menu(qtbot, dialog.documents_button, "dossier", "Ouvrir (PDF)")
    qtbot.waitUntil(lambda: len(opened) == 1)
    path = Path(opened[0].toLocalFile())
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    assert "Dossier de séance du COPIL" in path.name
    QTest.keyClick(dialog, Qt.Key.Key_Escape)


def dossier_button(window):
    from PySide6.QtWidgets import QToolButton

    board = window.show_page("dashboard")
    return next(b for b in board.header.findChildren(QToolButton) if b.defaultAction() is board.dossier_action)


@POPUPS_OFFSCREEN
def test_the_dashboard_opens_the_dossier_of_the_next_copil(demo_ctx, qtbot, settings, opened, warnings_shown):
    from datetime import datetime

    from ctgdesk.services import meetings
    from ctgdesk.ui.main_window import MainWindow

    main = MainWindow(demo_ctx, settings)
    show_page(qtbot, main, 1440, 860)
    main.load()
    wait_loads(qtbot, demo_ctx)
    QTest.mouseClick(dossier_button(main), Qt.MouseButton.LeftButton)
    assert opened == [] and warnings_shown == [
        "Aucun COPIL n'est prévu à partir du lundi 23 novembre 2026 : planifiez-le dans la page « Réunions », "
        "puis revenez ici."]

    with demo_ctx.db.transaction() as session:
        copil = session.scalar(select(Instance).where(Instance.kind == InstanceKind.COPIL))
        meetings.save_meeting(session, meetings.MeetingInput(
            instance_id=copil.id, starts_at=datetime(2026, 12, 15, 14, 0), title="COPIL de décembre",
            place="Mairie de Carvin", agenda="Bilan 2026"))
    QTest.mouseClick(dossier_button(main), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened) == 1)
    path = Path(opened[0].toLocalFile())
    from tests.documents.helpers import pdf_text

    text = pdf_text(path)
    assert "Dossier de séance du COPIL" in text and "mardi 15 décembre 2026" in text and "Mairie de Carvin" in text


@POPUPS_OFFSCREEN
def test_a_territory_word_model_is_chosen_once_and_used(window, qtbot, opened, demo_ctx, settings, tmp_path,
                                                        monkeypatch):
    from docx import Document

    model = Document()
    model.sections[0].header.paragraphs[0].text = "Agglomération — papier à en-tête"
    model.save(tmp_path / "modele.docx")
    (tmp_path / "faux.docx").write_text("pas un document Word")
    answers = [str(tmp_path / "faux.docx"), str(tmp_path / "modele.docx")]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (answers.pop(0), "Document Word (*.docx)"))
    errors: list[str] = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a, **_k: errors.append(text))

    _copil_id, title, typed = last_copil(demo_ctx)
    page = window.show_page("meetings")
    wait_loads(qtbot, demo_ctx)
    choose_in_list(qtbot, page, title, typed)
    button = page.documents_button

    def choose_model() -> None:
        done: list[bool] = []

        def drive() -> None:
            menu = QApplication.activePopupWidget()
            if menu is None:
                QTimer.singleShot(50, drive)
                return
            QTest.keyClick(menu, Qt.Key.Key_Up)  # from the top: the last line
            assert menu.activeAction().text().startswith("Modèle Word du territoire")
            QTest.keyClick(menu, Qt.Key.Key_Return)
            done.append(True)

        QTimer.singleShot(50, drive)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: done == [True])

    choose_model()  # a file that is not a Word document: refused, nothing kept
    assert errors and "n'est pas un document .docx lisible" in errors[0]
    assert settings.value("documents/modele_word", "") == ""
    choose_model()
    assert settings.value("documents/modele_word") == str(tmp_path / "modele.docx")

    use_menu(qtbot, button, "convocation", "Ouvrir (Word)")
    qtbot.waitUntil(lambda: len(opened) == 1)
    written = Document(opened[0].toLocalFile())
    assert written.sections[0].header.paragraphs[0].text == "Agglomération — papier à en-tête"
    assert "Convocation" in docx_text(Path(opened[0].toLocalFile()))
