"""The Bilans page driven like a user: years, scope, manual entries, columns, export."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from ctgdesk.exchange import atomic
from ctgdesk.ui.pages.bilan import BilanPage


@pytest.fixture
def page(demo_ctx, settings, qtbot):
    widget = BilanPage(demo_ctx, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.refresh()
    return widget


def shown(page) -> dict[str, tuple[str, str]]:
    model = page.model
    return {model.cell_text(r, 0): (model.cell_text(r, 4), model.cell_text(r, 6)) for r in range(model.rowCount())}


def test_page_contract_and_preview(page):
    assert BilanPage.title == "Bilans"
    assert page.model.rowCount() == 20
    assert page.model.columnCount() == 8
    values = shown(page)
    assert values["1.1-S1"][0] == "2"
    assert values["3.2-E1"][0] == "à saisir"  # manual, not entered yet
    # 30: the demo meeting of Sunday 22 November now falls on Monday 23, the demo's "today", still planned
    assert page.summary.text().startswith("Bilan 2026 — Ensemble du territoire. Réunions tenues : 30")
    assert page.source.text() == ("Source : ctgdesk, CTG 2 Hénin-Carvin 2026-2030 (Communauté d'Agglomération "
                                  f"d'Hénin-Carvin), données au {page.bilan.produced_at:%d/%m/%Y}")


def test_years_and_scope_change_the_numbers(page, qtbot):
    with qtbot.waitSignal(page.bilan_computed):
        page.year_from.setValue(2025)  # the end year follows
    assert page.year_to.value() == 2025
    assert page.bilan.period_label == "2025"
    with qtbot.waitSignal(page.bilan_computed):
        page.year_to.setValue(2026)
    assert page.bilan.period_label == "2025–2026"
    assert not page.edit_action.isEnabled()
    index = page.scope.findText("Chargé·e : Claire Dumont")
    assert index > 0
    with qtbot.waitSignal(page.bilan_computed):
        page.scope.setCurrentIndex(index)
    assert page.bilan.scope_label == "Chargé·e de coopération : Claire Dumont"
    commune = page.scope.findText("Commune : Hénin-Beaumont (62427)")
    with qtbot.waitSignal(page.bilan_computed):
        page.scope.setCurrentIndex(commune)
    assert page.bilan.scope_label == "Commune : Hénin-Beaumont (62427)"


def _dialog(qtbot, page, code):
    from ctgdesk.ui.dialogs.bilan_indicator import BilanIndicatorDialog

    row = next(r for r in page.model.rows if r.code == code)
    dialog = BilanIndicatorDialog(page.ctx, row, 2026, page.current_scope(), page)
    qtbot.addWidget(dialog)
    return dialog


def test_manual_indicator_entered_and_saved_on_confirm(page, qtbot):
    dialog = _dialog(qtbot, page, "3.2-E1")
    qtbot.keyClicks(dialog.value, "5")
    dialog.nature.setPlainText("Questionnaire aux partenaires du réseau")
    dialog.comment.setPlainText("Retours positifs")
    assert shown(page)["3.2-E1"] == ("à saisir", "")  # nothing saved before confirming
    assert dialog.try_save()
    page.refresh()
    assert shown(page)["3.2-E1"] == ("5", "Retours positifs")
    row = next(r for r in page.model.rows if r.code == "3.2-E1")
    assert row.nature == "Questionnaire aux partenaires du réseau"


def test_refusals_stay_in_the_dialog(page, qtbot):
    dialog = _dialog(qtbot, page, "4.2-E1")
    dialog.value.setText("beaucoup")
    assert not dialog.try_save()
    assert "n'est pas un nombre entier" in dialog.errors.general.text() or any(
        "n'est pas un nombre entier" in label.text() for label in dialog.findChildren(type(dialog.errors.general)))
    page.refresh()
    assert shown(page)["4.2-E1"][0] == "à saisir"


def test_comment_on_a_computed_indicator(page, qtbot):
    dialog = _dialog(qtbot, page, "1.1-S1")
    assert not dialog.value.isVisible()
    dialog.comment.setPlainText("Deux COPIL, comme prévu par la convention")
    assert dialog.try_save()
    page.refresh()
    assert shown(page)["1.1-S1"] == ("2", "Deux COPIL, comme prévu par la convention")


def test_double_click_opens_the_dialog(page, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr("ctgdesk.ui.pages.bilan.BilanIndicatorDialog.exec", lambda self: opened.append(
        self.result.code) or 0)
    page.table.select(lambda r: r.code == "2.2-E1")
    page.table.view.doubleClicked.emit(page.table.view.currentIndex())
    assert opened == ["2.2-E1"]
    page.edit_action.trigger()  # the header's "Saisir / commenter…" on the current line
    assert opened == ["2.2-E1", "2.2-E1"]


def test_columns_are_remembered(page, qtbot, settings):
    from ctgdesk.ui.dialogs.bilan_columns import BilanColumnsDialog, saved_columns

    dialog = BilanColumnsDialog(settings, page)
    qtbot.addWidget(dialog)
    meetings = dialog.lists["Réunions"]
    for i in range(meetings.count()):
        keep = meetings.item(i).data(Qt.ItemDataRole.UserRole) in ("date", "instance", "statut")
        meetings.item(i).setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    dialog.try_accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert saved_columns(settings)["Réunions"] == ["date", "instance", "statut"]
    again = BilanColumnsDialog(settings, page)
    qtbot.addWidget(again)
    checked = [again.lists["Réunions"].item(i).text() for i in range(again.lists["Réunions"].count())
               if again.lists["Réunions"].item(i).checkState() == Qt.CheckState.Checked]
    assert checked == ["Date", "Instance", "Statut"]
    # no column at all is refused
    for i in range(again.lists["Plan d'action"].count()):
        again.lists["Plan d'action"].item(i).setCheckState(Qt.CheckState.Unchecked)
    again.try_accept()
    assert again.error.text() == "Choisissez au moins une colonne pour « Plan d'action »."
    assert again.result() != again.DialogCode.Accepted
    assert dialog.findChild(QDialogButtonBox) is not None


def test_export_xlsx_in_a_worker_and_open_it(page, qtbot, tmp_path, settings):
    from ctgdesk.ui.dialogs.bilan_columns import save_columns

    save_columns(settings, {"Réunions": ["date", "instance"]})
    target = tmp_path / "bilan.xlsx"
    page.ask_path = lambda kind: target
    opened = []
    page.runner.open_file = opened.append
    page.format.setCurrentIndex(page.format.findData("xlsx"))
    with qtbot.waitSignal(page.export_finished, timeout=30_000) as finished:
        page.export_action.trigger()
    assert finished.args == [target] and opened == [target]
    workbook = openpyxl.load_workbook(target)
    assert [c.value for c in workbook["Réunions"][1]] == ["Date", "Instance"]
    assert settings.value("bilan/dossier") == str(tmp_path)


@pytest.mark.parametrize("kind", ["pdf", "ics"])
def test_export_pdf_and_ics(page, qtbot, tmp_path, kind):
    target = tmp_path / f"bilan.{kind}"
    page.ask_path = lambda _kind: target
    page.runner.open_file = lambda path: None
    page.format.setCurrentIndex(page.format.findData(kind))
    assert page.columns_action.isEnabled() is False
    with qtbot.waitSignal(page.export_finished, timeout=30_000):
        page.export()
    assert target.read_bytes()[:9] in (b"%PDF-1.4\n", b"BEGIN:VCA")


def test_locked_target_offers_to_retry(page, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "bilan.xlsx"
    page.ask_path = lambda kind: target
    page.format.setCurrentIndex(page.format.findData("xlsx"))
    page.runner.open_file = lambda path: None
    real_replace = atomic.os.replace
    attempts = []

    def locked_once(src, dst):
        attempts.append(dst)
        if len(attempts) <= atomic.REPLACE_ATTEMPTS:  # the first export: the file is open in Excel
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", locked_once)
    monkeypatch.setattr(atomic, "REPLACE_PAUSE_S", 0)
    questions = []
    page.runner.ask_retry = lambda message: questions.append(message) or True  # « Réessayer »
    with qtbot.waitSignal(page.export_finished, timeout=30_000):
        page.export()
    assert questions == [f"Le fichier « {target} » est ouvert dans un autre programme (Excel ?). "
                         "Fermez-le puis réessayez."]
    assert openpyxl.load_workbook(target).sheetnames[:2] == ["Présentation", "Synthèse"]


def test_locked_target_cancelled(page, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "bilan.pdf"
    page.ask_path = lambda kind: target
    page.format.setCurrentIndex(page.format.findData("pdf"))
    monkeypatch.setattr(atomic.os, "replace", lambda s, d: (_ for _ in ()).throw(PermissionError(13, "x")))
    monkeypatch.setattr(atomic, "REPLACE_PAUSE_S", 0)
    page.runner.ask_retry = lambda message: False  # « Annuler »
    with qtbot.waitSignal(page.export_failed, timeout=30_000) as failed:
        page.export()
    assert "est ouvert dans un autre programme (Excel ?)" in failed.args[0]
    assert not target.exists()


def test_cancelled_file_choice_writes_nothing(page, tmp_path):
    page.ask_path = lambda kind: None
    page.export()
    assert not page.runner.busy


def test_default_file_name(page):
    page.set_years(2026)
    path = page.default_path("xlsx")
    assert path.name == "Bilan CTG 2026.xlsx"
    page.set_scope(page.current_scope().commune(next(
        r for r in page.bilan.etp.lines if r.name == "Carvin").organisation_id))
    assert page.default_path("pdf").name == "Bilan CTG 2026 - Carvin (62215).pdf"


def test_in_the_main_window(demo_ctx, settings, qtbot):
    from ctgdesk.ui.main_window import MainWindow
    from ctgdesk.ui.pages import PAGES, PageSpec

    specs = [*PAGES, PageSpec("bilan", "ctgdesk.ui.pages.bilan", "BilanPage")]
    settings.setValue("bilan/format", "pdf")
    window = MainWindow(demo_ctx, settings=settings, page_specs=specs)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("bilan")
    assert isinstance(page, BilanPage) and page.settings is settings
    assert page.format.currentData() == "pdf"  # the format last used, from the window's settings
    assert page.model.rowCount() == 20
    page.format.setCurrentIndex(page.format.findData("ics"))
    assert settings.value("bilan/format") == "ics"
