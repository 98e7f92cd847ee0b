"""sso-oidc API: RegisterClient, StartDeviceAuthorization, CreateToken (rest-json, unsigned).

Semantics follow the real service as the AWS CLI and botocore meet it (interop spec §3, §5, §11.3):
public clients only, loopback redirect URIs registered without a port, device codes polled at
``interval`` (SlowDown when faster, with a little tolerance), PKCE S256, single-use short-lived
authorization codes, refresh tokens only for registrations with scopes, rotated on use, and
refused once the Identity Center session has ended.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.emulator.state import (
    AUTH_CODE_GRANT,
    DEVICE_GRANT,
    KNOWN_GRANTS,
    REFRESH_GRANT,
    AccessToken,
    Client,
    DeviceAuthorization,
    RefreshToken,
    Session,
    new_client_id,
    new_secret,
    new_user_code,
)
from app.emulator.wire import Request, Response, oidc_error

if TYPE_CHECKING:  # pragma: no cover
    from app.emulator.emulator import Emulator

CLIENT_SECRET_TTL = 90 * 24 * 3600
AUTH_CODE_TTL = 300
DEVICE_INTERVAL = 1
# A poll this much earlier than ``interval`` still counts as on time; one early poll in a row is
# forgiven too (the CLI polls once before showing the code and once right after).
SLOW_DOWN_TOLERANCE = 0.25

_SCOPE = re.compile(r"^[A-Za-z0-9_.*:/-]{1,128}$")
_PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _optional_string(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise oidc_error("InvalidRequestException", f"{name} must be a string")
    return value


def _string(body: dict, name: str) -> str:
    value = _optional_string(body, name)
    if value is None:
        raise oidc_error("InvalidRequestException", f"{name} is required")
    return value


def _string_list(body: dict, name: str) -> tuple[str, ...]:
    value = body.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise oidc_error("InvalidRequestException", f"{name} must be a list of strings")
    return tuple(value)


def is_loopback_redirect(uri: str, *, allow_port: bool) -> bool:
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        return False
    if parts.query or parts.fragment or parts.username or parts.password:
        return False
    return allow_port or port is None


def redirect_matches(registered: str, used: str) -> bool:
    """Loopback redirects match on scheme, host and path; the port is the client's choice (RFC 8252)."""
    a, b = urlsplit(registered), urlsplit(used)
    return (a.scheme, a.hostname, a.path or "/") == (b.scheme, b.hostname, b.path or "/")


def register_client(emu: "Emulator", request: Request) -> Response:
    body = request.json()
    name = _string(body, "clientName")
    client_type = _string(body, "clientType")
    if client_type != "public":
        raise oidc_error("InvalidClientMetadataException", "Invalid client type, only public clients are supported")
    scopes = _string_list(body, "scopes")
    for scope in scopes:
        if not _SCOPE.match(scope):
            raise oidc_error("InvalidScopeException", "Invalid scope requested")
    grants = _string_list(body, "grantTypes")
    for grant in grants:
        if grant not in KNOWN_GRANTS:
            raise oidc_error("UnsupportedGrantTypeException", "Unsupported grant type requested")
    redirect_uris = _string_list(body, "redirectUris")
    if AUTH_CODE_GRANT in grants and not redirect_uris:
        raise oidc_error("InvalidRedirectUriException", "redirectUris is required for the authorization_code grant")
    for uri in redirect_uris:
        if not is_loopback_redirect(uri, allow_port=False):
            raise oidc_error(
                "InvalidRedirectUriException",
                "Invalid redirect URI: only http loopback addresses without a port are allowed",
            )
    issuer_url = _optional_string(body, "issuerUrl")
    if issuer_url is not None and urlsplit(issuer_url).scheme not in ("https", "http"):
        raise oidc_error("InvalidRequestException", "Invalid issuer URL")
    now = int(emu.now())
    client = Client(
        client_id=new_client_id(),
        secret=new_secret("", 96),
        name=name or "",
        scopes=scopes,
        grant_types=grants or None,
        redirect_uris=redirect_uris,
        issuer_url=issuer_url,
        issued_at=now,
        expires_at=now + CLIENT_SECRET_TTL,
    )
    with emu.store.lock:
        emu.store.clients[client.client_id] = client
    result = {
        "clientId": client.client_id,
        "clientSecret": client.secret,
        "clientIdIssuedAt": client.issued_at,
        "clientSecretExpiresAt": client.expires_at,
    }
    if redirect_uris:
        result["authorizationEndpoint"] = f"{emu.base_url}/authorize"
        result["tokenEndpoint"] = f"{emu.base_url}/token"
    return Response.json(result)


