"""The login service against the emulator: both sign-in flows end to end, the registration and
token caches they write, status, refresh, logout."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from app.cancel import CancelToken
from app.errors import Cancelled, WizardError
from app.signin.browser import NoBrowser
from app.signin.errors import LoginDenied, LoginExpired, LoginFailed, NotSignedIn, SessionExpired
from app.signin.login import LoginService
from app.signin.state import TokenState
from app.signin.target import SsoTarget
from app.signin.token_cache import TokenCache, registration_cache_key, target_registration_key
from helpers.sso import LEGACY, SESSION, SESSION_NO_SCOPES, Approver, token_path, use_following_browser, write_cli_token

TOKEN_KEYS = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt"]
ZULU = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def read(path):
    return json.loads(path.read_text())


# ---------------------------------------------------------------- PKCE


def test_pkce_sign_in_end_to_end(emulator_factory, monkeypatch, home):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    prompts = []
    service = LoginService()
    status = service.login(SESSION, on_prompt=prompts.append)

    assert status.state is TokenState.VALID
    assert status.token_path == token_path(home, SESSION)
    raw = status.token_path.read_text()
    document = json.loads(raw)
    assert list(document) == TOKEN_KEYS + ["refreshToken"]
    assert raw == json.dumps(document)  # one line, default separators
    assert document["startUrl"] == SESSION.start_url and document["region"] == SESSION.region
    assert ZULU.match(document["expiresAt"]) and ZULU.match(document["registrationExpiresAt"])

    registration_path = home / ".aws/sso/cache" / f"{target_registration_key(SESSION)}.json"
    registration = read(registration_path)
    assert list(registration) == ["clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"]
    assert registration["grantTypes"] == ["authorization_code", "refresh_token"]
    assert registration["scopes"] == ["sso:account:access"]
    assert registration["clientId"] == document["clientId"]
    assert registration["expiresAt"] == document["registrationExpiresAt"]

    (prompt,) = prompts
    assert prompt.method == "pkce" and prompt.browser_opened and prompt.user_code is None
    port = int(re.search(r"127\.0\.0\.1%3A(\d+)%2F", prompt.url).group(1))
    assert prompt.url.startswith(
        f"{emu.base_url}/authorize?response_type=code&client_id={registration['clientId']}"
        f"&redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Foauth%2Fcallback&state="
    )
    assert re.search(
        r"&state=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}&code_challenge_method=S256"
        r"&scopes=sso%3Aaccount%3Aaccess&code_challenge=[A-Za-z0-9_-]{43}$",
        prompt.url,
    )
    assert [c.operation for c in emu.calls] == ["RegisterClient", "Authorize", "CreateToken"]


def test_valid_token_and_registration_are_reused(emulator_factory, monkeypatch):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    service = LoginService()
    first = service.login(SESSION)
    emu.clear_calls()
    assert service.login(SESSION) == first  # valid: returns at once, no traffic
    assert emu.calls == []
    forced = service.login(SESSION, force=True)
    assert forced.state is TokenState.VALID
    assert [c.operation for c in emu.calls] == ["Index", "Authorize", "CreateToken"]  # registration reused, service probed


def test_pkce_without_configured_scopes_asks_for_the_default(emulator_factory, monkeypatch, home):
    emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    prompts = []
    LoginService().login(SESSION_NO_SCOPES, on_prompt=prompts.append)
    assert "&scopes=sso%3Aaccount%3Aaccess&" in prompts[0].url
    registration = read(home / ".aws/sso/cache" / f"{target_registration_key(SESSION_NO_SCOPES)}.json")
    assert registration["scopes"] == ["sso:account:access"]  # the default is registered and cached
    assert target_registration_key(SESSION_NO_SCOPES) == registration_cache_key(
        SESSION.start_url, SESSION.region, None, "plain"
    )


def test_pkce_denied_in_the_browser(emulator_factory, monkeypatch, tmp_path):
    emulator_factory(auto_deny=True)
    log = tmp_path / "browser.log"
    use_following_browser(monkeypatch, log=log)
    with pytest.raises(LoginDenied) as caught:
        LoginService().login(SESSION)
    assert caught.value.hint == "Sign in again and choose Allow."
    for _ in range(50):  # the browser got our friendly error page
        if log.exists():
            break
        time.sleep(0.05)
    assert log.read_text().startswith("200 ")


def test_pkce_cancel_closes_the_callback_server(emulator_factory):
    emulator_factory()
    cancel = CancelToken()
    prompts = []

    def on_prompt(prompt):
        prompts.append(prompt)
        threading.Timer(0.3, cancel.cancel).start()

    service = LoginService(browser=NoBrowser())
    started = time.monotonic()
    with pytest.raises(Cancelled):
        service.login(SESSION, on_prompt=on_prompt, cancel=cancel)
    assert time.monotonic() - started < 0.3 + 0.5
    assert prompts[0].browser_opened is False
    port = int(re.search(r"127\.0\.0\.1%3A(\d+)%2F", prompts[0].url).group(1))
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert service.status(SESSION).state is TokenState.SIGNED_OUT


def test_open_browser_false_never_opens_one(emulator_factory, monkeypatch, tmp_path):
    emulator_factory(auto_approve=True)
    log = tmp_path / "browser.log"
    use_following_browser(monkeypatch, log=log)
    cancel = CancelToken()
    prompts = []

    def on_prompt(prompt):
        prompts.append(prompt)
        cancel.cancel()

    with pytest.raises(Cancelled):
        LoginService().login(SESSION, open_browser=False, on_prompt=on_prompt, cancel=cancel)
    assert prompts[0].browser_opened is False and not log.exists()


# ---------------------------------------------------------------- device code


def test_device_sign_in_with_approval(emulator_factory, home):
    emu = emulator_factory()
    approver = Approver(emu)
    status = LoginService(browser=NoBrowser()).login(SESSION, method="device", on_prompt=approver)
    assert status.state is TokenState.VALID
    (prompt,) = approver.prompts
    assert prompt.method == "device" and prompt.browser_opened is False
    assert prompt.verification_uri == f"{emu.base_url}/device"
    assert prompt.url == f"{emu.base_url}/device?user_code={prompt.user_code}"
    assert prompt.expires_at > datetime.now(timezone.utc) + timedelta(minutes=9)
    registration = read(home / ".aws/sso/cache" / f"{target_registration_key(SESSION)}.json")
    assert list(registration) == ["clientId", "clientSecret", "expiresAt", "scopes"]  # no grantTypes
    document = read(status.token_path)
    assert list(document) == TOKEN_KEYS + ["refreshToken"]
    operations = [c.operation for c in emu.calls]
    assert operations[:3] == ["RegisterClient", "StartDeviceAuthorization", "CreateToken"]
    assert set(operations[3:]) == {"CreateToken"}
    assert not [e for e in emu.errors if e.code == "SlowDownException"]  # polled at the given interval


def test_device_sign_in_already_authorised_shows_nothing(emulator_factory):
    emulator_factory(auto_approve=True)
    prompts = []
    status = LoginService(browser=NoBrowser()).login(LEGACY, method="device", on_prompt=prompts.append)
    assert status.state is TokenState.VALID and prompts == []


def test_legacy_targets_always_use_the_device_flow(emulator_factory, home):
    emu = emulator_factory()
    approver = Approver(emu)
    status = LoginService(browser=NoBrowser()).login(LEGACY, method="pkce", on_prompt=approver)
    assert approver.prompts[0].method == "device"
    document = read(status.token_path)
    assert status.token_path.name == hashlib.sha1(LEGACY.start_url.encode()).hexdigest() + ".json"
    assert document["startUrl"] == LEGACY.start_url
    assert "refreshToken" not in document  # no scopes registered: a long token, not refreshable
    registration_file = home / ".aws/sso/cache" / f"{target_registration_key(LEGACY)}.json"
    assert list(read(registration_file)) == ["clientId", "clientSecret", "expiresAt"]
    assert LoginService().status(LEGACY).state is TokenState.VALID


def test_device_and_pkce_registrations_replace_each_other(emulator_factory, monkeypatch, home):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION, method="device", force=True)
    service.login(SESSION, method="pkce", force=True)
    service.login(SESSION, method="device", force=True)
    assert emu.call_count("RegisterClient") == 3
    service.login(SESSION, method="device", force=True)
    assert emu.call_count("RegisterClient") == 3  # the device registration is reused now


def test_device_denied(emulator_factory):
    emu = emulator_factory()
    with pytest.raises(LoginDenied) as caught:
        LoginService(browser=NoBrowser()).login(SESSION, method="device", on_prompt=Approver(emu, approve=False))
    assert caught.value.code == "AccessDeniedException"


def test_device_code_expires(emulator_factory):
    emulator_factory(device_code_ttl=1)
    with pytest.raises(LoginExpired) as caught:
        LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert "expired before it was approved" in caught.value.message


def test_device_invalid_grant(emulator_factory):
    emu = emulator_factory()
    emu.fail_next("CreateToken", "InvalidGrantException")
    with pytest.raises(LoginFailed) as caught:
        LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert caught.value.hint == "Sign in again."


def test_device_slow_down_adds_five_seconds(emulator_factory):
    from app.signin.clients import ClientFactory
    from app.signin.device_flow import DEVICE_GRANT_TYPE, attempt

    emu = emulator_factory()
    oidc = ClientFactory().client("sso-oidc", SESSION.region)
    client = oidc.register_client(clientName="t", clientType="public")
    device = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=SESSION.start_url
    )

    def create_token():
        return oidc.create_token(
            grantType=DEVICE_GRANT_TYPE,
            clientId=client["clientId"],
            clientSecret=client["clientSecret"],
            deviceCode=device["deviceCode"],
        )

    emu.fail_next("CreateToken", "SlowDownException")
    assert attempt(create_token, 1.0) == (6.0, None)
    time.sleep(1)
    assert attempt(create_token, 6.0) == (6.0, None)  # pending: unchanged


def test_device_poll_has_a_local_deadline(emulator_factory):
    """Unlike the CLI we stop at expiresIn (+ grace) even if the service never says ExpiredToken."""
    from app.signin.clients import ClientFactory
    from app.signin.device_flow import DEVICE_GRANT_TYPE, DeviceAuthorization, poll

    emulator_factory()
    oidc = ClientFactory().client("sso-oidc", SESSION.region)
    client = oidc.register_client(clientName="t", clientType="public")
    started = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=SESSION.start_url
    )
    authorization = DeviceAuthorization.from_response(started)
    authorization.started -= authorization.expires_in + 60  # as if it had been waiting this long

    def create_token():
        return oidc.create_token(
            grantType=DEVICE_GRANT_TYPE,
            clientId=client["clientId"],
            clientSecret=client["clientSecret"],
            deviceCode=authorization.device_code,
        )

    with pytest.raises(LoginExpired):
        poll(create_token, authorization, interval=1.0, cancel=CancelToken())


def test_device_cancel_stops_polling(emulator_factory):
    emu = emulator_factory()
    cancel = CancelToken()
    service = LoginService(browser=NoBrowser())

    cancelled_at: list[float] = []

    def cancel_now():
        cancelled_at.append(time.monotonic())
        cancel.cancel()

    def on_prompt(prompt):
        threading.Timer(0.5, cancel_now).start()

    with pytest.raises(Cancelled):
        service.login(SESSION, method="device", on_prompt=on_prompt, cancel=cancel)
    assert time.monotonic() - cancelled_at[0] < 0.4  # the poll loop stops within a fraction of a second
    polls = emu.call_count("CreateToken")
    time.sleep(1.3)
    assert emu.call_count("CreateToken") == polls  # nothing polls in the background


@pytest.mark.parametrize("method", ["device", "pkce"])
def test_cancel_while_aws_is_slow_to_answer(emulator_factory, method):
    """Cancel works during the network calls too, not only while waiting for the person."""
    emulator_factory(latency_ms=3000)
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        LoginService(browser=NoBrowser()).login(SESSION, method=method, cancel=cancel)
    assert time.monotonic() - started < 0.3 + 0.3


def test_revoked_registration_is_replaced_once(emulator_factory, home):
    emu = emulator_factory(auto_approve=True)
    cache = TokenCache()
    expires = datetime.now(timezone.utc) + timedelta(days=30)
    cache.save_registration(SESSION, {"clientId": "gone", "clientSecret": "gone", "expiresAt": expires, "scopes": ["sso:account:access"]})
    status = LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert status.state is TokenState.VALID
    assert emu.call_count("RegisterClient") == 1
    assert cache.load_registration(SESSION).client_id != "gone"


# ---------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("target", "left", "refresh", "registration_left", "state", "renewable"),
    [
        (SESSION, timedelta(hours=1), "aor", timedelta(days=1), TokenState.VALID, True),
        (SESSION, timedelta(minutes=15, seconds=30), None, timedelta(days=1), TokenState.VALID, False),
        (SESSION, timedelta(minutes=14), None, timedelta(days=1), TokenState.EXPIRING, False),
        # not expired yet: "expiring" whether or not it renews itself (one of the five states)
        (SESSION, timedelta(minutes=14), "aor", timedelta(days=1), TokenState.EXPIRING, True),
        (SESSION, timedelta(minutes=14), "aor", -timedelta(seconds=1), TokenState.EXPIRING, False),
        (SESSION, -timedelta(hours=3), "aor", timedelta(days=1), TokenState.REFRESHABLE, True),
        (SESSION, -timedelta(hours=3), "aor", -timedelta(seconds=1), TokenState.EXPIRED, False),
        (SESSION, -timedelta(minutes=1), None, timedelta(days=1), TokenState.EXPIRED, False),
        (LEGACY, timedelta(minutes=5), "aor", timedelta(days=1), TokenState.EXPIRING, False),  # legacy never refreshes
        (LEGACY, -timedelta(minutes=5), "aor", timedelta(days=1), TokenState.EXPIRED, False),
    ],
)
def test_status_states(home, target, left, refresh, registration_left, state, renewable):
    path = write_cli_token(
        home, target, expires_in=left, refresh_token=refresh, registration_expires_in=registration_left
    )
    status = LoginService().status(target)
    assert status.state is state
    assert status.renewable is renewable
    assert status.token_path == path
    assert abs((status.expires_at - datetime.now(timezone.utc)) - left) < timedelta(seconds=5)


def test_status_signed_out_and_incomplete_refresh_material(home):
    service = LoginService()
    assert service.status(SESSION).state is TokenState.SIGNED_OUT
    assert service.status(SESSION).expires_at is None
    write_cli_token(home, SESSION, expires_in=timedelta(minutes=5), extra={"clientSecret": None})
    assert service.status(SESSION).state is TokenState.EXPIRING


# ---------------------------------------------------------------- refresh


def test_refresh_writes_back_like_botocore(emulator_factory, monkeypatch, home):
    emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    service = LoginService()
    status = service.login(SESSION)
    assert status.state is TokenState.EXPIRING  # a 10-minute token is inside the 15-minute window
    assert status.renewable
    before = read(status.token_path)
    edited = dict(before)
    edited["registrationExpiresAt"] = before["registrationExpiresAt"].replace("Z", ".000Z")
    edited["somethingElse"] = "kept by nobody"
    status.token_path.write_text(json.dumps(edited))

    after_status = service.refresh(SESSION)
    after = read(after_status.token_path)
    assert list(after) == TOKEN_KEYS + ["refreshToken"]  # unknown keys dropped
    assert after["registrationExpiresAt"] == edited["registrationExpiresAt"]  # copied verbatim
    assert after["accessToken"] != before["accessToken"]
    assert after["refreshToken"] != before["refreshToken"]  # the emulator rotates refresh tokens
    assert after["clientId"] == before["clientId"] and after["clientSecret"] == before["clientSecret"]
    assert ZULU.match(after["expiresAt"])


def test_refresh_that_loses_a_race_takes_the_winners_token(emulator_factory, monkeypatch, home):
    """Another program (botocore) renewed first with the same refresh token, which the service
    then refuses (it rotates them): the winner's write-back is used instead of failing."""
    emu = emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    LoginService().login(SESSION)
    stale = TokenCache().load_token(SESSION)
    emu.access_token_ttl = 3600
    LoginService().refresh(SESSION)  # the other program wins

    class ReadBeforeTheWinnerWrote(TokenCache):
        def __init__(self):
            super().__init__()
            self.first = True

        def load_token(self, target):
            if self.first:
                self.first = False
                return stale
            return super().load_token(target)

    status = LoginService(cache=ReadBeforeTheWinnerWrote()).refresh(SESSION)
    assert status.state is TokenState.VALID
    assert emu.errors[-1].code == "InvalidGrantException"  # our attempt really was refused


