"""The Excel bilan, read back with openpyxl: sheets, exact cell values, formats, tables, print setup."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, time
from decimal import Decimal

import openpyxl
import pytest

from ctgdesk.exchange import atomic
from ctgdesk.exchange.atomic import TargetLocked
from ctgdesk.exchange.bilan_xlsx import BilanXlsxOptions, write_bilan_xlsx
from ctgdesk.models import DecisionStatus, InstanceKind, MeetingStatus
from ctgdesk.services import meetings
from ctgdesk.services.bilan import DecisionLine, MeetingLine, compute_bilan
from ctgdesk.services.meetings import DecisionInput, MeetingInput
from tests.bilan.territory import NOW

PRODUCED = datetime(2026, 12, 15, 10, 30)


@pytest.fixture
def bilan(session, today):
    return compute_bilan(session, 2026, today=today, produced_at=PRODUCED)


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def load(path):
    return openpyxl.load_workbook(path)


def rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_sheets_and_properties(bilan, out):
    path = write_bilan_xlsx(bilan, out / "bilan.xlsx")
    workbook = load(path)
    assert workbook.sheetnames == ["Présentation", "Synthèse", "Indicateurs", "Réunions", "Décisions et alertes", "Plan d'action",
                                   "ETP"]
    assert workbook.properties.title == "Bilan 2026 de la Convention Territoriale Globale"
    assert workbook.properties.creator == "ctgdesk"
    assert workbook.properties.created == PRODUCED
    assert [p.name for p in out.iterdir()] == ["bilan.xlsx"]  # no temporary file left


def test_summary_sheet(bilan, tmp_path):
    sheet = load(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))["Synthèse"]
    values = rows(sheet)
    assert values[0][0] == "Bilan 2026 de la Convention Territoriale Globale"
    assert values[1][0] == "CTG Artois Sud 2026-2030 — Ensemble du territoire"
    facts = {r[0]: r[1] for r in values if r[0] and r[1] is not None}
    assert facts["Période"] == "2026"
    assert facts["Convention"] == "CTG Artois Sud 2026-2030 (2026–2030), signée le 02/03/2026"
    assert facts["Source"] == ("Source : ctgdesk, CTG Artois Sud 2026-2030 (Communauté d'Artois Sud), "
                               "données au 15/12/2026")
    assert facts["Produit le"] == PRODUCED
    figures = {r[0]: r[2] for r in values if r[0] and r[2] is not None}  # label across A:B, value in C
    assert figures["Réunions tenues"] == 8
    assert figures["ETP de coordination 2026"] == pytest.approx(1.2)
    assert figures["Claire Lefèvre"] == pytest.approx(0.4)
    etp_cell = next(c for row in sheet.iter_rows() for c in row if c.value == pytest.approx(1.2) and c.column == 3)
    assert etp_cell.number_format == "0.00"


def test_indicator_sheet(bilan, tmp_path):
    sheet = load(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))["Indicateurs"]
    values = rows(sheet)
    assert values[0] == ("Objectif", "Fonction", "Code", "Indicateur", "Suivi / évaluation", "Nombre", "Nature",
                         "Commentaire", "Mode de calcul")
    assert len(values) == 21
    first = values[1]
    assert first[2:7] == ("1.1-S1", "Nombre de réunions de l'instance de pilotage (uniquement pour le coopérateur "
                          "chef de projet CTG): préparation et animation des réunions, relevé de décision, fonction "
                          "d'alerte", "Suivi", 2,
                          "COPIL CTG du 12/03/2026 (Lancement CTG 2) ; COPIL CTG du 15/10/2026")
    assert first[1] == "1.1 : Exercice d'une fonction de conseil auprès des élus et des comités de pilotage"
    by_code = {r[2]: r for r in values[1:]}
    assert by_code["3.2-E1"][5] is None  # manual, not entered
    assert by_code["3.1-E1"][5] == 7
    assert by_code["1.1-E1"][4] == "Évaluation"
    assert sheet.freeze_panes == "B2"
    assert list(sheet.tables) == ["Indicateurs"] and sheet.tables["Indicateurs"].ref == "A1:I21"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet["A1"].font.bold and sheet["A1"].fill.start_color.rgb.endswith("1F4E79")
    assert sheet.column_dimensions["D"].width == 40
    # a tall row: its height fits the wrapped texts, its plain cells are top-aligned (the default
    # format, which Excel uses, and the row format, which LibreOffice uses)
    assert sheet.row_dimensions[3].height >= 45
    assert sheet["C3"].alignment.vertical == "top" and sheet["F3"].alignment.vertical == "top"
    assert sheet.row_dimensions[3].alignment.vertical == "top"
    assert sheet["G3"].alignment.wrap_text is True
    validation = sheet.data_validations.dataValidation[0]
    assert str(validation.sqref) == "E2:E21" and validation.formula1 == '"Suivi,Évaluation"'


def test_meeting_sheet(bilan, tmp_path):
    sheet = load(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))["Réunions"]
    values = rows(sheet)
    assert values[0] == ("Date", "Heure", "Instance", "Type d'instance", "Intitulé", "Statut", "Commune(s)", "Lieu",
                         "Animée par", "Participants présents", "Décisions", "Alertes")
    assert len(values) == 1 + len(bilan.meetings) == 11
    copil = next(r for r in values if r[4] == "Lancement CTG 2")
    assert copil == (datetime(2026, 3, 12), time(14, 0), "COPIL CTG", "COPIL", "Lancement CTG 2", "Tenue",
                     "Bruay-la-Buissière, Divion, Houdain", "Mairie", "Claire Lefèvre", 3, 2, 0)
    assert sheet["A2"].number_format == "dd/mm/yyyy"
    formulas = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert formulas["F2:F11"] == '"Prévue,Tenue,Annulée"'
    assert formulas["D2:D11"].startswith('"COPIL,COTECH,Comité opérationnel,')
    assert sheet.tables["Reunions"].ref == "A1:L11"
    assert sheet.tables["Reunions"].autoFilter.ref == "A1:L11"


def test_decisions_alerts_plan_and_etp_sheets(bilan, tmp_path):
    workbook = load(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))
    decisions = rows(workbook["Décisions et alertes"])
    assert decisions[0] == ("Type", "Date", "Instance", "Texte", "Porteur / émise par", "Échéance", "Statut",
                            "Fiche action", "Levée le", "Résolution")
    assert [r[0] for r in decisions[1:]].count("Décision") == 5
    assert ("Décision", datetime(2026, 3, 12), "COPIL CTG", "Lancer l'étude micro-crèche", "Jean Dupré",
            datetime(2026, 6, 30), "En cours", "1.1.1 Créer une micro-crèche", None, None) in decisions
    assert ("Alerte", datetime(2026, 10, 15), "COPIL CTG", "Permanences toujours sans local", "Claire Lefèvre",
            None, "Ouverte", "3.1.1 Permanences France services", None, None) in decisions
    plan = rows(workbook["Plan d'action"])
    assert plan[1] == ("1 Petite enfance", "1.1 Développer l'accueil", "1.1.1", "Créer une micro-crèche",
                       "Bruay-la-Buissière", "En cours", 60, "Oui", datetime(2026, 1, 1), datetime(2026, 6, 30),
                       120000, 0, "Places créées : cible 10 places, réalisé 4 places")
    assert workbook["Plan d'action"]["K2"].number_format == '#,##0.00 "€"'
    etp_sheet = workbook["ETP"]
    etp = rows(etp_sheet)
    assert etp[0] == ("Commune / structure", "ETP 2025", "Personnes 2025", "ETP 2026", "Personnes 2026",
                      "Évolution", "Chargé·e·s de coopération")
    assert etp[1] == ("Bruay-la-Buissière", 0.5, 1, 0.8, 1, "↗ hausse", "Mehdi Benali")
    assert etp[2][5] == "↘ baisse" and etp[3][5] == "→ stable"
    assert etp[4] == ("Marles-les-Mines", None, None, "En cours", None, "? à préciser", None)
    assert etp[5][:6] == ("Total (somme des structures)", 1.0, 3, 1.2, 3, "↗ hausse")
    assert etp_sheet["B2"].number_format == "0.00"
    assert etp_sheet.tables["ETP"].ref == "A1:G5"  # the totals row is below the table


def test_column_choice(bilan, tmp_path):
    options = BilanXlsxOptions(columns={"Réunions": ["Instance", "date", "participants"],
                                        "Plan d'action": ["numero", "Statut"]})
    workbook = load(write_bilan_xlsx(bilan, tmp_path / "b.xlsx", options))
    meetings_sheet = rows(workbook["Réunions"])
    assert meetings_sheet[0] == ("Instance", "Date", "Participants présents")
    assert meetings_sheet[1] == ("Groupe parentalité", datetime(2026, 2, 10), 3)
    assert rows(workbook["Plan d'action"])[0] == ("N°", "Statut")
    assert workbook["Indicateurs"].max_column == 9  # untouched
    with pytest.raises(ValueError, match="Colonne\\(s\\) inconnue\\(s\\) pour « Réunions » : couleur"):
        write_bilan_xlsx(bilan, tmp_path / "c.xlsx", BilanXlsxOptions(columns={"Réunions": ["couleur"]}))
    assert not (tmp_path / "c.xlsx").exists()


def test_texts_are_never_formulas_and_control_characters_go(bilan, tmp_path):
    tricky = replace(bilan.decisions[0], text="=SOMME(A1:A9)\x0bsuite")
    bilan.decisions[0] = tricky
    bilan.meetings[0] = replace(bilan.meetings[0], title="=1+1")
    workbook = load(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))
    texts = [r[3] for r in rows(workbook["Décisions et alertes"])]
    assert "=SOMME(A1:A9) suite" in texts
    cell = next(c for c in workbook["Décisions et alertes"]["D"] if c.value == "=SOMME(A1:A9) suite")
    assert cell.data_type == "s"
    assert workbook["Réunions"]["E2"].value == "=1+1" and workbook["Réunions"]["E2"].data_type == "s"


def test_adding_a_copil_and_exporting_again_raises_exactly_two_numbers(session, territory, today, tmp_path):
    def numbers(path):
        return {r[2]: r[5] for r in rows(load(path)["Indicateurs"])[1:]}

    before = numbers(write_bilan_xlsx(compute_bilan(session, 2026, today=today), tmp_path / "avant.xlsx"))
    meetings.save_meeting(session, MeetingInput(
        instance_id=territory["copil"], starts_at=datetime(2026, 11, 5, 14), status=MeetingStatus.HELD,
        decisions=[DecisionInput("Renouveler le diagnostic")]), now=NOW)
    after = numbers(write_bilan_xlsx(compute_bilan(session, 2026, today=today), tmp_path / "apres.xlsx"))
    assert {code: after[code] - (before[code] or 0) for code in before if after[code] != before[code]} == {
        "1.1-S1": 1, "1.1-E1": 1}


def test_locked_target_keeps_the_old_file(bilan, out, monkeypatch):
    target = out / "bilan.xlsx"
    target.write_bytes(b"ancien contenu")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", locked)
    monkeypatch.setattr(atomic, "REPLACE_PAUSE_S", 0)
    with pytest.raises(TargetLocked) as caught:
        write_bilan_xlsx(bilan, target)
    assert str(caught.value) == (f"Le fichier « {target} » est ouvert dans un autre programme (Excel ?). "
                                 "Fermez-le puis réessayez.")
    assert caught.value.path == target
    assert target.read_bytes() == b"ancien contenu"
    assert [p.name for p in out.iterdir()] == ["bilan.xlsx"]


def test_empty_bilan_still_makes_valid_tables(tmp_path):
    from ctgdesk.db.engine import make_engine, make_session_factory
    from ctgdesk.models import Base
    from ctgdesk.services.referential import ensure_referential

    engine = make_engine(tmp_path / "vide.sqlite")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        ensure_referential(session)
        path = write_bilan_xlsx(compute_bilan(session, 2026), tmp_path / "vide.xlsx")
    engine.dispose()
    workbook = load(path)
    assert workbook["Réunions"].tables["Reunions"].ref == "A1:L2"
    assert rows(workbook["Réunions"]) == [rows(workbook["Réunions"])[0]]


def test_unused_imports_stay_used():
    # keep the enum imports honest: the labels used in the drop-downs are the models' labels
    assert InstanceKind.COPIL.label == "COPIL" and DecisionStatus.OPEN.label == "À faire"
    assert MeetingLine and DecisionLine and Decimal and os
