"""An e-mail draft (.eml, RFC 5322) sending a meeting document to its participants — never sent.

`X-Unsent: 1` makes Outlook open the file as a new message ready to send; Thunderbird opens it
and "Modifier comme nouveau message" (Ctrl+E) turns it into one. ctgdesk itself sends nothing.
"""

from __future__ import annotations

import mimetypes
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr
from pathlib import Path

from ctgdesk.exchange.atomic import write_bytes_atomic
from ctgdesk.services.meeting_documents import DossierCopil, MeetingDocument


def draft_message(document: MeetingDocument | DossierCopil, attachment: Path | str) -> EmailMessage:
    """The draft: To = the participants with an e-mail address; the others named in the body."""
    attachment = Path(attachment)
    meeting = document.meeting
    with_address = [p for p in document.participants if p.email]
    without = [p for p in document.participants if not p.email]
    message = EmailMessage(policy=SMTP)
    message["Subject"] = f"{document.title} — {meeting.name} du {meeting.date_label}"
    if with_address:
        message["To"] = ", ".join(formataddr((p.name, p.email)) for p in with_address)
    message["X-Unsent"] = "1"
    lines = [
        "Madame, Monsieur,",
        "",
        f"Veuillez trouver ci-joint le document « {document.title} » de la réunion « {meeting.name} » "
        f"({meeting.instance}).",
        "",
        f"Date : {meeting.date_label}, {meeting.time_label}",
        f"Lieu : {meeting.place or 'à préciser'}",
    ]
    if meeting.agenda:
        lines += ["", "Ordre du jour :", *[f"  - {item}" for item in meeting.agenda]]
    if without:
        lines += ["", "Note : ces participant·e·s n'ont pas d'adresse électronique enregistrée et ne sont pas "
                      "dans les destinataires :", *[f"  - {p.display}" for p in without]]
    lines += ["", "Bien cordialement,", "", meeting.animator or ""]
    message.set_content("\n".join(lines).rstrip() + "\n", charset="utf-8")
    mime, _ = mimetypes.guess_type(attachment.name)
    maintype, subtype = (mime or "application/octet-stream").split("/", 1)
    message.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment.name)
    return message


def write_eml(document: MeetingDocument | DossierCopil, attachment: Path | str, path: Path | str) -> Path:
    """Write the draft to `path` (through a temporary file)."""
    path = Path(path)
    write_bytes_atomic(path, bytes(draft_message(document, attachment)))
    return path
