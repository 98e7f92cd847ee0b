"""SSO portal behaviour of the emulator: the demo organisation, paging, role keys, and the knobs
(latency, page size, rate limit, injected failures) plus the call log."""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from app.emulator import DEMO_REGION, ROLE_NAMES, DemoOrg, Emulator
from app.emulator.limits import SlidingWindowLimiter

_SESSION = boto3.session.Session(region_name=DEMO_REGION)


def sso(**config):
    return _SESSION.client(
        "sso", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config)
    )


def raw_get(emu, path, token):
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    connection.request("GET", path, headers={"x-amz-sso_bearer_token": token})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, json.loads(body)


# -- the demo organisation ---------------------------------------------------------------------


def test_demo_org_is_deterministic_and_realistic():
    org = DemoOrg.build()
    assert org == DemoOrg.build()
    assert len(org.accounts) == 12
    names = [a.name for a in org.accounts]
    expected = {"preservation-prod", "preservation-qa", "preservation-dev", "shared-services", "security-audit"}
    assert expected <= set(names)
    assert names != sorted(names), "the portal order is not alphabetical, so clients must sort"
    assert any(a.account_id.startswith("0") for a in org.accounts)
    assert org.account("012345678901").name == "preservation-prod"
    for account in org.accounts:
        assert re.fullmatch(r"\d{12}", account.account_id)
        assert 1 <= len(account.roles) <= 4 and set(account.roles) <= set(ROLE_NAMES)
        assert len(set(account.roles)) == len(account.roles)
        assert account.email.endswith("@example.org")
    assert {len(a.roles) for a in org.accounts} == {1, 2, 3, 4}
    assert org.user == "archivist@example.org"


@pytest.mark.parametrize("count", [0, 5, 13, 1000])
def test_generated_orgs(count):
    org = DemoOrg.build(count)
    assert len(org.accounts) == count
    assert len({a.account_id for a in org.accounts}) == count
    assert org == DemoOrg.build(count)
    if count > 12:
        last = count - 1
        assert org.accounts[last].name == f"project-{last:04d}-{('prod', 'qa', 'dev', 'staging')[last % 4]}"
        assert all(1 <= len(a.roles) <= 4 and set(a.roles) <= set(ROLE_NAMES) for a in org.accounts)
        assert all(re.fullmatch(r"\d{12}", a.account_id) for a in org.accounts)
    if count == 1000:
        assert {len(a.roles) for a in org.accounts} == {1, 2, 3, 4}
        assert org.accounts[:13] == DemoOrg.build(13).accounts  # growing the org keeps the first accounts
    if count:
        assert org.accounts[0].account_id == "012345678901"


# -- listing and paging -------------------------------------------------------------------------


def test_list_accounts_pages_by_server_page_size(emulator_factory):
    emu = emulator_factory(accounts=45)
    token = emu.issue_token().access_token
    client = sso()
    first = client.list_accounts(accessToken=token)
    assert len(first["accountList"]) == 20 and first["nextToken"]
    pages = list(client.get_paginator("list_accounts").paginate(accessToken=token))
    assert [len(p["accountList"]) for p in pages] == [20, 20, 5]
    ids = [a["accountId"] for p in pages for a in p["accountList"]]
    assert ids == [a.account_id for a in emu.org.accounts]
    assert "nextToken" not in pages[-1]
    emu.page_size = 7
    assert len(client.list_accounts(accessToken=token)["accountList"]) == 7
    pages = list(client.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 100}))
    assert [len(p["accountList"]) for p in pages] == [45]


def test_max_result_bounds_are_the_real_validation(emulator):
    token = emulator.issue_token().access_token
    status, body = raw_get(emulator, "/assignment/accounts?max_result=101", token)
    assert status == 400 and "less than or equal to 100" in body["message"]
    status, body = raw_get(emulator, "/assignment/accounts?max_result=0", token)
    assert status == 400 and "greater than or equal to 1" in body["message"]
    status, body = raw_get(emulator, "/assignment/accounts?max_result=ten", token)
    assert status == 400
    status, body = raw_get(emulator, "/assignment/accounts?max_result=100", token)
    assert status == 200 and len(body["accountList"]) == 12
    with pytest.raises(ClientError) as caught:
        sso().list_accounts(accessToken=token, maxResults=500)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_next_tokens_are_opaque_and_checked(emulator_factory):
    emu = emulator_factory(accounts=30)
    token = emu.issue_token().access_token
    status, body = raw_get(emu, "/assignment/accounts?max_result=10", token)
    next_token = body["nextToken"]
    assert raw_get(emu, f"/assignment/accounts?max_result=10&next_token={next_token}", token)[0] == 200
    assert raw_get(emu, "/assignment/accounts?next_token=forged", token)[0] == 400
    # An accounts token does not page through roles.
    account = emu.org.accounts[0].account_id
    assert raw_get(emu, f"/assignment/roles?account_id={account}&next_token={next_token}", token)[0] == 400


