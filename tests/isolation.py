"""`@pytest.mark.isolated`: run a test in a fresh child process, with faulthandler on.

A segmentation fault (or an abort) in Qt code then fails that one test, with the Python stack
faulthandler prints, instead of killing the whole pytest run. The child is a new interpreter
running `python -X faulthandler -m pytest <node id>` — not a fork: forking once a QApplication
exists is unsafe. The parent sets up none of the test's fixtures; the child does.

Loaded from tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHILD_VARIABLE = "CTG_ISOLATED_CHILD"
CHILD_TIMEOUT = 900  # seconds
TAIL = 12_000  # characters of the child's output kept in the failure report


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "isolated: run in a child process with faulthandler on (a crash fails only this test)")


def in_child() -> bool:
    return os.environ.get(CHILD_VARIABLE) == "1"


def _run_child(item) -> None:
    config = item.config
    env = dict(os.environ, **{CHILD_VARIABLE: "1", "PYTHONFAULTHANDLER": "1"})
    command = [sys.executable, "-X", "faulthandler", "-m", "pytest", item.nodeid,
               "-q", "-p", "no:cacheprovider", "--rootdir", str(config.rootpath)]
    if config.inipath is not None:
        command += ["-c", str(config.inipath)]
    try:
        done = subprocess.run(command, cwd=config.rootpath, env=env, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or "") + (expired.stderr or "") if isinstance(expired.stdout, str) else ""
        pytest.fail(f"child process timed out after {CHILD_TIMEOUT} s\n{output[-TAIL:]}", pytrace=False)
    output = f"{done.stdout}\n--- stderr ---\n{done.stderr}"
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode == 0 and "skipped" in summary and "passed" not in summary:
        pytest.skip(f"skipped in the child process: {summary}")
    if done.returncode == 0:
        return
    if done.returncode < 0:
        pytest.fail(f"child process killed by signal {-done.returncode} (crash)\n{output[-TAIL:]}", pytrace=False)
    pytest.fail(f"child process failed (exit {done.returncode})\n{output[-TAIL:]}", pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    if item.get_closest_marker("isolated") is None or in_child():
        return None
    hook = item.ihook
    hook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    for when in ("setup", "call", "teardown"):
        if when == "call":
            call = pytest.CallInfo.from_call(lambda: _run_child(item), when="call")
        else:
            call = pytest.CallInfo.from_call(lambda: None, when=when)
        report = pytest.TestReport.from_item_and_call(item, call)
        hook.pytest_runtest_logreport(report=report)
    # What the tests run here before this one set up (their module's fixtures…) is torn down now
    # if the next test does not share it, as pytest's own protocol would: else the next module's
    # first test finds « previous item was not torn down properly ».
    item.session._setupstate.teardown_exact(nextitem)
    hook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True

