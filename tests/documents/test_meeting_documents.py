"""Each document of a meeting, in each format, read back: the date in French, the place, every
participant with their attendance, every decision with porteur and échéance, the alert."""

from __future__ import annotations

import email
from email import policy

import pytest

from ctgdesk.exchange.meeting_files import suggested_filename, write_document, write_draft
from ctgdesk.models import AttendanceStatus
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.meeting_documents import (
    compte_rendu,
    convocation,
    dossier_copil,
    emargement,
    find_meeting_id,
    meeting_document,
    releve,
)
from tests.documents.helpers import read_back, section

DATE = "mardi 14 octobre 2025"
PLACE = "Salle du conseil, mairie de Sainville"
DECISIONS = [("Chercher un local pour la micro-crèche", "Bernard Lheureux", "31/12/2025"),
             ("Diffuser le bilan aux conseils municipaux", "Caf du Nord", "15/11/2025")]
ALERT = "Aucun local disponible pour la micro-crèche"
FORMATS = ("pdf", "docx")


def test_the_data_of_a_compte_rendu_is_the_record(session, copil):
    document = compte_rendu(session, copil.meeting_id)
    assert document.meeting.date_label == DATE
    assert document.meeting.time_label == "de 14h00 à 16h30"
    assert document.meeting.place == PLACE
    assert document.meeting.communes == ("Ville de Sainville",)
    assert document.meeting.agenda == ("Bilan de l'année", "Plan d'action 2026", "Questions diverses")
    assert [len(logo.data) > 0 for logo in document.meeting.logos] == [True, True]
    assert {p.name: p.status for p in document.participants} == copil.names
    assert [p.usual_member for p in document.participants] == [True] * 5 + [False]
    assert [(d.text, d.carried_by.split(" (")[0], d.due_label) for d in document.decisions] == DECISIONS
    assert [d.status.label for d in document.decisions] == ["À faire", "Réalisée"]
    assert document.decisions[0].fiche == "1.1.1 Ouvrir une micro-crèche"
    assert [(a.text, a.fiche, a.state_label) for a in document.alerts] == [
        (ALERT, "1.1.1 Ouvrir une micro-crèche", "Ouverte")]
    assert [(e.expert, e.organisation) for e in document.expertises] == [("Observatoire Caf", "Caf du Nord")]
    assert document.follow_up == []  # nothing earlier in this instance


def test_the_next_meeting_follows_the_open_decisions_of_the_earlier_one(session, copil):
    document = compte_rendu(session, copil.next_meeting_id)
    assert [(d.text, d.status.label, d.meeting_title) for d in document.follow_up] == [
        ("Chercher un local pour la micro-crèche", "À faire", "COPIL d'automne du 14/10/2025")]
    # the planned meeting: everyone invited, no attendance recorded yet
    assert {p.status for p in document.participants} == {None}
    assert len(document.participants) == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_next_compte_rendu_lists_earlier_open_decisions(session, copil, tmp_path, fmt):
    path = write_document(compte_rendu(session, copil.next_meeting_id), fmt, tmp_path / f"cr.{fmt}")
    follow = section(read_back(path), "Suivi des décisions", None)
    assert "Chercher un local pour la micro-crèche" in follow and "À faire" in follow
    assert "Diffuser le bilan" not in follow  # done: not followed any more


@pytest.mark.parametrize("fmt", FORMATS)
def test_convocation(session, copil, tmp_path, fmt):
    text = read_back(write_document(convocation(session, copil.meeting_id), fmt, tmp_path / f"c.{fmt}"))
    assert "Convocation" in text and DATE in text and PLACE in text and "de 14h00 à 16h30" in text
    assert "Bilan de l'année" in text and "Plan d'action 2026" in text
    for name in copil.names:
        assert name in text
    assert "CTG Sainville 2024-2028" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_emargement_has_one_line_per_invited_person_and_blank_lines(session, copil, tmp_path, fmt):
    document = emargement(session, copil.meeting_id)
    path = write_document(document, fmt, tmp_path / f"e.{fmt}")
    text = read_back(path)
    assert "Feuille d'émargement" in text and DATE in text and PLACE in text
    signatures = section(text, "Signature", "ligne(s) libre(s)")
    for name in copil.names:
        assert name in signatures
    assert "6 personne(s) invitée(s) ; 6 ligne(s) libre(s)" in text
    if fmt == "docx":
        from docx import Document

        tables = Document(str(path)).tables
        signature_table = tables[-1]
        assert [c.text for c in signature_table.rows[0].cells] == ["Nom et prénom", "Structure", "Signature"]
        assert len(signature_table.rows) == 1 + 6 + document.blank_lines
        assert all(row.cells[2].text == "" for row in signature_table.rows[1:])
        assert signature_table.rows[1].height.cm == pytest.approx(1.3, abs=0.01)
    else:
        from pypdf import PdfReader

        page = PdfReader(str(path)).pages[0]
        assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4