def test_list_account_roles(emulator):
    token = emulator.issue_token().access_token
    client = sso()
    for account in emulator.org.accounts:
        roles = client.list_account_roles(accessToken=token, accountId=account.account_id)["roleList"]
        assert roles == [{"roleName": r, "accountId": account.account_id} for r in account.roles]
    first = client.list_account_roles(accessToken=token, accountId="223344556677", maxResults=3)
    assert len(first["roleList"]) == 3 and first["nextToken"]
    rest = client.list_account_roles(accessToken=token, accountId="223344556677", nextToken=first["nextToken"])
    assert len(rest["roleList"]) == 1 and "nextToken" not in rest
    with pytest.raises(ClientError) as caught:
        client.list_account_roles(accessToken=token, accountId="111111111111")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_role_credentials(emulator):
    token = emulator.issue_token().access_token
    before = time.time()
    creds = sso().get_role_credentials(accessToken=token, accountId="012345678901", roleName="PowerUser")[
        "roleCredentials"
    ]
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", creds["accessKeyId"])
    assert len(creds["secretAccessKey"]) == 40 and len(creds["sessionToken"]) > 100
    assert isinstance(creds["expiration"], int)
    assert before + 3600 - 5 <= creds["expiration"] / 1000 <= time.time() + 3600 + 5  # epoch milliseconds
    again = sso().get_role_credentials(accessToken=token, accountId="012345678901", roleName="PowerUser")
    assert again["roleCredentials"]["accessKeyId"] != creds["accessKeyId"]
    with pytest.raises(ClientError) as caught:
        sso().get_role_credentials(accessToken=token, accountId="998877665544", roleName="Administrator")
    assert caught.value.response["Error"]["Code"] == "ForbiddenException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_logout_ends_the_token(emulator):
    signed_in = emulator.issue_token()
    other = emulator.issue_token()
    client = sso()
    client.logout(accessToken=signed_in.access_token)
    with pytest.raises(ClientError) as caught:
        client.list_accounts(accessToken=signed_in.access_token)
    assert caught.value.response["Error"]["Message"] == "Session token not found or invalid"
    assert client.list_accounts(accessToken=other.access_token)["accountList"]
    with pytest.raises(ClientError) as caught:
        client.logout(accessToken=signed_in.access_token)
    assert caught.value.response["Error"]["Code"] == "UnauthorizedException"


# -- knobs -----------------------------------------------------------------------------------


def test_latency_overlaps_across_concurrent_clients(emulator):
    token = emulator.issue_token().access_token
    emulator.latency_ms = 200
    client = sso(max_pool_connections=20)
    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: client.list_accounts(accessToken=token), range(16)))
    elapsed = time.monotonic() - started
    assert all(r["accountList"] for r in results)
    assert 0.2 <= elapsed < 0.8, elapsed  # 16 sequential requests would take 3.2 s


def test_rate_limit_answers_429_beyond_the_limit(emulator):
    token = emulator.issue_token().access_token
    emulator.rate_limit = 5
    client = sso(max_pool_connections=20)

    def call(_):
        try:
            client.list_accounts(accessToken=token)
            return "ok"
        except ClientError as error:
            return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(call, range(12)))
    assert results.count("ok") == 5
    assert results.count(("TooManyRequestsException", 429)) == 7
    assert sum(1 for e in emulator.errors if e.code == "TooManyRequestsException") == 7
    time.sleep(1.05)
    assert call(0) == "ok"
    emulator.rate_limit = None
    with ThreadPoolExecutor(12) as pool:
        assert list(pool.map(call, range(12))) == ["ok"] * 12


