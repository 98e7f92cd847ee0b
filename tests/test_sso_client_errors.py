"""Every error a person can meet during sign-in and SSO calls becomes a typed WizardError with a
plain message and a next step: each sso-oidc, portal and STS error code as the real
services encode it (through the emulator), connection refused, DNS failure, timeouts, 5xx, proxies."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from datetime import timedelta

import pytest

from app.errors import WizardError
from app.signin.browser import NoBrowser
from app.signin.clients import ClientFactory
from app.signin.errors import (
    AccessDenied,
    LoginDenied,
    LoginExpired,
    LoginFailed,
    NetworkError,
    NotFound,
    RequestRejected,
    ServiceError,
    SessionExpired,
    SignatureRejected,
    Throttled,
    translate_error,
)
from app.signin.login import LoginService
from app.signin.portal import SsoClient
from helpers.sso import SESSION, write_signed_in_token

SIGN_IN_AGAIN = "Sign in again."


def _assert_person_readable(error: WizardError) -> None:
    assert isinstance(error, WizardError)
    assert error.message and error.message[0].isupper() and error.message.endswith((".", ")"))
    assert error.hint and error.hint.endswith(".")
    assert "Traceback" not in str(error) and "botocore" not in str(error)


# ---------------------------------------------------------------- sso-oidc: sign-in (device flow)


@pytest.mark.parametrize(
    ("operation", "code", "kind", "hint"),
    [
        ("RegisterClient", "InvalidRequestException", RequestRejected, "Check the start URL and SSO region"),
        ("RegisterClient", "InvalidScopeException", RequestRejected, "sso_registration_scopes"),
        ("RegisterClient", "InvalidClientMetadataException", RequestRejected, "Check the start URL"),
        ("RegisterClient", "InvalidRedirectUriException", RequestRejected, "device code"),
        ("RegisterClient", "UnsupportedGrantTypeException", RequestRejected, "device code"),
        ("RegisterClient", "SlowDownException", Throttled, "Wait a minute"),
        ("RegisterClient", "InternalServerException", ServiceError, "Wait a minute"),
        ("StartDeviceAuthorization", "InvalidRequestException", RequestRejected, "Check the start URL"),
        ("StartDeviceAuthorization", "UnauthorizedClientException", LoginFailed, SIGN_IN_AGAIN),
        ("StartDeviceAuthorization", "SlowDownException", Throttled, "Wait a minute"),
        ("StartDeviceAuthorization", "InternalServerException", ServiceError, "Wait a minute"),
        ("CreateToken", "AccessDeniedException", LoginDenied, "choose Allow"),
        ("CreateToken", "ExpiredTokenException", LoginExpired, "Start the sign-in again"),
        ("CreateToken", "InvalidGrantException", LoginFailed, SIGN_IN_AGAIN),
        ("CreateToken", "InvalidClientException", LoginFailed, SIGN_IN_AGAIN),
        ("CreateToken", "UnauthorizedClientException", LoginFailed, SIGN_IN_AGAIN),
        ("CreateToken", "UnsupportedGrantTypeException", RequestRejected, "device code"),
        ("CreateToken", "InvalidScopeException", RequestRejected, "sso_registration_scopes"),
        ("CreateToken", "InvalidRequestException", RequestRejected, "Check the start URL"),
        ("CreateToken", "InternalServerException", ServiceError, "Wait a minute"),
    ],
)
def test_sign_in_errors(emulator, operation, code, kind, hint):
    emulator.fail_next(operation, code, count=3)  # 5xx are retried by botocore (3 attempts)
    with pytest.raises(kind) as caught:
        LoginService(browser=NoBrowser()).login(SESSION, method="device")
    error = caught.value
    assert error.code == code and error.operation == operation
    assert hint in error.hint
    _assert_person_readable(error)


def test_invalid_client_at_device_authorization_registers_again_once(emulator):
    emulator.auto_approve = True
    emulator.fail_next("StartDeviceAuthorization", "InvalidClientException")
    status = LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert status.signed_in and emulator.call_count("RegisterClient") == 2
    emulator.fail_next("StartDeviceAuthorization", "InvalidClientException", count=2)
    with pytest.raises(LoginFailed):
        LoginService(browser=NoBrowser()).login(SESSION, method="device", force=True)


def test_kms_problems_name_the_key(emulator_factory, home):
    """InvalidRequest/AccessDenied with a KMS reason: the administrator's key, not the person."""
    from botocore.exceptions import ClientError

    for code, reason in [("InvalidRequestException", "KMS_DisabledException"), ("AccessDeniedException", "KMS_AccessDeniedException")]:
        error = ClientError(
            {"Error": {"Code": code, "Message": ""}, "reason": reason, "ResponseMetadata": {"HTTPStatusCode": 400}},
            "CreateToken",
        )
        typed = translate_error(error, context="login")
        assert isinstance(typed, ServiceError) and reason in typed.message and "KMS key" in typed.hint


