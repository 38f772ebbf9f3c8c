"""Benchmark: the Pangkalpinang demo run, as ``make demo`` does it.

``petarawan run examples/pangkalpinang --out DIR`` in a fresh process each time (interpreter
start, imports, validation, every stage — IKRN round, potential survey, index, classes,
hot spots, uncertainty, plan — figure rendering and every output written), repeated
``--repeat`` times.  Prints each run's wall and CPU seconds with the load average (the machine
may be shared) and the median; target (issue 13): ≤ 4 s on 2 cores.  With ``--profile`` it
also writes a cProfile of one in-process run (``--profile out.prof``).  The last line is one
JSON object: ``{"demo_run_s": median wall seconds, ...}``.

Usage::

    python bench/demo.py [--repeat 5] [--profile demo.prof]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import load, measure, petarawan_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "examples" / "pangkalpinang"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", type=Path, default=None, help="write a cProfile of one in-process run here")
    args = ap.parse_args()
    cmd = petarawan_command("run", str(STUDY))
    print(f"{' '.join(cmd)} --out DIR; {load()} at start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        def once():
            out = Path(tmp) / "out"
            r = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"demo run failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")

        t, _ = measure("petarawan run examples/pangkalpinang (new process, end to end)", once, args.repeat)
        if args.profile:
            import cProfile

            from petarawan.pipeline import run

            cProfile.runctx("run(STUDY, Path(tmp) / 'prof')", {"run": run, "STUDY": STUDY, "Path": Path, "tmp": tmp}, {},
                            str(args.profile))
            print(f"profile written to {args.profile}")
    print(f"summary: demo run median {t.median:.2f} s wall / {t.median_cpu:.2f} s CPU (target ≤ 4 s); {load()} at the end")
    print(json.dumps({"demo_run_s": round(t.median, 3), "demo_run_cpu_s": round(t.median_cpu, 3),
                      "load_1min": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