@pytest.mark.parametrize("fmt", FORMATS)
def test_compte_rendu(session, copil, tmp_path, fmt):
    text = read_back(write_document(compte_rendu(session, copil.meeting_id), fmt, tmp_path / f"cr.{fmt}"))
    assert DATE in text and PLACE in text
    present = section(text, "Présents (4)", "Excusés (1)")
    excused = section(text, "Excusés (1)", "Absents (1)")
    absent = section(text, "Absents (1)", "Ordre du jour")
    for name, status in copil.names.items():
        where = {AttendanceStatus.PRESENT: present, AttendanceStatus.EXCUSED: excused,
                 AttendanceStatus.ABSENT: absent}[status]
        assert name in where, (name, status)
    assert "La micro-crèche prend du retard faute de local." in text
    decisions = section(text, "Relevé de décisions", "Alertes au COPIL")
    for decision, carrier, due in DECISIONS:
        assert decision in decisions and carrier in decisions and due in decisions
    assert "Échéance" in decisions and "Statut" in decisions and "Réalisée" in decisions
    alerts = section(text, "Alertes au COPIL", "Expertises mobilisées")
    assert ALERT in alerts and "Ouverte" in alerts
    assert "Observatoire Caf" in section(text, "Expertises mobilisées", "Suivi des décisions")
    assert "Aucune décision en attente" in section(text, "Suivi des décisions", None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_releve(session, copil, tmp_path, fmt):
    text = read_back(write_document(releve(session, copil.meeting_id), fmt, tmp_path / f"r.{fmt}"))
    assert "Relevé de décisions" in text and DATE in text and PLACE in text
    for decision, carrier, due in DECISIONS:
        assert decision in text and carrier in text and due in text
    assert ALERT in text
    present = section(text, "Présents (4) :", "Décisions")
    for name, status in copil.names.items():
        assert (name in present) == (status is AttendanceStatus.PRESENT)


def test_the_eml_draft(session, copil, tmp_path):
    document = compte_rendu(session, copil.meeting_id)
    path = write_draft(document, "pdf", tmp_path / "brouillon.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == f"Compte rendu — COPIL d'automne du {DATE}"
    assert {address.addr_spec for address in message["To"].addresses} == copil.emails
    assert "Chantal Obry" not in str(message["To"])
    body = message.get_body(("plain",)).get_content()
    assert DATE in body and PLACE in body and "Plan d'action 2026" in body
    note = body[body.index("pas d'adresse électronique"):]
    assert "Chantal Obry" in note and "Farid Zerrouki" in note and "Anne Mercier" not in note
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == [suggested_filename(document, "pdf")]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content().startswith(b"%PDF")


def test_a_territory_model_is_used(session, copil, tmp_path):
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    model = Document()
    model.sections[0].header.paragraphs[0].text = "Pays de Sainville — papier à en-tête"
    custom = model.styles.add_style("Titre Sainville", WD_STYLE_TYPE.PARAGRAPH)
    custom.font.size = Pt(20)
    model.styles["Normal"].font.name = "Marianne"
    model.add_paragraph("Texte du modèle, à effacer", style="Titre Sainville")
    model.save(tmp_path / "modele.docx")

    path = write_document(compte_rendu(session, copil.meeting_id), "docx", tmp_path / "cr.docx",
                          model_path=tmp_path / "modele.docx")
    written = Document(str(path))
    assert written.sections[0].header.paragraphs[0].text == "Pays de Sainville — papier à en-tête"
    assert written.styles["Titre Sainville"].font.size == Pt(20)  # the model's styles are kept
    assert written.styles["Normal"].font.name == "Marianne"
    text = " ".join(p.text for p in written.paragraphs)
    assert "Texte du modèle, à effacer" not in text and "Compte rendu" in text and DATE in text
    # the header keeps the letterhead: the logos went to the top of the body
    assert written.element.body.xpath(".//w:drawing") and not written.sections[0].header._element.xpath(
        ".//w:drawing")


def test_without_a_model_the_logos_are_in_the_page_header(session, copil, tmp_path):
    from docx import Document

    path = write_document(convocation(session, copil.meeting_id), "docx", tmp_path / "c.docx")
    header = Document(str(path)).sections[0].header
    assert len(header._element.xpath(".//w:drawing")) == 2


def test_a_model_that_is_not_a_docx_is_refused_in_french(session, copil, tmp_path):
    from ctgdesk.exchange.atomic import ExportError

    (tmp_path / "faux.docx").write_text("pas un document")
    with pytest.raises(ExportError, match="n'est pas un document .docx lisible"):
        write_document(convocation(session, copil.meeting_id), "docx", tmp_path / "c.docx",
                       model_path=tmp_path / "faux.docx")
    assert not (tmp_path / "c.docx").exists()


def test_the_dossier_is_refused_for_a_meeting_that_is_not_a_copil(session, copil):
    from ctgdesk.models import InstanceKind
    from ctgdesk.services import meetings

    instance = meetings.create_instance(session, name="Comité technique", kind=InstanceKind.COTECH)
    session.flush()
    other = meetings.save_meeting(session, meetings.MeetingInput(instance_id=instance.id,
                                                                 starts_at=copil_date(), title="Groupe n°1"))
    with pytest.raises(ValidationError, match="ne concerne que les COPIL"):
        dossier_copil(session, other.id)
    assert meeting_document(session, copil.meeting_id, "dossier").meeting.date_label == DATE


def copil_date():
    from datetime import datetime

    return datetime(2026, 1, 12, 10, 0)


def test_a_meeting_is_found_by_id_or_uid(session, copil):
    document = convocation(session, copil.meeting_id)
    assert find_meeting_id(session, str(copil.meeting_id)) == copil.meeting_id
    assert find_meeting_id(session, document.meeting.uid) == copil.meeting_id
    assert find_meeting_id(session, "999999") is None
