"""A program's peak memory, for bench/probe.py and bench/measure.py."""

from __future__ import annotations

import resource


def peak_rss_kb() -> int:
    """This program's peak memory (kB): VmHWM, the high-water mark of its own address space.
    (ru_maxrss would also count the parent's peak from before exec: a bench/run that had just
    built the territory in-process made every probe look 200 MB big.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
