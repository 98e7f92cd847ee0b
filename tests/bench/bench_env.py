"""Benchmark: a warm ``aws-sso-wizard env PROFILE --format process`` (keys in the AWS CLI's role
cache) next to botocore's own credential chain in a fresh process
(``boto3.Session(profile_name=...).get_credentials()``), in one run, against the emulator.

    .venv/bin/python tests/bench/bench_env.py [--quick] [--runs N]

Runs alternate (with a bare ``python -c pass`` as the floor); medians reported, and the ratio
boto3 / env. Target: env <= 60 ms.
Everything runs in a throwaway HOME; nothing touches the real ~/.aws.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.emulator import DEMO_REGION, DEMO_START_URL, Emulator  # noqa: E402

BIN = Path(sys.executable).parent
CLI = str(BIN / "aws-sso-wizard")
PROFILE = "bench"
TARGET_MS = 60.0
CONFIG = f"""[sso-session bench]
sso_start_url = {DEMO_START_URL}
sso_region = {DEMO_REGION}
sso_registration_scopes = sso:account:access

[profile {PROFILE}]
sso_session = bench
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = eu-west-2
"""
BOTO3 = f"import boto3; boto3.Session(profile_name={PROFILE!r}).get_credentials().get_frozen_credentials()"


def _sign_in(home: Path, emulator: Emulator) -> None:
    """A token the emulator issued, written where the AWS CLI keeps it."""
    import hashlib
    import json

    signed = emulator.issue_token(start_url=DEMO_START_URL)
    now = datetime.now(timezone.utc)

    def zulu(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (cache / f"{hashlib.sha1(b'bench').hexdigest()}.json").write_text(json.dumps({
        "startUrl": DEMO_START_URL, "region": DEMO_REGION, "accessToken": signed.access_token,
        "expiresAt": zulu(now + timedelta(hours=8)), "clientId": signed.client_id,
        "clientSecret": signed.client_secret, "registrationExpiresAt": zulu(now + timedelta(days=80)),
        "refreshToken": signed.refresh_token,
    }))


CPU: dict[str, list[float]] = {"env": [], "boto3": [], "floor": []}
"""CPU seconds (user + system) of each timed run: a figure a busy machine bends far less."""


def _timed(command: list[str], env: dict[str, str], what: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if what:
        CPU[what].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def measure(runs: int) -> tuple[list[float], list[float], list[float], int]:
    """(env seconds, boto3 seconds, bare interpreter seconds, GetRoleCredentials calls made by the
    warm env runs)."""
    with tempfile.TemporaryDirectory(prefix="bench-env-") as tmp, Emulator() as emulator:
        home = Path(tmp)
        (home / ".aws").mkdir()
        (home / ".aws" / "config").write_text(CONFIG)
        _sign_in(home, emulator)
        env = {"HOME": str(home), "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin", "LANG": os.environ.get("LANG", "C.UTF-8"),
               "NO_PROXY": "127.0.0.1,localhost", "AWS_EC2_METADATA_DISABLED": "true", **emulator.endpoint_env()}
        subprocess.run([CLI, "env", PROFILE, "--format", "process"], env=env, check=True, capture_output=True)
        calls = emulator.call_count("GetRoleCredentials")
        warm, boto, floor = [], [], []
        for i in range(runs + 1):  # the first round warms the page cache and bytecode; not counted
            counted = "x" if i else ""
            w = _timed([CLI, "env", PROFILE, "--format", "process"], env, counted and "env")
            b = _timed([sys.executable, "-c", BOTO3], env, counted and "boto3")
            f = _timed([sys.executable, "-c", "pass"], env, counted and "floor")
            if i:
                warm.append(w)
                boto.append(b)
                floor.append(f)
        boto_calls = runs + 1
        extra = emulator.call_count("GetRoleCredentials") - calls - boto_calls
    return warm, boto, floor, extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 21, quick 3)")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 21)
    warm, boto, floor, extra = measure(runs)
    w_med, b_med = statistics.median(warm) * 1000, statistics.median(boto) * 1000
    f_med = statistics.median(floor) * 1000
    print(f"bench_env: medians of {runs} runs ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"  warm env --format process            {w_med:>7.1f} ms  <= {TARGET_MS:.0f} ms "
          + ("OK" if w_med <= TARGET_MS else "OVER"))
    print(f"  boto3 get_credentials, fresh process {b_med:>7.1f} ms")
    print(f"  ratio boto3 / env                    {b_med / w_med:>7.2f}x")
    print(f"  floor: python -c pass                {f_med:>7.1f} ms")
    cpu = {what: statistics.median(times) * 1000 for what, times in CPU.items()}
    print(f"  CPU (user+system) medians: env {cpu['env']:.1f} ms, boto3 {cpu['boto3']:.1f} ms, "
          f"floor {cpu['floor']:.1f} ms")
    print(f"  GetRoleCredentials by the warm env runs: {extra}")
    print("  raw (ms): env " + ", ".join(f"{x * 1000:.0f}" for x in warm)
          + " | boto3 " + ", ".join(f"{x * 1000:.0f}" for x in boto))
    return 0 if extra == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