def authenticate_client(emu: "Emulator", client_id: str, client_secret: str) -> Client:
    """The registered client, or InvalidClientException (unknown id, wrong or expired secret)."""
    client = emu.store.clients.get(client_id)
    if client is None or not hmac.compare_digest(client.secret.encode(), client_secret.encode()):
        raise oidc_error("InvalidClientException", "Invalid client provided")
    if emu.now() >= client.expires_at:
        raise oidc_error("InvalidClientException", "Client credentials have expired")
    return client


def start_device_authorization(emu: "Emulator", request: Request) -> Response:
    body = request.json()
    client_id = _string(body, "clientId")
    client_secret = _string(body, "clientSecret")
    start_url = _string(body, "startUrl")
    with emu.store.lock:
        client = authenticate_client(emu, client_id, client_secret)
        if not client.allows(DEVICE_GRANT):
            raise oidc_error("UnauthorizedClientException", "Client is not authorized to use the device code grant")
        parts = urlsplit(start_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise oidc_error("InvalidRequestException", "Invalid start URL")
        user_code = new_user_code()
        while user_code in emu.store.user_codes:
            user_code = new_user_code()
        ttl = int(emu.device_code_ttl)
        device = DeviceAuthorization(
            device_code=new_secret("", 64),
            user_code=user_code,
            client_id=client.client_id,
            start_url=start_url,
            expires_at=emu.now() + ttl,
            interval=DEVICE_INTERVAL,
        )
        emu.store.devices[device.device_code] = device
        emu.store.user_codes[user_code] = device
    return Response.json(
        {
            "deviceCode": device.device_code,
            "userCode": user_code,
            "verificationUri": f"{emu.base_url}/device",
            "verificationUriComplete": f"{emu.base_url}/device?user_code={user_code}",
            "expiresIn": ttl,
            "interval": DEVICE_INTERVAL,
        }
    )


def create_token(emu: "Emulator", request: Request) -> Response:
    body = request.json()
    client_id = _string(body, "clientId")
    client_secret = _string(body, "clientSecret")
    grant = _string(body, "grantType")
    with emu.store.lock:
        client = authenticate_client(emu, client_id, client_secret)
        if grant not in KNOWN_GRANTS:
            raise oidc_error("UnsupportedGrantTypeException", "Unsupported grant type")
        if not client.allows(grant):
            raise oidc_error("UnauthorizedClientException", "Client is not authorized for this grant type")
        if grant == DEVICE_GRANT:
            return _device_token(emu, client, _string(body, "deviceCode"))
        if grant == AUTH_CODE_GRANT:
            return _auth_code_token(
                emu,
                client,
                code=_string(body, "code"),
                redirect_uri=_string(body, "redirectUri"),
                verifier=_string(body, "codeVerifier"),
            )
        if grant == REFRESH_GRANT:
            return _refresh_token(emu, client, _string(body, "refreshToken"))
        raise oidc_error("UnsupportedGrantTypeException", "Unsupported grant type")


def _issue_tokens(
    emu: "Emulator", client: Client, session: Session, scopes: tuple[str, ...]
) -> tuple[Response, str]:
    """Access token (plus a refresh token when scopes were registered, interop §3.3)."""
    now = emu.now()
    refreshable = bool(scopes)
    if refreshable:
        ttl = int(emu.access_token_ttl)
    else:  # unscoped device flow: one long token for the whole session, no refresh
        ttl = max(1, round(session.ends_at - now))
    access = new_secret("aoa", 96)
    emu.store.access_tokens[access] = AccessToken(client.client_id, session, now + ttl, scopes)
    result: dict[str, object] = {"accessToken": access, "tokenType": "Bearer", "expiresIn": ttl}
    if refreshable:
        refresh = new_secret("aor", 96)
        emu.store.refresh_tokens[refresh] = RefreshToken(client.client_id, session, scopes)
        result["refreshToken"] = refresh
    return Response.json(result), access


def _device_token(emu: "Emulator", client: Client, device_code: str) -> Response:
    device = emu.store.devices.get(device_code)
    if device is None or device.client_id != client.client_id:
        raise oidc_error("InvalidGrantException", "Invalid device code provided")
    if device.status == "used":
        raise oidc_error("InvalidGrantException", "Device code has already been used")
    now = emu.now()
    if now >= device.expires_at:
        raise oidc_error("ExpiredTokenException", "Device code has expired")
    if device.last_poll is not None and now - device.last_poll < device.interval - SLOW_DOWN_TOLERANCE:
        if device.early_polls_forgiven >= 1:
            device.last_poll = now
            raise oidc_error("SlowDownException", "Client is polling too quickly")
        device.early_polls_forgiven += 1
    else:
        device.early_polls_forgiven = 0
    device.last_poll = now
    device.polls += 1
    if device.status == "pending":
        if emu.auto_deny:
            device.status = "denied"
        elif emu.auto_approve or (emu.auto_approve_after is not None and device.polls > emu.auto_approve_after):
            approve_device(emu, device)
    if device.status == "denied":
        raise oidc_error("AccessDeniedException", "Authorization request was denied")
    if device.status == "pending":
        raise oidc_error("AuthorizationPendingException", "Authorization is still pending")
    device.status = "used"
    if device.session is None or not device.session.alive(now):
        raise oidc_error("InvalidGrantException", "Invalid device code provided")
    client_scopes = client.scopes
    return _issue_tokens(emu, client, device.session, client_scopes)[0]


def approve_device(emu: "Emulator", device: DeviceAuthorization) -> None:
    device.status = "approved"
    device.session = emu.store.portal_session(device.start_url, emu.now(), emu.session_ttl)


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _auth_code_token(emu: "Emulator", client: Client, *, code: str, redirect_uri: str, verifier: str) -> Response:
    if not _PKCE_VALUE.match(verifier):
        raise oidc_error("InvalidRequestException", "Invalid code verifier")
    grant = emu.store.auth_codes.get(code)
    if grant is None or grant.client_id != client.client_id:
        raise oidc_error("InvalidGrantException", "Invalid authorization code provided")
    if grant.used:
        # Replay: the code and everything issued for it stop working (RFC 6749 §4.1.2).
        for token in grant.issued_tokens:
            record = emu.store.access_tokens.get(token)
            if record is not None:
                record.revoked = True
        raise oidc_error("InvalidGrantException", "Authorization code has already been used")
    now = emu.now()
    if now >= grant.expires_at:
        raise oidc_error("InvalidGrantException", "Authorization code has expired")
    if redirect_uri != grant.redirect_uri:
        raise oidc_error("InvalidGrantException", "Redirect URI does not match the authorization request")
    if not hmac.compare_digest(pkce_challenge(verifier), grant.code_challenge):
        raise oidc_error("InvalidGrantException", "Code verifier does not match the code challenge")
    if not grant.session.alive(now):
        raise oidc_error("InvalidGrantException", "Invalid authorization code provided")
    grant.used = True
    response, access = _issue_tokens(emu, client, grant.session, grant.scopes)
    grant.issued_tokens.append(access)
    return response


def _refresh_token(emu: "Emulator", client: Client, refresh_token: str) -> Response:
    record = emu.store.refresh_tokens.get(refresh_token)
    if record is None or record.used or record.client_id != client.client_id:
        raise oidc_error("InvalidGrantException", "Invalid refresh token provided")
    if not record.session.alive(emu.now()):
        raise oidc_error("InvalidGrantException", "Invalid refresh token provided")
    record.used = True  # rotation: each refresh token works once
    return _issue_tokens(emu, client, record.session, record.scopes)[0]


def create_token_with_iam(emu: "Emulator", request: Request) -> Response:
    """SigV4-signed token exchange for IAM-authenticated apps: not part of the SSO login flows."""
    raise oidc_error("InvalidRequestException", "CreateTokenWithIAM is not supported by the emulator")


def issue_signed_in(emu: "Emulator", *, scopes: tuple[str, ...], start_url: str | None, client_name: str):
    """Register a client and issue tokens for a fresh session, as a completed login would."""
    from app.emulator.emulator import SignedIn
    from app.emulator.org import DEMO_START_URL

    now = int(emu.now())
    client = Client(
        client_id=new_client_id(),
        secret=new_secret("", 96),
        name=client_name,
        scopes=scopes,
        grant_types=None,
        redirect_uris=(),
        issuer_url=start_url or DEMO_START_URL,
        issued_at=now,
        expires_at=now + CLIENT_SECRET_TTL,
    )
    with emu.store.lock:
        emu.store.clients[client.client_id] = client
        session = emu.store.new_session(client.issuer_url, now, emu.session_ttl)
        response, _ = _issue_tokens(emu, client, session, scopes)
    body = json.loads(response.body)
    return SignedIn(
        access_token=body["accessToken"],
        refresh_token=body.get("refreshToken"),
        expires_in=body["expiresIn"],
        client_id=client.client_id,
        client_secret=client.secret,
        client_secret_expires_at=client.expires_at,
    )


def new_auth_code() -> str:
    return secrets.token_urlsafe(48)
