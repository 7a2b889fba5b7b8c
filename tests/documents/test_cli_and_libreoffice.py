"""`ctgdesk export meeting …` on a database file, and LibreOffice opening each .docx."""

from __future__ import annotations

import email
import shutil
import subprocess
from email import policy

import pytest

from ctgdesk.cli import main
from tests.documents.helpers import pdf_text, read_back

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("doc", ["convocation", "emargement", "compte-rendu", "releve", "dossier"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_export_meeting_each_document(copil_db, tmp_path, capsys, doc, fmt):
    path, copil = copil_db
    target = tmp_path / f"{doc}.{fmt}"
    code, out, err = run(capsys, "--db", path, "export", "meeting", str(copil.meeting_id), "--doc", doc,
                         "--format", fmt, "--out", str(target))
    assert code == 0, err
    assert "(mardi 14 octobre 2025) écrit dans" in out
    text = read_back(target)
    assert "mardi 14 octobre 2025" in text and "Salle du conseil, mairie de Sainville" in text
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file, renamed


def test_export_meeting_by_uid_with_email(copil_db, tmp_path, capsys):
    path, copil = copil_db
    from ctgdesk.db import open_database
    from ctgdesk.models import Meeting

    database = open_database(path)
    with database.transaction() as session:
        uid = session.get(Meeting, copil.meeting_id).uid
    database.dispose()
    target = tmp_path / "brouillon.eml"
    code, out, err = run(capsys, "--db", path, "export", "meeting", uid, "--doc", "compte-rendu", "--email",
                         "--out", str(target))
    assert code == 0, err
    message = email.message_from_bytes(target.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert {a.addr_spec for a in message["To"].addresses} == copil.emails
    attachment = next(message.iter_attachments())
    assert attachment.get_filename().endswith(".pdf")
    (tmp_path / "piece.pdf").write_bytes(attachment.get_content())
    assert "Chercher un local pour la micro-crèche" in pdf_text(tmp_path / "piece.pdf")


def test_export_meeting_refusals(copil_db, tmp_path, capsys):
    path, copil = copil_db
    from ctgdesk.db import open_database
    from ctgdesk.models import InstanceKind
    from ctgdesk.services import meetings

    database = open_database(path)
    with database.transaction() as session:
        instance = meetings.create_instance(session, name="Comité technique", kind=InstanceKind.COTECH)
        session.flush()
        from datetime import datetime

        cotech = meetings.save_meeting(session, meetings.MeetingInput(
            instance_id=instance.id, starts_at=datetime(2026, 2, 3, 10), title="COTECH de février")).id
    database.dispose()
    code, _out, err = run(capsys, "--db", path, "export", "meeting", str(cotech), "--doc", "dossier",
                          "--out", str(tmp_path / "d.pdf"))
    assert code == 1
    assert "Le dossier de séance ne concerne que les COPIL : « COTECH de février »" in err
    assert not (tmp_path / "d.pdf").exists()
    code, _out, err = run(capsys, "--db", path, "export", "meeting", "424242", "--doc", "releve",
                          "--out", str(tmp_path / "r.pdf"))
    assert code == 1 and "Aucune réunion n'a l'identifiant (ou l'uid) « 424242 »" in err
    code, _out, err = run(capsys, "--db", path, "export", "meeting", str(copil.meeting_id), "--doc", "releve",
                          "--email", "--out", str(tmp_path / "r.pdf"))
    assert code == 1 and "--out BROUILLON.eml" in err


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) absent: scripts/bootstrap.sh test installs it")
def test_libreoffice_opens_every_docx(copil_db, tmp_path, capsys):
    path, copil = copil_db
    documents = ["convocation", "emargement", "compte-rendu", "releve", "dossier"]
    for doc in documents:
        assert run(capsys, "--db", path, "export", "meeting", str(copil.meeting_id), "--doc", doc, "--out",
                   str(tmp_path / f"{doc}.docx"))[0] == 0
    out = tmp_path / "pdf"
    out.mkdir()
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *[str(tmp_path / f"{doc}.docx") for doc in documents]],
        capture_output=True, text=True, timeout=240,
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{doc}.pdf" for doc in documents)
    compte_rendu = pdf_text(out / "compte-rendu.pdf")
    assert "mardi 14 octobre 2025" in compte_rendu and "Chercher un local pour la micro-" in compte_rendu
    assert "Farid Zerrouki" in pdf_text(out / "emargement.pdf")


def test_the_id_is_the_one_export_csv_meetings_shows(copil_db, tmp_path, capsys):
    import csv

    path, copil = copil_db
    assert run(capsys, "--db", path, "export", "csv", "meetings", "--out", str(tmp_path / "m.csv"))[0] == 0
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    line = next(r for r in rows[1:] if r[rows[0].index("Intitulé")] == "COPIL d'automne")
    shown = line[rows[0].index("Identifiant")]
    code, out, err = run(capsys, "--db", path, "export", "meeting", shown, "--doc", "releve", "--out",
                         str(tmp_path / "r.pdf"))
    assert code == 0, err
    assert shown == str(copil.meeting_id)
    assert "Relevé de décisions de « COPIL d'automne » (mardi 14 octobre 2025)" in out
