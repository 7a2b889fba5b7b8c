"""The benchmark: builds the big territory, measures, prints the table (also bench/out/results.md).

    bench/run                  # scale 1 (the biggest territory), N=5 cold starts per kind
    bench/run --scale 0.1 --repeat 3

Every figure is measured in the same run, side by side with its baseline: cold starts in
separate processes (bench/probe.py, interleaved, median of N), the rest in one measuring
subprocess (bench/measure.py) whose peak memory is reported. The command always exits 0:
it is a report; the last line says how many targets are met.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from importlib.util import find_spec
from pathlib import Path

from bench.generate import OUT_DIR, Params, ensure_built

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().with_name("probe.py")
PROBE_TIMEOUT_S = 90
MEASURE_TIMEOUT_S = 600


@dataclass
class Row:
    measure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    ok: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.note:
            return self.note
        return {True: "OK", False: "NOT OK", None: "—"}[self.ok]


def not_available(measure: str, branch: str, target: str = "") -> Row:
    return Row(measure, "—", target=target, note=f"not available (branch {branch} not merged)")


def failed(measure: str, why: str, target: str = "") -> Row:
    return Row(measure, "—", target=target, ok=False, note=f"FAILED: {why}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:.0f} MB"


def has_module(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def isolated_settings() -> dict[str, str]:
    """A fresh settings folder: the window opens as on a first start (dashboard in front),
    whatever page or year the developer's own ctgdesk remembers."""
    folder = OUT_DIR / "settings"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return {"XDG_CONFIG_HOME": str(folder), "HOME": str(folder)} if os.name == "posix" else {}


# --- cold starts -------------------------------------------------------------------------------

