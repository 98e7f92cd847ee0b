"""Benchmark: what the shell runs on every prompt and every Tab.

    .venv/bin/python tests/bench/bench_shell.py [--quick] [--runs N] [--profiles N]

Measures, as process wall time of the installed command (runs interleaved, medians reported):
* ``aws-sso-wizard prompt`` for a signed-in $AWS_PROFILE. Target: <= 30 ms.
* one completion answer, ``__complete bash use ""`` (every profile name) with the spec already
  kept. Target: <= 50 ms.
next to the floor, ``python -c pass`` of the same interpreter. A config of N profiles (default
200) in a throwaway HOME; nothing touches the real ~/.aws.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from hashlib import sha1
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "aws-sso-wizard")
TARGET_PROMPT_MS = 30.0
TARGET_COMPLETE_MS = 50.0


def _sandbox(home: Path, profiles: int) -> None:
    lines = ["[sso-session corp]", "sso_start_url = https://my-org.awsapps.com/start", "sso_region = eu-west-1",
             "sso_registration_scopes = sso:account:access", ""]
    for i in range(profiles):
        lines += [f"[profile team-{i:04d}]", "sso_session = corp", f"sso_account_id = {100000000000 + i}",
                  "sso_role_name = ReadOnly", "region = eu-west-1", ""]
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text("\n".join(lines))
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    expires = (datetime.now(timezone.utc) + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (cache / f"{sha1(b'corp').hexdigest()}.json").write_text(json.dumps({
        "startUrl": "https://my-org.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa-bench",
        "expiresAt": expires}))


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall time, CPU time of the process) in ms. CPU time is what the run costs; on a busy
    machine the wall time also holds the wait for a free core."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed with exit code {process.returncode}")
    return elapsed * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 31, quick 7)")
    parser.add_argument("--profiles", type=int, default=200, help="profiles in the config (default 200)")
    args = parser.parse_args(argv)
    runs = args.runs or (7 if args.quick else 31)

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        _sandbox(home, args.profiles)
        env = {"HOME": str(home), "PATH": f"{Path(CLI).parent}{os.pathsep}/usr/bin:/bin",
               "LANG": os.environ.get("LANG", "C.UTF-8"), "AWS_PROFILE": "team-0007"}
        commands = {
            "floor": [sys.executable, "-c", "pass"],
            "prompt": [CLI, "prompt"],
            "complete": [CLI, "__complete", "bash", "use", ""],
        }
        for command in commands.values():  # warm up: bytecode caches, the kept completion spec
            _time(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                wall, used = _time(command, env)
                times[name].append(wall)
                cpu[name].append(used)
        check = subprocess.run(commands["prompt"], env=env, capture_output=True, text=True).stdout.strip()

    med = {name: statistics.median(values) for name, values in times.items()}
    best = {name: min(values) for name, values in times.items()}
    cpu_med = {name: statistics.median(values) for name, values in cpu.items()}
    rows = [
        ("python -c pass (floor)", med["floor"], None),
        (f"prompt ({check!r})", med["prompt"], TARGET_PROMPT_MS),
        (f"completion answer ({args.profiles} profile names)", med["complete"], TARGET_COMPLETE_MS),
    ]
    print(f"bench_shell: medians of {runs} runs ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    width = max(len(r[0]) for r in rows)
    for label, value, target in rows:
        verdict = "" if target is None else f"<= {target:.0f} ms " + ("OK" if value <= target else "OVER")
        extra = "" if target is None else f"floor + {value - med['floor']:.1f} ms"
        print(f"  {label:<{width}}  {value:>7.1f} ms  {extra:>18}  {verdict}")
    print("  median CPU time: " + ", ".join(f"{name} {value:.1f} ms" for name, value in cpu_med.items()))
    print("  best runs (an idle machine): " + ", ".join(f"{name} {value:.1f} ms" for name, value in best.items()))
    for name, values in times.items():
        print(f"  raw {name} (ms): " + ", ".join(f"{v:.0f}" for v in values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
