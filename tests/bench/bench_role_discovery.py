"""Benchmark: role discovery (ListAccounts + ListAccountRoles for every account) against the emulator.

    .venv/bin/python tests/bench/bench_role_discovery.py [--quick] [--runs N] [--peer-runs N] [--no-peer]

Issue 3 §7 targets, per scenario:
* 1,000 and 200 accounts behind a 20 requests/s portal limit (429 beyond, sliding one-second window),
  at 100 ms and 30 ms latency per request: 0 failures and a wall time within 1.1x of the floor
  (N + ceil(N/100)) / 20 s — the time the limit allows for the ListAccounts pages plus one
  ListAccountRoles per account;
* 12 accounts, no limit: every account's roles within 3 round trips after the account list.

Side by side, on the same emulator and data: ``aws-sso-util roles`` (the bench extra), timed as a
process (its figure includes interpreter start-up, measured separately and shown). It reads the
token from ~/.aws/sso/cache under the legacy key sha1(start URL), which the benchmark writes.

Everything runs in a throwaway HOME; the emulator is reached through the standard endpoint overrides.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.emulator import DEMO_REGION, DEMO_START_URL, Emulator  # noqa: E402
from app.signin.login import LoginService  # noqa: E402
from app.signin.portal import SsoClient  # noqa: E402
from app.signin.target import SsoTarget  # noqa: E402
from app.signin.token_cache import token_cache_key  # noqa: E402

PORTAL_LIMIT = 20.0
TARGET_RATIO = 1.1
ROUND_TRIP_TARGET = 3.0
TARGETS_MISSED = 3  # exit status when it ran but missed a target (a crash exits with 1)
TARGET = SsoTarget(DEMO_START_URL, DEMO_REGION, "bench", ("sso:account:access",), "sso:account:access")
PEER = Path(sys.executable).parent / "aws-sso-util"


@dataclass
class Scenario:
    accounts: int
    latency_ms: float
    rate_limit: float | None

    @property
    def floor(self) -> float | None:
        if not self.rate_limit:
            return None
        return (self.accounts + math.ceil(self.accounts / 100)) / self.rate_limit

    @property
    def label(self) -> str:
        limit = f"{self.rate_limit:g} rps" if self.rate_limit else "no limit"
        return f"{self.accounts} accts, {self.latency_ms:g} ms, {limit}"


@dataclass
class Run:
    seconds: float  # list_accounts + discover_roles
    discovery_seconds: float  # discover_roles alone
    failures: int
    throttled: int


def _write_token(home: Path, emu: Emulator) -> None:
    """One real token from the emulator, under both the session key (ours) and the legacy start-URL key
    (aws-sso-util), written as the AWS CLI writes them."""
    signed = emu.issue_token(start_url=DEMO_START_URL)
    now = datetime.now(timezone.utc)
    document = {
        "startUrl": DEMO_START_URL,
        "region": DEMO_REGION,
        "accessToken": signed.access_token,
        "expiresAt": (now + timedelta(seconds=signed.expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "clientId": signed.client_id,
        "clientSecret": signed.client_secret,
        "registrationExpiresAt": datetime.fromtimestamp(signed.client_secret_expires_at, timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
    }
    if signed.refresh_token:
        document["refreshToken"] = signed.refresh_token
    folder = home / ".aws" / "sso" / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    for key in (token_cache_key(DEMO_START_URL, TARGET.session_name), token_cache_key(DEMO_START_URL)):
        path = folder / f"{key}.json"
        path.write_text(json.dumps(document))
        path.chmod(0o600)


def _expected(emu: Emulator) -> dict[str, list[str]]:
    return {a.account_id: sorted(a.roles, key=str.lower) for a in emu.org.accounts}


def _throttles(emu: Emulator) -> int:
    return sum(1 for e in emu.errors if e.code == "TooManyRequestsException")


def _settle(emu: Emulator) -> None:
    """Let the emulator's one-second window empty, so each run starts from the same state."""
    time.sleep(1.1 if emu.rate_limit else 0.05)
    emu.clear_calls()


def run_ours(emu: Emulator, runs: int) -> list[Run]:
    expected = _expected(emu)
    results = []
    for _ in range(runs):
        _settle(emu)
        client = SsoClient(LoginService(), TARGET)  # a fresh limiter each run: no learned rate
        client.clients.client("sso", TARGET.region, retries=False, max_pool_connections=client.workers + 2)
        started = time.perf_counter()
        failures = 0
        try:
            accounts = client.list_accounts()
            listed = time.perf_counter()
            roles = client.discover_roles(accounts)
            done = time.perf_counter()
            failures = sum(1 for account_id, names in expected.items() if roles.get(account_id) != names)
        except Exception as error:  # a failure is a result, not a crash of the benchmark
            done = listed = time.perf_counter()
            failures = len(expected)
            print(f"  ours failed: {type(error).__name__}: {error}", file=sys.stderr)
        results.append(Run(done - started, done - listed, failures, _throttles(emu)))
    return results


