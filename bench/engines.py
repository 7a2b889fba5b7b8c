"""The same measures on both engines: the biggest territory as a laptop's SQLite file and as a
team base on PostgreSQL, side by side, in one run.

    .venv/bin/python -m bench.engines [--scale 1] [--db postgresql://USER@HOST/EMPTY_BASE]

Without --db, a throw-away PostgreSQL server is started in a temporary folder (as the tests do,
tests/pg_server.py). The territory (bench/generate.py, cached in bench/out/) is copied into the
empty team base with `ctgdesk team push`'s copy (ctgdesk.db.copy), then each measure runs on
both: the page loads (bench/services.py's calls, median of N), the bilan one year and five years,
the Excel and PDF exports. Targets are bench/run's. Writes bench/out/engines.md; exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import DEFAULT_TODAY, OUT_DIR, ensure_built  # noqa: E402

TARGETS_MS = {"bilan(last year)": 300, "bilan(5 years)": 1000}
PAGE_TARGET_MS = 100  # what a page's service call may take (bench/run: the window blocked < 100 ms)


def timed(function, repeat: int) -> float:
    function()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(db, today: date, repeat: int, tmp: Path) -> dict[str, float]:
    from bench.services import calls
    from ctgdesk.exchange.bilan_pdf import write_bilan_pdf
    from ctgdesk.exchange.bilan_xlsx import write_bilan_xlsx
    from ctgdesk.services.bilan import compute_bilan

    results: dict[str, float] = {}
    for name, call in calls(today).items():
        def run(call=call):
            with db.transaction() as session:
                return call(session)
        results[name] = timed(run, repeat)
    with db.transaction() as session:
        bilan = compute_bilan(session, today.year - 1, today.year - 1, today=today)
    results["Excel bilan export (one year)"] = timed(lambda: write_bilan_xlsx(bilan, tmp / "b.xlsx"), 3)
    results["PDF report (one year)"] = timed(lambda: write_bilan_pdf(bilan, tmp / "b.pdf"), 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Les mêmes mesures sur SQLite et sur PostgreSQL.")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", default=None, help="une base PostgreSQL VIDE (sinon un serveur temporaire)")
    args = parser.parse_args(argv)

    from ctgdesk.db import open_database
    from ctgdesk.db.copy import copy_base
    from ctgdesk.db.team import init_team_base

    today = DEFAULT_TODAY
    local = ensure_built(args.scale)
    server = None
    url = args.db
    if url is None:
        from tests.pg_server import PostgresServer

        server = PostgresServer.start()
        url = server.create_database("bench")
    try:
        team = open_database(url, migrate=False)
        init_team_base(team.engine)
        file_db = open_database(local, migrate=False, read_only=True)
        started = time.perf_counter()
        copy_base(file_db.engine, team.engine)
        print(f"Territoire copié dans la base d'équipe en {time.perf_counter() - started:.1f} s", flush=True)
        with team.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum would give
            connection.commit()
        with tempfile.TemporaryDirectory() as tmp:
            on_file = measure(file_db, today, args.repeat, Path(tmp))
            on_server = measure(team, today, args.repeat, Path(tmp))
        file_db.dispose()
        team.dispose()
    finally:
        if server is not None:
            server.stop()

    lines = ["| Measure | SQLite | PostgreSQL | Ratio | Target | Verdict |", "|---|---|---|---|---|---|"]
    met = total = 0
    for name, seconds in on_file.items():
        other = on_server[name]
        target = TARGETS_MS.get(name, PAGE_TARGET_MS if "export" not in name and "report" not in name else None)
        verdict = "—"
        if target is not None:
            total += 1
            ok = other * 1000 < target
            met += ok
            verdict = "OK" if ok else "NOT OK"
        lines.append(f"| {name} | {seconds * 1000:.0f} ms | {other * 1000:.0f} ms | {other / seconds:.2f}× | "
                     f"{f'< {target} ms' if target else ''} | {verdict} |")
    lines.append(f"\nSUMMARY (PostgreSQL): {met}/{total} targets met")
    text = "\n".join(lines)
    print(text)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "engines.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
