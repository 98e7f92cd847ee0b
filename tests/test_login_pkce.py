"""PKCE pieces: verifier/challenge, the authorize URL exactly as the CLI builds it (spec §3.2), and
the loopback callback server (127.0.0.1 only, state check, friendly pages, limits, cancel)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import socket
import threading
import time
import urllib.request
import uuid

import pytest

from app.cancel import CancelToken
from app.errors import Cancelled
from app.signin.callback import CallbackServer
from app.signin.errors import LoginDenied, LoginExpired, LoginFailed
from app.signin.pkce import authorize_url, code_challenge, make_code_verifier, percent_encode


def test_verifier_and_challenge():
    verifier = make_code_verifier()
    assert len(verifier) == 64
    assert set(verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    challenge = code_challenge(verifier)
    full = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode()
    assert len(full) == 44 and full.endswith("=")
    assert challenge == full[:-1] and len(challenge) == 43
    assert make_code_verifier() != verifier


def test_percent_encoding_is_botocores():
    from botocore.utils import percent_encode as botocore_encode

    for value in ["sso:account:access codewhisperer:completions", "http://127.0.0.1:1234/oauth/callback", "a~b-c.d_e/f?g&h=i", "é"]:
        assert percent_encode(value) == botocore_encode(value)


def test_authorize_url_matches_the_cli_byte_for_byte():
    """Rebuilt here the way the CLI does: botocore's percent_encode_sequence over an ordered dict,
    then ``&code_challenge=`` appended unencoded."""
    from botocore.utils import percent_encode_sequence

    state = str(uuid.uuid4())
    redirect = "http://127.0.0.1:51234/oauth/callback"
    challenge = code_challenge(make_code_verifier())
    for scopes, joined in [
        (("sso:account:access", "codewhisperer:completions"), "sso:account:access codewhisperer:completions"),
        ((), "sso:account:access"),
    ]:
        expected = (
            "https://oidc.eu-west-2.amazonaws.com/authorize?"
            + percent_encode_sequence(
                {
                    "response_type": "code",
                    "client_id": "abc-DEF_123",
                    "redirect_uri": redirect,
                    "state": state,
                    "code_challenge_method": "S256",
                    "scopes": joined,
                }
            )
            + f"&code_challenge={challenge}"
        )
        built = authorize_url(
            "https://oidc.eu-west-2.amazonaws.com",
            client_id="abc-DEF_123",
            redirect_uri=redirect,
            state=state,
            scopes=scopes,
            challenge=challenge,
        )
        assert built == expected
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A51234%2Foauth%2Fcallback&" in built
    assert "&scopes=sso%3Aaccount%3Aaccess&code_challenge=" in built


def test_authorize_base_follows_endpoint_overrides(monkeypatch):
    from app.signin.clients import ClientFactory

    assert ClientFactory().oidc_base_url("eu-west-2") == "https://oidc.eu-west-2.amazonaws.com"
    assert ClientFactory().oidc_base_url("cn-north-1") == "https://oidc.cn-north-1.amazonaws.com.cn"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7000/global")
    assert ClientFactory().oidc_base_url("eu-west-2") == "http://127.0.0.1:7000"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", "https://oidc.example.test:8443/some/path")
    assert ClientFactory().oidc_base_url("eu-west-2") == "https://oidc.example.test:8443"  # path dropped


# ---------------------------------------------------------------- the callback server


def _get(port: int, path: str) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    finally:
        connection.close()


def _wait_in_thread(server: CallbackServer, **kwargs):
    outcome: dict = {}

    def run():
        try:
            outcome["code"] = server.wait(**kwargs)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_callback_server_binds_loopback_only():
    with CallbackServer("s") as server:
        assert server._server.socket.getsockname()[0] == "127.0.0.1"
        assert server.redirect_uri == f"http://127.0.0.1:{server.port}/oauth/callback"
        addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
        for address in addresses - {"127.0.0.1"}:
            if address.startswith("127."):
                continue
            with pytest.raises(OSError):
                socket.create_connection((address, server.port), timeout=1).close()


def test_callback_success_ignores_other_requests_first():
    server = CallbackServer("the-state")
    thread, outcome = _wait_in_thread(server)
    status, _, _ = _get(server.port, "/favicon.ico")
    assert status == 404
    status, _, _ = _get(server.port, "/oauth/callback?state=the-state")  # no code: not the answer
    assert status == 404
    assert thread.is_alive()
    status, body, headers = _get(server.port, "/oauth/callback?code=abc123&state=the-state")
    assert status == 200 and "You are signed in" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "http" not in body.split("<body>")[0].replace("http-equiv", "")  # no external assets
    thread.join(5)
    assert outcome == {"code": "abc123"}
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


FORGED_ANSWERS = [
    "/oauth/callback?code=forged&state=other",
    "/oauth/callback?code=forged",
    "/oauth/callback?code=forged&state=",
    "/oauth/callback?code=forged&state=expecte",
    "/oauth/callback?code=forged&state=expected-and-more",
    "/oauth/callback?error=access_denied",
    "/oauth/callback?error=access_denied&error_description=Forged&state=other",
    "/oauth/callback?error=server_error&state=%C3%A9",
]
"""Answers any local process could send to the callback port: a code or an error without this
sign-in's state."""