def _peer_env(home: Path, emu: Emulator) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(emu.endpoint_env())
    env.update(HOME=str(home), AWS_CONFIG_FILE=str(home / ".aws" / "config"), NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost", AWS_EC2_METADATA_DISABLED="true")
    return env


def peer_startup(home: Path, emu: Emulator) -> float:
    """The process start-up of ``aws-sso-util`` (``--version``), to read its figures fairly."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([str(PEER), "--version"], env=_peer_env(home, emu), capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_peer(home: Path, emu: Emulator, runs: int) -> tuple[list[Run], str | None]:
    if not PEER.exists():
        return [], "aws-sso-util is not installed (pip install '.[bench]')"
    expected_rows = sum(len(r) for r in _expected(emu).values())
    results = []
    for _ in range(runs):
        _settle(emu)
        started = time.perf_counter()
        proc = subprocess.run(
            [str(PEER), "roles", "--sso-start-url", DEMO_START_URL, "--sso-region", DEMO_REGION, "--no-header"],
            env=_peer_env(home, emu),
            capture_output=True,
            text=True,
            timeout=900,
        )
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            return results, f"aws-sso-util roles exited with {proc.returncode}: {tail[:160]}"
        rows = [line for line in proc.stdout.splitlines() if line.strip()]
        results.append(Run(elapsed, elapsed, abs(expected_rows - len(rows)), _throttles(emu)))
    return results, None


def _median(values):
    return statistics.median(values) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scenarios, one run (for the smoke test)")
    parser.add_argument("--runs", type=int, default=None, help="runs per scenario (default 3, quick 1)")
    parser.add_argument("--peer-runs", type=int, default=None, help="aws-sso-util runs per scenario (default 1)")
    parser.add_argument("--no-peer", action="store_true", help="skip aws-sso-util")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    peer_runs = 0 if args.no_peer else (args.peer_runs if args.peer_runs is not None else 1)
    if args.quick:
        scenarios = [Scenario(20, 30, PORTAL_LIMIT), Scenario(12, 30, None)]
    else:
        scenarios = [
            Scenario(1000, 100, PORTAL_LIMIT),
            Scenario(1000, 30, PORTAL_LIMIT),
            Scenario(200, 100, PORTAL_LIMIT),
            Scenario(200, 30, PORTAL_LIMIT),
            Scenario(12, 100, None),
            Scenario(12, 30, None),
        ]

    home = Path(tempfile.mkdtemp(prefix="bench-roles-"))
    saved = dict(os.environ)
    rows = []
    all_ok = True
    startup = None
    try:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[key]
        os.environ.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
                          AWS_EC2_METADATA_DISABLED="true")
        for scenario in scenarios:
            with Emulator(accounts=scenario.accounts, latency_ms=scenario.latency_ms,
                          rate_limit=scenario.rate_limit) as emu:
                os.environ.update(emu.endpoint_env())
                _write_token(home, emu)
                ours = run_ours(emu, runs)
                peer, why_not = ([], "skipped (--no-peer)") if not peer_runs else run_peer(home, emu, peer_runs)
                if peer_runs and startup is None and PEER.exists():
                    startup = peer_startup(home, emu)
            seconds = _median([r.seconds for r in ours])
            failures = max(r.failures for r in ours)
            throttled = _median([r.throttled for r in ours])
            floor = scenario.floor
            if floor:
                ratio = seconds / floor
                ok = failures == 0 and ratio <= TARGET_RATIO
                verdict = f"{ratio:.3f}x floor"
            else:
                trips = _median([r.discovery_seconds for r in ours]) / (scenario.latency_ms / 1000)
                ok = failures == 0 and trips <= ROUND_TRIP_TARGET
                ratio = None
                verdict = f"{trips:.2f} round trips"
            all_ok &= ok
            peer_seconds = _median([r.seconds for r in peer])
            peer_failures = max((r.failures for r in peer), default=None)
            rows.append((scenario, floor, seconds, verdict, ok, failures, throttled, peer_seconds, peer_failures, why_not))
            print(f"  done: {scenario.label}: ours {seconds:.2f} s ({verdict})", file=sys.stderr, flush=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(home, ignore_errors=True)

    print()
    print(f"Role discovery (median of {runs} run{'s' if runs != 1 else ''}; aws-sso-util: {peer_runs} run"
          f"{'s' if peer_runs != 1 else ''}, process time incl. start-up"
          + (f" {startup:.2f} s" if startup is not None else "") + ")")
    header = f"{'scenario':<30} {'floor s':>8} {'ours s':>8} {'result':>18} {'ok':>3} {'fail':>4} {'429s':>5} {'aws-sso-util s':>15} {'peer/ours':>9}"
    print(header)
    print("-" * len(header))
    notes = []
    for scenario, floor, seconds, verdict, ok, failures, throttled, peer_seconds, peer_failures, why_not in rows:
        peer_text = f"{peer_seconds:.2f}" if peer_seconds is not None else "n/a"
        if peer_failures:
            peer_text += f" ({peer_failures} missing)"
        speed = f"{peer_seconds / seconds:.2f}x" if peer_seconds is not None and seconds else "-"
        print(
            f"{scenario.label:<30} {floor if floor is not None else float('nan'):>8.2f} {seconds:>8.2f} {verdict:>18} "
            f"{'yes' if ok else 'NO':>3} {failures:>4} {throttled:>5.0f} {peer_text:>15} {speed:>9}"
        )
        if why_not:
            notes.append(f"{scenario.label}: aws-sso-util not run: {why_not}")
    for note in notes:
        print(note)
    print("targets: within 1.1x of the floor with 0 failures at a 20 rps limit; 12 accounts in <= 3 round trips")
    return 0 if all_ok else TARGETS_MISSED


if __name__ == "__main__":
    sys.exit(main())
