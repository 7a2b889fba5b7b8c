"""In-process measures on the big database (run by bench/run in its own subprocess).

    python -m bench.measure --db bench/out/work.sqlite

Prints one line `BENCH {json}`: the bilan (one year, five years), the Excel export against
openpyxl write-only mode writing the same cells, the PDF report, page switches and meetings
filtering driven on the real widgets (offscreen), and the process's peak memory. A part whose
code has not landed yet says which branch brings it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import traceback
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from bench.peak_memory import peak_rss_kb



os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def has_module(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def median_time(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def log(message: str) -> None:
    print(f"[measure] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- bilan and exports --------------------------------------------------------------------------

def measure_bilan(db, today: date, out: dict, tmp: Path) -> None:
    if not has_module("ctgdesk.services.bilan"):
        for key in ("bilan", "xlsx", "pdf"):
            out[key] = {"unavailable": "bilan"}
        return
    from ctgdesk.services.bilan import compute_bilan

    year = today.year - 1  # the last complete year
    first = today.year - 4  # the current five-year convention
    out["bilan"] = {"year": str(year), "years": f"{first}–{today.year}"}

    def compute(year_from, year_to):
        with db.transaction() as session:
            return compute_bilan(session, year_from, year_to, today=today)

    try:
        compute(year, year)  # warm-up: statement caches, referential
        out["bilan"]["one_year"], bilan = median_time(lambda: compute(year, year), 5)
        out["bilan"]["five_years"], _ = median_time(lambda: compute(first, today.year), 5)
    except Exception as error:  # noqa: BLE001 - reported in the table
        out["bilan"]["error"] = _short(error)
        return
    log(f"bilan : {out['bilan']}")

    if not has_module("ctgdesk.exchange.bilan_xlsx"):
        out["xlsx"] = {"unavailable": "bilan"}
    else:
        out["xlsx"] = _measure_xlsx(bilan, tmp)
        log(f"xlsx : {out['xlsx']}")
    if not has_module("ctgdesk.exchange.bilan_pdf"):
        out["pdf"] = {"unavailable": "bilan"}
    else:
        out["pdf"] = _measure_pdf(bilan, tmp)
        log(f"pdf : {out['pdf']}")


def _measure_xlsx(bilan, tmp: Path) -> dict:
    from openpyxl import Workbook, load_workbook

    from ctgdesk.exchange.bilan_xlsx import write_bilan_xlsx

    target = tmp / "bilan.xlsx"
    try:
        write_bilan_xlsx(bilan, target)  # warm-up
    except Exception as error:  # noqa: BLE001
        return {"error": _short(error)}
    # The same cells (values only), written by openpyxl in write-only mode.
    workbook = load_workbook(target, read_only=True)
    sheets = [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in workbook.worksheets]
    workbook.close()
    cells = sum(1 for _, rows in sheets for row in rows for value in row if value is not None)

    def bare():
        plain = Workbook(write_only=True)
        for title, rows in sheets:
            sheet = plain.create_sheet(title)
            for row in rows:
                sheet.append(row)
        plain.save(tmp / "plain.xlsx")

    bare()
    ours, theirs = [], []
    for _ in range(5):  # interleaved: a change of load touches both
        ours.append(median_time(lambda: write_bilan_xlsx(bilan, target), 1)[0])
        theirs.append(median_time(bare, 1)[0])
    return {"seconds": statistics.median(ours), "baseline": statistics.median(theirs), "cells": cells}


def _measure_pdf(bilan, tmp: Path) -> dict:
    from ctgdesk.exchange.bilan_pdf import write_bilan_pdf

    target = tmp / "bilan.pdf"
    try:
        seconds, _ = median_time(lambda: write_bilan_pdf(bilan, target), 2)
    except Exception as error:  # noqa: BLE001
        return {"error": _short(error)}
    pages = target.read_bytes().count(b"/Type /Page") - target.read_bytes().count(b"/Type /Pages")
    return {"seconds": seconds, "pages": pages}


def measure_meeting_documents(db, out: dict, tmp: Path) -> None:
    """Each document of the latest held COPIL (the one with the most history: the longest suivi des
    décisions and dossier), computed from the database and written, in each format."""
    if not has_module("ctgdesk.services.meeting_documents"):
        out["documents"] = {"unavailable": "docs"}
        return
    from sqlalchemy import select

    from ctgdesk.exchange.meeting_files import write_document
    from ctgdesk.models import Instance, InstanceKind, Meeting, MeetingStatus
    from ctgdesk.services.meeting_documents import DOCUMENT_KINDS, meeting_document

    try:
        with db.transaction() as session:
            meeting_id = session.scalar(
                select(Meeting.id).join(Instance, Meeting.instance_id == Instance.id)
                .where(Instance.kind == InstanceKind.COPIL, Meeting.status == MeetingStatus.HELD)
                .order_by(Meeting.starts_at.desc()).limit(1))
        times: dict[str, float] = {}
        for kind in DOCUMENT_KINDS:
            for fmt in ("pdf", "docx"):
                def one(kind=kind, fmt=fmt):
                    with db.transaction() as session:
                        document = meeting_document(session, meeting_id, kind)
                    write_document(document, fmt, tmp / f"{kind}.{fmt}")

                one()  # warm-up: mappers, fonts, python-docx's template
                times[f"{kind} {fmt}"], _ = median_time(one, 3)
    except Exception as error:  # noqa: BLE001 - reported in the table
        out["documents"] = {"error": _short(error)}
        return
    worst = max(times, key=times.get)
    out["documents"] = {"worst": worst, "seconds": times[worst], "times": times}
    log(f"documents : {out['documents']}")


def _short(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    return f"{type(error).__name__}: {error}"[:160] + where


# --- the real widgets ------------------------------------------------------------------------------

def measure_interactions(db, today: date, out: dict) -> None:
    if not has_module("ctgdesk.ui.main_window"):
        out["interactions"] = {"unavailable": "ui-shell"}
        return
    if not has_module("ctgdesk.ui.pages.meetings"):
        out["interactions"] = {"unavailable": "ui-work"}
        return
    try:
        from bench.interactions import drive

        out["interactions"] = drive(db, today)
        out["notes"].append("longest UI-thread stretches: " + "; ".join(out["interactions"].get("slowest", [])))
        out["notes"].append("slowest data on screen: " + "; ".join(out["interactions"].get("shown_slowest", [])))
    except Exception as error:  # noqa: BLE001
        traceback.print_exc()
        out["interactions"] = {"error": _short(error)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    from ctgdesk.db import open_database

    from ctgdesk.garbage import collect_less_often

    collect_less_often()  # as ctgdesk runs, window and commands alike (ctgdesk.cli.main)
    out: dict = {"notes": []}
    today = date.today()
    db = open_database(args.db)
    try:
        with tempfile.TemporaryDirectory(prefix="ctgdesk-bench-") as tmp:
            measure_bilan(db, today, out, Path(tmp))
            measure_meeting_documents(db, out, Path(tmp))
            measure_interactions(db, today, out)
    finally:
        db.dispose()
    out["maxrss_kb"] = peak_rss_kb()
    print("BENCH " + json.dumps(out, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
