"""Benchmark: config writers killed with SIGKILL at random points, and the wizard's writer racing
``aws configure set`` (the AWS CLI v1 from PyPI, which writes in place and takes no lock).

    .venv/bin/python tests/bench/bench_config_faults.py [--quick] [--kills N] [--cli-updates N]

Kill run: each try starts a writer that upserts profiles one after another and kills it after a
random 50-800 ms; the file must parse and hold every write the writer reported, one more write
must then remove the temporary files the kills left, and there are never more than 20 backups.
Printed: tries, failures, leftover temp files (after the kills / after the next write), the most
backups seen, time.

Mixed run: ``aws configure set`` N times (half add a section, half change one in place) while two
wizard writers upsert 30 profiles each. Printed: tries, lost CLI updates (target 0 of 48), lost
wizard writes, time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.config_races import crash_run, mixed_run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few tries (a smoke test)")
    parser.add_argument("--kills", type=int, default=None, help="writers killed (default 100; --quick 10)")
    parser.add_argument("--cli-updates", type=int, default=None, help="aws configure set runs (default 48; --quick 8)")
    args = parser.parse_args(argv)
    kills = args.kills or (10 if args.quick else 100)
    updates = args.cli_updates or (8 if args.quick else 48)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        crash = crash_run(Path(tmp) / "kill" / "config", kills)
        print(f"kill -9 run: {crash.tries} tries, {len(crash.failures)} failures, "
              f"leftover temp files {crash.temps_left_by_kills} after the kills / {crash.temps_after_next_write} "
              f"after the next write, at most {crash.most_backups} backups, {crash.seconds:.1f} s")
        for failure in crash.failures[:5]:
            print(f"  {failure}")
        failed |= bool(crash.failures) or crash.temps_after_next_write > 0
        mixed = mixed_run(Path(tmp) / "mixed" / "config", updates, wizard_writes=5 if args.quick else 30)
        print(f"mixed writers: {mixed.cli_updates} aws configure set + {mixed.wizard_writes} wizard writes, "
              f"lost updates {len(mixed.lost_cli_updates)} of {mixed.cli_updates} (target 0), "
              f"lost wizard writes {len(mixed.lost_wizard_writes)}, {mixed.seconds:.1f} s")
        for failure in mixed.failures[:5] + mixed.lost_cli_updates[:5]:
            print(f"  {failure}")
        failed |= bool(mixed.failures or mixed.lost_cli_updates)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
