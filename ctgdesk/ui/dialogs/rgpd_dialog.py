"""« Données personnelles (RGPD)… »: where personal data is kept, and one person's rights —
access (export as JSON) and erasure by anonymisation. Rules in ctgdesk.services.rgpd."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ctgdesk.ui.context import UiContext
from ctgdesk.ui.widgets.screen_fit import resize_to_screen

TITLE = "Données personnelles (RGPD)"


def write_json(path: Path, data: dict) -> None:
    """Written to a temporary name beside the target, then renamed (os.replace)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class RgpdDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        from ctgdesk.services.rgpd import personal_data_inventory

        self.ctx = ctx
        self.setWindowTitle(TITLE)
        resize_to_screen(self, 860, 600)

        inventory = QTextBrowser()
        inventory.setObjectName("inventory")
        inventory.setHtml("".join(
            f"<p><b>{place.table}</b> ({', '.join(place.columns)}) : {place.description}</p>"
            for place in personal_data_inventory()))
        inventory_box = QGroupBox("Où ctgdesk conserve des données personnelles")
        QVBoxLayout(inventory_box).addWidget(inventory)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher une personne par son nom…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_people)
        self.people = QListWidget()
        self.people.currentItemChanged.connect(self._on_person)
        self.links = QLabel("Choisissez une personne.")
        self.links.setWordWrap(True)
        self.export_button = QPushButton("Exporter ses données…")
        self.export_button.clicked.connect(self.export_selected)
        self.anonymise_button = QPushButton("Anonymiser…")
        self.anonymise_button.clicked.connect(self.anonymise_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.anonymise_button)
        actions.addStretch(1)
        person_box = QGroupBox("Droits d'une personne (accès, effacement)")
        person_layout = QVBoxLayout(person_box)
        person_layout.addWidget(self.search)
        person_layout.addWidget(self.people, 1)
        person_layout.addWidget(self.links)
        person_layout.addLayout(actions)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(inventory_box, 1)
        row.addWidget(person_box, 1)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.refresh_people()

    # -- people ----------------------------------------------------------------------
    def refresh_people(self) -> None:
        from ctgdesk.services.person_search import search_persons

        selected = self.selected_person()
        with self.ctx.db.session() as session:
            hits = search_persons(session, self.search.text())
        self.people.blockSignals(True)
        self.people.clear()
        for hit in hits:
            item = QListWidgetItem(hit.label)
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.people.addItem(item)
            if hit.id == selected:
                self.people.setCurrentItem(item)
        self.people.blockSignals(False)
        self._on_person()

    def selected_person(self) -> int | None:
        item = self.people.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_person(self, person_id: int) -> bool:
        for row in range(self.people.count()):
            if self.people.item(row).data(Qt.ItemDataRole.UserRole) == person_id:
                self.people.setCurrentRow(row)
                return True
        return False

    def _on_person(self, *_args) -> None:
        from ctgdesk.services.rgpd import person_links

        person_id = self.selected_person()
        self.export_button.setEnabled(person_id is not None)
        self.anonymise_button.setEnabled(person_id is not None)
        if person_id is None:
            self.links.setText("Choisissez une personne.")
            return
        with self.ctx.db.session() as session:
            links = person_links(session, person_id)
        self.links.setText("Liée à : " + ", ".join(f"{count} {label}" for label, count in links.items())
                           if links else "Cette personne n'est liée à aucun enregistrement.")

    # -- rights ----------------------------------------------------------------------
    def export_selected(self, _checked: bool = False, target: str | None = None) -> Path | None:
        from ctgdesk.services.errors import ValidationError
        from ctgdesk.services.rgpd import export_person

        person_id = self.selected_person()
        if person_id is None:
            return None
        if target is None:
            target, _ = QFileDialog.getSaveFileName(
                self, "Exporter les données de la personne", f"donnees-personne-{person_id}.json",
                "Fichier JSON (*.json)")
            if not target:
                return None
        path = Path(target)
        try:
            with self.ctx.db.session() as session:
                data = export_person(session, person_id)
            write_json(path, data)
        except ValidationError as error:
            QMessageBox.warning(self, TITLE, str(error))
            return None
        except PermissionError:
            QMessageBox.warning(self, TITLE, f"Le fichier « {path} » est ouvert dans un autre programme "
                                             "ou protégé : fermez-le ou choisissez un autre nom.")
            return None
        except OSError as error:
            QMessageBox.warning(self, TITLE, f"Le fichier « {path} » n'a pas pu être écrit : "
                                             f"{error.strerror or error}.")
            return None
        self.ctx.signals.status_message.emit(f"Données exportées dans « {path.name} ».", 5000)
        return path

    def anonymise_selected(self) -> bool:
        from ctgdesk.services.errors import ValidationError
        from ctgdesk.services.rgpd import anonymise_person

        person_id = self.selected_person()
        if person_id is None:
            return False
        label = self.people.currentItem().text()
        answer = QMessageBox.question(
            self, TITLE,
            f"Anonymiser « {label} » ?\n\nSon nom, ses coordonnées et sa fonction seront effacés ; "
            "ses présences, décisions et fiches restent comptées. C'est définitif (pas d'annulation).")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            with self.ctx.db.transaction() as session:
                anonymise_person(session, person_id)
        except ValidationError as error:
            QMessageBox.warning(self, TITLE, str(error))
            return False
        except Exception as error:  # noqa: BLE001 - read-only base, locked file: said in French
            QMessageBox.warning(self, TITLE, f"L'anonymisation n'a pas pu être enregistrée "
                                             f"(base en lecture seule ?) : {error.__class__.__name__}.")
            return False
        self.ctx.undo_stack.clear()  # what could be undone may name the person
        self.ctx.notify_changed()
        self.ctx.signals.status_message.emit("Personne anonymisée.", 5000)
        self.refresh_people()
        self.select_person(person_id)
        return True
