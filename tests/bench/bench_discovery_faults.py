"""Benchmark: role discovery for 300 accounts on a misbehaving portal (the emulator's seeded faults).

    .venv/bin/python tests/bench/bench_discovery_faults.py [--quick] [--runs N] [--accounts N] [--cap S]

Scenarios, each against a portal that allows 20 requests/s (30 ms latency a request):
* ``by count``: at most 20 in any one second (a sliding window), no other trouble: the unthrottled time;
* ``by count + 1/3 429``: the same, and a third of all requests answered 429 at random (seeded);
* ``by rate``: a token bucket of 20/s (bursts of 5);
* ``25 % 500s`` / ``25 % resets``: a quarter of requests answered HTTP 500 / cut off, unlimited rate;
* ``20 % 500s, N broken``: a fifth answered HTTP 500, and every 100th account always fails (left out, named).

Targets: every role right in every run; random 429s within 3x the unthrottled time; the token bucket
within 1.1x of its floor (N + ceil(N/100)) / 20 s; faults: no run aborted, accounts left out named.
A run that exceeds ``--cap`` seconds is cancelled and counted as failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_role_discovery import TARGET, _expected, _write_token  # noqa: E402

from app.cancel import CancelToken  # noqa: E402
from app.emulator import Emulator  # noqa: E402
from app.emulator.faults import PortalFaults  # noqa: E402
from app.emulator.org import DemoOrg  # noqa: E402
from app.signin.login import LoginService  # noqa: E402
from app.signin.portal import SsoClient  # noqa: E402

LIMIT = 20.0
LATENCY_MS = 30
TARGETS_MISSED = 3


@dataclass
class Scenario:
    label: str
    knobs: dict
    kind: str  # "base", "random", "rate", "faults"


@dataclass
class Run:
    seconds: float
    wrong: int  # accounts with wrong or missing roles (left out ones included)
    left_out: int
    aborted: str | None
    throttles: int
    requests: int
    final_rate: float


def scenarios(seed: int, accounts: int) -> list[Scenario]:
    broken = frozenset(a.account_id for a in DemoOrg.build(accounts).accounts[::100])
    return [
        Scenario("by count", {"rate_limit": LIMIT}, "base"),
        Scenario("by count + 1/3 429", {"rate_limit": LIMIT, "faults": PortalFaults(throttle=1 / 3, seed=seed)},
                 "random"),
        Scenario("by rate (bucket 5)", {"rate_limit": LIMIT, "rate_limit_kind": "bucket", "rate_limit_burst": 5},
                 "rate"),
        Scenario("25 % 500s", {"faults": PortalFaults(server_errors=0.25, seed=seed)}, "faults"),
        Scenario("25 % resets", {"faults": PortalFaults(resets=0.25, seed=seed)}, "faults"),
        Scenario(f"20 % 500s, {len(broken)} broken", {"faults": PortalFaults(server_errors=0.2, seed=seed,
                                                                          failing_accounts=broken)}, "faults"),
    ]


def run_once(emu: Emulator, cap: float) -> Run:
    expected = _expected(emu)
    time.sleep(1.1)  # the window and the bucket start full
    emu.clear_calls()
    client = SsoClient(LoginService(), TARGET)
    cancel = CancelToken()
    timer = threading.Timer(cap, cancel.cancel)
    timer.start()
    started = time.perf_counter()
    aborted = None
    left_out = 0
    roles: dict = {}
    try:
        accounts = client.list_accounts(cancel=cancel)
        roles = client.discover_roles(accounts, cancel=cancel)
        left_out = len(getattr(roles, "failed", {}) or {})
    except Exception as error:  # a failure is a result, not a crash of the benchmark
        aborted = f"{type(error).__name__}: {str(error)[:80]}"
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    wrong = sum(1 for account_id, names in expected.items() if roles.get(account_id) != names)
    portal_calls = sum(1 for c in emu.calls if c.operation in ("ListAccounts", "ListAccountRoles"))
    throttles = sum(1 for e in emu.errors if e.code == "TooManyRequestsException")
    return Run(seconds, wrong, left_out, aborted, throttles, portal_calls, client.limiter.rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 accounts, one run each")
    parser.add_argument("--runs", type=int, default=None, help="runs per scenario (default 3, quick 1)")
    parser.add_argument("--accounts", type=int, default=None, help="accounts (default 300, quick 60)")
    parser.add_argument("--cap", type=float, default=None, help="cancel a run after this many seconds (default 120)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default=None, help="run only scenarios whose label contains this")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    accounts = args.accounts or (60 if args.quick else 300)
    cap = args.cap or 120.0
    floor = (accounts + math.ceil(accounts / 100)) / LIMIT

    home = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    saved = dict(os.environ)
    results: list[tuple[Scenario, list[Run]]] = []
    try:
        for key in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[key]
        os.environ.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
                          AWS_EC2_METADATA_DISABLED="true")
        for scenario in scenarios(args.seed, accounts):
            if args.only and args.only not in scenario.label:
                continue
            done: list[Run] = []
            for n in range(runs):
                knobs = dict(scenario.knobs)
                if "faults" in knobs:  # another seed each run, the same for every build
                    knobs["faults"] = dataclasses.replace(knobs["faults"], seed=knobs["faults"].seed + n)
                with Emulator(accounts=accounts, latency_ms=LATENCY_MS, **knobs) as emu:
                    os.environ.update(emu.endpoint_env())
                    _write_token(home, emu)
                    run = run_once(emu, cap)
                done.append(run)
                print(f"  {scenario.label} run {n + 1}: {run.seconds:.2f} s, wrong {run.wrong}, left out "
                      f"{run.left_out}, 429s {run.throttles}, requests {run.requests}, rate {run.final_rate:.1f}"
                      + (f", ABORTED {run.aborted}" if run.aborted else ""), file=sys.stderr, flush=True)
            results.append((scenario, done))
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(home, ignore_errors=True)

    base = next((statistics.median(r.seconds for r in done) for s, done in results if s.kind == "base"), None)
    print()
    print(f"Role discovery on a misbehaving portal: {accounts} accounts, {LATENCY_MS} ms latency, limit "
          f"{LIMIT:g}/s, median of {runs} run{'s' if runs != 1 else ''}; floor {floor:.2f} s")
    header = (f"{'scenario':<20} {'throttle':>8} {'median s':>9} {'vs base':>8} {'vs floor':>9} {'sent/s':>7} "
              f"{'429s':>5} {'wrong':>5} {'left out':>8} {'aborted':>7} {'ok':>3}")
    print(header)
    print("-" * len(header))
    all_ok = True
    for scenario, done in results:
        seconds = statistics.median(r.seconds for r in done)
        wrong = max(r.wrong for r in done)
        left_out = max(r.left_out for r in done)
        aborted = sum(1 for r in done if r.aborted)
        sent = statistics.median(r.requests / r.seconds for r in done)
        throttles = statistics.median(r.throttles for r in done)
        faults = scenario.knobs.get("faults")
        fraction = f"{faults.throttle:.2f}" if faults else "0"
        vs_base = seconds / base if base else float("nan")
        vs_floor = seconds / floor
        if scenario.kind == "faults":
            ok = aborted == 0 and wrong == left_out == len(faults.failing_accounts)
        else:
            ok = aborted == 0 and wrong == 0
            if scenario.kind == "random":
                ok &= vs_base <= 3.0
            if scenario.kind == "rate":
                ok &= vs_floor <= 1.1
        all_ok &= ok
        print(f"{scenario.label:<20} {fraction:>8} {seconds:>9.2f} {vs_base:>7.2f}x {vs_floor:>8.3f}x {sent:>7.1f} "
              f"{throttles:>5.0f} {wrong:>5} {left_out:>8} {aborted:>7} {'yes' if ok else 'NO':>3}")
    print("targets: 1/3 random 429s within 3x the unthrottled time; token bucket within 1.1x of the floor; "
          "every role right; faults: no run aborted, only named accounts left out")
    return 0 if all_ok else TARGETS_MISSED


if __name__ == "__main__":
    sys.exit(main())
