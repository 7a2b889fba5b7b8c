"""The few message boxes every page uses, worded in French."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(parent: QWidget | None, title: str, question: str) -> bool:
    """A Oui / Non question, "Non" by default (Qt's own French translation names the buttons)."""
    answer = QMessageBox.question(
        parent, title, question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_delete(parent: QWidget | None, what: str) -> bool:
    """ "Supprimer « Divion » ? Ctrl+Z (Édition ▸ Annuler) la rétablit." """
    return confirm(
        parent, "Confirmer la suppression",
        f"Supprimer {what} ?\n\nVous pourrez revenir en arrière avec Édition ▸ Annuler (Ctrl+Z).",
    )


def show_error(parent: QWidget | None, message: str, title: str = "Opération impossible") -> None:
    QMessageBox.warning(parent, title, message)
