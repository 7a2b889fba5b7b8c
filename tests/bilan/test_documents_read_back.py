"""The bilan documents as their readers meet them, read back from the files: the COPIL's PDF
(pdftotext, word by word with positions) and the CAF's workbook (openpyxl)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, time

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries
from sqlalchemy import select

from ctgdesk.exchange import bilan_pdf
from ctgdesk.exchange.bilan_pdf import CONTENT_WIDTH, STYLES, write_bilan_pdf
from ctgdesk.exchange.bilan_xlsx import write_bilan_xlsx
from ctgdesk.exchange.csv_export import csv_text
from ctgdesk.models import Decision, DecisionStatus
from ctgdesk.services.bilan import compute_bilan

PRODUCED = datetime(2026, 12, 15, 10, 30)
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")

# every header of the report's tables
PDF_HEADERS = [
    "Indicateur", "Valeur", "Détail", "Nom", "ETP 2026", "Communes / structures", "Employeur",
    "Date", "Instance", "Décision", "Porteur", "Échéance", "Statut",
    "Émise le", "Alerte", "Fiche action", "Émise par",
    "N°", "Pilote", "Avancement", "Indicateurs (cible / réalisé)",
    "Code", "Type", "Nombre", "Nature", "Commentaire",
    "Commune / structure", "ETP 2025", "Pers.", "Évolution", "Chargé·e·s de coopération",
]


@pytest.fixture
def bilan(session, today):
    return compute_bilan(session, 2026, today=today, produced_at=PRODUCED)


def pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def pdf_pages(path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout.split("\f")


def pdf_words(path) -> list[tuple[int, float, float, float, str]]:
    """(page, x min, y min, y max, word) of every word pdftotext sees."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
        if found:
            words.append((page, float(found[1]), float(found[2]), float(found[3]), html.unescape(found[4])))
    return words


def words_cut_in_two(path, vocabulary: list[str]) -> set[str]:
    """The words of `vocabulary` the PDF prints in two pieces, one under the other in the same
    column ("Avanceme" / "nt", or "Avance-" / "ment")."""
    whole = {word for text in vocabulary for word in text.split()}
    words = pdf_words(path)
    cut = set()
    for page, x, top, bottom, first in words:
        for page2, x2, top2, _, second in words:
            if page2 == page and abs(x2 - x) < 1.5 and 0 < top2 - bottom < 6:
                for joined in (first + second, first.rstrip("-") + second):
                    if joined in whole and first != joined:
                        cut.add(joined)
    return cut


# --- the PDF for the COPIL ------------------------------------------------------------------------