def test_sliding_window_limiter_counts_admitted_requests_only():
    now = [0.0]
    limiter = SlidingWindowLimiter(20, clock=lambda: now[0])
    assert sum(limiter.admit() for _ in range(30)) == 20
    now[0] = 0.5
    assert not limiter.admit()
    now[0] = 1.0
    assert sum(limiter.admit() for _ in range(30)) == 20
    slow = SlidingWindowLimiter(0.5, clock=lambda: now[0])
    assert slow.admit() and not slow.admit()
    now[0] = 3.0
    assert slow.admit()


def test_fail_next_counts_down(emulator):
    token = emulator.issue_token().access_token
    emulator.fail_next("ListAccountRoles", "TooManyRequestsException", count=2)
    client = sso()
    for _ in range(2):
        with pytest.raises(ClientError) as caught:
            client.list_account_roles(accessToken=token, accountId="012345678901")
        assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert client.list_account_roles(accessToken=token, accountId="012345678901")["roleList"]
    assert client.list_accounts(accessToken=token)["accountList"]


def test_call_log_records_operations_without_secrets(emulator):
    signed_in = emulator.issue_token()
    client = sso()
    client.list_accounts(accessToken=signed_in.access_token)
    client.list_account_roles(accessToken=signed_in.access_token, accountId="012345678901")
    with pytest.raises(ClientError):
        client.list_accounts(accessToken="not-a-token")
    calls = emulator.calls
    assert [c.operation for c in calls] == ["ListAccounts", "ListAccountRoles", "ListAccounts"]
    assert all(isinstance(when, float) for _, when in calls)
    assert calls[0].when <= calls[1].when <= calls[2].when
    assert emulator.call_count("ListAccounts") == 2
    assert [(e.operation, e.code) for e in emulator.errors] == [("ListAccounts", "UnauthorizedException")]
    assert signed_in.access_token not in repr(calls) + repr(emulator.errors)
    assert signed_in.access_token not in repr(signed_in)
    emulator.clear_calls()
    assert emulator.calls == [] and emulator.errors == []


def test_call_log_is_thread_safe(emulator):
    token = emulator.issue_token().access_token
    client = sso(max_pool_connections=10)
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: client.list_accounts(accessToken=token), range(50)))
    assert emulator.call_count("ListAccounts") == 50


def test_only_loopback_and_stop_is_clean():
    emu = Emulator().start()
    assert emu.base_url == f"http://127.0.0.1:{emu.port}"
    assert emu._server.server_address[0] == "127.0.0.1"
    assert emu.endpoint_env() == {
        "AWS_ENDPOINT_URL_SSO": emu.base_url,
        "AWS_ENDPOINT_URL_SSO_OIDC": emu.base_url,
        "AWS_ENDPOINT_URL_STS": emu.base_url,
    }
    # A keep-alive connection held open by a client does not keep the server alive.
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    connection.request("GET", "/")
    connection.getresponse().read()
    emu.latency_ms = 10_000
    slow = threading.Thread(target=lambda: _swallow(lambda: raw_get(emu, "/assignment/accounts", "x")))
    slow.start()
    time.sleep(0.1)
    started = time.monotonic()
    emu.stop()
    slow.join(5)
    assert time.monotonic() - started < 2 and not slow.is_alive()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", connection.port, timeout=2).request("GET", "/")
    emu.stop()  # idempotent


def _swallow(call):
    try:
        call()
    except Exception:
        pass


def test_context_manager():
    with Emulator(accounts=3) as emu:
        port = emu.port
        assert len(emu.org.accounts) == 3
    assert not emu.running
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")


def test_latency_applies_to_every_kind_of_request(emulator):
    emulator.latency_ms = 150
    requests = [("GET", "/"), ("GET", "/device"), ("POST", "/client/register"), ("GET", "/assignment/accounts")]
    for method, path in requests:
        connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
        started = time.monotonic()
        connection.request(method, path, body=b"{}" if method == "POST" else None)
        connection.getresponse().read()
        connection.close()
        assert time.monotonic() - started >= 0.14, path


def test_fixture_points_cli_env_at_the_emulator_whatever_the_fixture_order(cli_env, emulator):
    for name, value in emulator.endpoint_env().items():
        assert cli_env[name] == value
        assert os.environ[name] == value
