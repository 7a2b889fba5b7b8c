"""Meetings from a spreadsheet: one row per meeting.

    Date | Heure | Instance | Lieu | Commune(s) | Participants | Excusés | Décisions | Animateur | Statut

The instance is found by its name, or by its kind (« COPIL », « Groupe thématique »…) when
one instance of that kind exists (created when none does). Participants are people (or
structures) found by name, created when unknown; decisions are split on line breaks or
« ; ». Every meeting is checked by services.meetings.check_meeting (the rules of
save_meeting) row by row, then all are written by services.meetings.create_meetings. A meeting already
recorded (same instance, same date and time) is left alone, so a file can be imported again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctgdesk.exchange.readers import Cell, ColumnSpec, Row, Table, read_table
from ctgdesk.models import AttendanceStatus, Instance, InstanceKind, Meeting, MeetingStatus
from ctgdesk.services import meetings as meeting_service
from ctgdesk.services.errors import ValidationError
from ctgdesk.services.imports.matching import Resolver, split_names
from ctgdesk.services.imports.report import ImportReport
from ctgdesk.services.imports.rows import RowError, row_savepoint
from ctgdesk.services.parsing import fold, name_key, parse_date, parse_time

DEFAULT_TIME = time(9, 0)

MEETING_COLUMNS = (
    ColumnSpec("date", ("Date", "Date de la réunion", "Jour"), required=True),
    ColumnSpec("time", ("Heure", "Horaire", "Heure de début", "Début")),
    ColumnSpec("instance", ("Instance", "Type de réunion", "Instance / groupe", "Groupe", "Type"), required=True),
    ColumnSpec("title", ("Titre", "Objet", "Intitulé", "Thème")),
    ColumnSpec("place", ("Lieu", "Adresse")),
    ColumnSpec("communes", ("Communes concernées", "Communes", "Commune")),
    ColumnSpec("participants", ("Participants", "Présents", "Personnes présentes", "Participants présents")),
    ColumnSpec("excused", ("Excusés", "Excusé(e)s", "Absents excusés")),
    ColumnSpec("decisions", ("Décisions", "Relevé de décisions", "Décisions prises")),
    ColumnSpec("animator", ("Animateur", "Animatrice", "Animé par", "Chargé(e) de coopération", "Chargé de coopération")),
    ColumnSpec("status", ("Statut", "État", "Etat")),
    ColumnSpec("agenda", ("Ordre du jour",)),
    ColumnSpec("minutes", ("Compte rendu", "Compte-rendu", "CR")),
)

KIND_WORDS = {"copil": InstanceKind.COPIL, "cotech": InstanceKind.COTECH, "comite de pilotage": InstanceKind.COPIL,
              "comite technique": InstanceKind.COTECH}


def parse_cell_time(cell: Cell | None) -> time | None:
    if cell is None or cell.is_empty:
        return None
    value = cell.value
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, (int, float)) and 0 <= value < 1:  # Excel's fraction of a day
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    try:
        return parse_time(cell.text)
    except ValidationError:
        pass
    raise RowError(cell.location, f"L'heure « {cell.text} » n'est pas une heure (ex. 14h30).")


def parse_start(row: Row) -> tuple[datetime, bool]:
    """(start, whether the time was given)."""
    cell = row.cell("date")
    value = cell.value
    given_time = parse_cell_time(row.cell("time"))
    if isinstance(value, datetime):
        day, at = value.date(), value.time() if value.time() != time(0) else None
    elif isinstance(value, date):
        day, at = value, None
    else:
        text = cell.text
        parts = text.split()
        try:
            day = parse_date(parts[0] if parts else text, what="La date")
        except ValidationError as error:
            raise RowError(cell.location, error.message) from None
        at = parse_cell_time(Cell(" ".join(parts[1:]), cell.location)) if len(parts) > 1 else None
        if day is None:
            raise RowError(cell.location, "La date de la réunion manque.")
    at = given_time or at
    return datetime.combine(day, at or DEFAULT_TIME), at is not None


class InstanceFinder:
    def __init__(self, session: Session, report: ImportReport):
        self.session = session
        self.report = report
        self._instances: list[tuple[str, Instance]] | None = None  # (name key, instance)

    def find(self, cell: Cell) -> Instance:
        text = cell.text
        if not text:
            raise RowError(cell.location, "L'instance manque (COPIL, COTECH, nom du groupe…).")
        if self._instances is None:
            self._instances = [(name_key(i.name), i) for i in self.session.scalars(select(Instance).order_by(Instance.name))]
        instances = [i for _, i in self._instances]
        key = name_key(text)
        by_name = [i for k, i in self._instances if k == key]
        if by_name:
            return by_name[0]
        kind = self.kind(text)
        if kind is None:
            known = ", ".join(f"« {i.name} »" for i in instances) or "aucune"
            raise RowError(cell.location, f"Instance inconnue « {text} » (instances connues : {known}).")
        of_kind = [i for i in instances if i.kind is kind]
        if len(of_kind) == 1:
            return of_kind[0]
        if len(of_kind) > 1:
            names = ", ".join(f"« {i.name} »" for i in of_kind)
            raise RowError(cell.location, f"Plusieurs instances « {kind.label} » : écrivez laquelle ({names}).")
        theme = text if kind is InstanceKind.GROUPE_THEMATIQUE else ""
        instance = meeting_service.create_instance(self.session, name=text, kind=kind, theme=theme)
        self._instances = None  # read again: a rolled-back row may have created it
        self.report.add_created("Instance", instance.name, cell.location, kind.label)
        return instance

    @staticmethod
    def kind(text: str) -> InstanceKind | None:
        folded = fold(text)
        if folded in KIND_WORDS:
            return KIND_WORDS[folded]
        for member in InstanceKind:
            if name_key(member.label) == name_key(text) or member.value == folded.replace(" ", "_"):
                return member
        return None


def _status(row: Row, starts_at: datetime, now: datetime) -> MeetingStatus:
    cell = row.cell("status")
    if cell is not None and not cell.is_empty:
        for member in MeetingStatus:
            if name_key(member.label) == name_key(cell.text) or member.value == fold(cell.text):
                return member
        labels = ", ".join(m.label for m in MeetingStatus)
        raise RowError(cell.location, f"Statut inconnu « {cell.text} » ({labels}).")
    return MeetingStatus.HELD if starts_at <= now else MeetingStatus.PLANNED


def _attendances(session: Session, resolver: Resolver, cell: Cell | None, status: AttendanceStatus, seen: set):
    result = []
    if cell is None or cell.is_empty:
        return result
    for name in split_names(cell.text):
        person_id = resolver.find_person_id(name)
        organisation_id = None if person_id is not None else resolver.find_organisation_id(name)
        if person_id is None and organisation_id is None:
            person_id = resolver.person(name, cell.location).id
        key = (person_id, organisation_id)
        if key in seen:
            continue
        seen.add(key)
        result.append(meeting_service.AttendanceInput(key[0], key[1], status))
    return result


def _decisions(cell: Cell | None) -> list[meeting_service.DecisionInput]:
    if cell is None or cell.is_empty:
        return []
    return [meeting_service.DecisionInput(" ".join(part.split()))
            for part in re.split(r"[;\n\r]+", cell.text) if part.strip()]


def import_meetings(
    session: Session, table: Table, report: ImportReport, *, coordinator: str | None = None, now: datetime | None = None,
) -> None:
    now = now or datetime.now()
    resolver = Resolver(session, report)
    instances = InstanceFinder(session, report)
    default_animator = resolver.coordinator(coordinator, table.location) if coordinator else None
    recorded = set(session.execute(select(Meeting.instance_id, Meeting.starts_at)).tuples())
    checked: list[meeting_service.MeetingInput] = []  # written together once every row is read
    for row in table.rows:
        if row.is_blank():
            continue
        with row_savepoint(session, report, row.location, resolver):
            starts_at, timed = parse_start(row)
            instance = instances.find(row.cell("instance"))
            label = f"{instance.name}, {starts_at:%d/%m/%Y}"
            if (instance.id, starts_at) in recorded:
                report.add_matched("Réunion", label, row.location, "déjà enregistrée")
                continue
            animator_cell = row.cell("animator")
            animator = default_animator
            if animator_cell is not None and not animator_cell.is_empty:
                animator = resolver.coordinator(animator_cell.text, animator_cell.location)
            communes = []
            communes_cell = row.cell("communes")
            if communes_cell is not None and not communes_cell.is_empty:
                for name in split_names(communes_cell.text):
                    organisation = resolver.organisation(name, communes_cell.location)
                    if organisation.id not in [c.id for c in communes]:
                        communes.append(organisation)
            seen: set = set()
            attendances = _attendances(session, resolver, row.cell("participants"), AttendanceStatus.PRESENT, seen)
            attendances += _attendances(session, resolver, row.cell("excused"), AttendanceStatus.EXCUSED, seen)
            data = meeting_service.MeetingInput(
                instance_id=instance.id, starts_at=starts_at, place=row.text("place"),
                animator_id=animator.id if animator else None, status=_status(row, starts_at, now),
                title=row.text("title"), agenda=row.text("agenda"), minutes=row.text("minutes"),
                commune_ids=[c.id for c in communes], attendances=attendances, decisions=_decisions(row.cell("decisions")),
            )
            try:
                meeting_service.check_meeting(session, data, now=now)
            except ValidationError as error:
                field_column = {"starts_at": "date", "ends_at": "date", "status": "status", "place": "place",
                                "attendances": "participants", "decisions": "decisions"}.get(error.field or "", "date")
                target = row.cell(field_column) or row.cell("date")
                raise RowError(target.location, error.message) from None
            recorded.add((instance.id, starts_at))
            checked.append(data)
            detail = f"{len(attendances)} participant(s), {len(data.decisions)} décision(s)"
            if not timed:
                detail += f" ; heure non précisée : {DEFAULT_TIME:%H} h"
            report.add_created("Réunion", label, row.location, detail)
    if not report.errors:
        meeting_service.create_meetings(session, checked, now=now)


def import_meetings_file(
    session: Session, path: Path, report: ImportReport, *, coordinator: str | None = None,
    now: datetime | None = None, sheet: str | None = None,
) -> None:
    table = read_table(path, MEETING_COLUMNS, sheet=sheet)
    import_meetings(session, table, report, coordinator=coordinator, now=now)

