"""Timing helpers shared by the benchmarks: wall and CPU seconds, the load beside each figure,
medians of repeated measurements, peak memory.

The machine these benchmarks run on is often shared (other test suites running): every figure is
printed with the 1-minute load average and the number of cores, and each timing is repeated so
that the median, not one lucky or unlucky run, is reported.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def petarawan_command(*args: str) -> list[str]:
    """``petarawan ARGS`` in a new process: the venv's console script, else ``python -m petarawan.cli``."""
    exe = Path(sys.executable).with_name("petarawan")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "petarawan.cli", *args]


def load() -> str:
    """``load 3.2/2 cores``: the 1-minute load average and the number of cores."""
    return f"load {os.getloadavg()[0]:.1f}/{os.cpu_count()} cores"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Timing:
    """Repeated measurements of one step: wall seconds, CPU seconds, load at the end of each."""

    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    def line(self) -> str:
        spread = f" (runs: {', '.join(f'{w:.2f}' for w in self.wall)})" if len(self.wall) > 1 else ""
        return (f"{self.label:<62s} median {self.median:7.2f} s wall, {self.median_cpu:7.2f} s CPU{spread}; "
                f"load {statistics.median(self.loads):.1f}/{os.cpu_count()} cores")


def measure(label: str, fn, repeat: int = 1, *, quiet: bool = False) -> tuple[Timing, object]:
    """Run ``fn()`` ``repeat`` times; print and return the timing (median) and the last result."""
    t = Timing(label)
    out = None
    for _ in range(max(1, repeat)):
        c0, w0 = cpu_seconds(), time.perf_counter()
        out = fn()
        t.wall.append(time.perf_counter() - w0)
        t.cpu.append(cpu_seconds() - c0)
        t.loads.append(os.getloadavg()[0])
    if not quiet:
        print(t.line(), flush=True)
    return t, out


def shared_file(*parts: str) -> Path | None:
    """A file of the session's shared folder (``shared/…`` beside or above the repository)."""
    root = Path(__file__).resolve().parents[1]
    for base in (root.parent, root.parent.parent, Path("/work")):
        p = base.joinpath("shared", *parts)
        if p.is_file():
            return p
    return None
