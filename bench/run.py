"""Run every benchmark, print one line per figure, exit non-zero when a target is missed.

    scripts/bench            (PARTNERDESK_BENCH_SCALE=100 by default)
"""

import sys
import time
from importlib import import_module

from bench.common import SCALE, Figure

MODULES = ["bench.bench_demo", "bench.bench_startup", "bench.bench_cli", "bench.bench_contacts",
           "bench.bench_search", "bench.bench_reports", "bench.bench_report_click",
           "bench.bench_sharing",
           "bench.bench_interchange", "bench.bench_bulk", "bench.bench_office",
           "bench.bench_memory", "bench.bench_peers"]


def main(names: list[str]) -> int:
    wanted = [m for m in MODULES if not names or m.rsplit(".", 1)[-1] in names
              or m.rsplit("_", 1)[-1] in names]
    print(f"PartnerDesk benchmarks at demo --scale {SCALE} (median of several runs; "
          "the baseline is measured in the same run)")
    figures: list[Figure] = []
    for name in wanted:
        started = time.perf_counter()
        found = import_module(name).measure()
        for figure in found:
            print(figure.line(), flush=True)
        figures += found
        print(f"     ({name} took {time.perf_counter() - started:.0f} s)", flush=True)
    missed = [f.name for f in figures if not f.ok]
    print(f"{len(figures) - len(missed)} of {len(figures)} figures meet their targets."
          + (f" Missed: {', '.join(missed)}." if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
