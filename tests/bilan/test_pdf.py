"""The COPIL report, read back: text (pdftotext or pypdf), page count, fonts, logos."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader

from ctgdesk.exchange import atomic
from ctgdesk.exchange.atomic import TargetLocked
from ctgdesk.exchange.bilan_pdf import write_bilan_pdf
from ctgdesk.services.bilan import compute_bilan

PRODUCED = datetime(2026, 12, 15, 10, 30)


@pytest.fixture
def bilan(session, today):
    return compute_bilan(session, 2026, today=today, produced_at=PRODUCED)


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def text_of(path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_report_content(bilan, out):
    path = write_bilan_pdf(bilan, out / "bilan.pdf")
    reader = PdfReader(path)
    pages = len(reader.pages)
    assert 6 <= pages <= 9
    assert reader.metadata.title == "Bilan 2026 de la Convention Territoriale Globale"
    assert reader.metadata.author == "ctgdesk"
    text = one_line(text_of(path))
    for expected in [
        "Bilan 2026 de la Convention Territoriale Globale",
        "CTG Artois Sud 2026-2030",
        "Sommaire",
        "1. Chiffres clés", "2. En graphiques", "3. Décisions depuis le dernier COPIL (COPIL du 15/10/2026)",
        "4. Alertes ouvertes", "5. Avancement du plan d'action", "6. Indicateurs du référentiel national",
        "7. ETP de coordination : CTG 1 (2025) → CTG Artois Sud 2026-2030 (2026)",
        "Ouvrir un second café des parents",  # the decision since the last COPIL
        "Permanences toujours sans local",  # the open alert
        "Créer une micro-crèche",
        "Réunions tenues par instance (2026)",
        "Fiches actions par statut (4 fiches, dont 1 en retard)",
        "Association Parents & Cœur",
        "Source : ctgdesk, CTG Artois Sud 2026-2030 (Communauté d'Artois Sud), données au 15/12/2026",
        "Produit le 15/12/2026 à 10:30 avec ctgdesk",
        "↗ hausse", "↘ baisse", "→ stable",
    ]:
        assert expected in text, expected
    assert f"page {pages} / {pages}" in text and f"page 2 / {pages}" in text
    assert "page 1 /" not in text  # no footer on the cover
    # decisions of the earlier COPIL are not "since the last COPIL"
    section3 = text.split("3. Décisions depuis")[2].split("4. Alertes ouvertes")[0]
    assert "Valider le plan d'action 2026" not in section3
    # contents, on page 2: each section with its page number
    contents = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    assert "Sommaire" in contents
    numbers = re.findall(r"^(\d\. [^.]+?|Source des données)[ .]*(\d+)$", contents, flags=re.M)
    assert [title for title, _ in numbers][:2] == ["1. Chiffres clés", "2. En graphiques"]
    assert len(numbers) == 8
    assert all(3 <= int(page) <= pages for _, page in numbers)


def test_indicator_numbers_in_the_report(bilan, out):
    text = one_line(text_of(write_bilan_pdf(bilan, out / "b.pdf")))
    section = text.split("6. Indicateurs du référentiel national")[-1]
    assert re.search(r"1\.1-S1 Nombre de réunions de l'instance de pilotage .*? Suivi 2 COPIL CTG du 12/03/2026", section)
    assert re.search(r"3\.1-E1 .*? Évaluation 7 Association : 1", section)
    assert re.search(r"3\.2-E1 .*? Évaluation — ", section)  # not entered: a light mark, explained below
    assert "— : indicateur d'appréciation que les chargé·e·s de coopération n'ont pas encore renseigné" in section


def test_fonts_are_embedded_dejavu_only(bilan, out):
    path = write_bilan_pdf(bilan, out / "b.pdf")
    reader = PdfReader(path)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            assert "/FontDescriptor" in font and "/FontFile2" in font["/FontDescriptor"].get_object()
    assert {f.split("+")[-1] for f in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_every_french_character_and_euro_round_trip(bilan, out):
    phrase = "Œuvre çà et là : « élève », îlot, où, août, Noël, cœur, 12 € — àâæçéèêëîïôœùûüÿ ÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ"
    bilan.decisions_since_copil = [replace(bilan.decisions_since_copil[0], text=phrase)]
    text = one_line(text_of(write_bilan_pdf(bilan, out / "b.pdf")))
    assert phrase in text


def test_logos_of_the_signatories_on_the_cover(bilan, out):
    path = write_bilan_pdf(bilan, out / "b.pdf")
    cover = PdfReader(path).pages[0]
    images = [name for name, obj in cover["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 2  # Caf and EPCI; Bruay has no logo, Houdain's is not an image: skipped
    assert "Signataires : Caf du Pas-de-Calais, Communauté d'Artois Sud, Bruay-la-Buissière, Houdain" in one_line(
        text_of(path))


def test_without_convention_nor_data(tmp_path, out):
    from ctgdesk.db.engine import make_engine, make_session_factory
    from ctgdesk.models import Base
    from ctgdesk.services.referential import ensure_referential

    engine = make_engine(tmp_path / "vide.sqlite")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        ensure_referential(session)
        path = write_bilan_pdf(compute_bilan(session, 2026), out / "vide.pdf")
    engine.dispose()
    text = one_line(text_of(path))
    assert "Aucune réunion tenue sur la période." in text
    assert "Aucune alerte ouverte." in text and "Aucun ETP de coordination renseigné." in text


def test_long_lists_are_capped(bilan, out, monkeypatch):
    from ctgdesk.exchange import bilan_pdf

    monkeypatch.setattr(bilan_pdf, "MAX_TABLE_ROWS", 2)
    bilan.decisions_since_copil = [replace(bilan.decisions_since_copil[0], id=i, text=f"Décision {i}")
                                   for i in range(5)]
    text = one_line(text_of(write_bilan_pdf(bilan, out / "b.pdf")))
    assert "Décision 1" in text and "Décision 2" not in text
    assert "… et 3 autre(s) décisions : la liste complète est dans le classeur Excel du bilan." in text


def test_locked_pdf(bilan, out, monkeypatch):
    target = out / "bilan.pdf"
    target.write_bytes(b"%PDF ancien")
    monkeypatch.setattr(atomic.os, "replace", lambda src, dst: (_ for _ in ()).throw(PermissionError(13, "x")))
    monkeypatch.setattr(atomic, "REPLACE_PAUSE_S", 0)
    with pytest.raises(TargetLocked, match="est ouvert dans un autre programme \\(Excel \\?\\). Fermez-le puis"):
        write_bilan_pdf(bilan, target)
    assert target.read_bytes() == b"%PDF ancien"
    assert [p.name for p in out.iterdir()] == ["bilan.pdf"]