def test_login_renews_instead_of_opening_a_browser(emulator_factory, monkeypatch):
    emu = emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION)
    emu.access_token_ttl = 3600
    emu.clear_calls()
    status = service.login(SESSION)
    assert status.state is TokenState.VALID
    assert [c.operation for c in emu.calls] == ["CreateToken"]


def test_refresh_after_the_session_ended(emulator_factory, monkeypatch):
    emu = emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION)
    emu.end_sessions()
    with pytest.raises(SessionExpired) as caught:
        service.refresh(SESSION)
    assert "session has ended" in caught.value.message and caught.value.hint == "Sign in again."
    assert caught.value.code == "InvalidGrantException"


def test_refresh_needs_refresh_material(home):
    service = LoginService()
    with pytest.raises(NotSignedIn):
        service.refresh(SESSION)
    write_cli_token(home, SESSION, refresh_token=None)
    with pytest.raises(SessionExpired):
        service.refresh(SESSION)
    write_cli_token(home, LEGACY)
    with pytest.raises(SessionExpired) as caught:
        service.refresh(LEGACY)
    assert "without an sso-session" in caught.value.message


def test_access_token(emulator_factory, monkeypatch, home):
    emu = emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    service = LoginService()
    with pytest.raises(NotSignedIn):
        service.access_token(SESSION)
    service.login(SESSION)
    old = read(token_path(home, SESSION))["accessToken"]
    emu.clear_calls()
    new = service.access_token(SESSION)  # inside the window: renewed first
    assert new != old and new == read(token_path(home, SESSION))["accessToken"]
    assert [c.operation for c in emu.calls] == ["CreateToken"]
    emu.end_sessions()
    assert service.access_token(SESSION) == new  # renewal fails, but the token has not expired yet

    write_cli_token(home, SESSION, expires_in=-timedelta(minutes=1), refresh_token=None)
    with pytest.raises(SessionExpired):
        service.access_token(SESSION)
    write_cli_token(home, LEGACY, access_token="legacy-token", expires_in=timedelta(minutes=3))
    assert service.access_token(LEGACY) == "legacy-token"  # expiring but still usable