@needs_pdftotext
def test_no_a_saisir_in_the_report_but_a_light_mark_explained(bilan, tmp_path):
    assert bilan.indicator("3.2-E1").value is None  # manual, not entered
    text = pdf_text(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    assert "saisir" not in text.casefold()
    assert re.search(r"3\.2-E1 .*? Évaluation — ", text)
    assert "— : indicateur d'appréciation que les chargé·e·s de coopération n'ont pas encore renseigné" in text


@needs_pdftotext
def test_no_header_word_is_cut_in_two(bilan, tmp_path):
    path = write_bilan_pdf(bilan, tmp_path / "b.pdf")
    assert words_cut_in_two(path, PDF_HEADERS) == set()
    words = {w for *_, w in pdf_words(path)}
    assert {"Avancement", "Échéance", "Commentaire", "Évolution", "Chargé·e·s"} <= words


@needs_pdftotext
def test_the_cut_detector_sees_a_cut_header(bilan, tmp_path, monkeypatch):
    # the columns as the fractions ask, and a header word allowed to break: "Avanceme" / "nt"
    monkeypatch.setattr(bilan_pdf, "_fitted_widths", lambda header, fractions: [f * CONTENT_WIDTH for f in fractions])
    monkeypatch.setattr(STYLES["head"], "splitLongWords", 1)
    path = write_bilan_pdf(bilan, tmp_path / "b.pdf")
    assert "Avancement" in words_cut_in_two(path, PDF_HEADERS)


def test_each_header_word_fits_its_column():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from ctgdesk.exchange.pdf_charts import FONT_BOLD, register_fonts

    register_fonts()
    header = ["N°", "Fiche action", "Pilote", "Statut", "Avancement", "Indicateurs (cible / réalisé)"]
    fractions = [0.06, 0.25, 0.18, 0.12, 0.11, 0.28]
    widths = bilan_pdf._fitted_widths(header, fractions)
    assert sum(widths) == pytest.approx(sum(fractions) * CONTENT_WIDTH)
    for text, width in zip(header, widths):
        for word in text.split():
            assert stringWidth(word, FONT_BOLD, bilan_pdf.HEAD_SIZE) + 2 * bilan_pdf.CELL_PADDING <= width, word
    assert widths[4] > fractions[4] * CONTENT_WIDTH  # "Avancement" was too narrow: widened


@needs_pdftotext
def test_decisions_still_open_and_overdue_from_before_the_last_copil(bilan, session, today, tmp_path):
    text = pdf_text(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    section = text.split("3. Décisions depuis le dernier COPIL")[2].split("4. Alertes ouvertes")[0]
    assert "Ouvrir un second café des parents" in section  # since the COPIL of 15/10/2026
    earlier = section.split("Décisions prises avant le COPIL du 15/10/2026, toujours ouvertes et dont l'échéance "
                            "est passée (1)")[1]
    # taken on 12/03/2026, due 30/06/2026, still "en cours" on 15/12/2026
    assert "12/03/2026 COPIL CTG Lancer l'étude micro-crèche" in earlier and "30/06/2026 En cours" in earlier
    assert "Valider le plan d'action 2026" not in section  # done
    assert "Préparer le renouvellement de la CTG" not in section  # open, but without a due date

    decision = session.scalars(select(Decision).where(Decision.text == "Lancer l'étude micro-crèche")).one()
    decision.status = DecisionStatus.DONE
    session.flush()
    done = compute_bilan(session, 2026, today=today, produced_at=PRODUCED)
    assert done.overdue_before_copil == []
    text = pdf_text(write_bilan_pdf(done, tmp_path / "c.pdf"))
    assert "toujours ouvertes et dont l'échéance est passée" not in text


@needs_pdftotext
def test_source_line_names_the_convention_and_the_date(bilan, tmp_path):
    text = pdf_text(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    source = "Source : ctgdesk, CTG Artois Sud 2026-2030 (Communauté d'Artois Sud), données au 15/12/2026"
    assert text.count(source) == 2  # on the cover and in "Source des données"
    assert "ctgdesk-test.sqlite" not in text and "base " not in text
    assert "Données saisies par Mehdi Benali, Claire Lefèvre." in text


@needs_pdftotext
def test_etp_people_total_says_what_it_counts(bilan, tmp_path):
    text = pdf_text(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    assert "Total (somme des structures) 1,00 3 1,20 3 ↗ hausse" in text
    assert ("Personnes : le total est la somme des personnes de chaque commune / structure, comme les annexes des "
            "conventions les comptent ; une personne qui travaille pour plusieurs communes ou structures y est "
            "comptée une fois pour chacune (3 en 2026 pour 2 chargé·e·s de coopération distinct·e·s).") in text


@needs_pdftotext
# 46 to 49 lines: without the table's NOSPLIT the total row (or its notes) went alone to the next
# page (checked when this was written); the first assertion says if a layout change moved that point
@pytest.mark.parametrize("lines", [46, 47, 48, 49])
def test_etp_total_row_stays_with_its_table(bilan, tmp_path, lines):
    base = bilan.etp.lines[0]
    bilan.etp = replace(bilan.etp, lines=tuple(replace(base, name=f"Commune {i:03d}") for i in range(lines)))
    pages = pdf_pages(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    first = next(i for i, page in enumerate(pages) if "Commune 000" in page)
    total = next(i for i, page in enumerate(pages) if "Total (somme des" in page)
    assert total > first  # the table is split over two pages…
    assert f"Commune {lines - 1:03d}" in pages[total]  # …and its last line goes with the total
    assert "Personnes : le total est la somme" in pages[total]


@needs_pdftotext
def test_natures_are_summarised_in_the_report_and_whole_in_the_workbook(bilan, tmp_path):
    result = bilan.indicator("1.1-E1")
    assert len(result.items) == 4
    last = "Ouvrir un second café des parents (COPIL CTG du 15/10/2026)"
    assert last in result.nature
    assert result.nature_summary == ("Valider le plan d'action 2026 (COPIL CTG du 12/03/2026) ; Lancer l'étude "
                                     "micro-crèche (COPIL CTG du 12/03/2026) ; Étendre les horaires du RPE "
                                     "(Groupe d'élus du 05/05/2026) ; … et 1 autre(s)")
    text = pdf_text(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    indicators = text.split("6. Indicateurs du référentiel national")[2].split("7. ETP de coordination")[0]
    assert "Étendre les horaires du RPE (Groupe d'élus du 05/05/2026) ; … et 1 autre(s) (liste complète dans " \
           "le classeur Excel)" in indicators
    assert last not in indicators
    sheet = openpyxl.load_workbook(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))["Indicateurs"]
    natures = {row[2]: row[6] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert natures["1.1-E1"] == result.nature and last in natures["1.1-E1"]


# --- the workbook for the CAF ---------------------------------------------------------------------

def test_times_are_times(bilan, tmp_path):
    sheet = openpyxl.load_workbook(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))["Réunions"]
    assert sheet["B1"].value == "Heure"
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(bilan.meetings) == 10
    assert [c.value for c in cells] == [m.starts_at.time() for m in bilan.meetings]
    assert all(isinstance(c.value, time) and c.number_format == "hh:mm" for c in cells)
    assert cells[1].value == time(14, 0)  # the COPIL of 12/03/2026 at 14:00
    assert csv_text(time(14, 0)) == "14:00"


def test_summary_reads_code_indicator_number_nature(bilan, tmp_path):
    sheet = openpyxl.load_workbook(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))["Synthèse"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(("Code", "Indicateur", "Nombre", "Nature", None, None))
    assert rows[header + 1][0] == "1.1 : Exercice d'une fonction de conseil auprès des élus et des comités de pilotage"
    first = bilan.indicator("1.1-S1")
    assert rows[header + 2][:4] == ("1.1-S1", first.text, 2, first.nature_summary)
    by_code = {r[0]: r for r in rows[header + 1:] if r[0] and re.fullmatch(r"\d\.\d-[SE]\d", r[0])}
    assert len(by_code) == 20
    assert by_code["3.1-E1"][2] == 7 and by_code["3.2-E1"][2] is None
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"D{header + 3}:F{header + 3}" in merged  # the nature across the last columns


def test_first_sheet_says_what_for_whom_which_period_and_when(bilan, tmp_path):
    workbook = openpyxl.load_workbook(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))
    assert workbook.sheetnames[0] == "Présentation"
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Bilan 2026 de la Convention Territoriale Globale"
    assert rows[1][0] == "Classeur pour la Caf du Pas-de-Calais"
    facts = {r[0]: r[1] for r in rows if r[0] and r[1] is not None}
    assert facts["Ce classeur"].startswith("Le bilan 2026 de la Convention Territoriale Globale : les indicateurs "
                                           "du référentiel national")
    assert facts["Pour"].startswith("La Caf du Pas-de-Calais, signataire de la convention")
    assert facts["Période"] == "2026 (du 01/01/2026 au 31/12/2026)"
    assert facts["Convention"] == "CTG Artois Sud 2026-2030 (2026–2030), signée le 02/03/2026"
    assert facts["Produit le"] == PRODUCED
    assert facts["Source"] == "Source : ctgdesk, CTG Artois Sud 2026-2030 (Communauté d'Artois Sud), données au 15/12/2026"
    assert [name for name in facts if name in workbook.sheetnames] == workbook.sheetnames[1:]
    assert facts["Réunions"].startswith("Les 10 réunion(s) de la période")


def print_scale(sheet) -> float:
    """The scale a spreadsheet prints the sheet at, fitted to the width of A4 landscape: column
    widths in pixels (width × 7 + 5 for Calibri 11), against the page less the margins."""
    used = sum(int((sheet.column_dimensions[get_column_letter(c)].width or 8.43) * 7 + 5) * 0.75
               for c in range(1, sheet.max_column + 1))
    room = 842 - 72 * (sheet.page_margins.left + sheet.page_margins.right)
    return min(1.0, room / used)


def test_every_sheet_prints_on_a4_landscape_at_a_readable_size(bilan, tmp_path):
    workbook = openpyxl.load_workbook(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))
    assert len(workbook.worksheets) == 7
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0), \
            sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
        assert sheet.print_title_rows in ("$1:$1", "$1:$2"), sheet.title
        assert print_scale(sheet) >= 0.66, (sheet.title, print_scale(sheet))  # Calibri 11 printed at 7 pt or more
    assert workbook["Synthèse"].print_title_rows == "$1:$2"


def header_cells(sheet):
    """The header cells of a sheet's tables (row 1 of a long sheet; the blue rows of the others),
    each with the width of the columns it spans."""
    spans = {}
    for merged in sheet.merged_cells.ranges:
        first, row, last, _ = range_boundaries(str(merged))
        spans[(row, first)] = last
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value and cell.fill.fgColor.rgb and cell.fill.fgColor.rgb.endswith("1F4E79"):
                last = spans.get((cell.row, cell.column), cell.column)
                width = sum(sheet.column_dimensions[get_column_letter(c)].width for c in range(cell.column, last + 1))
                yield cell, width


def test_headers_are_never_cut(bilan, tmp_path):
    workbook = openpyxl.load_workbook(write_bilan_xlsx(bilan, tmp_path / "b.xlsx"))
    seen = 0
    for sheet in workbook.worksheets:
        tables = bool(sheet.tables)
        for cell, width in header_cells(sheet):
            seen += 1
            longest = max(len(word) for word in str(cell.value).split())
            # the word on one line, and room for the filter button of a table's header
            assert width >= longest + (3 if tables else 0), (sheet.title, cell.value, width)
            assert cell.alignment.wrap_text, (sheet.title, cell.value)
            if len(str(cell.value)) + (3 if tables else 0) > width:  # wraps: its row is as tall as its lines
                assert sheet.row_dimensions[cell.row].height >= 30, (sheet.title, cell.value)
    assert seen == 9 + 12 + 10 + 13 + 7 + 3 + 5 + 4 + 2  # every header of every table was checked
    meetings = workbook["Réunions"]
    assert meetings.column_dimensions["J"].width >= len("Participants") + 3  # was 12: "Participants" cut


@needs_pdftotext
def test_a_long_list_of_overdue_decisions_keeps_the_most_recent(bilan, tmp_path, monkeypatch):
    monkeypatch.setattr(bilan_pdf, "MAX_TABLE_ROWS", 2)
    old = bilan.overdue_before_copil[0]
    bilan.overdue_before_copil = [replace(old, id=i, text=f"Décision ancienne {i}") for i in range(5)]
    text = pdf_text(write_bilan_pdf(bilan, tmp_path / "b.pdf"))
    assert "toujours ouvertes et dont l'échéance est passée (5)" in text
    assert "Décision ancienne 3" in text and "Décision ancienne 4" in text
    assert "Décision ancienne 2" not in text
    # these are not in the workbook (it lists the period's decisions): the note does not send there
    assert "… et 3 autre(s) décisions plus anciennes, toujours ouvertes et en retard, non reprises ici." in text
