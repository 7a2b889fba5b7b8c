"""Entering a manual indicator (number, nature) or a comment on any indicator of the bilan."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from ctgdesk.services.bilan import IndicatorResult, Scope, save_indicator_entry
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.widgets.forms import FormDialog


class BilanIndicatorDialog(FormDialog):
    """Saved on "Enregistrer" (one transaction); a refusal shows under its field."""

    def __init__(self, ctx: UiContext, result: IndicatorResult, year: int, scope: Scope,
                 parent: QWidget | None = None):
        super().__init__(f"Indicateur {result.code} — {year}", parent)
        self.ctx, self.result, self.year, self.scope = ctx, result, year, scope
        text = QLabel(f"<b>{result.code}</b> : {result.text}", self)
        text.setWordWrap(True)
        self.add_row("Indicateur", text)
        counted = QLabel(result.counted, self)
        counted.setWordWrap(True)
        counted.setObjectName("hint")
        self.add_row("Mode de calcul", counted)
        self.value = QLineEdit(self)
        self.nature = QPlainTextEdit(self)
        self.nature.setTabChangesFocus(True)
        self.nature.setFixedHeight(90)
        if result.is_manual:
            self.value.setText(result.value_text)
            self.value.setPlaceholderText("un nombre entier, ou vide")
            self.nature.setPlainText(result.nature)
            self.add_row("Nombre", self.value, "value")
            self.add_row("Nature", self.nature, "nature")
        else:
            shown = QLabel(f"{result.value_text or '0'} (calculé à partir des saisies)", self)
            self.add_row("Nombre", shown)
            nature = QLabel(result.nature or "—", self)
            nature.setWordWrap(True)
            self.add_row("Nature", nature)
            self.value.hide()  # else drawn at the top left, and reached by Tab
            self.nature.hide()
        self.comment = QPlainTextEdit(self)
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(90)
        self.comment.setPlainText(result.comment)
        self.add_row("Commentaire", self.comment, "comment")
        (self.value if result.is_manual else self.comment).setFocus()

    def save(self) -> None:
        with self.ctx.db.transaction() as session:
            save_indicator_entry(
                session, self.result.code, self.year, self.scope,
                self.value.text() if self.result.is_manual else None,
                self.nature.toPlainText() if self.result.is_manual else "",
                self.comment.toPlainText(),
            )
