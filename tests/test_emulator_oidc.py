"""sso-oidc semantics of the emulator: registration rules, device flow, PKCE, refresh, browser pages."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import secrets
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.utils import percent_encode_sequence

from app.emulator import DEMO_REGION, DEMO_START_URL

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SCOPES = ["sso:account:access"]
_SESSION = boto3.session.Session(region_name=DEMO_REGION)
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def oidc():
    return _SESSION.client("sso-oidc", config=NO_RETRY)


def sso():
    return _SESSION.client("sso", config=NO_RETRY)


def raw(emu, method, path, *, form=None):
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    headers = {}
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read().decode()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, payload


def code_of(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


def register(client=None, **extra):
    return (client or oidc()).register_client(clientName="botocore-client-test", clientType="public", **extra)


def register_pkce(client=None, scopes=SCOPES):
    return register(
        client,
        scopes=scopes,
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=["http://127.0.0.1/oauth/callback"],
        issuerUrl=DEMO_START_URL,
    )


# -- RegisterClient -----------------------------------------------------------------------------


def test_register_client_returns_epoch_second_expiry_about_90_days_out(emulator):
    before = int(time.time())
    reg = register(scopes=SCOPES)
    assert reg["clientId"] and len(reg["clientSecret"]) >= 64
    assert before <= reg["clientIdIssuedAt"] <= int(time.time())
    assert reg["clientSecretExpiresAt"] - reg["clientIdIssuedAt"] == 90 * 24 * 3600
    assert "authorizationEndpoint" not in reg


def test_pkce_registration_advertises_endpoints(emulator):
    reg = register_pkce()
    assert reg["authorizationEndpoint"] == f"{emulator.base_url}/authorize"
    assert reg["tokenEndpoint"] == f"{emulator.base_url}/token"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"clientType": "confidential"}, "InvalidClientMetadataException"),
        ({"grantTypes": ["authorization_code"]}, "InvalidRedirectUriException"),
        ({"grantTypes": ["authorization_code"], "redirectUris": ["http://127.0.0.1:8080/oauth/callback"]},
         "InvalidRedirectUriException"),
        ({"grantTypes": ["authorization_code"], "redirectUris": ["https://example.com/callback"]},
         "InvalidRedirectUriException"),
        ({"grantTypes": ["password"]}, "UnsupportedGrantTypeException"),
        ({"scopes": ["not a scope"]}, "InvalidScopeException"),
    ],
)
def test_register_client_validation(emulator, extra, code):
    args = {"clientName": "x", "clientType": "public", **extra}
    assert code_of(lambda: oidc().register_client(**args)) == code


# -- device flow -----------------------------------------------------------------------------


def start_device(client, reg, start_url=DEMO_START_URL):
    return client.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=start_url
    )


def poll(client, reg, device):
    return client.create_token(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType=DEVICE_GRANT,
        deviceCode=device["deviceCode"],
    )


def test_device_authorization_answer(emulator):
    client = oidc()
    reg = register(client)
    device = start_device(client, reg)
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", device["userCode"])
    assert device["verificationUri"] == f"{emulator.base_url}/device"
    assert device["verificationUriComplete"] == f"{emulator.base_url}/device?user_code={device['userCode']}"
    assert device["expiresIn"] == 600 and device["interval"] == 1
    assert emulator.pending_user_codes() == [device["userCode"]]


def test_device_flow_pending_then_approved_through_the_page(emulator):
    client = oidc()
    reg = register(client, scopes=SCOPES)
    device = start_device(client, reg)
    assert code_of(lambda: poll(client, reg, device)) == "AuthorizationPendingException"

    status, _, page = raw(emulator, "GET", f"/device?user_code={device['userCode']}")
    assert status == 200
    assert device["userCode"] in page and "Approve" in page and "Deny" in page
    assert device["deviceCode"] not in page and reg["clientSecret"] not in page
    form = {"user_code": device["userCode"].lower(), "decision": "approve"}
    status, _, page = raw(emulator, "POST", "/device", form=form)
    assert status == 200 and "approved" in page.lower()

    emulator.advance(1)  # the polling interval, without waiting for it
    token = poll(client, reg, device)
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == 3600 and token["refreshToken"]
    assert sso().list_accounts(accessToken=token["accessToken"])["accountList"]
    # A device code is good for one token.
    emulator.advance(1)  # the polling interval, without waiting for it
    assert code_of(lambda: poll(client, reg, device)) == "InvalidGrantException"


def test_device_flow_denied(emulator):
    client = oidc()
    reg = register(client)
    device = start_device(client, reg)
    status, _, page = raw(emulator, "POST", "/device", form={"user_code": device["userCode"], "decision": "deny"})
    assert status == 200 and "denied" in page.lower()
    assert code_of(lambda: poll(client, reg, device)) == "AccessDeniedException"
    with pytest.raises(ValueError):
        emulator.approve(device["userCode"])


def test_device_polling_too_fast_gets_slow_down_after_one_forgiven_poll(emulator):
    client = oidc()
    reg = register(client)
    device = start_device(client, reg)
    assert code_of(lambda: poll(client, reg, device)) == "AuthorizationPendingException"
    assert code_of(lambda: poll(client, reg, device)) == "AuthorizationPendingException"  # the CLI's double poll
    assert code_of(lambda: poll(client, reg, device)) == "SlowDownException"
    emulator.advance(1)  # the polling interval, without waiting for it
    assert code_of(lambda: poll(client, reg, device)) == "AuthorizationPendingException"


def test_device_code_expires(emulator):
    client = oidc()
    reg = register(client)
    device = start_device(client, reg)
    emulator.approve(device["userCode"])
    emulator.advance(601)
    assert code_of(lambda: poll(client, reg, device)) == "ExpiredTokenException"
    status, _, page = raw(emulator, "GET", f"/device?user_code={device['userCode']}")
    assert status == 410 and "expired" in page


def test_device_code_belongs_to_its_client(emulator):
    client = oidc()
    reg, other = register(client), register(client)
    device = start_device(client, reg)
    emulator.approve(device["userCode"])
    assert code_of(lambda: poll(client, other, device)) == "InvalidGrantException"
    wrong_secret = dict(reg, clientSecret="x" * 40)
    assert code_of(lambda: poll(client, wrong_secret, device)) == "InvalidClientException"
    unknown = dict(device, deviceCode="nope")
    assert code_of(lambda: poll(client, reg, unknown)) == "InvalidGrantException"
    assert code_of(lambda: start_device(client, wrong_secret)) == "InvalidClientException"


def test_auto_approve_hands_out_the_token_on_the_first_poll(emulator):
    emulator.auto_approve = True
    client = oidc()
    reg = register(client, scopes=SCOPES)
    assert poll(client, reg, start_device(client, reg))["accessToken"]


def test_auto_approve_after_n_polls(emulator):
    emulator.auto_approve_after = 2
    client = oidc()
    reg = register(client)
    device = start_device(client, reg)
    for _ in range(2):
        assert code_of(lambda: poll(client, reg, device)) == "AuthorizationPendingException"
        emulator.advance(1)  # the polling interval, without waiting for it
    assert poll(client, reg, device)["accessToken"]


def test_unscoped_device_token_lasts_the_session_and_cannot_refresh(emulator):
    emulator.auto_approve = True
    client = oidc()
    reg = register(client)
    token = poll(client, reg, start_device(client, reg))
    assert "refreshToken" not in token
    assert token["expiresIn"] == 8 * 3600


def test_auth_code_registration_cannot_use_the_device_flow(emulator):
    client = oidc()
    reg = register_pkce(client)
    assert code_of(lambda: start_device(client, reg)) == "UnauthorizedClientException"


def test_device_page_without_or_with_an_unknown_code(emulator):
    status, _, page = raw(emulator, "GET", "/device")
    assert status == 200 and 'name="user_code"' in page
    status, _, page = raw(emulator, "GET", "/device?user_code=BBBB-CCCC")
    assert status == 404 and "not recognised" in page
    status, _, page = raw(emulator, "POST", "/device", form={"user_code": "BBBB-CCCC", "decision": "approve"})
    assert status == 400
    with pytest.raises(ValueError):
        emulator.approve("BBBB-CCCC")


# -- authorization code with PKCE -------------------------------------------------------------


def pkce_pair():
    verifier = secrets.token_urlsafe(48)[:64]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def authorize_path(reg, *, port=54321, state=None, challenge=None, **overrides):
    """The authorize URL built exactly as the AWS CLI builds it (interop §3.2)."""
    params = {
        "response_type": "code",
        "client_id": reg["clientId"],
        "redirect_uri": f"http://127.0.0.1:{port}/oauth/callback",
        "state": str(uuid.uuid4()) if state is None else state,
        "code_challenge_method": "S256",
        "scopes": "sso:account:access",
    }
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    return f"/authorize?{percent_encode_sequence(params)}&code_challenge={challenge or pkce_pair()[1]}"


def callback_query(headers) -> dict[str, str]:
    location = headers["location"]
    assert location.startswith("http://127.0.0.1:54321/oauth/callback?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(client, reg, code, verifier, port=54321):
    return client.create_token(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType="authorization_code",
        code=code, redirectUri=f"http://127.0.0.1:{port}/oauth/callback", codeVerifier=verifier,
    )


def test_pkce_allow_redirects_with_code_and_state_and_the_code_exchanges_once(emulator):
    client = oidc()
    reg = register_pkce(client)
    verifier, challenge = pkce_pair()
    status, _, page = raw(emulator, "GET", authorize_path(reg, state="s-1", challenge=challenge))
    assert status == 200 and "Allow access" in page and "Deny" in page
    request_id = re.search(r'name="request" value="([^"]+)"', page).group(1)
    status, headers, _ = raw(emulator, "POST", "/authorize", form={"request": request_id, "decision": "allow"})
    assert status == 302
    query = callback_query(headers)
    assert query["state"] == "s-1" and query["code"]
    token = exchange(client, reg, query["code"], verifier)
    assert token["refreshToken"] and token["expiresIn"] == 3600
    assert sso().list_accounts(accessToken=token["accessToken"])["accountList"]
    # Replaying the code fails and revokes what it issued.
    assert code_of(lambda: exchange(client, reg, query["code"], verifier)) == "InvalidGrantException"
    assert code_of(lambda: sso().list_accounts(accessToken=token["accessToken"])) == "UnauthorizedException"


def test_pkce_deny_redirects_with_access_denied(emulator):
    reg = register_pkce()
    status, _, page = raw(emulator, "GET", authorize_path(reg, state="s-2"))
    request_id = re.search(r'name="request" value="([^"]+)"', page).group(1)
    status, headers, _ = raw(emulator, "POST", "/authorize", form={"request": request_id, "decision": "deny"})
    assert status == 302
    query = callback_query(headers)
    assert query["error"] == "access_denied" and query["state"] == "s-2" and query["error_description"]
    assert "code" not in query


def test_pkce_auto_approve_redirects_straight_back(emulator):
    emulator.auto_approve = True
    client = oidc()
    reg = register_pkce(client)
    verifier, challenge = pkce_pair()
    status, headers, _ = raw(emulator, "GET", authorize_path(reg, challenge=challenge))
    assert status == 302
    assert exchange(client, reg, callback_query(headers)["code"], verifier)["accessToken"]


def test_pkce_helpers_allow_and_deny_open_consent_pages(emulator):
    client = oidc()
    reg = register_pkce(client)
    verifier, challenge = pkce_pair()
    raw(emulator, "GET", authorize_path(reg, challenge=challenge))
    [location] = emulator.allow_authorizations()
    code = parse_qs(urlsplit(location).query)["code"][0]
    assert exchange(client, reg, code, verifier)["accessToken"]
    raw(emulator, "GET", authorize_path(reg))
    [location] = emulator.deny_authorizations()
    assert "error=access_denied" in location


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"scopes": "sso:account:access codewhisperer:completions"}, "invalid_scope"),
        ({"state": ""}, "invalid_request"),
    ],
)
def test_authorize_query_errors_redirect_back(emulator, overrides, error):
    reg = register_pkce()
    path = authorize_path(reg, **overrides)
    status, headers, _ = raw(emulator, "GET", path)
    assert status == 302
    assert callback_query(headers)["error"] == error


def test_authorize_without_scopes_uses_the_registered_ones(emulator):
    emulator.auto_approve = True
    client = oidc()
    reg = register_pkce(client)
    verifier, challenge = pkce_pair()
    status, headers, _ = raw(emulator, "GET", authorize_path(reg, challenge=challenge, scopes=None))
    assert status == 302
    assert exchange(client, reg, callback_query(headers)["code"], verifier)["refreshToken"]
    unscoped = register(client, grantTypes=["authorization_code"], redirectUris=["http://127.0.0.1/oauth/callback"])
    status, headers, _ = raw(emulator, "GET", authorize_path(unscoped, scopes=None))
    assert status == 302 and callback_query(headers)["error"] == "invalid_scope"


def test_authorize_with_a_bad_challenge_redirects_back(emulator):
    reg = register_pkce()
    status, headers, _ = raw(emulator, "GET", authorize_path(reg, challenge="short"))
    assert status == 302 and callback_query(headers)["error"] == "invalid_request"


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "unknown"},
        {"redirect_uri": "http://127.0.0.1:54321/elsewhere"},
        {"redirect_uri": "http://evil.example/oauth/callback"},
        {"redirect_uri": None},
    ],
)
def test_authorize_never_redirects_to_an_unregistered_place(emulator, overrides):
    reg = register_pkce()
    status, headers, page = raw(emulator, "GET", authorize_path(reg, **overrides))
    assert status == 400 and "location" not in headers
    assert "Sign-in failed" in page


@pytest.mark.parametrize("mistake", ["verifier", "redirect_port", "other_client", "expired"])
def test_pkce_code_exchange_checks(emulator, mistake):
    emulator.auto_approve = True
    client = oidc()
    reg, other = register_pkce(client), register_pkce(client)
    verifier, challenge = pkce_pair()
    _, headers, _ = raw(emulator, "GET", authorize_path(reg, challenge=challenge))
    code = callback_query(headers)["code"]
    if mistake == "verifier":
        call = lambda: exchange(client, reg, code, pkce_pair()[0])  # noqa: E731
    elif mistake == "redirect_port":
        call = lambda: exchange(client, reg, code, verifier, port=54322)  # noqa: E731
    elif mistake == "other_client":
        call = lambda: exchange(client, other, code, verifier)  # noqa: E731
    else:
        emulator.advance(301)
        call = lambda: exchange(client, reg, code, verifier)  # noqa: E731
    assert code_of(call) == "InvalidGrantException"


def test_consent_page_escapes_the_client_name(emulator):
    client = oidc()
    reg = client.register_client(
        clientName="<script>alert(1)</script>", clientType="public", scopes=SCOPES,
        grantTypes=["authorization_code"], redirectUris=["http://127.0.0.1/oauth/callback"],
    )
    _, _, page = raw(emulator, "GET", authorize_path(reg))
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert reg["clientSecret"] not in page


# -- refresh and the Identity Center session -------------------------------------------------


def refresh(client, signed_in, refresh_token=None):
    return client.create_token(
        clientId=signed_in.client_id, clientSecret=signed_in.client_secret, grantType="refresh_token",
        refreshToken=refresh_token or signed_in.refresh_token,
    )


def test_refresh_rotates_the_refresh_token(emulator):
    client = oidc()
    signed_in = emulator.issue_token()
    fresh = refresh(client, signed_in)
    assert fresh["accessToken"] != signed_in.access_token
    assert fresh["refreshToken"] != signed_in.refresh_token
    assert code_of(lambda: refresh(client, signed_in)) == "InvalidGrantException"
    assert refresh(client, signed_in, fresh["refreshToken"])["accessToken"]


def test_expired_access_token_gets_401_but_refresh_works(emulator):
    emulator.access_token_ttl = 600
    client = oidc()
    signed_in = emulator.issue_token()
    assert signed_in.expires_in == 600
    emulator.advance(601)
    assert code_of(lambda: sso().list_accounts(accessToken=signed_in.access_token)) == "UnauthorizedException"
    fresh = refresh(client, signed_in)
    assert sso().list_accounts(accessToken=fresh["accessToken"])["accountList"]


@pytest.mark.parametrize("how", ["end_sessions", "session_ttl", "logout"])
def test_refresh_fails_once_the_session_ends(emulator, how):
    client = oidc()
    signed_in = emulator.issue_token()
    if how == "end_sessions":
        emulator.end_sessions()
    elif how == "session_ttl":
        emulator.advance(8 * 3600 + 1)
    else:
        sso().logout(accessToken=signed_in.access_token)
    assert code_of(lambda: refresh(client, signed_in)) == "InvalidGrantException"
    assert code_of(lambda: sso().list_accounts(accessToken=signed_in.access_token)) == "UnauthorizedException"


def test_refresh_token_belongs_to_its_client(emulator):
    client = oidc()
    mine, theirs = emulator.issue_token(), emulator.issue_token()
    assert code_of(lambda: refresh(client, theirs, mine.refresh_token)) == "InvalidGrantException"


def test_grant_types_the_client_may_not_use(emulator):
    client = oidc()
    signed_in = emulator.issue_token()
    call = lambda grant: client.create_token(  # noqa: E731
        clientId=signed_in.client_id, clientSecret=signed_in.client_secret, grantType=grant, code="x",
        redirectUri="http://127.0.0.1:1/oauth/callback", codeVerifier="v" * 43,
    )
    assert code_of(lambda: call("authorization_code")) == "UnauthorizedClientException"
    assert code_of(lambda: call("password")) == "UnsupportedGrantTypeException"
