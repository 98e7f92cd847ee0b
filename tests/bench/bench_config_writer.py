"""Benchmark: upsert one profile into a large AWS config file, with the full safety path.

    .venv/bin/python tests/bench/bench_config_writer.py [--quick] [--runs N] [--sizes 100,1000,...]

For each size (100 / 1,000 / 5,000 / 20,000 profiles in the sso-session form, with comments
and blank lines as real files have them) and each run, a fresh copy of the generated file
gets one new profile:

* ours: ``ConfigWriter.plan`` + ``apply`` - parse and validate the whole file, edit, verify
  with botocore's loader, unified diff, exclusive lock, re-read, backup, temp file + fsync +
  atomic rename + directory fsync, backup pruning;
* the AWS CLI's own ``awscli.customizations.configure.writer.ConfigFileWriter.update_config``
  (what ``aws configure sso`` / ``aws configure set`` call), in-process, same file, same
  profile: it scans the file and appends in place (no lock, no backup, no fsync, no verify).

Runs alternate between the two; medians over the runs are printed (target: ours <= 30 ms at
5,000 profiles and <= 2x the CLI's writer). botocore's full load of the same file is shown
for scale.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.config.edits import UpsertProfile  # noqa: E402
from app.config.writer import ConfigWriter  # noqa: E402

SIZES = [100, 1_000, 5_000, 20_000]


def generate(profiles: int, seed: int = 7) -> str:
    """A config like the ones large organisations generate: sessions, profiles, notes."""
    rng = random.Random(seed)
    out = ["# AWS config generated for the benchmark\n", "[default]\n", "region = us-east-1\n", "output = json\n", "\n"]
    for session in range(3):
        out += [
            f"[sso-session org{session}]\n",
            f"sso_start_url = https://d-{session:010d}.awsapps.com/start\n",
            "sso_region = us-east-1\n",
            "sso_registration_scopes = sso:account:access\n",
            "\n",
        ]
    for index in range(profiles):
        account = f"{rng.randrange(10**11, 10**12):012d}"
        if index % 25 == 0:
            out.append(f"# --- team {index // 25} ---\n")
        out += [
            f"[profile team{index}-{account}]\n",
            f"sso_session = org{index % 3}\n",
            f"sso_account_id = {account}\n",
            f"sso_role_name = {rng.choice(['ReadOnly', 'Developer', 'AdministratorAccess'])}\n",
            f"region = {rng.choice(['us-east-1', 'eu-west-1', 'ap-southeast-2'])}\n",
            "output = json\n",
            "\n",
        ]
    return "".join(out)


def ours(path: Path, name: str) -> float:
    started = time.perf_counter()
    writer = ConfigWriter(path)
    plan = writer.plan([UpsertProfile(name, "123456789012", "Developer", sso_session="org1",
                                      region="eu-west-1", output="json")])
    writer.apply(plan)
    return time.perf_counter() - started


def cli(path: Path, name: str) -> float:
    from awscli.customizations.configure.writer import ConfigFileWriter

    values = {"__section__": f"profile {name}", "sso_session": "org1", "sso_account_id": "123456789012",
              "sso_role_name": "Developer", "region": "eu-west-1", "output": "json"}
    started = time.perf_counter()
    ConfigFileWriter().update_config(values, str(path))
    return time.perf_counter() - started


def botocore_load(path: Path) -> float:
    from botocore.configloader import load_config

    started = time.perf_counter()
    load_config(str(path))
    return time.perf_counter() - started


def measure(size: int, runs: int, workdir: Path, with_botocore: bool) -> dict:
    base = workdir / f"base-{size}"
    base.write_text(generate(size))
    mine_dir, theirs_dir = workdir / f"ours-{size}", workdir / f"cli-{size}"
    mine_dir.mkdir()
    theirs_dir.mkdir()
    mine_path, theirs_path = mine_dir / "config", theirs_dir / "config"
    mine: list[float] = []
    theirs: list[float] = []
    for run in range(runs + 1):  # the first run of each warms imports and caches
        shutil.copyfile(base, mine_path)
        shutil.copyfile(base, theirs_path)
        name = f"bench-new-{run}"
        a, b = ours(mine_path, name), cli(theirs_path, name)
        if run:
            mine.append(a)
            theirs.append(b)
        if mine_path.read_text().count(f"[profile {name}]") != 1:
            raise SystemExit("our write did not add the profile exactly once")
    loads = [botocore_load(base) for _ in range(3)] if with_botocore else []
    return {
        "size": size,
        "bytes": base.stat().st_size,
        "ours": statistics.median(mine) * 1000,
        "cli": statistics.median(theirs) * 1000,
        "botocore": statistics.median(loads) * 1000 if loads else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs (a smoke test)")
    parser.add_argument("--runs", type=int, default=None, help="runs per size (default 9; --quick 2)")
    parser.add_argument("--sizes", default=None, help="comma-separated profile counts")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 9)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([100, 1_000] if args.quick else SIZES)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-config-") as tmp:
        for size in sizes:
            rows.append(measure(size, runs, Path(tmp), with_botocore=not args.quick))
    print(f"Upsert one profile, full safety path (median of {runs} runs each; fsync included for ours)")
    print(f"{'profiles':>9} {'file KiB':>9} {'ours ms':>9} {'CLI ms':>9} {'ratio':>7} {'botocore load ms':>17}")
    for row in rows:
        load = f"{row['botocore']:.1f}" if row["botocore"] is not None else "-"
        print(f"{row['size']:>9,} {row['bytes'] / 1024:>9.0f} {row['ours']:>9.1f} {row['cli']:>9.1f} "
              f"{row['ours'] / row['cli']:>6.2f}x {load:>17}")
    target = next((row for row in rows if row["size"] == 5_000), None)
    if target is not None:
        verdict = "met" if target["ours"] <= 30 and target["ours"] <= 2 * target["cli"] else "NOT met"
        print(f"Target at 5,000 profiles (<= 30 ms and <= 2x the CLI writer): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
