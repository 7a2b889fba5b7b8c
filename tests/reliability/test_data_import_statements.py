"""Issue « Data safety, second pass », case 10: a meetings import asks the base a fixed number
of questions, whatever its number of rows (the time itself is bench/run's: « Meetings import »).
Before, each row looked every participant up by reading every person (3 000 rows: 49 s)."""

from __future__ import annotations

import random

from sqlalchemy import event, func, select

from ctgdesk.models import Instance, Meeting, Organisation, Person
from ctgdesk.services.imports import run_import


def _file(path, rows: int, instance: str, communes: list[str], people: list[str]):
    generator = random.Random(rows)
    lines = ["Date;Heure;Instance;Communes;Participants;Excusés;Décisions"]
    for number in range(rows):
        day = 1 + number % 28
        month = 1 + (number // 28) % 12
        lines.append(f"{day:02d}/{month:02d}/2025;{8 + number // 336}h{number % 2 * 30:02d};{instance};"
                     f"{', '.join(generator.sample(communes, 1))};{', '.join(generator.sample(people, 2))};"
                     f"{generator.choice(people)};Valider le calendrier; Relancer")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _selects_of(database, path) -> tuple[int, int]:
    sent: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        report = run_import(database, "meetings", path, backup=False, dry_run=True)
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    assert report.ok, report.text()
    return sum(1 for s in sent if s.lstrip().upper().startswith("SELECT")), len(report.created)


def test_ten_times_more_rows_ask_no_more_questions(filled, tmp_path):
    database, ids = filled
    with database.transaction() as session:
        instance = session.scalar(select(Instance.name).order_by(Instance.id))
        commune = session.get(Organisation, ids.commune).name
        people = [f"{first} {last}" for first, last in session.execute(select(Person.first_name, Person.last_name))]
        meetings_before = session.scalar(select(func.count()).select_from(Meeting))
    small = _selects_of(database, _file(tmp_path / "petit.csv", 40, instance, [commune], people))
    large = _selects_of(database, _file(tmp_path / "grand.csv", 400, instance, [commune], people))

    assert small[1] >= 40 and large[1] >= 400  # the meetings (and what they name) would be created
    assert large[0] <= small[0] + 5, (small, large)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == meetings_before  # previews only