# ---------------------------------------------------------------- logout


def _role_cache(home, name, provider="sso"):
    folder = home / ".aws" / "cli" / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"ProviderType": provider, "Credentials": {"AccessKeyId": "AKIAEXAMPLE"}}))
    return path


def test_logout_ends_the_session_and_removes_local_files(emulator_factory, monkeypatch, home):
    from app.signin.token_cache import target_role_key

    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION)
    access = read(token_path(home, SESSION))["accessToken"]
    mine = _role_cache(home, target_role_key(SESSION, "012345678901", "ReadOnly"))
    other = _role_cache(home, target_role_key(SESSION, "012345678901", "Administrator"))
    result = service.logout(SESSION, role_pairs=[("012345678901", "ReadOnly"), ("999", "Nope")])
    assert result.server_ok
    assert result.removed == (token_path(home, SESSION), mine)
    assert result.message == "Signed out of sso-session demo. Removed the AWS CLI's temporary keys for 1 role."
    assert other.exists()
    assert (home / ".aws/sso/cache" / f"{target_registration_key(SESSION)}.json").exists()  # registration kept
    assert emu.call_count("Logout") == 1
    from botocore.exceptions import ClientError

    from app.signin.clients import ClientFactory

    with pytest.raises(ClientError):  # the server-side session really ended
        ClientFactory().client("sso", SESSION.region).list_accounts(accessToken=access)
    assert service.status(SESSION).state is TokenState.SIGNED_OUT
    assert service.logout(SESSION).message == "You were not signed in to sso-session demo."


