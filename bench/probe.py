"""One cold start, in its own process: prints when the first frame is painted, then exits.

    python bench/probe.py bare                      # a bare QMainWindow (the baseline)
    python bench/probe.py bare-orm                  # the same after `import sqlalchemy.orm`
    python bench/probe.py window DB                 # ctgdesk (`python -m ctgdesk --db DB`): main window shown
    python bench/probe.py dashboard DB              # ctgdesk: dashboard filled from the database

Runs as a plain script (no bench/ctgdesk import before the measured code) and prints one
line `BENCH {"frame": <time.monotonic()>, "maxrss_kb": …}`; the parent takes time.monotonic()
just before starting the process (CLOCK_MONOTONIC is system-wide), so each figure runs from
process start (interpreter start-up included) to the first frame.

"Shown": the first QEvent.Paint delivered to a top-level QMainWindow (or its children),
stamped once that paint pass is over (a zero timer). "Dashboard filled": the same, for the
first paint after `DashboardPage.show_board()` — which puts the figures computed by
`services.dashboard.dashboard()` (in the worker thread) into the widgets — has returned.
The line also says which heavy modules were loaded at that moment.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

MODE = sys.argv[1]
if MODE == "bare-orm":
    import sqlalchemy.orm  # noqa: F401  (the baseline pays what the ORM costs)

from PySide6 import QtCore, QtWidgets  # noqa: E402  (the app imports them as well)

_state = {"data_ready": MODE != "dashboard", "reported": False, "armed": False}
TIMEOUT_S = float(os.environ.get("BENCH_PROBE_TIMEOUT", "60"))


def _report(**extra) -> None:
    if _state["reported"]:
        return
    _state["reported"] = True
    loaded = [m for m in ("sqlalchemy", "alembic", "qtawesome", "ctgdesk.models") if m in sys.modules]
    line = {"frame": time.monotonic(), "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "loaded": loaded, **extra}
    sys.stdout.write("BENCH " + json.dumps(line) + "\n")
    sys.stdout.flush()
    os._exit(0)


def _finish() -> None:
    _report()


class _FirstFrame(QtCore.QObject):
    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if (event.type() == QtCore.QEvent.Type.Paint and _state["data_ready"] and not _state["armed"]
                and isinstance(obj, QtWidgets.QWidget) and isinstance(obj.window(), QtWidgets.QMainWindow)):
            _state["armed"] = True
            QtCore.QTimer.singleShot(0, _finish)
        return False


_filter = _FirstFrame()
_Original = QtWidgets.QApplication


class _ProbeApplication(_Original):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.installEventFilter(_filter)
        QtCore.QTimer.singleShot(int(TIMEOUT_S * 1000), lambda: _report(timeout=True))


QtWidgets.QApplication = _ProbeApplication


class _WrapDashboard:
    """Import hook: once ctgdesk.ui.pages.dashboard is loaded, wrap DashboardPage.show_board."""

    name = "ctgdesk.ui.pages.dashboard"

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(fullname)
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            show_board = module.DashboardPage.show_board

            def filled(self, *args, **kwargs):
                result = show_board(self, *args, **kwargs)
                _state["data_ready"] = True
                _state["armed"] = False
                return result

            module.DashboardPage.show_board = filled

        loader.exec_module = exec_module
        return spec


if MODE in ("bare", "bare-orm"):
    app = QtWidgets.QApplication(sys.argv[:1])
    window = QtWidgets.QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1200, 800)
    window.show()
    sys.exit(app.exec())
elif MODE in ("window", "dashboard"):
    if MODE == "dashboard":
        sys.meta_path.insert(0, _WrapDashboard())
    import runpy

    sys.argv = ["ctgdesk", "--db", sys.argv[2], *sys.argv[3:]]
    runpy.run_module("ctgdesk", run_name="__main__", alter_sys=True)
else:
    raise SystemExit(f"unknown mode {MODE}")
