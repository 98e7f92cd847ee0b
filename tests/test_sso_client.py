"""The SSO client against the emulator: paged listing, CLI sort order, bulk role discovery under a
rate limit (progress, cancel within 200 ms, persistence through throttling), role credentials, whoami."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from app.cancel import CancelToken
from app.emulator.faults import PortalFaults
from app.errors import Cancelled
from app.signin.errors import AccessDenied, NotFound, NotSignedIn, SessionExpired, Throttled
from app.signin.login import LoginService
from app.signin.portal import Account, RoleCredentials, SsoClient
from helpers.sso import LEGACY, SESSION, write_cli_token, write_signed_in_token


def _client(emu, home, target=SESSION, **kwargs) -> SsoClient:
    write_signed_in_token(home, emu, target)
    return SsoClient(LoginService(), target, **kwargs)


def _expected_roles(emu):
    return {a.account_id: sorted(a.roles, key=str.lower) for a in emu.org.accounts}


# ---------------------------------------------------------------- listing


def test_list_accounts_every_page_sorted_like_the_cli(emulator_factory, home):
    emu = emulator_factory(accounts=250)
    client = _client(emu, home)
    accounts = client.list_accounts()
    assert len(accounts) == 250
    assert emu.call_count("ListAccounts") == 3  # 100 per page: 100 + 100 + 50
    assert {a.account_id for a in accounts} == {a.account_id for a in emu.org.accounts}
    assert accounts == sorted(accounts, key=lambda a: (a.account_name or a.email or a.account_id).lower())
    # account ids keep their leading zeros
    assert any(a.account_id.startswith("0") and len(a.account_id) == 12 for a in accounts)


def test_demo_org_listing_and_labels(emulator, home):
    client = _client(emulator, home)
    accounts = client.list_accounts()
    names = [a.account_name for a in accounts]
    assert names == sorted(names, key=str.lower)
    first = next(a for a in accounts if a.account_id == "012345678901")
    assert first.label == f"preservation-prod, {first.email} (012345678901)"
    assert client.list_account_roles("223344556677") == ["Administrator", "Billing", "PowerUser", "ReadOnly"]


def test_account_sort_and_label_rules():
    accounts = [
        Account("333333333333"),
        Account("111111111111", None, "Zed@example.org"),
        Account("222222222222", "alpha", None),
        Account("000000000009"),
        Account("444444444444", "Beta", "b@example.org"),
    ]
    ordered = sorted(accounts, key=Account.sort_key)
    assert [a.account_id for a in ordered] == [
        "222222222222", "444444444444", "111111111111", "000000000009", "333333333333"
    ]
    assert [a.label for a in ordered] == [
        "alpha (222222222222)",
        "Beta, b@example.org (444444444444)",
        "Zed@example.org (111111111111)",
        "000000000009",
        "333333333333",
    ]


def test_roles_page_through(emulator_factory, home):
    emu = emulator_factory(page_size=1)
    client = _client(emu, home)
    # maxResults=100 is sent, so one page each even though the default page size is 1
    assert client.list_account_roles("223344556677") == ["Administrator", "Billing", "PowerUser", "ReadOnly"]
    assert emu.call_count("ListAccountRoles") == 1


def test_listing_needs_a_sign_in(emulator):
    with pytest.raises(NotSignedIn):
        SsoClient(LoginService(), SESSION).list_accounts()


def test_expired_session_is_reported(emulator, home):
    client = _client(emulator, home)
    emulator.end_sessions()
    with pytest.raises(SessionExpired) as caught:
        client.list_accounts()
    assert caught.value.hint == "Sign in again."


# ---------------------------------------------------------------- discovery


def test_discover_roles_with_progress(emulator_factory, home):
    emu = emulator_factory(accounts=30, latency_ms=20)
    client = _client(emu, home)
    accounts = client.list_accounts()
    seen: list[tuple[int, int]] = []
    caller = threading.current_thread()
    threads = set()

    def progress(done, total):
        seen.append((done, total))
        threads.add(threading.current_thread())

    roles = client.discover_roles(accounts, progress=progress)
    assert roles == _expected_roles(emu)
    assert list(roles) == [a.account_id for a in accounts]  # in the order given
    assert seen[0] == (0, 30) and seen[-1] == (30, 30)
    assert [d for d, _ in seen] == list(range(31))
    assert threads == {caller}  # progress arrives on the caller's thread


def test_discover_roles_accepts_ids_and_empty_input(emulator, home):
    client = _client(emulator, home)
    assert client.discover_roles([]) == {}
    assert client.discover_roles(["998877665544", "998877665544"]) == {"998877665544": ["Billing"]}


def test_discover_roles_keeps_going_through_throttling(emulator_factory, home):
    emu = emulator_factory(accounts=24, rate_limit=10)
    client = _client(emu, home)
    accounts = client.list_accounts()
    emu.fail_next("ListAccountRoles", "TooManyRequestsException", count=5)
    started = time.monotonic()
    roles = client.discover_roles(accounts)
    assert roles == _expected_roles(emu)
    assert client.limiter.throttles >= 5
    assert time.monotonic() - started < 24 / 10 * 1.6


def test_discover_roles_refreshes_the_token_once_first(emulator_factory, monkeypatch, home):
    emu = emulator_factory(access_token_ttl=600)
    write_signed_in_token(home, emu, SESSION)  # a 10-minute token: inside the refresh window
    client = SsoClient(LoginService(), SESSION)
    emu.clear_calls()
    roles = client.discover_roles([a.account_id for a in emu.org.accounts])
    assert roles == _expected_roles(emu)
    operations = [c.operation for c in emu.calls]
    assert operations[0] == "CreateToken" and operations.count("CreateToken") == 1
    assert operations[1:] == ["ListAccountRoles"] * 12


def test_discover_roles_cancel_returns_within_200ms(emulator_factory, home):
    emu = emulator_factory(accounts=300, latency_ms=300, rate_limit=20)
    client = _client(emu, home)
    ids = [a.account_id for a in emu.org.accounts]
    cancel = CancelToken()
    outcome = {}

    def run():
        try:
            client.discover_roles(ids, cancel=cancel, progress=lambda d, t: None)
        except BaseException as error:  # noqa: BLE001
            outcome["error"] = error
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.0)
    cancelled_at = time.monotonic()
    cancel.cancel()
    thread.join(5)
    assert isinstance(outcome["error"], Cancelled)
    assert outcome["ended"] - cancelled_at < 0.2
    calls = emu.call_count("ListAccountRoles")
    time.sleep(0.7)
    assert emu.call_count("ListAccountRoles") <= calls + client.workers  # only what was in flight


def test_discover_roles_gives_up_without_progress(emulator_factory, home):
    emu = emulator_factory()
    client = _client(emu, home, stall_timeout=1.0)
    emu.fail_next("ListAccountRoles", "TooManyRequestsException", count=10_000)
    started = time.monotonic()
    with pytest.raises(Throttled) as caught:
        client.discover_roles(["012345678901", "210987654321"])
    assert 1.0 <= time.monotonic() - started < 5
    assert "Wait a few minutes" in caught.value.hint


def test_discover_roles_stops_on_a_real_error(emulator_factory, home):
    emu = emulator_factory(accounts=30)
    client = _client(emu, home)
    ids = [a.account_id for a in emu.org.accounts]
    emu.fail_next("ListAccountRoles", "UnauthorizedException")
    with pytest.raises(SessionExpired):
        client.discover_roles(ids)


def test_transient_errors_are_retried(emulator_factory, home):
    emu = emulator_factory()
    client = _client(emu, home)
    emu.fail_next("ListAccountRoles", "TooManyRequestsException", count=2)
    assert client.list_account_roles("998877665544") == ["Billing"]
    emu.fail_next("ListAccounts", "TooManyRequestsException", count=3)
    assert len(client.list_accounts()) == 12


# ---------------------------------------------------------------- credentials and whoami


def test_role_credentials_and_whoami(emulator, home):
    client = _client(emulator, home)
    credentials = client.get_role_credentials("012345678901", "ReadOnly")
    assert credentials.access_key_id.startswith("ASIA")
    assert credentials.expiration.tzinfo is not None
    assert timedelta(minutes=5) < credentials.expiration - datetime.now(timezone.utc) < timedelta(hours=13)
    text = repr(credentials) + str(credentials)
    for secret in (credentials.access_key_id, credentials.secret_access_key, credentials.session_token):
        assert secret not in text
    identity = client.whoami("012345678901", "ReadOnly")
    assert identity.account == "012345678901"
    assert identity.arn.startswith("arn:aws:sts::012345678901:assumed-role/AWSReservedSSO_ReadOnly_")
    assert identity.arn.endswith("/archivist@example.org")
    assert identity.user_id.endswith(":archivist@example.org")


def test_role_credentials_for_a_role_not_assigned(emulator, home):
    client = _client(emulator, home)
    with pytest.raises((NotFound, AccessDenied)):
        client.get_role_credentials("998877665544", "Administrator")


def test_legacy_target_lists_accounts(emulator, home):
    client = _client(emulator, home, target=LEGACY)
    assert len(client.list_accounts()) == 12


def test_expired_legacy_token_is_not_used(emulator, home):
    write_cli_token(home, LEGACY, expires_in=-timedelta(minutes=1))
    with pytest.raises(SessionExpired):
        SsoClient(LoginService(), LEGACY).list_accounts()


def test_role_credentials_repr_never_shows_secrets():
    creds = RoleCredentials("ASIAEXAMPLEKEY", "secret-key", "session-token", datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert "ASIAEXAMPLEKEY" not in repr(creds) and "secret-key" not in repr(creds) and "session-token" not in str(creds)


@pytest.mark.parametrize("call", ["list_accounts", "list_account_roles", "get_role_credentials", "whoami"])
def test_single_calls_cancel_promptly_while_a_request_is_in_flight(emulator_factory, home, call):
    emu = emulator_factory(latency_ms=3000)
    client = _client(emu, home)
    cancel = CancelToken()
    cancelled_at: list[float] = []

    def press_cancel() -> None:
        cancelled_at.append(time.monotonic())
        cancel.cancel()

    threading.Timer(0.3, press_cancel).start()
    run = {
        "list_accounts": lambda: client.list_accounts(cancel=cancel),
        "list_account_roles": lambda: client.list_account_roles("012345678901", cancel=cancel),
        "get_role_credentials": lambda: client.get_role_credentials("012345678901", "ReadOnly", cancel=cancel),
        "whoami": lambda: client.whoami("012345678901", "ReadOnly", cancel=cancel),
    }[call]
    with pytest.raises(Cancelled):
        run()
    # timed from the cancel itself: building the client (botocore's import) is not the point here
    assert cancelled_at and time.monotonic() - cancelled_at[0] < 0.3


def test_discovery_with_a_third_of_requests_refused_at_random_keeps_its_pace(emulator_factory, home):
    emu = emulator_factory(accounts=120, latency_ms=30, rate_limit=20)
    ids = [a.account_id for a in emu.org.accounts]
    started = time.monotonic()
    assert _client(emu, home).discover_roles(ids) == _expected_roles(emu)
    unthrottled = time.monotonic() - started
    time.sleep(1.1)  # the service's window empties
    emu.faults = PortalFaults(throttle=1 / 3, seed=4)
    client = _client(emu, home)
    started = time.monotonic()
    assert client.discover_roles(ids) == _expected_roles(emu)  # every role right
    throttled = time.monotonic() - started
    assert client.limiter.throttles >= 20
    assert throttled <= 3 * unthrottled