def test_logout_without_network_still_removes_files(emulator_factory, monkeypatch, home):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION)
    host = emu.base_url.split("//", 1)[1]
    emu.stop()
    result = service.logout(SESSION)
    assert not result.server_ok
    assert result.removed == (token_path(home, SESSION),)
    assert "could not end the session at AWS" in result.message
    assert result.message == (  # one sentence: no full stop inside the brackets
        f"Removed the local sign-in for sso-session demo, but could not end the session at AWS "
        f"(Could not connect to {host}). It ends by itself when it expires."
    )
    assert not token_path(home, SESSION).exists()


def test_logout_all_is_aws_sso_logout_that_never_stops_half_way(emulator_factory, home):
    emu = emulator_factory()
    write_cli_token(home, SESSION, access_token=emu.issue_token().access_token)
    write_cli_token(home, LEGACY, access_token=emu.issue_token().access_token)
    regionless = write_cli_token(home, SsoTarget("https://x.awsapps.com/start", "eu-west-2", "other"))
    doc = read(regionless)
    del doc["region"]
    regionless.write_text(json.dumps(doc))
    cache = home / ".aws/sso/cache"
    registration = cache / "registration.json"
    registration.write_text(json.dumps({"clientId": "c", "clientSecret": "s", "expiresAt": "2030-01-01T00:00:00Z"}))
    (cache / "junk.json").write_text("not json")
    (cache / "folder.json").mkdir()
    sso_role = _role_cache(home, "a" * 40)
    assume_role = _role_cache(home, "b" * 40, provider="assume-role")

    host = emu.base_url.split("//", 1)[1]
    emu.stop()  # AWS unreachable: the sweep goes on regardless
    result = LoginService().logout_all()
    assert not result.server_ok
    assert set(result.removed) == {token_path(home, SESSION), token_path(home, LEGACY), regionless, sso_role}
    assert registration.exists() and (cache / "junk.json").exists() and assume_role.exists()
    assert result.message.startswith("Signed out of 3 sign-ins and removed the AWS CLI's temporary keys for 1 role.")
    assert result.message.endswith(
        f" Could not end 2 sessions at AWS (Could not connect to {host}); the local sign-in was removed "
        "anyway and the session ends by itself when it expires."
    )
    assert ".)" not in result.message


