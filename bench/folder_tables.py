"""What `--tables xlsx` adds to the sample's report folder: `analyze --out` with `--tables csv` and
with `--tables xlsx`, interleaved, median of N runs, wall and CPU time (the CPU time of a run says
more than its wall time on a shared machine). Give several source trees to compare them (e.g. a
checkout of main and this one), run by this interpreter with PYTHONPATH at each tree:

    python bench/folder_tables.py                 # this tree, 3 rounds
    python bench/folder_tables.py /tmp/main .     # before and after, interleaved
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


def one_run(tree: Path, tables: str, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `analyze --out` in ``tree``."""
    shutil.rmtree(out, ignore_errors=True)
    before, start = os.times(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "slreport", *ARGS, "--out", str(out), "--tables", tables], cwd=tree,
                   env=os.environ | {"PYTHONPATH": str(tree)}, check=True)
    wall, after = time.perf_counter() - start, os.times()
    return wall, after.children_user + after.children_system - before.children_user - before.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[tuple[Path, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="slreport-bench-") as scratch:
        for _ in range(args.rounds):
            for tree in args.trees:
                for tables in ("csv", "xlsx"):
                    times.setdefault((tree, tables), []).append(one_run(tree.resolve(), tables, Path(scratch) / "r"))
    for tree in args.trees:
        wall = {t: statistics.median(w for w, _ in times[(tree, t)]) for t in ("csv", "xlsx")}
        cpu = {t: statistics.median(c for _, c in times[(tree, t)]) for t in ("csv", "xlsx")}
        print(f"{tree}: csv {wall['csv']:.2f} s (CPU {cpu['csv']:.2f}), xlsx {wall['xlsx']:.2f} s "
              f"(CPU {cpu['xlsx']:.2f}); xlsx adds {wall['xlsx'] - wall['csv']:.2f} s "
              f"(CPU {cpu['xlsx'] - cpu['csv']:.2f})")


if __name__ == "__main__":
    main()
