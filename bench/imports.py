"""Imports at the scale of the biggest territory (run by bench/run in its own subprocess).

    python -m bench.imports --db COPY.sqlite

On a copy of the territory: a meetings file of 3 000 rows (dates, times, instances, two
communes and five participants taken from the territory, one excused, two decisions each)
imported for real (`services.imports.run_import`, no backup). Prints one line `BENCH {json}`
with the time and this process's peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.peak_memory import peak_rss_kb

MEETING_ROWS = 3_000


def meetings_file(db, path: Path, rows: int = MEETING_ROWS, seed: int = 3) -> Path:
    """A meetings spreadsheet a coordinator could have kept, naming what the territory holds."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from ctgdesk.models import Instance, Organisation, OrganisationKind, Person

    with db.transaction() as session:
        communes = list(session.scalars(select(Organisation.name).where(Organisation.kind == OrganisationKind.COMMUNE)))
        people = [f"{first} {last}" for first, last in session.execute(select(Person.first_name, Person.last_name))]
        instances = list(session.scalars(select(Instance.name)))
    generator = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Réunions")
    sheet.append(["Date", "Heure", "Instance", "Lieu", "Communes", "Participants", "Excusés", "Décisions"])
    for _ in range(rows):
        sheet.append([
            f"{generator.randint(1, 28):02d}/{generator.randint(1, 12):02d}/{generator.choice([2024, 2025])}",
            f"{generator.randint(8, 18)}h{generator.choice(['00', '30'])}", generator.choice(instances), "Mairie",
            ", ".join(generator.sample(communes, 2)), ", ".join(generator.sample(people, 5)),
            generator.choice(people), "Valider le calendrier; Relancer les partenaires",
        ])
    workbook.save(path)
    return path


def measure_meetings_import(db, tmp: Path) -> dict:
    from ctgdesk.services.imports import run_import

    path = meetings_file(db, tmp / "reunions.xlsx")
    started, cpu = time.perf_counter(), time.process_time()
    report = run_import(db, "meetings", path, backup=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "rows": MEETING_ROWS, "created": len(report.created),
            "errors": report.error_count, "committed": report.committed, "maxrss_kb": peak_rss_kb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    from ctgdesk.db import open_database
    from ctgdesk.garbage import collect_less_often

    collect_less_often()
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="ctgdesk-bench-imports-") as folder:
        tmp = Path(folder)
        copy = tmp / "territoire.sqlite"
        shutil.copyfile(args.db, copy)
        db = open_database(copy)
        try:
            out["meetings"] = measure_meetings_import(db, tmp)
        except Exception as error:  # noqa: BLE001 - reported in the table
            out["meetings"] = {"error": f"{type(error).__name__}: {error}"[:200]}
        finally:
            db.dispose()
    print("BENCH " + json.dumps(out, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
