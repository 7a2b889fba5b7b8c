"""bench/peak_memory.py: a program's own peak memory, not its parent's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.peak_memory import peak_rss_kb

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_child_of_a_big_parent_reports_its_own_peak():
    ballast = bytearray(200 * 1024 * 1024)  # this process: at least 200 MB at its peak
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touched, so resident
    parent = peak_rss_kb()
    child = subprocess.run([sys.executable, "-c", "from bench.peak_memory import peak_rss_kb; print(peak_rss_kb())"],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    del ballast
    assert parent > 200 * 1024
    assert 0 < int(child.stdout) < 100 * 1024  # a bare interpreter: tens of MB, not the parent's peak
