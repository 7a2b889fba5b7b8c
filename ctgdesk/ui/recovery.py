"""At start: say that ctgdesk stopped abruptly last time, and offer back what was being typed.

`offer_recovery(window, crashes)` runs once the window is filled (app._finish_start). The crash
message names the report (ctgdesk.fatal_crash); then each draft of this base
(ctgdesk.services.drafts) is offered, one at a time, oldest first:

    Reprendre la saisie de la réunion « COPIL » commencée le 06/12/2026 à 14:32 ?
    [Reprendre]  [Plus tard]  [Supprimer]

« Reprendre » opens the form on its page, every field and line filled back; the next draft is
offered once that form is closed. « Plus tard » keeps the draft for the next start. The boxes
are opened, not executed: the window stays alive behind them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QMainWindow, QMessageBox

from ctgdesk import APP_DISPLAY_NAME
from ctgdesk.fatal_crash import PreviousCrash
from ctgdesk.db.sqlite_files import french_datetime
from ctgdesk.services.drafts import Draft

# Which page opens a draft of each kind (with its `open_draft(draft)`).
DRAFT_PAGES = {"meeting": "meetings", "fiche": "plan", "journal": "journal", "organisation": "territory",
               "coordinator": "staff"}

RESUME, LATER, DELETE = "Reprendre", "Plus tard", "Supprimer"


def with_de(label: str) -> str:
    """« de » before a label, as French says it: « d'une nouvelle réunion », « de la fiche… »."""
    for article, contracted in (("une ", "d'une "), ("un ", "d'un "), ("le ", "du "), ("les ", "des ")):
        if label.startswith(article):
            return contracted + label[len(article):]
    return f"de {label}" if label else "du formulaire"


def draft_question(draft: Draft) -> str:
    text = f"Reprendre la saisie {with_de(draft.label)} commencée le {french_datetime(draft.started_at)} ?"
    if draft.saved_at is not None:
        text += f"\n(Dernière frappe gardée le {french_datetime(draft.saved_at)}.)"
    return text


class Recovery(QObject):
    """The crash message, then the drafts, one box at a time. `box`: the one shown (tests)."""

    def __init__(self, window: QMainWindow, crashes: list[PreviousCrash], then=None):
        super().__init__(window)
        self.window = window
        self.then = then  # called once, when every offer has been answered
        self.crashes = list(crashes)
        store = window.ctx.drafts
        read_only = getattr(getattr(window, "safety", None), "read_only", False)
        self.drafts: list[Draft] = [] if store is None or read_only else [
            d for d in store.list(window.ctx.db.path) if d.kind in DRAFT_PAGES]
        self.box: QMessageBox | None = None
        self.current: Draft | None = None
        self.form = None  # the form reopened from a draft
        self.stale_box: QMessageBox | None = None  # "changed since": over that form

    def start(self) -> None:
        if self.crashes:
            text = "\n\n".join(crash.message() for crash in self.crashes[-3:])
            if self.drafts:
                text += "\n\nCe qui était en cours de saisie a été gardé : il vous est proposé maintenant."
            self.box = QMessageBox(QMessageBox.Icon.Warning, APP_DISPLAY_NAME, text, QMessageBox.StandardButton.Ok,
                                   self.window)
            self.box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the report's path
            self.box.finished.connect(lambda _result: self.offer_next())
            self.box.open()
        else:
            self.offer_next()

    def offer_next(self) -> None:
        self.box = None
        self.form = None
        if not self.drafts:
            self.current = None
            then, self.then = self.then, None
            if then is not None:
                then()
            return
        self.current = self.drafts.pop(0)
        box = QMessageBox(QMessageBox.Icon.Question, "Saisie en cours", draft_question(self.current),
                          QMessageBox.StandardButton.NoButton, self.window)
        self.resume_button = box.addButton(RESUME, QMessageBox.ButtonRole.AcceptRole)
        self.later_button = box.addButton(LATER, QMessageBox.ButtonRole.RejectRole)
        self.delete_button = box.addButton(DELETE, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(self.resume_button)
        box.setEscapeButton(self.later_button)
        box.setInformativeText("« Plus tard » la garde pour le prochain démarrage.")
        box.buttonClicked.connect(self._answered)
        self.box = box
        box.open()

    def _answered(self, button: QAbstractButton) -> None:
        draft, store = self.current, self.window.ctx.drafts
        if button is self.delete_button:
            store.discard(draft.id)
        elif button is self.resume_button and self._resume(draft):
            return  # the next one once this form is closed
        QTimer.singleShot(0, self.offer_next)  # after this box has closed

    def _resume(self, draft: Draft) -> bool:
        page = self.window.show_page(DRAFT_PAGES[draft.kind])
        opener = getattr(page, "open_draft", None)
        if opener is None:
            return False
        try:
            self.form = opener(draft)
        except Exception:  # noqa: BLE001 - a draft this version cannot read: said in French, kept
            self.form = None
            path = self.window.ctx.drafts.path_of(draft.id)
            self.box = QMessageBox(
                QMessageBox.Icon.Warning, "Saisie en cours",
                f"La saisie {with_de(draft.label)} n'a pas pu être rouverte dans le formulaire.\n"
                f"Elle reste gardée dans « {path} ».", QMessageBox.StandardButton.Ok, self.window)
            self.box.finished.connect(lambda _result: self.offer_next())
            self.box.open()
            return True  # the next one once this box is closed
        if self.form is None:
            return False
        self.form.finished.connect(lambda _result: self.offer_next())
        keeper = getattr(self.form, "draft", None)
        if keeper is not None and keeper.stale:  # said over the form, which stays open
            self.stale_box = QMessageBox(
                QMessageBox.Icon.Warning, "Saisie en cours",
                f"L'enregistrement a été modifié depuis le début de cette saisie "
                f"(le {french_datetime(draft.started_at)}).\nEn enregistrant ce formulaire, vous remplacez ces "
                "modifications par ce qu'il contient.", QMessageBox.StandardButton.Ok, self.form)
            self.stale_box.open()
        return True


def offer_recovery(window: QMainWindow, crashes: list[PreviousCrash], then=None) -> Recovery:
    recovery = Recovery(window, crashes, then)
    window.recovery = recovery
    recovery.start()
    return recovery