# ---------------------------------------------------------------- sso-oidc: refresh


@pytest.mark.parametrize(
    ("code", "kind", "fragment"),
    [
        ("InvalidGrantException", SessionExpired, "session has ended"),
        ("InvalidClientException", SessionExpired, "could not be renewed"),
        ("UnauthorizedClientException", SessionExpired, "could not be renewed"),
        ("AccessDeniedException", SessionExpired, "could not be renewed"),
        ("ExpiredTokenException", SessionExpired, "could not be renewed"),
        ("InvalidRequestException", SessionExpired, "could not be renewed"),
        ("InvalidScopeException", SessionExpired, "could not be renewed"),
        ("UnsupportedGrantTypeException", SessionExpired, "could not be renewed"),
        ("InvalidClientMetadataException", SessionExpired, "could not be renewed"),
        ("InvalidRedirectUriException", SessionExpired, "could not be renewed"),
        ("AuthorizationPendingException", SessionExpired, "could not be renewed"),
        ("SlowDownException", Throttled, "limiting"),
        ("InternalServerException", ServiceError, "internal error"),
    ],
)
def test_refresh_errors(emulator_factory, home, code, kind, fragment):
    emu = emulator_factory(access_token_ttl=600)
    write_signed_in_token(home, emu, SESSION)
    emu.fail_next("CreateToken", code, count=3)
    with pytest.raises(kind) as caught:
        LoginService().refresh(SESSION)
    assert fragment in caught.value.message and caught.value.code == code
    _assert_person_readable(caught.value)


# ---------------------------------------------------------------- portal and STS


PORTAL_CASES = [
    ("InvalidRequestException", RequestRejected, "Check the start URL"),
    ("UnauthorizedException", SessionExpired, SIGN_IN_AGAIN),
    ("ForbiddenException", AccessDenied, "Ask your administrator"),
    ("ResourceNotFoundException", NotFound, "Check the account ID"),
]


@pytest.mark.parametrize(("code", "kind", "hint"), PORTAL_CASES)
@pytest.mark.parametrize("operation", ["ListAccounts", "ListAccountRoles", "GetRoleCredentials"])
def test_portal_errors(emulator, home, operation, code, kind, hint):
    write_signed_in_token(home, emulator, SESSION)
    client = SsoClient(LoginService(), SESSION)
    emulator.fail_next(operation, code)
    call = {
        "ListAccounts": client.list_accounts,
        "ListAccountRoles": lambda: client.list_account_roles("012345678901"),
        "GetRoleCredentials": lambda: client.get_role_credentials("012345678901", "ReadOnly"),
    }[operation]
    with pytest.raises(kind) as caught:
        call()
    assert caught.value.code == code and hint in caught.value.hint
    _assert_person_readable(caught.value)


