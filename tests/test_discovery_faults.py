"""Bulk role discovery on a portal that fails (the emulator's seeded HTTP 500s and connection resets):
a failing account does not stop the others, it is tried again at the end, and the accounts still
left out are named, with why, in the result and by `accounts --roles`."""

from __future__ import annotations

import json

import pytest

from app.commands.accounts import ROLES_LEFT_OUT
from app.emulator.faults import RESET, SERVER_ERROR, FaultDice, PortalFaults
from app.emulator.org import DEMO_REGION, DEMO_START_URL
from app.errors import WizardError
from app.signin import portal
from app.signin.discovery import RoleDiscovery
from app.signin.login import LoginService
from app.signin.portal import DISCOVERY_ROUNDS, TRANSIENT_ATTEMPTS, SsoClient
from helpers.commands import run_wizard as _run
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import write_config
from helpers.sso import SESSION, write_signed_in_token


@pytest.fixture
def quick_retries(monkeypatch):
    """The same retries, with pauses short enough for a test."""
    monkeypatch.setattr(portal, "TRANSIENT_PAUSE", 0.01)
    monkeypatch.setattr(portal, "ROUND_PAUSE", 0.05)


def _client(emu, home, **kwargs) -> SsoClient:
    write_signed_in_token(home, emu, SESSION)
    return SsoClient(LoginService(), SESSION, **kwargs)


def _expected(emu, leave_out=()):
    return {a.account_id: sorted(a.roles, key=str.lower) for a in emu.org.accounts if a.account_id not in leave_out}


def _fault_count(emu) -> int:
    return sum(1 for e in emu.errors if e.code in (SERVER_ERROR, RESET))


def _seed_where(wanted: dict[str, list[str | None]], share: float) -> int:
    """A seed under which each account's ListAccountRoles requests meet the fates wanted, in order."""
    for seed in range(20_000):
        dice = FaultDice(PortalFaults(server_errors=share, seed=seed))
        if all([dice.draw("ListAccountRoles", account_id, None) for _ in fates] == fates
               for account_id, fates in wanted.items()):
            return seed
    raise AssertionError("no such seed")


def test_an_account_that_fails_four_times_in_a_row_is_tried_again_at_the_end(emulator_factory, home, quick_retries):
    emu = emulator_factory(accounts=4)
    ids = [a.account_id for a in emu.org.accounts]
    first, *others = ids
    fates = {first: [SERVER_ERROR] * TRANSIENT_ATTEMPTS + [None], **{other: [None] for other in others}}
    emu.faults = PortalFaults(server_errors=0.5, seed=_seed_where(fates, 0.5))
    client = _client(emu, home, workers=1)
    roles = client.discover_roles(ids)
    assert roles == _expected(emu)
    assert list(roles) == ids  # in the order asked, the retried one too
    assert roles.complete and roles.failed == {}
    assert emu.call_count("ListAccountRoles") == TRANSIENT_ATTEMPTS + len(ids)
    assert _fault_count(emu) == TRANSIENT_ATTEMPTS


@pytest.mark.parametrize("kind", [SERVER_ERROR, RESET])
def test_an_account_that_always_fails_is_left_out_and_named(emulator_factory, home, quick_retries, kind):
    emu = emulator_factory(accounts=20)
    broken = emu.org.accounts[3]
    emu.faults = PortalFaults(failing_accounts=frozenset({broken.account_id}), failing_kind=kind)
    client = _client(emu, home)
    accounts = client.list_accounts()
    progress: list[tuple[int, int]] = []
    roles = client.discover_roles(accounts, progress=lambda done, total: progress.append((done, total)))
    assert isinstance(roles, RoleDiscovery)
    assert roles == _expected(emu, leave_out={broken.account_id})
    assert list(roles.failed) == [broken.account_id] and not roles.complete
    assert roles.failed[broken.account_id]  # the reason, in words
    line = roles.left_out_line()
    assert "\n" not in line
    assert f"Left out 1 of 20 account whose roles could not be listed: {broken.name}" in line
    assert broken.account_id in line
    assert progress[-1] == (20, 20)
    # every pass gave it its retries: the first pass, then again at the end
    assert _fault_count(emu) == DISCOVERY_ROUNDS * TRANSIENT_ATTEMPTS


def test_a_quarter_of_requests_failing_at_random_loses_no_account(emulator_factory, home, quick_retries):
    emu = emulator_factory(accounts=60, faults=PortalFaults(server_errors=0.15, resets=0.1, seed=5))
    client = _client(emu, home)
    roles = client.discover_roles([a.account_id for a in emu.org.accounts])
    assert roles == _expected(emu) and roles.complete
    assert _fault_count(emu) > 10


def test_when_no_account_can_be_listed_the_error_itself_is_raised(emulator_factory, home, quick_retries):
    emu = emulator_factory(accounts=3)
    emu.faults = PortalFaults(failing_accounts=frozenset(a.account_id for a in emu.org.accounts))
    client = _client(emu, home)
    with pytest.raises(WizardError) as caught:
        client.discover_roles([a.account_id for a in emu.org.accounts])
    assert "500" in str(caught.value) or "AWS" in str(caught.value)


# -- the accounts command ---------------------------------------------------------------------------------


@pytest.fixture
def broken_account(config_path, home, emulator):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    emulator.auto_approve = True
    assert _run("login", "--sso-session", "archive", "--device-code", "--no-browser").returncode == 0
    broken = emulator.org.accounts[0]
    emulator.faults = PortalFaults(failing_accounts=frozenset({broken.account_id}))
    return broken


def test_accounts_roles_json_names_the_accounts_left_out_and_exits_non_zero(broken_account, emulator):
    proc = _run("accounts", "--sso-session", "archive", "--roles", "--json")
    assert proc.returncode == ROLES_LEFT_OUT, proc.stderr
    data = {item["account_id"]: item for item in json.loads(proc.stdout)}
    assert len(data) == 12
    left_out = data[broken_account.account_id]
    assert left_out["roles"] is None and left_out["roles_error"]
    others = [item for account_id, item in data.items() if account_id != broken_account.account_id]
    assert all(item["roles"] and "roles_error" not in item for item in others)
    assert f"Left out 1 of 12 account whose roles could not be listed: {broken_account.name}" in proc.stderr


def test_accounts_roles_table_shows_the_rest_and_one_line_naming_the_left_out(broken_account, emulator):
    proc = _run("accounts", "--sso-session", "archive", "--roles")
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if broken_account.account_id in line)
    assert row.endswith("(left out)")
    lines = proc.stdout.splitlines()
    assert len(lines) == 13 and sum(1 for line in lines if "(left out)" in line) == 1  # the header and 12 accounts
    named = [line for line in proc.stderr.splitlines() if line.startswith("Left out")]
    assert len(named) == 1 and broken_account.name in named[0]


def test_the_accounts_exit_codes_are_in_its_help_and_the_readme():
    from pathlib import Path

    help_text = " ".join(_run("accounts", "--help").stdout.split())
    assert f"{ROLES_LEFT_OUT} --roles --json with accounts left out" in help_text
    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text().split())
    assert f"`{ROLES_LEFT_OUT}` from `accounts --roles --json` when" in readme