@pytest.mark.parametrize("path", FORGED_ANSWERS)
def test_an_answer_without_this_sign_ins_state_is_refused_and_the_real_one_still_counts(path):
    server = CallbackServer("expected")
    thread, outcome = _wait_in_thread(server)
    status, body, _ = _get(server.port, path)
    assert status == 400 and "does not belong to the sign-in in progress" in body
    thread.join(0.3)
    assert thread.is_alive() and outcome == {}
    status, body, _ = _get(server.port, "/oauth/callback?code=real&state=expected")
    assert status == 200 and "You are signed in" in body
    thread.join(5)
    assert outcome == {"code": "real"}


def test_callback_error_access_denied():
    server = CallbackServer("s")
    thread, outcome = _wait_in_thread(server)
    status, body, _ = _get(server.port, "/cb?error=access_denied&error_description=The+user+said+no&state=s")
    assert status == 200 and "The user said no" in body and "Sign-in did not complete" in body
    thread.join(5)
    assert isinstance(outcome["error"], LoginDenied)


def test_callback_other_error_is_escaped_and_typed():
    server = CallbackServer("s")
    thread, outcome = _wait_in_thread(server)
    status, body, _ = _get(server.port,
                           "/cb?error=invalid_scope&error_description=%3Cscript%3Ebad%3C%2Fscript%3E&state=s")
    assert "<script>" not in body and "&lt;script&gt;" in body
    thread.join(5)
    error = outcome["error"]
    assert isinstance(error, LoginFailed) and error.code == "invalid_scope"


def test_callback_overall_limit():
    server = CallbackServer("s")
    started = time.monotonic()
    with pytest.raises(LoginExpired):
        server.wait(timeout=0.3)
    assert time.monotonic() - started < 1


def test_callback_cancel_is_prompt():
    server = CallbackServer("s")
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        server.wait(cancel=cancel)
    assert time.monotonic() - started < 0.2 + 0.2
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()


def test_callback_survives_a_stalled_connection():
    """A browser that opens a connection and sends nothing must not block the real callback."""
    server = CallbackServer("s")
    thread, outcome = _wait_in_thread(server)
    idle = socket.create_connection(("127.0.0.1", server.port))
    try:
        status, _, _ = _get(server.port, "/oauth/callback?code=c&state=s")
        assert status == 200
        thread.join(5)
        assert outcome == {"code": "c"}
    finally:
        idle.close()


def test_forged_answers_during_a_real_sign_in_are_refused_and_it_completes(emulator_factory):
    """A real PKCE sign-in against the emulator: while it waits, another local process sends the
    callback forged answers over HTTP; each is answered 400, and the browser's real answer (the
    emulator's redirect) still signs in."""
    from app.signin.browser import NoBrowser
    from app.signin.login import LoginService
    from app.signin.state import TokenState
    from helpers.sso import SESSION

    emulator_factory(auto_approve=True)
    seen: dict = {}

    def mischief_then_browser(prompt):
        port = int(re.search(r"127\.0\.0\.1%3A(\d+)%2F", prompt.url).group(1))

        def run():
            seen["forged"] = [_get(port, path)[0] for path in FORGED_ANSWERS]
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(prompt.url, timeout=10) as page:
                seen["browser"] = page.status, page.read().decode()

        seen["thread"] = threading.Thread(target=run, daemon=True)
        seen["thread"].start()

    status = LoginService(browser=NoBrowser()).login(SESSION, method="pkce", on_prompt=mischief_then_browser)
    seen["thread"].join(10)
    assert status.state is TokenState.VALID
    assert seen["forged"] == [400] * len(FORGED_ANSWERS)
    assert seen["browser"][0] == 200 and "You are signed in" in seen["browser"][1]
