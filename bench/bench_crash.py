"""The long crash run: 200 kill -9 trials while a child writes through the services.

    .venv/bin/python bench/bench_crash.py [--trials 200] [--max-delay 0.6]

Prints one line per trial and a summary; exits 1 if any confirmed write was lost,
any multi-record write was half-applied or `partnerdesk check` failed.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--max-delay", type=float, default=0.6,
                        help="longest time (seconds) a child goes on writing past the "
                             "confirmed writes it was to make before it is killed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="partnerdesk-crash-"))
    os.environ["PARTNERDESK_DATA_DIR"] = str(folder / "data")
    from tests.safety.crash_trials import run_trials

    started = time.monotonic()
    confirmed, problems = run_trials(folder / "crash.db", folder / "data", args.trials,
                                     seed=args.seed, max_delay=args.max_delay, log=print)
    elapsed = time.monotonic() - started
    print(f"\n{args.trials} trials in {elapsed:.0f} s: {confirmed.writes} confirmed writes "
          f"({len(confirmed.orgs)} organizations, {len(confirmed.groups)} groups, "
          f"{len(confirmed.bulks)} bulk writes, {len(confirmed.updates)} edited records, "
          f"{len(confirmed.deleted)} deletions); kills: {confirmed.kills}.")
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    print("No confirmed write lost, nothing half-applied, 'partnerdesk check' passed every time.")
    print(f"Files kept in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