def probe_once(mode: str, db: Path | None) -> tuple[float, int]:
    """Seconds from process start to the first frame, and the process's peak memory (kB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **isolated_settings()}
    command = [sys.executable, str(PROBE), mode] + ([str(db)] if db is not None else [])
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{mode}: no frame (exit {done.returncode}) {' | '.join(tail)}")
    data = json.loads(lines[0][len("BENCH "):])
    if data.get("timeout"):
        raise RuntimeError(f"{mode}: nothing shown within the probe's time limit")
    return data["frame"] - started, data["maxrss_kb"]


def cold_starts(db: Path, repeat: int, app_available: bool) -> dict[str, dict]:
    modes = ["bare", "bare-orm"] + (["window", "dashboard"] if app_available else [])
    samples: dict[str, list[float]] = {m: [] for m in modes}
    rss: dict[str, int] = {m: 0 for m in modes}
    errors: dict[str, str] = {}
    for round_ in range(repeat + 1):  # round 0 warms the file cache: not counted
        for mode in modes:
            if mode in errors:
                continue
            try:
                seconds, maxrss = probe_once(mode, None if mode.startswith("bare") else db)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                errors[mode] = str(error)[:200]
                continue
            if round_:
                samples[mode].append(seconds)
                rss[mode] = max(rss[mode], maxrss)
        log(f"démarrages à froid : tour {round_}/{repeat}")
    return {m: {"median": statistics.median(samples[m]) if samples[m] else None, "samples": samples[m],
                "maxrss_kb": rss[m], "error": errors.get(m)} for m in modes}


# --- in-process measures -------------------------------------------------------------------------

def in_process(db: Path, scale: float) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **isolated_settings()}
    command = [sys.executable, "-m", "bench.measure", "--db", str(db), "--scale", str(scale)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=MEASURE_TIMEOUT_S, env=env, cwd=ROOT)
    sys.stderr.write(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if not lines:
        return {"error": f"bench.measure a échoué (code {done.returncode})"}
    return json.loads(lines[-1][len("BENCH "):])


def imports_measure(db: Path) -> dict:
    command = [sys.executable, "-m", "bench.imports", "--db", str(db)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=MEASURE_TIMEOUT_S, cwd=ROOT)
    sys.stderr.write(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if not lines:
        return {"error": f"bench.imports a échoué (code {done.returncode})"}
    return json.loads(lines[-1][len("BENCH "):])


# --- the table -------------------------------------------------------------------------------------

def ratio_row(measure: str, value: float | None, baseline: float | None, baseline_label: str, limit: float,
              error: str | None = None) -> Row:
    target = f"≤ {limit:g}×".replace(".", ",")
    if error or value is None or baseline is None:
        return failed(measure, error or "no measure", target)
    ratio = value / baseline
    return Row(measure, ms(value), f"{ms(baseline)} ({baseline_label})", f"{ratio:.2f}×", target, ratio <= limit)


def time_row(measure: str, seconds: float | None, limit_s: float, error: str | None = None, extra: str = "") -> Row:
    target = f"< {ms(limit_s)}"
    if error or seconds is None:
        return failed(measure, error or "no measure", target)
    return Row(measure + extra, ms(seconds), target=target, ok=seconds < limit_s)


def build_rows(starts: dict, measured: dict, db: Path, params: Params, app_available: bool) -> list[Row]:
    rows: list[Row] = []
    bare, orm = starts["bare"], starts["bare-orm"]
    if not app_available:
        rows.append(not_available("Cold start → main window shown", "ui-shell", "≤ 1,5×"))
        rows.append(not_available("Cold start → dashboard filled", "ui-shell", "≤ 2×"))
    else:
        window, board = starts["window"], starts["dashboard"]
        rows.append(ratio_row("Cold start → main window shown", window["median"], bare["median"],
                              "bare QMainWindow", 1.5, window["error"] or bare["error"]))
        rows.append(ratio_row("Cold start → dashboard filled", board["median"], orm["median"],
                              "bare QMainWindow + import sqlalchemy.orm", 2.0, board["error"] or orm["error"]))

    ui = measured.get("interactions", {})
    if ui.get("unavailable"):
        rows.append(not_available("Page switch / meetings filter, p95", ui["unavailable"], "< 100 ms"))
    elif "p95" in ui:
        rows.append(time_row("Page switch / meetings filter: window blocked, p95", ui["p95"], 0.100,
                             extra=f" ({ui['count']} actions, worst: {ui['worst']})"))
        for name, value in ui.get("detail", {}).items():
            rows.append(Row(f"  · {name} (p95)", ms(value), target="< 100 ms", ok=value < 0.100))
        if "shown_p95" in ui:
            rows.append(Row(f"  · data on screen after the action, p95 (median {ms(ui['shown_median'])}, "
                            f"worst: {ui['shown_worst']})", ms(ui["shown_p95"])))
    else:
        rows.append(failed("Page switch / meetings filter, p95", ui.get("error", measured.get("error", "?")),
                           "< 100 ms"))

    bilan = measured.get("bilan", {})
    if bilan.get("unavailable"):
        rows.append(not_available("Bilan, territory, one year", bilan["unavailable"], "< 300 ms"))
        rows.append(not_available("Bilan, territory, five years", bilan["unavailable"], "< 1000 ms"))
    else:
        rows.append(time_row(f"Bilan, territory, one year ({bilan.get('year', '?')})", bilan.get("one_year"), 0.300,
                             bilan.get("error")))
        rows.append(time_row(f"Bilan, territory, five years ({bilan.get('years', '?')})", bilan.get("five_years"),
                             1.0, bilan.get("error")))

    xlsx = measured.get("xlsx", {})
    if xlsx.get("unavailable"):
        rows.append(not_available("Excel bilan export", xlsx["unavailable"], "≤ 1,5×"))
    else:
        row = ratio_row("Excel bilan export (one year)", xlsx.get("seconds"), xlsx.get("baseline"),
                        f"openpyxl write-only, same {xlsx.get('cells', '?')} cells", 1.5, xlsx.get("error"))
        rows.append(row)
    pdf = measured.get("pdf", {})
    if pdf.get("unavailable"):
        rows.append(not_available("PDF report", pdf["unavailable"]))
    elif pdf.get("error"):
        rows.append(failed("PDF report (one year)", pdf["error"]))
    else:
        rows.append(Row(f"PDF report (one year, {pdf.get('pages', '?')} pages)", ms(pdf["seconds"])))

    documents = measured.get("documents", {})
    if documents.get("unavailable"):
        rows.append(not_available("One meeting document", documents["unavailable"], "< 1000 ms"))
    else:
        rows.append(time_row("One meeting document, computed and written (slowest of 5 × PDF/Word)",
                             documents.get("seconds"), 1.0, documents.get("error"),
                             extra=f" ({documents.get('worst', '?')})"))
        for name, value in documents.get("times", {}).items():
            rows.append(Row(f"  · {name}", ms(value), target="< 1000 ms", ok=value < 1.0))
    meetings = measured.get("imports", {}).get("meetings", {"error": measured.get("imports", {}).get("error", "?")})
    rows.append(time_row(f"Meetings import, {meetings.get('rows', 3000)} rows of a spreadsheet", meetings.get("seconds"),
                         5.0, meetings.get("error") or (None if meetings.get("committed") else "not committed"),
                         extra=(f" (CPU {ms(meetings['cpu_seconds'])}, peak {mb(meetings['maxrss_kb'])})"
                                if "maxrss_kb" in meetings else "")))

    size = db.stat().st_size
    rows.append(Row("Database size per 10 000 meetings", f"{size / params.meetings * 10_000 / 1e6:.1f} MB",
                    f"file {size / 1e6:.1f} MB, {params.meetings} meetings"))
    if "maxrss_kb" in measured:
        rows.append(Row("Peak memory, measuring subprocess (VmHWM)", mb(measured["maxrss_kb"]),
                        "interactions + bilan + exports"))
    if app_available and starts["dashboard"]["maxrss_kb"]:
        rows.append(Row("Peak memory, cold start to dashboard (VmHWM)", mb(starts["dashboard"]["maxrss_kb"]),
                        mb(starts["bare-orm"]["maxrss_kb"]) + " (bare + ORM)"))
    return rows


def render(rows: list[Row], header: list[str]) -> str:
    table = [["Measure", "Value", "Baseline", "Ratio", "Target", "Verdict"]]
    table += [[r.measure, r.value, r.baseline, r.ratio, r.target, r.verdict] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(6)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = header + ["", line(table[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(cells) for cells in table[1:]]
    return "\n".join(out)


def summary(rows: list[Row]) -> str:
    judged = [r for r in rows if r.ok is not None]
    met = sum(1 for r in judged if r.ok)
    missing = [r.measure.strip(" ·").split(" (")[0] for r in judged if not r.ok]
    na = sum(1 for r in rows if r.note.startswith("not available"))
    text = f"SUMMARY: {met}/{len(judged)} targets met"
    if na:
        text += f", {na} not available yet"
    if missing:
        text += " — NOT OK: " + "; ".join(missing)
    return text


def merged_branches() -> str:
    """HEAD, and for each branch whether all of it is merged (or how many commits are not)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    parts = []
    for branch in ("main", "ui-shell", "ui-work", "bilan"):
        missing = git("rev-list", "--count", f"HEAD..{branch}")
        if not missing:
            parts.append(f"{branch}: ?")
        elif missing == "0":
            parts.append(f"{branch}: merged")
        else:
            parts.append(f"{branch}: {missing} commit(s) not merged")
    return f"{git('rev-parse', '--short', 'HEAD') or '?'} ({'; '.join(parts)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai de ctgdesk sur le plus grand territoire.")
    parser.add_argument("--scale", type=float, default=1.0, help="taille du territoire (1 = le plus grand)")
    parser.add_argument("--repeat", type=int, default=9, help="démarrages à froid par sorte (médiane)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    today = date.today()
    params = Params().scaled(args.scale)
    cached = ensure_built(args.scale, today=today, log=log)
    work = OUT_DIR / "work.sqlite"  # the app may write (referential, settings): never the cache
    for stale in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(cached, work)

    app_available = has_module("ctgdesk.ui.app") and has_module("ctgdesk.ui.main_window")
    # As installed (pip compiles at install time, the PyInstaller bundle holds compiled
    # modules): the sources are compiled before timing, whatever PYTHONDONTWRITEBYTECODE says
    # (with it set, every cold start compiled ~50 modules again: ~100 ms).
    compileall.compile_dir(ROOT / "ctgdesk", quiet=1)
    log("démarrages à froid…")
    starts = cold_starts(work, args.repeat, app_available)
    log("mesures dans le processus (pages, bilan, exports)…")
    measured = in_process(work, args.scale)
    log("import de réunions (3 000 lignes)…")
    measured["imports"] = imports_measure(work)
    rows = build_rows(starts, measured, cached, params, app_available)

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    header = [
        f"# ctgdesk benchmark — {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"- territory: scale {args.scale:g} — {params.communes} communes, {params.structures} structures, "
        f"{params.coordinators} coordinators, {params.years} years, {params.meetings} meetings, "
        f"{params.attendances} attendances, {params.journal_entries} journal entries, {params.fiches} fiches",
        f"- code: {merged_branches()}",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"load average {' '.join(f'{x:.2f}' if isinstance(x, float) else x for x in load)}",
        f"- cold starts: separate processes, offscreen, median of {args.repeat} (after one warm-up round); "
        "process start → first painted frame",
    ]
    for mode, data in starts.items():
        if data["samples"]:
            header.append(f"  - {mode}: " + ", ".join(ms(s) for s in data["samples"]))
    for note in measured.get("notes", []):
        header.append(f"- {note}")
    text = render(rows, header) + "\n\n" + summary(rows) + f"\n\n(bench/run took {time.monotonic() - started:.0f} s)\n"
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