def test_portal_throttling_that_never_ends(emulator, home):
    write_signed_in_token(home, emulator, SESSION)
    emulator.fail_next("ListAccounts", "TooManyRequestsException", count=1000)
    with pytest.raises(Throttled) as caught:
        SsoClient(LoginService(), SESSION, stall_timeout=0.5).list_accounts()
    _assert_person_readable(caught.value)
    emulator.fail_next("GetRoleCredentials", "TooManyRequestsException", count=5)
    with pytest.raises(Throttled):  # botocore's own 3 attempts, then a typed error
        SsoClient(LoginService(), SESSION).get_role_credentials("012345678901", "ReadOnly")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ExpiredToken", SessionExpired),
        ("InvalidClientTokenId", SessionExpired),
        ("SignatureDoesNotMatch", SignatureRejected),
        ("IncompleteSignature", SignatureRejected),
        ("MissingAuthenticationToken", SessionExpired),
        ("AccessDenied", AccessDenied),
        ("Throttling", Throttled),
        ("InternalFailure", ServiceError),
        ("InvalidAction", ServiceError),
    ],
)
def test_sts_errors(emulator, home, code, kind):
    write_signed_in_token(home, emulator, SESSION)
    emulator.fail_next("GetCallerIdentity", code, count=3)
    with pytest.raises(kind) as caught:
        SsoClient(LoginService(), SESSION).whoami("012345678901", "ReadOnly")
    assert caught.value.code == code and caught.value.operation == "GetCallerIdentity"
    _assert_person_readable(caught.value)


def test_logout_reports_server_errors_but_removes_the_token(emulator, home):
    path = write_signed_in_token(home, emulator, SESSION)
    emulator.fail_next("Logout", "InvalidRequestException")
    result = LoginService().logout(SESSION)
    assert not result.server_ok and not path.exists()
    assert "AWS rejected the request as invalid" in result.message
    path = write_signed_in_token(home, emulator, SESSION)
    emulator.fail_next("Logout", "UnauthorizedException")  # already ended: that is what we wanted
    assert LoginService().logout(SESSION).server_ok


# ---------------------------------------------------------------- the network


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def endpoints(monkeypatch):
    def point(url: str) -> None:
        for name in ("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS"):
            monkeypatch.setenv(name, url)

    return point


def test_connection_refused(endpoints, home):
    port = _closed_port()
    endpoints(f"http://127.0.0.1:{port}")
    with pytest.raises(NetworkError) as caught:
        LoginService(browser=NoBrowser()).login(SESSION)
    assert caught.value.message == f"Could not connect to 127.0.0.1:{port}."
    assert caught.value.hint == "Check your network or proxy settings, then try again."
    assert caught.value.operation == "RegisterClient"


def test_dns_failure(endpoints, home, emulator_factory):
    emu = emulator_factory()
    write_signed_in_token(home, emu, SESSION)
    endpoints("http://portal.sso.does-not-exist.invalid")
    with pytest.raises(NetworkError) as caught:
        SsoClient(LoginService(), SESSION).list_accounts()
    assert "DNS lookup failed" in caught.value.message and "portal.sso.does-not-exist.invalid" in caught.value.message
    assert "network, DNS or proxy" in caught.value.hint


@pytest.fixture
def silent_server(hung_server):
    """Accepts connections and never answers (its port)."""
    return hung_server[0]


def test_read_timeout(endpoints, silent_server, home):
    endpoints(f"http://127.0.0.1:{silent_server}")
    service = LoginService(browser=NoBrowser(), clients=ClientFactory(read_timeout=0.3, connect_timeout=1))
    with pytest.raises(NetworkError) as caught:
        service.login(SESSION)
    assert caught.value.message == f"127.0.0.1:{silent_server} did not answer in time (timeout)."
    assert caught.value.code == "Timeout"


