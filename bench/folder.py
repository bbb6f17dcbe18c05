"""The sample's report folder: how long `analyze --out` takes, and what `--tables xlsx` adds.

Four runs per round, each a fresh `slreport` process on sample_data/calls.csv with the sample's
config: the report alone (`-f json` to /dev/null, no folder), `--out` with `--tables csv` (the
default: ≈30 charts, report.html) and with `--tables xlsx`. Rounds are interleaved over the
source trees given (e.g. a baseline checkout and this one), and each run's wall and CPU time
(its own and its worker processes') are kept; the medians are printed, with what the folder adds
to the report alone and what xlsx adds to csv. On a shared machine the CPU times say more than
the wall times.

    python bench/folder.py                       # this tree, 5 rounds
    python bench/folder.py /tmp/base .           # a baseline (git archive REV | tar -x -C /tmp/base) and this tree
    python bench/folder.py --workers 1 .         # SLREPORT_CHART_WORKERS=1: charts drawn in one process

Each tree is run by this interpreter with PYTHONPATH at the tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ("analyze", "sample_data/calls.csv", "--config", "sample_data/slreport.toml")
RUNS = {  # name → analyze's options after ARGS (OUT: the folder)
    "report": ("-f", "json"),
    "csv": ("--out", "OUT", "--tables", "csv"),
    "xlsx": ("--out", "OUT", "--tables", "xlsx"),
}


def one_run(tree: Path, options: tuple[str, ...], out: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one `slreport analyze` in ``tree``."""
    shutil.rmtree(out, ignore_errors=True)
    argv = [sys.executable, "-m", "slreport", *ARGS, *(str(out) if o == "OUT" else o for o in options)]
    before, start = os.times(), time.perf_counter()
    subprocess.run(argv, cwd=tree, env=env | {"PYTHONPATH": str(tree)}, check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, os.times()
    return wall, after.children_user + after.children_system - before.children_user - before.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", help="SLREPORT_CHART_WORKERS for every run (default: as the tree decides)")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.workers:
        env["SLREPORT_CHART_WORKERS"] = args.workers
    times: dict[tuple[Path, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="slreport-bench-") as scratch:
        for _ in range(args.rounds):
            for tree in args.trees:
                for name, options in RUNS.items():
                    times.setdefault((tree, name), []).append(
                        one_run(tree.resolve(), options, Path(scratch) / "r", env))
    print(f"median of {args.rounds}, wall s (CPU s); load average now {os.getloadavg()[0]:.1f}")
    for tree in args.trees:
        wall = {n: statistics.median(w for w, _ in times[(tree, n)]) for n in RUNS}
        cpu = {n: statistics.median(c for _, c in times[(tree, n)]) for n in RUNS}
        print(f"{tree}: report {wall['report']:.2f} ({cpu['report']:.2f}) · folder, csv {wall['csv']:.2f} "
              f"({cpu['csv']:.2f}) · folder, xlsx {wall['xlsx']:.2f} ({cpu['xlsx']:.2f}) · the folder adds "
              f"{wall['csv'] - wall['report']:.2f} ({cpu['csv'] - cpu['report']:.2f}) · xlsx adds "
              f"{wall['xlsx'] - wall['csv']:.2f} ({cpu['xlsx'] - cpu['csv']:.2f})")


if __name__ == "__main__":
    main()
