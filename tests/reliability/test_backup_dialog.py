"""The « Sauvegardes » dialog driven with qtbot over a real base and real backups."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from ctgdesk.db import open_database
from ctgdesk.db.backup import BackupKind, list_backups, make_backup
from ctgdesk.models import Organisation, OrganisationKind
from ctgdesk.ui.backup_dialog import BackupDialog
from tests.reliability.helpers import integrity, organisation_names


class App:
    """Stands for the main window: holds the open base and lets go of it on demand."""

    def __init__(self, path):
        self.path = path
        self.db = open_database(path)
        self.calls: list[str] = []

    def close(self):
        self.calls.append("fermée")
        self.db.dispose()

    def reopen(self):
        self.calls.append("rouverte")
        self.db = open_database(self.path)


def test_backup_now_then_restore_the_older_one(qtbot, filled, db_path, monkeypatch):
    db, _ = filled
    db.dispose()
    older = make_backup(db_path, BackupKind.AUTO, now=datetime(2026, 1, 14, 9, 0))
    app = App(db_path)
    dialog = BackupDialog(db_path, close_database=app.close, reopen_database=app.reopen)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "14/01/2026 à 09:00"
    assert dialog.table.item(0, 1).text() == "automatique"
    assert not dialog.restore_button.isEnabled()

    with app.db.transaction() as session:
        session.add(Organisation(name="Saisie du jour", kind=OrganisationKind.COMMUNE))
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "manuelle"
    assert dialog.status.text().startswith("Sauvegarde manuelle du ") and "vérifiée" in dialog.status.text()

    questions = []
    monkeypatch.setattr(dialog, "confirm", lambda title, text: questions.append(text) or True)
    dialog.table.selectRow(1)
    assert dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert "sauvegarde automatique du 14/01/2026 à 09:00" in questions[0]
    assert app.calls == ["fermée", "rouverte"]
    assert "Saisie du jour" not in organisation_names(db_path)
    assert organisation_names(db_path) == organisation_names(older.path)
    assert integrity(db_path) == "ok"
    assert "Base restaurée depuis" in dialog.status.text()
    kinds = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    assert sorted(kinds) == ["automatique", "avant restauration", "manuelle"]
    app.db.dispose()


def test_refused_restore_changes_nothing(qtbot, filled, db_path, monkeypatch):
    db, _ = filled
    make_backup(db_path, BackupKind.MANUAL, now=datetime(2026, 1, 14, 9, 0))
    calls = []
    dialog = BackupDialog(db_path, close_database=lambda: calls.append("c"), reopen_database=lambda: calls.append("o"))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "confirm", lambda title, text: False)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert calls == []
    assert len(list_backups(db_path.parent / "sauvegardes")) == 1


def test_copy_to_a_usb_key_and_a_missing_one(qtbot, filled, db_path, tmp_path, monkeypatch):
    make_backup(db_path, BackupKind.MANUAL, now=datetime(2026, 1, 14, 9, 0))
    dialog = BackupDialog(db_path, close_database=lambda: None, reopen_database=lambda: None)
    qtbot.addWidget(dialog)
    usb = tmp_path / "CLE"
    usb.mkdir()
    monkeypatch.setattr(dialog, "choose_folder", lambda: usb)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    [copy] = list(usb.iterdir())
    assert integrity(copy) == "ok" and dialog.status.text() == f"Copie vérifiée écrite : {copy}"
    monkeypatch.setattr(dialog, "choose_folder", lambda: tmp_path / "debranchee")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "introuvable" in dialog.status.text()