@pytest.fixture
def hung_server():
    """Accepts connections, reads nothing, never answers; ``accepted`` lists every connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    accepted: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join(2)
    for connection in accepted:
        connection.close()
    server.close()


def test_timeouts_budget():
    """Small JSON calls: a hung endpoint gives up in ~20-30 s, not 3 x 30 s; a slow one (2 s an
    answer) is far inside the read timeout."""
    from app.signin import clients as aws_clients, portal as sso_client

    worst_backoff = 1 + 2  # botocore's standard mode: up to 1 s, then up to 2 s, between attempts
    assert aws_clients.ATTEMPTS * aws_clients.READ_TIMEOUT + worst_backoff <= 30
    # role discovery: no botocore retries (its rate limiter sees every 429), its own transient retries
    discovery_backoff = sum(min(2.0, 0.2 * 2**n) for n in range(1, sso_client.TRANSIENT_ATTEMPTS))
    assert sso_client.TRANSIENT_ATTEMPTS * aws_clients.READ_TIMEOUT + discovery_backoff <= 30
    assert aws_clients.READ_TIMEOUT >= 2 * 2.0 + 1


def test_a_hung_endpoint_fails_after_the_retry_budget(endpoints, hung_server, home, monkeypatch):
    """The real client path (default factory, botocore's standard retries) with the read timeout
    shortened: every attempt times out, and there are exactly ATTEMPTS of them."""
    from app.signin import clients as aws_clients

    monkeypatch.setattr(aws_clients, "READ_TIMEOUT", 0.5)
    port, accepted = hung_server
    endpoints(f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(NetworkError) as caught:
        LoginService(browser=NoBrowser()).login(SESSION, method="device")
    elapsed = time.monotonic() - started
    assert caught.value.code == "Timeout" and caught.value.operation == "RegisterClient"
    assert len(accepted) == aws_clients.ATTEMPTS
    assert aws_clients.ATTEMPTS * 0.5 <= elapsed < aws_clients.ATTEMPTS * 0.5 + 3.5


def test_a_slow_but_working_service_still_answers(emulator_factory, home):
    """2 s for every answer (a distant region on a bad day) with the real timeouts."""
    emu = emulator_factory(latency_ms=2000)
    write_signed_in_token(home, emu, SESSION)
    accounts = SsoClient(LoginService(), SESSION).list_accounts()
    assert len(accounts) == 12 and emu.errors == []


def test_connect_timeout_is_translated():
    from botocore.exceptions import ConnectTimeoutError

    typed = translate_error(ConnectTimeoutError(endpoint_url="https://oidc.eu-west-2.amazonaws.com/token"), operation="CreateToken")
    assert isinstance(typed, NetworkError)
    assert typed.message == "oidc.eu-west-2.amazonaws.com could not be reached in time (timeout)."


class _Gateway(http.server.BaseHTTPRequestHandler):
    """A proxy or load balancer in the way: 502/503 with an HTML body."""

    status = 502

    def log_message(self, *args):
        pass

    def _answer(self):
        body = b"<html><body>Bad gateway</body></html>"
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.mark.parametrize("status", [502, 503])
def test_5xx_from_something_in_between(endpoints, home, emulator_factory, status):
    emu = emulator_factory()
    write_signed_in_token(home, emu, SESSION)
    handler = type("Gateway", (_Gateway,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        endpoints(f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(ServiceError) as caught:
            SsoClient(LoginService(), SESSION).get_role_credentials("012345678901", "ReadOnly")
        assert caught.value.message.startswith("AWS had an internal error")
        assert caught.value.hint == "Wait a minute, then try again."
        with pytest.raises(ServiceError):
            LoginService(browser=NoBrowser()).login(SESSION, method="device", force=True)
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_proxy(monkeypatch, endpoints, home):
    endpoints("http://oidc.example.test")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("NO_PROXY")
    monkeypatch.delenv("no_proxy")
    with pytest.raises(NetworkError) as caught:
        LoginService(browser=NoBrowser()).login(SESSION)
    assert caught.value.message == "Could not connect through the configured proxy."
    assert "HTTPS_PROXY" in caught.value.hint


def test_missing_region():
    from app.signin.errors import RegionError

    with pytest.raises(RegionError) as caught:
        LoginService(browser=NoBrowser()).login(SESSION.__class__(SESSION.start_url, "", "x"))
    _assert_person_readable(caught.value)


def test_expired_token_status_message(home):
    from helpers.sso import write_cli_token

    write_cli_token(home, SESSION, expires_in=-timedelta(hours=1), refresh_token=None)
    with pytest.raises(SessionExpired) as caught:
        LoginService().access_token(SESSION)
    assert caught.value.message == "Your sign-in to sso-session demo has expired."
    assert caught.value.hint == "Sign in again: aws-sso-wizard login --sso-session demo"