def test_logout_all_removes_every_file_with_an_access_token_key_as_the_cli_does(home):
    """`aws sso logout` handles a file when its JSON *has* accessToken, whatever the value."""
    cache = home / ".aws/sso/cache"
    cache.mkdir(parents=True)
    empty = cache / "empty-token.json"
    empty.write_text(json.dumps({"startUrl": "https://x.awsapps.com/start", "accessToken": ""}))
    null = cache / "null-token.json"
    null.write_text(json.dumps({"accessToken": None, "expiresAt": "2030-01-01T00:00:00Z"}))
    result = LoginService().logout_all()
    assert not empty.exists() and not null.exists()
    assert result.server_ok  # nothing to end at AWS without a token to end it with


def test_logout_all_reaches_aws_for_each_session(emulator_factory, home):
    emu = emulator_factory()
    write_cli_token(home, SESSION, access_token=emu.issue_token().access_token)
    write_cli_token(home, LEGACY, access_token=emu.issue_token().access_token)
    result = LoginService().logout_all()
    assert result.server_ok and emu.call_count("Logout") == 2
    assert result.message == "Signed out of 2 sign-ins."
    assert LoginService().logout_all().message == "You were not signed in to any IAM Identity Center portal."


def test_a_lock_folder_that_cannot_be_made_is_a_plain_error(home, monkeypatch):
    """The app's own folder is not writable (a root-owned ~/.config, a file in its place)."""
    blocked = home / "config-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    service = LoginService(browser=NoBrowser())
    with pytest.raises(WizardError) as caught:
        service.login(SESSION, method="device")
    assert "config-is-a-file" in caught.value.message and caught.value.hint
    write_cli_token(home, SESSION, expires_in=timedelta(minutes=5))
    with pytest.raises(WizardError) as caught:
        service.refresh(SESSION)
    assert "config-is-a-file" in caught.value.message
