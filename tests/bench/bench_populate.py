"""Benchmark: many profiles in one go (``populate`` and the wizard's naming step).

    .venv/bin/python tests/bench/bench_populate.py [--quick] [--runs N]

1. Plan + verify + write (discovery excluded): 250 / 2,500 / 5,000 new profiles (accounts with 1-4
   roles, the emulator's generated organisation) named from the default template into an existing
   1,000-profile config: ``name_pairs`` + ``plan_profiles`` + ``profile_edits`` + ``ConfigWriter.plan``
   (parse, edit, botocore verify, diff) + ``apply`` (lock, re-read, backup, fsync, atomic replace).
   Target: <= 300 ms at 2,500, growing linearly.
2. The naming step's live preview: one template keystroke with 2,500 rows, end to end in the App
   (Input.Changed -> names -> table rows -> the next frame painted). Target: median <= 50 ms.
3. Discovery at a 20 requests/s portal limit for 20, 60 and 300 accounts (median of 3), against the
   rate floor (the time the limit itself imposes; target <= 1.1x), and the portal requests the
   account step makes before its first paint when the 60 accounts are already known (0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app.config.bulk import Pair, existing_for_session, name_pairs, plan_profiles, profile_edits  # noqa: E402
from app.config.model import load_aws_config  # noqa: E402
from app.config.writer import ConfigWriter  # noqa: E402
from app.emulator.org import DemoOrg  # noqa: E402

SESSION = "org"


def existing_config(profiles: int = 1_000) -> str:
    out = [f"[sso-session {SESSION}]\nsso_start_url = https://d-0000000001.awsapps.com/start\nsso_region = us-east-1\n"
           "sso_registration_scopes = sso:account:access\n\n"]
    for index in range(profiles):
        out.append(f"[profile team{index}]\nsso_session = {SESSION}\nsso_account_id = {900000000000 + index}\n"
                   f"sso_role_name = Developer\nregion = eu-west-1\noutput = json\n\n")
    return "".join(out)


def pairs_for(count: int) -> list[Pair]:
    """About ``count`` (account, role) pairs from the generated organisation (1-4 roles each)."""
    accounts = max(1, round(count / 2.5))
    org = DemoOrg.build(accounts)
    pairs = [Pair(a.account_id, role, a.name, a.email) for a in org.accounts for role in a.roles]
    return pairs[:count]


def populate_once(path: Path, pairs: list[Pair]) -> float:
    started = time.perf_counter()
    config = load_aws_config(path)
    naming = name_pairs(pairs, "{account_name}-{role_name}", taken=config.profiles,
                        existing=existing_for_session(config, SESSION), session=SESSION)
    plan = plan_profiles(config, SESSION, naming, region="eu-west-2", output="json")
    writer = ConfigWriter(path)
    write_plan = writer.plan(profile_edits(plan))
    writer.apply(write_plan)
    return time.perf_counter() - started


def bench_write(sizes: list[int], runs: int) -> None:
    print("populate into a 1,000-profile config: plan + verify + write (discovery excluded)")
    base = existing_config()
    per_profile = []
    medians: list[tuple[int, float]] = []
    for size in sizes:
        pairs = pairs_for(size)
        times = []
        for _ in range(runs):
            folder = Path(tempfile.mkdtemp())
            path = folder / "config"
            path.write_text(base)
            times.append(populate_once(path, pairs))
            shutil.rmtree(folder)
        median = statistics.median(times)
        per_profile.append(median / len(pairs))
        medians.append((len(pairs), median))
        target = "  (target <= 300 ms)" if size == 2_500 else ""
        print(f"  {len(pairs):>6,} profiles: median {median * 1000:7.1f} ms, {median / len(pairs) * 1e6:6.1f} µs a "
              f"profile{target}")
    steps = [(later[1] - earlier[1]) / (later[0] - earlier[0]) for earlier, later in zip(medians, medians[1:])]
    if steps:
        print("  each further profile costs " + ", then ".join(f"{step * 1e6:.1f} µs" for step in steps)
              + " (the same figure throughout = linear; the 1,000 profiles already there are a fixed cost)")


def bench_preview(rows: int, keystrokes: int) -> None:
    from app.settings import Settings
    from app.wizard_state import PortalChoice, WizardState
    from helpers.snapshots import FakeServices
    from screens.widgets.fast_table import FastTable

    print(f"naming step: one template keystroke with {rows:,} rows, end to end")
    home = Path(tempfile.mkdtemp())
    os.environ["HOME"] = str(home)
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(existing_config())
    state = WizardState()
    state.portal = PortalChoice(SESSION, "https://d-0000000001.awsapps.com/start", "us-east-1", existing=True)
    pairs = pairs_for(rows)
    org = DemoOrg.build(max(1, round(rows / 2.5)))
    from app.signin.portal import Account

    state.ticked = [Account(a.account_id, a.name, a.email) for a in org.accounts]
    state.pairs = pairs
    from app.tui import WizardApp

    services = FakeServices(preset=None)
    services.settings = Settings.load()
    app = WizardApp(services, state=state, first_step="profile", typeahead_grace=0)
    times: list[float] = []

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(400):
                if getattr(app.screen, "naming", None) is not None:
                    break
                await pilot.pause(0.02)
            screen = app.screen
            table = screen.query_one(FastTable)
            template = screen.query_one("#template")
            template.focus()
            template.cursor_position = len(template.value)
            painted: list[float] = []
            preview = screen.preview

            def timed_preview(text: str) -> None:  # the screen's own handler, then "painted" after the frame
                preview(text)
                screen.call_after_refresh(lambda: painted.append(time.perf_counter()))

            screen.preview = timed_preview
            await pilot.pause(0.2)
            for n in range(keystrokes):
                seen = len(painted)
                started = time.perf_counter()
                if n % 2 == 0:  # what a typed key and Backspace do in the Input
                    template.insert_text_at_cursor("x")
                else:
                    template.action_delete_left()
                while len(painted) == seen:
                    await asyncio.sleep(0.0005)
                times.append(painted[-1] - started)
                await pilot.pause(0.05)
            assert table.row_count == len(pairs)

    asyncio.run(run())
    shutil.rmtree(home)
    print(f"  median {statistics.median(times) * 1000:6.1f} ms, max {max(times) * 1000:6.1f} ms over {len(times)} "
          f"keystrokes (target: median <= 50 ms)")


def _discovery_once(emulator, client, listed: list, rate: float) -> tuple[float, int, int]:
    """One discovery of the roles of ``listed`` at a fresh ``rate`` limit: seconds, admitted requests, 429s."""
    emulator.rate_limit = rate
    time.sleep(1.1)  # a fresh window
    emulator.clear_calls()
    started = time.perf_counter()
    client.discover_roles(listed)
    elapsed = time.perf_counter() - started
    throttled = sum(1 for e in emulator.errors if e.operation == "ListAccountRoles" and e.code == "TooManyRequestsException")
    return elapsed, emulator.call_count("ListAccountRoles") - throttled, throttled


def bench_discovery(sizes: list[int], rate: float, runs: int, cached: int) -> None:
    from app.emulator import DEMO_START_URL, Emulator
    from app.signin.login import LoginService
    from app.signin.portal import SsoClient
    from app.signin.target import SsoTarget

    print(f"discovery at a {rate:g} requests/s portal limit (a sliding one-second window), median of {runs}; "
          "rate floor = (requests - one window's worth) / rate")
    for accounts in sizes:
        home = Path(tempfile.mkdtemp())
        os.environ["HOME"] = str(home)
        emulator = Emulator(accounts=accounts, auto_approve=True).start()
        try:
            os.environ.update(emulator.endpoint_env())
            os.environ["NO_PROXY"] = "127.0.0.1,localhost"
            target = SsoTarget(start_url=DEMO_START_URL, region="eu-west-2", session_name="bench",
                               scopes=("sso:account:access",), registration_scopes="sso:account:access")
            login = LoginService()
            login.login(target, method="device", open_browser=False)
            listed = SsoClient(login, target).list_accounts()
            results = [_discovery_once(emulator, SsoClient(login, target), listed, rate) for _ in range(runs)]
            elapsed, requests, throttled = sorted(results)[len(results) // 2]
            floor = max(0.0, (requests - rate) / rate)
            ratio = f"{elapsed / floor:.3f}x" if floor else "n/a (all in the first window)"
            print(f"  {accounts:>4} accounts: {requests} requests in {elapsed:.2f} s ({throttled} refused); rate floor "
                  f"{floor:.2f} s: {ratio} (target <= 1.1x)")
            if accounts == cached:
                _warm_cache(emulator, login, listed)
        finally:
            emulator.stop()
            shutil.rmtree(home, ignore_errors=True)


def _warm_cache(emulator, login, listed: list) -> None:
    from app.emulator import DEMO_START_URL
    from app.services import Services
    from app.settings import Settings
    from app.signin.discovery_cache import DiscoveryCache
    from app.tui import WizardApp
    from app.wizard_state import PortalChoice, WizardState
    from screens.accounts import AccountScreen

    DiscoveryCache().save("bench", listed)  # the warm cache: this discovery, on disk
    state = WizardState(portal=PortalChoice("bench", DEMO_START_URL, "eu-west-2"))
    emulator.rate_limit = None
    emulator.clear_calls()
    app = WizardApp(Services(settings=Settings.load(), login=login), state=state, first_step="accounts",
                    typeahead_grace=0)
    before: list[tuple[int, int]] = []
    mount = AccountScreen.on_mount

    def on_mount(screen) -> None:  # note the requests made when the first frame is painted
        screen.call_after_refresh(lambda: before.append(
            (emulator.call_count("ListAccounts") + emulator.call_count("ListAccountRoles"),
             len(screen.query_one(".picker-list").items))))
        mount(screen)

    AccountScreen.on_mount = on_mount  # type: ignore[method-assign]

    async def first_paint() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.5)

    asyncio.run(first_paint())
    AccountScreen.on_mount = mount  # type: ignore[method-assign]
    requests, shown = before[0]
    print(f"  account step with a warm cache: {shown} accounts on its first frame, {requests} portal requests "
          "before it (target 0)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and keystrokes")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    bench_write([250, 2_500, 5_000], runs)
    bench_preview(2_500, 10 if args.quick else 30)
    bench_discovery([20, 30] if args.quick else [20, 60, 300], 20.0, 1 if args.quick else 3, 30 if args.quick else 60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
