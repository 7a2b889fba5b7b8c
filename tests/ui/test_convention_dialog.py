"""The convention form on the Territoire page: signatories with their logos, order, perimeter,
errors next to the fields, delete and undo — and the logo on the COPIL report's cover."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from ctgdesk.models import Convention, OrganisationKind
from ctgdesk.services import plan, snapshots, territory
from ctgdesk.services.territory import ConventionInput, SignatoryInput
from ctgdesk.ui.pages.territory import TerritoryPage


@pytest.fixture
def orgs(ctx):
    with ctx.db.transaction() as s:
        return {
            name: territory.create_organisation(s, name=name, kind=kind).id
            for name, kind in [("Caf du Pas-de-Calais", OrganisationKind.CAF),
                               ("CC du Ternois", OrganisationKind.EPCI),
                               ("Frévent", OrganisationKind.COMMUNE), ("Hesdin", OrganisationKind.COMMUNE),
                               ("Auxi-le-Château", OrganisationKind.COMMUNE)]
        }


@pytest.fixture
def page(ctx, orgs, qtbot):
    widget = TerritoryPage(ctx)
    qtbot.addWidget(widget)
    ctx.signals.data_changed.connect(widget.refresh)
    widget.show()
    widget.refresh()
    return widget


@pytest.fixture
def logo_file(tmp_path):
    """A real PNG file, 120 × 48, as a user would pick it."""
    path = tmp_path / "logo-caf.png"
    image = QImage(120, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#d04a02"))
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def file_dialog(monkeypatch):
    """QFileDialog.getOpenFileName answers with `answer["path"]`; the calls are recorded."""
    answer = {"path": ""}
    calls = []

    def pick(parent, caption, folder, file_filter, *args, **kwargs):
        calls.append((caption, file_filter))
        return answer["path"], file_filter

    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    return answer, calls


def list_texts(dialog) -> list[str]:
    return [dialog.signatory_list.item(n).text() for n in range(dialog.signatory_list.count())]


def stored(ctx, uid: str) -> ConventionInput:
    with ctx.db.transaction() as s:
        return territory.convention_input(s, snapshots.id_of(s, Convention, uid))


def convention_names(page) -> list[str]:
    return [page.conventions_model.row(n).name for n in range(page.conventions_model.rowCount())]


def make_convention(ctx, orgs, logo: bytes) -> str:
    with ctx.db.transaction() as s:
        return territory.save_convention(s, ConventionInput(
            "CTG du Ternois 2025-2029", "Ternois", 2025, 2029,
            signatories=[SignatoryInput(orgs["Caf du Pas-de-Calais"], "La directrice", logo, "logo-caf.png"),
                         SignatoryInput(orgs["CC du Ternois"], "Le président")],
            perimeter_ids=[orgs["Frévent"], orgs["Hesdin"]],
        )).uid


def test_create_with_two_signatories_a_logo_and_an_order_then_undo(page, ctx, orgs, qtbot, logo_file, file_dialog,
                                                                   tmp_path):
    answer, calls = file_dialog
    assert not page.edit_convention_action.isEnabled()
    page.new_convention_action.trigger()
    dialog = page.convention_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Nouvelle convention"
    assert (dialog.first_year.value(), dialog.last_year.value()) == (2026, 2030)
    qtbot.keyClicks(dialog.name, "CTG du Ternois 2025-2029")
    dialog.territory.setText("Communauté de communes du Ternois")  # QTest types ASCII only
    dialog.first_year.set_value(2025)
    dialog.last_year.set_value(2029)

    # Two signatories: the Caf is offered first, then the organisation picker changes the second.
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.representative, "La directrice")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.organisation.set_current_key(orgs["Frévent"])
    qtbot.keyClicks(dialog.representative, "Le maire")
    assert list_texts(dialog) == ["1. Caf du Pas-de-Calais — La directrice (sans logo)",
                                  "2. Frévent — Le maire (sans logo)"]

    # The Caf's logo, from a file.
    dialog.signatory_list.setCurrentRow(0)
    assert dialog.representative.text() == "La directrice"
    assert not dialog.clear_logo_button.isEnabled()
    answer["path"] = str(logo_file)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert calls == [("Logo de « Caf du Pas-de-Calais »", "Images PNG ou JPEG (*.png *.jpg *.jpeg *.PNG *.JPG *.JPEG)")]
    assert dialog.thumbnail.pixmap().width() > 0
    assert dialog.logo_info.text().startswith("logo-caf.png — 120 × 48 pixels, ")
    assert dialog.clear_logo_button.isEnabled()
    assert list_texts(dialog)[0] == "1. Caf du Pas-de-Calais — La directrice"

    # Frévent signs first.
    dialog.signatory_list.setCurrentRow(1)
    assert not dialog.down_button.isEnabled()
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert list_texts(dialog) == ["1. Frévent — Le maire (sans logo)", "2. Caf du Pas-de-Calais — La directrice"]
    assert dialog.signatory_list.currentRow() == 0 and not dialog.up_button.isEnabled()

    # Perimeter: the filter, then "Tout cocher" ticks what is shown only.
    qtbot.keyClicks(dialog.perimeter_filter, "hesd")
    qtbot.mouseClick(dialog.tick_all_button, Qt.MouseButton.LeftButton)
    dialog.perimeter_filter.clear()
    dialog.perimeter.set_checked(orgs["CC du Ternois"])
    assert dialog.perimeter_count.text() == "2 sur 4 cochée(s)"  # 3 communes and the EPCI; the Caf is no perimeter

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    saved = stored(ctx, dialog.saved_uid)
    assert [(s.organisation_id, s.representative, s.logo_filename) for s in saved.signatories] == [
        (orgs["Frévent"], "Le maire", None), (orgs["Caf du Pas-de-Calais"], "La directrice", "logo-caf.png")]
    assert saved.signatories[1].logo == logo_file.read_bytes()
    assert saved.perimeter_ids == sorted([orgs["Hesdin"], orgs["CC du Ternois"]])
    row = page.conventions_model.row(0)
    assert (row.name, row.years, row.signatories) == (
        "CTG du Ternois 2025-2029", "2025–2029", "Frévent, Caf du Pas-de-Calais")
    assert page.conventions_model.index(0, 5).data() == "1 sur 2"  # logos: one missing, in orange
    assert page.conventions_model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole) is not None

    # Undo the creation, redo it: the logo comes back with it.
    assert ctx.undo_stack.undoText() == "Créer la convention « CTG du Ternois 2025-2029 »"
    ctx.undo_stack.undo()
    assert convention_names(page) == []
    ctx.undo_stack.redo()
    assert convention_names(page) == ["CTG du Ternois 2025-2029"]
    assert stored(ctx, dialog.saved_uid).signatories[1].logo == logo_file.read_bytes()

    # The COPIL report of 2026 shows that logo on its cover.
    from ctgdesk.exchange.bilan_pdf import write_bilan_pdf
    from ctgdesk.services.bilan import compute_bilan

    with ctx.db.transaction() as s:
        bilan = compute_bilan(s, 2026, produced_at=datetime(2026, 12, 15, 10, 30))
    assert [line.logo_filename for line in bilan.convention.signatories] == [None, "logo-caf.png"]
    path = write_bilan_pdf(bilan, tmp_path / "bilan.pdf")
    cover = PdfReader(path).pages[0]
    images = [obj.get_object() for obj in cover["/Resources"].get("/XObject", {}).values()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert [(image["/Width"], image["/Height"]) for image in images] == [(120, 48)]


def test_edit_shows_a_year_error_next_to_the_field_then_saves_and_undoes(page, ctx, orgs, qtbot, logo_file):
    uid = make_convention(ctx, orgs, logo_file.read_bytes())
    page.refresh()
    view = page.conventions_view
    index = view.model().index(0, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert page.edit_convention_action.isEnabled()
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    dialog = page.convention_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Modifier la convention"
    assert (dialog.name.text(), dialog.first_year.value(), dialog.last_year.value()) == (
        "CTG du Ternois 2025-2029", 2025, 2029)
    assert list_texts(dialog) == ["1. Caf du Pas-de-Calais — La directrice", "2. CC du Ternois — Le président (sans logo)"]
    assert dialog.perimeter.checked_keys() == [orgs["Frévent"], orgs["Hesdin"]]  # shown by name

    dialog.first_year.set_value(2027)
    dialog.last_year.set_value(2026)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors.message("last_year") == "La dernière année (2026) précède la première (2027)."
    assert dialog.last_year.edit.property("invalid") is True
    assert dialog.errors.message("first_year") == "" and dialog.errors.message() == ""
    dialog.last_year.set_value(2038)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("last_year") == "Une convention de 12 ans ? 10 ans au plus."
    assert stored(ctx, uid).first_year == 2025  # nothing saved yet

    dialog.last_year.set_value(2031)
    dialog.signatory_list.setCurrentRow(1)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    after = stored(ctx, uid)
    assert (after.first_year, after.last_year, len(after.signatories)) == (2027, 2031, 1)
    assert page.conventions_model.row(0).years == "2027–2031"

    assert ctx.undo_stack.undoText() == "Modifier la convention « CTG du Ternois 2025-2029 »"
    ctx.undo_stack.undo()
    before = stored(ctx, uid)
    assert (before.first_year, before.last_year) == (2025, 2029)
    assert [s.representative for s in before.signatories] == ["La directrice", "Le président"]
    assert before.signatories[0].logo == logo_file.read_bytes()
    ctx.undo_stack.redo()
    assert stored(ctx, uid).last_year == 2031


def test_logo_refusals_show_under_the_logo_in_french(page, ctx, orgs, qtbot, tmp_path, file_dialog, logo_file):
    answer, _calls = file_dialog
    page.new_convention_action.trigger()
    dialog = page.convention_dialog
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    big = tmp_path / "logo-hd.png"
    big.write_bytes(logo_file.read_bytes() + b"\x00" * (3 * 1024 * 1024))
    answer["path"] = str(big)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("logo") == (
        "Le logo « logo-hd.png » pèse 3 Mo : 2 Mo au plus. "
        "Réduisez l'image (ou enregistrez-la en JPEG) puis choisissez-la de nouveau.")
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a" + b"\x00" * 64)
    answer["path"] = str(gif)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("logo") == "Le logo « logo.gif » n'est pas une image PNG ou JPEG."
    assert dialog.current_line().logo is None and dialog.thumbnail.text() == "Pas de logo"

    answer["path"] = ""  # the user closes the file dialog: nothing changes
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    answer["path"] = str(logo_file)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("logo") == ""
    qtbot.mouseClick(dialog.clear_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.current_line().logo is None and dialog.logo_info.text() == "PNG ou JPEG, 2 Mo au plus."

    # The same organisation twice: said under the list, nothing saved.
    qtbot.keyClicks(dialog.name, "CTG")
    qtbot.keyClicks(dialog.territory, "Ternois")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.organisation.set_current_key(orgs["Caf du Pas-de-Calais"])
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("signatories") == (
        "« Caf du Pas-de-Calais » figure deux fois parmi les signataires (n°1 et n°2).")
    assert convention_names(page) == []
    dialog.reject()


def test_delete_with_confirmation_then_undo_restores_signatories_logo_and_perimeter(
        page, ctx, orgs, logo_file, accept_questions):
    uid = make_convention(ctx, orgs, logo_file.read_bytes())
    page.refresh()
    before = stored(ctx, uid)
    page.delete_convention_action.trigger()  # the only convention: no need to select it
    assert accept_questions == [
        "Supprimer la convention « CTG du Ternois 2025-2029 », ses 2 signataire(s) et leurs logos ?\n\n"
        "Vous pourrez revenir en arrière avec Édition ▸ Annuler (Ctrl+Z)."]
    assert convention_names(page) == []
    assert page.header.subtitle.text() == "Aucune convention ne couvre 2026."

    ctx.undo_stack.undo()
    assert convention_names(page) == ["CTG du Ternois 2025-2029"]
    after = stored(ctx, uid)
    assert after == before
    assert after.signatories[0].logo == logo_file.read_bytes()
    assert after.perimeter_ids == sorted([orgs["Frévent"], orgs["Hesdin"]])
    ctx.undo_stack.redo()
    assert convention_names(page) == []


def test_delete_refused_while_the_convention_has_a_plan(page, ctx, orgs, logo_file, accept_questions,
                                                       warnings_shown):
    uid = make_convention(ctx, orgs, logo_file.read_bytes())
    with ctx.db.transaction() as s:
        enjeu = plan.create_enjeu(s, snapshots.id_of(s, Convention, uid), "Petite enfance")
        plan.create_fiche(s, plan.create_objectif(s, enjeu.id, "Accueil").id, number="1.1.1", title="Crèche")
    page.refresh()
    page.delete_convention_action.trigger()
    assert warnings_shown == [
        "La convention « CTG du Ternois 2025-2029 » ne peut pas être supprimée : elle a 1 enjeu et 1 fiche action "
        "dans son plan d'action. Supprimez-les d'abord (page Plan d'action)."]
    assert convention_names(page) == ["CTG du Ternois 2025-2029"]
    assert ctx.undo_stack.count() == 0
