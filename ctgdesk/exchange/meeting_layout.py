"""What each meeting document says, in order, as format-neutral blocks.

The .docx and the PDF writers render the same blocks (meeting_docx.py, meeting_pdf.py): the
two formats of a document cannot say different things. Takes the plain data of
services/meeting_documents.py, never a session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ctgdesk.formatting import long_date, short_date
from ctgdesk.models import AttendanceStatus
from ctgdesk.services.meeting_documents import DossierCopil, MeetingDocument, MeetingHeader

SIGNATURE_ROW_CM = 1.3


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "normal"  # normal | note | strong


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Facts:
    """Label / value pairs (date, lieu…), no header."""
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Grid:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width
    row_height_cm: float | None = None  # signature boxes
    empty: str = ""  # said instead of an empty table


@dataclass
class Layout:
    title: str
    subtitle: str
    header_line: str  # convention — territory, above the title
    logos: tuple[tuple[str, bytes], ...]
    blocks: list = field(default_factory=list)
    footer: str = ""
    landscape: bool = False


def _facts(meeting: MeetingHeader) -> Facts:
    rows = [("Instance", meeting.instance), ("Date", meeting.date_label.capitalize()),
            ("Horaire", meeting.time_label.capitalize()), ("Lieu", meeting.place or "à préciser")]
    if meeting.communes:
        rows.append(("Commune(s)", ", ".join(meeting.communes)))
    if meeting.animator:
        rows.append(("Animation", meeting.animator))
    return Facts(tuple(rows))


AGENDA_NUMBER = re.compile(r"^\s*(?:\d+\s*[.)°-]|[-•*])\s*")


def _agenda(meeting: MeetingHeader) -> list:
    """The items numbered once: "1. Actualités" typed in the record loses its own "1."."""
    blocks: list = [Heading("Ordre du jour")]
    if meeting.agenda:
        blocks.append(Bullets(tuple(AGENDA_NUMBER.sub("", item) or item for item in meeting.agenda), numbered=True))
    else:
        blocks.append(Text("Ordre du jour non renseigné.", "note"))
    return blocks


def _base(title: str, meeting: MeetingHeader, produced) -> Layout:
    header_line = " — ".join(x for x in (meeting.convention, meeting.territory) if x)
    return Layout(
        title=title, subtitle=f"{meeting.name} — {meeting.date_label}", header_line=header_line,
        logos=tuple((logo.organisation, logo.data) for logo in meeting.logos),
        footer=f"{title} — {meeting.name} du {short_date(meeting.starts_at.date())} — produit le "
               f"{short_date(produced.date())} avec ctgdesk",
    )


def _decision_rows(decisions, with_meeting: bool = False) -> tuple[tuple[str, ...], ...]:
    rows = []
    for d in decisions:
        text = d.text + (f" (fiche {d.fiche})" if d.fiche else "")
        row = [text, d.carried_by or "—", d.due_label, d.status.label]
        if with_meeting:
            row.insert(0, d.meeting_title)
        rows.append(tuple(row))
    return tuple(rows)


def _decisions_grid(decisions, empty: str) -> Grid:
    return Grid(("Décision", "Porteur", "Échéance", "Statut"), _decision_rows(decisions),
                (0.46, 0.24, 0.15, 0.15), empty=empty)


def _alerts_grid(alerts) -> Grid:
    return Grid(("Alerte", "Fiche action", "Émise le", "État"),
                tuple((a.text, a.fiche or "—", short_date(a.raised_on), a.state_label) for a in alerts),
                (0.4, 0.23, 0.15, 0.22), empty="Aucune alerte au COPIL.")


def _people_list(people) -> Bullets | Text:
    if not people:
        return Text("Personne.", "note")
    return Bullets(tuple(f"{p.display}" + (f", {p.role}" if p.role else "") for p in people))


def layout(document: MeetingDocument | DossierCopil) -> Layout:
    if isinstance(document, DossierCopil):
        return _dossier(document)
    return {"convocation": _convocation, "emargement": _emargement, "compte-rendu": _compte_rendu,
            "releve": _releve}[document.kind](document)


def _convocation(doc: MeetingDocument) -> Layout:
    meeting = doc.meeting
    page = _base("Convocation", meeting, doc.produced_at)
    page.blocks += [
        Text(f"Madame, Monsieur,"),
        Text(f"Vous êtes invité·e à la réunion « {meeting.name} » ({meeting.instance}) qui se tiendra le "
             f"{meeting.date_label}, {meeting.time_label}, {('à : ' + meeting.place) if meeting.place else 'lieu à préciser'}."),
        _facts(meeting), *_agenda(meeting), Heading("Personnes invitées"),
        Grid(("Nom", "Structure", "Fonction"),
             tuple((p.name, p.structure if p.structure != p.name else "—", p.role or "—") for p in doc.participants),
             (0.32, 0.4, 0.28), empty="Aucune personne invitée n'est enregistrée."),
        Text("Merci de confirmer votre présence ou de vous faire excuser auprès de "
             f"{meeting.animator or 'l’animateur·rice de la réunion'}.", "note"),
    ]
    return page


def _emargement(doc: MeetingDocument) -> Layout:
    meeting = doc.meeting
    page = _base("Feuille d'émargement", meeting, doc.produced_at)
    rows = [(p.name, p.structure if p.structure != p.name else "—", "") for p in doc.participants]
    rows += [("", "", "")] * doc.blank_lines
    page.blocks += [
        _facts(meeting),
        Heading("Signatures"),
        Grid(("Nom et prénom", "Structure", "Signature"), tuple(rows), (0.32, 0.36, 0.32),
             row_height_cm=SIGNATURE_ROW_CM),
        Text(f"{len(doc.participants)} personne(s) invitée(s) ; {doc.blank_lines} ligne(s) libre(s) pour les "
             "participants non prévus.", "note"),
    ]
    return page


def _attendance(doc: MeetingDocument) -> list:
    blocks: list = [Heading("Participants")]
    unknown = doc.with_status(None)
    if len(unknown) < len(doc.participants):  # some attendance recorded: the three lists, even empty
        for status, label in ((AttendanceStatus.PRESENT, "Présents"), (AttendanceStatus.EXCUSED, "Excusés"),
                              (AttendanceStatus.ABSENT, "Absents")):
            people = doc.with_status(status)
            blocks += [Text(f"{label} ({len(people)})", "strong"), _people_list(people)]
    if unknown:
        blocks += [Text(f"Présence non renseignée ({len(unknown)})", "strong"), _people_list(unknown)]
    return blocks


def _compte_rendu(doc: MeetingDocument) -> Layout:
    meeting = doc.meeting
    page = _base("Compte rendu", meeting, doc.produced_at)
    page.blocks += [_facts(meeting), *_attendance(doc), *_agenda(meeting), Heading("Compte rendu")]
    paragraphs = [p.strip() for p in doc.minutes.split("\n\n") if p.strip()]
    page.blocks += [Text(p) for p in paragraphs] or [Text("Compte rendu non rédigé.", "note")]
    page.blocks += [Heading("Relevé de décisions"), _decisions_grid(doc.decisions, "Aucune décision.")]
    page.blocks += [Heading("Alertes au COPIL"), _alerts_grid(doc.alerts)]
    page.blocks += [Heading("Expertises mobilisées")]
    if doc.expertises:
        page.blocks.append(Grid(("Expert·e", "Structure", "Sujet"),
                                tuple((e.expert or "—", e.organisation or "—", e.subject) for e in doc.expertises),
                                (0.28, 0.3, 0.42)))
    else:
        page.blocks.append(Text("Aucune expertise mobilisée.", "note"))
    page.blocks += [
        Heading("Suivi des décisions"),
        Text("Décisions des réunions précédentes de l'instance encore à faire ou en cours.", "note"),
        Grid(("Réunion", "Décision", "Porteur", "Échéance", "Statut"), _decision_rows(doc.follow_up, True),
             (0.19, 0.33, 0.18, 0.15, 0.15), empty="Aucune décision en attente des réunions précédentes."),
    ]
    return page


def _releve(doc: MeetingDocument) -> Layout:
    meeting = doc.meeting
    page = _base("Relevé de décisions", meeting, doc.produced_at)
    present = doc.with_status(AttendanceStatus.PRESENT)
    page.blocks += [
        _facts(meeting),
        Text(f"Présents ({len(present)}) : " + (", ".join(p.display for p in present) or "—")),
        Heading("Décisions"), _decisions_grid(doc.decisions, "Aucune décision."),
    ]
    if doc.alerts:
        page.blocks += [Heading("Alertes au COPIL"), _alerts_grid(doc.alerts)]
    return page


def _dossier(doc: DossierCopil) -> Layout:
    meeting = doc.meeting
    page = _base("Dossier de séance du COPIL", meeting, doc.produced_at)
    if doc.previous_copil is not None:
        since = (f"Ce qui a changé depuis le COPIL précédent (« {doc.previous_copil.name} », "
                 f"{doc.previous_copil.date_label}) jusqu'à cette séance : {doc.period_label}.")
    else:
        since = f"Premier COPIL enregistré : période {doc.period_label}."
    page.blocks += [_facts(meeting), Text(since, "note"), *_agenda(meeting)]
    page.blocks += [Heading("Chiffres clés"),
                    Grid(("Indicateur", "Valeur", "Source"),
                         tuple((k.label, k.value, k.source) for k in doc.key_figures), (0.36, 0.14, 0.5))]
    page.blocks += [
        Heading("Plan d'action : fiches modifiées ou suivies"),
        Grid(("Fiche", "Statut", "Avancement", "Suivi de la période"),
             tuple((f"{c.number} {c.title}", c.status.label, f"{c.progress} %",
                    "\n".join(c.status_changes + c.follow_ups
                              + ((f"fiche modifiée le {short_date(c.modified_on)}",) if c.modified_on else ())))
                   for c in doc.fiche_changes),
             (0.32, 0.13, 0.15, 0.4), empty="Aucune fiche modifiée ni suivie sur la période."),
        Heading("Fiches en retard ou bloquées"),
        Grid(("Fiche", "Statut", "Fin prévue", "Retard / blocage"),
             tuple((f"{f.number} {f.title}", f.status.label, short_date(f.end_date) or "—",
                    "; ".join(x for x in ("en retard" if f.late else "", f.blocking) if x) or "—")
                   for f in doc.late_or_blocked),
             (0.32, 0.13, 0.15, 0.4), empty="Aucune fiche en retard ni bloquée."),
        Heading("Valeurs d'indicateurs saisies"),
        Grid(("Fiche", "Indicateur", "Année", "Valeur", "Cible", "Saisie le"),
             tuple((v.fiche, v.indicator, str(v.year), v.value, v.target or "—", short_date(v.entered_on))
                   for v in doc.indicator_values),
             (0.24, 0.26, 0.09, 0.13, 0.13, 0.15), empty="Aucune valeur d'indicateur saisie sur la période."),
        Heading("Alertes au COPIL émises sur la période"),
        Grid(("Alerte", "Fiche action", "Émise le", "Réunion", "État"),
             tuple((a.text, a.fiche or "—", short_date(a.raised_on), a.meeting_title or "—", a.state_label)
                   for a in doc.alerts),
             (0.3, 0.17, 0.13, 0.2, 0.2), empty="Aucune alerte émise sur la période."),
        Heading("Décisions des COPIL précédents et leur suivi"),
        Grid(("Réunion", "Décision", "Porteur", "Échéance", "Statut"), _decision_rows(doc.earlier_decisions, True),
             (0.19, 0.33, 0.18, 0.15, 0.15), empty="Aucune décision des COPIL précédents à suivre."),
        Heading(f"ETP de coordination {doc.etp_year}"),
        Text(f"Total {doc.etp_year} : {doc.etp_total} ETP"
             + (f" (année précédente : {doc.etp_previous_total} ETP)" if doc.etp_previous_total is not None else "")
             + "."),
        Grid(("Structure", "ETP", "Statut"), tuple((e.structure, e.etp, e.status) for e in doc.etp_lines),
             (0.6, 0.2, 0.2), empty=f"Aucun ETP enregistré pour {doc.etp_year}."),
        Text(f"Source : base ctgdesk, enregistrements {doc.period_label} ; document produit le "
             f"{long_date(doc.produced_at.date())}.", "note"),
    ]
    return page
