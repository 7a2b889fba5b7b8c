"""Time the service calls the pages make, on a big territory (warm, median of N).

    .venv/bin/python -m bench.services --db COPY.sqlite [--repeat 5] [--only journal,bilan]
                                        [--profile NAME]

Each call runs in its own transaction, as a page's refresh does, in a process that has imported
the UI (the garbage collector's full passes walk every live object: a bare process would hide
what thousands of rows kept alive cost in the app). Not part of bench/run: a
tool to compare a service before and after a change, in the same conditions (the same
machine load: run both one after the other). `--profile NAME` prints the cProfile of one
call (its name as listed) instead of timing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from datetime import date, datetime


def calls(today: date) -> dict[str, object]:
    from ctgdesk.models import MeetingStatus, OrganisationKind
    from ctgdesk.services import etp, journal, meetings, people, plan, referential, territory
    from ctgdesk.services.bilan import compute_bilan
    from ctgdesk.services.dashboard import dashboard

    year, last = today.year, today.year - 1

    def staff(s):
        coordinators = people.list_coordinators(s)
        loads = etp.coordinator_loads(s, year)
        years = sorted(set(etp.allocation_years(s)) | {year})
        grid = etp.etp_grid(s, years)
        comparisons = etp.compare_years(s, years[-2], years[-1])
        return coordinators, loads, grid, comparisons

    def territory_page(s):
        return (territory.list_conventions(s), territory.list_organisations(s, None),
                territory.list_organisations(s, {OrganisationKind.COMMUNE}))

    def plan_page(s):
        convention = territory.convention_for_year(s, year)
        return (plan.plan_outline(s, convention.id), plan.list_fiches(s, today, convention.id),
                territory.list_organisations(s), meetings.person_choices(s))

    def referential_page(s):
        version = referential.current_version(s)
        definitions = referential.indicator_definitions(s)
        texts = [(o.title, [(f.title, [i.text for i in f.indicators]) for f in o.functions])
                 for o in version.objectives]
        return definitions, texts

    def journal_page(s):
        return referential.function_choices(s), people.list_coordinators(s)

    def meetings_filters(s):
        return meetings.list_instances(s), territory.list_organisations(s, {OrganisationKind.COMMUNE})

    return {
        "journal.list_entries(year)": lambda s: journal.list_entries(s, year=year),
        "journal.list_entries(last year)": lambda s: journal.list_entries(s, year=last),
        "journal.list_entries(year, coordinator)": lambda s: journal.list_entries(s, year=year, coordinator_id=1),
        "journal page lists": journal_page,
        "meetings.list_meetings(year)": lambda s: meetings.list_meetings(s, year=year),
        "meetings.list_meetings(last year)": lambda s: meetings.list_meetings(s, year=last),
        "meetings.list_meetings(year, instance)": lambda s: meetings.list_meetings(s, year=year, instance_id=3),
        "meetings.list_meetings(year, commune)": lambda s: meetings.list_meetings(s, year=year, commune_id=40),
        "meetings.list_meetings(year, held)": lambda s: meetings.list_meetings(s, year=year, status=MeetingStatus.HELD),
        "meetings.list_meetings(month)": lambda s: meetings.list_meetings(
            s, start=datetime(year, today.month, 1), end=datetime(year + (today.month == 12), today.month % 12 + 1, 1)),
        "meetings page filters": meetings_filters,
        "territory page": territory_page,
        "staff page": staff,
        "dashboard(year)": lambda s: dashboard(s, year, today),
        "dashboard(last year)": lambda s: dashboard(s, last, today),
        "plan page": plan_page,
        "referential page": referential_page,
        "bilan(last year)": lambda s: compute_bilan(s, last, last, today=today),
        "bilan(5 years)": lambda s: compute_bilan(s, year - 4, year, today=today),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated words: calls whose name contains one")
    parser.add_argument("--profile", default="")
    parser.add_argument("--today", default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--bare-heap", action="store_true",
                        help="do not import the UI first (by default the garbage collector sees a heap like the app's)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once the modules are imported (what an app may do after start-up)")
    parser.add_argument("--cpu", action="store_true",
                        help="time the process's CPU (time.process_time): steadier on a shared machine")
    args = parser.parse_args(argv)

    from ctgdesk.db import open_database
    from ctgdesk.garbage import collect_less_often

    collect_less_often()  # as ctgdesk runs (ctgdesk.cli.main)
    if not args.bare_heap:
        import ctgdesk.ui.main_window  # noqa: F401 - the app's modules: a full collection walks them too
    if args.gc_freeze:
        import gc

        gc.freeze()
    today = date.fromisoformat(args.today) if args.today else date.today()
    db = open_database(args.db, migrate=False)
    table = calls(today)
    if args.profile:
        call = table[args.profile]
        with db.transaction() as s:
            call(s)  # warm
        profiler = cProfile.Profile()
        with db.transaction() as s:
            profiler.runcall(call, s)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    words = [w for w in args.only.split(",") if w]
    for name, call in table.items():
        if words and not any(w in name for w in words):
            continue
        with db.transaction() as s:
            call(s)  # warm: statement caches, first page of the file
        clock = time.process_time if args.cpu else time.perf_counter
        times = []
        for _ in range(args.repeat):
            started = clock()
            with db.transaction() as s:
                call(s)
            times.append(clock() - started)
        print(f"{name:45s} {statistics.median(times) * 1000:8.1f} ms  (min {min(times) * 1000:.1f})", flush=True)


if __name__ == "__main__":
    main()
