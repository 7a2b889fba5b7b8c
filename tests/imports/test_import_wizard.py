"""The import wizard, driven like a user: choose, preview, import."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton, QWizard
from sqlalchemy import func, select

from ctgdesk.models import EtpAllocation
from ctgdesk.ui.context import UiContext
from ctgdesk.ui.dialogs.import_wizard import ImportWizard
from tests.imports.helpers import dump, write_csv, write_xlsx


# The offscreen platform says it cannot pass size hints to a window manager: not our concern.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def make_wizard(qtbot, db):
    wizard = ImportWizard(UiContext(db=db, year=2026))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def choose(qtbot, wizard, kind: str, path) -> None:
    wizard.choice.findChild(QRadioButton, f"kind_{kind}").click()
    wizard.choice.file_edit.setText(str(path))


def next_page(qtbot, wizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_preview_then_import(qtbot, db, tmp_path):
    path = write_csv(tmp_path / "etp.csv", [["Commune / structure", "ETP", "Nom prénom"],
                                             ["Carvin", "0,5", "LEFEBVRE Sophie"], ["Divion", "En cours", ""]])
    wizard = make_wizard(qtbot, db)
    changed = []
    wizard.ctx.signals.data_changed.connect(lambda: changed.append(True))
    choose(qtbot, wizard, "etp", path)
    assert wizard.choice.options.currentWidget() is wizard.choice.option_pages["etp"]
    before = dump(db)

    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview.report is not None, timeout=20_000)
    view = wizard.preview.view
    assert "Aperçu : rien n'a encore été importé." in view.headline.text()
    rows = [[view.table.item(r, c).text() for c in range(5)] for r in range(view.table.rowCount())]
    assert ["Créé", "Commune", "Carvin"] in [r[:3] for r in rows]
    assert any(r[1] == "ETP 2026" and r[4] == "En cours" for r in rows)
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "Importer"
    assert dump(db) == before

    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.result_page.report is not None, timeout=20_000)
    assert wizard.result_page.report.committed
    assert wizard.result_page.advice.text().startswith("Import terminé.")
    assert changed == [True]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(EtpAllocation)) == 2
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert wizard.wait()


def test_errors_block_the_import_and_say_where(qtbot, db, tmp_path):
    path = write_xlsx(tmp_path / "etp.xlsx", [["Commune", "ETP"], ["Carvin", "0,5"], ["Divion", "trois"]], sheet="ETP")
    wizard = make_wizard(qtbot, db)
    choose(qtbot, wizard, "etp", path)
    before = dump(db)
    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview.report is not None, timeout=20_000)
    view = wizard.preview.view
    first = [view.table.item(0, c).text() for c in range(5)]
    assert first[0] == "Erreur"
    assert first[3] == "fichier « etp.xlsx », feuille « ETP », ligne 3, colonne B (« ETP »)"
    assert "« trois » n'est pas un nombre" in first[4]
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "rien ne sera importé" in wizard.preview.advice.text()
    assert dump(db) == before
    assert wizard.wait()


def test_the_choice_page_needs_an_existing_file(qtbot, db, tmp_path):
    wizard = make_wizard(qtbot, db)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    choose(qtbot, wizard, "communes", tmp_path / "absent.csv")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.choice.options.currentWidget() is wizard.choice.option_pages["communes"]
    wizard.choice.dep.setText("62")
    path = write_csv(tmp_path / "communes.csv", [["62427", "Hénin-Beaumont"]])
    wizard.choice.file_edit.setText(str(path))
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.choice.import_options() == {"dep": "62", "codes": None}
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "Annuler"


def test_a_year_typed_over_is_read_or_refused_in_place(qtbot, db, tmp_path):
    path = write_csv(tmp_path / "etp.csv", [["Commune / structure", "ETP"], ["Carvin", "0,5"]])
    wizard = make_wizard(qtbot, db)
    choose(qtbot, wizard, "etp", path)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    year = wizard.choice.year
    qtbot.mouseClick(year.edit, Qt.MouseButton.LeftButton)  # the year shown is selected: typing replaces it
    qtbot.keyClicks(year.edit, "hier")
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.choice  # refused in place, nothing read
    assert year.edit.property("invalid") is True and year.error() == "L'année des ETP « hier » n'est pas une année (ex. 2027)."
    qtbot.mouseClick(year.edit, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(year.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(year.edit, "27")
    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.preview.report is not None, timeout=20_000)
    view = wizard.preview.view
    rows = [[view.table.item(r, c).text() for c in range(5)] for r in range(view.table.rowCount())]
    assert any(r[1] == "ETP 2027" for r in rows)
    assert wizard.wait()
