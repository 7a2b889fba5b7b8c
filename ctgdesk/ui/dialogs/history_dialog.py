"""« Historique » of a record: who created, changed or deleted it, when, and what changed
(ctgdesk.services.history over the audit written with every save)."""

from __future__ import annotations

from datetime import timezone

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ctgdesk.services.history import HistoryLine, history


def describe(line: HistoryLine) -> str:
    if line.action == "modification":
        return " ; ".join(f"{name} : « {before if before not in (None, '') else '—'} » → "
                          f"« {after if after not in (None, '') else '—'} »"
                          for name, (before, after) in line.changes.items())
    return ""


class HistoryDialog(QDialog):
    def __init__(self, ctx, table_name: str, uid: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Historique — {title}")
        with ctx.db.transaction() as session:
            self.lines = history(session, table_name, uid)
        self.table = QTableWidget(len(self.lines), 4)
        self.table.setHorizontalHeaderLabels(["Date", "Par", "Action", "Changements"])
        self.table.setAccessibleName("Historique des modifications")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, line in enumerate(self.lines):
            local = line.at.replace(tzinfo=timezone.utc).astimezone()
            for column, text in enumerate((f"{local:%d/%m/%Y %H:%M}", line.actor, line.action, describe(line))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel("Les enregistrements de cette fiche, du plus récent au plus ancien." if self.lines
                      else "Aucune modification enregistrée pour l'instant.")
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 360)
