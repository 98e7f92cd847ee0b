"""What the person sees in the browser: the device verification page and the PKCE consent page.

GET ``/device[?user_code=...]`` shows the code with Approve / Deny; POST ``/device`` records the choice.
GET ``/authorize?...`` validates the query like the real service (unknown client or redirect URI: an
error page, never a redirect; other problems: a redirect carrying ``error``) and shows Allow / Deny;
POST ``/authorize`` answers with a 302 to the client's loopback redirect URI.
With ``auto_approve`` the user counts as already signed in: /authorize redirects straight back.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from app.emulator import pages
from app.emulator.oidc import AUTH_CODE_TTL, approve_device, new_auth_code, redirect_matches
from app.emulator.state import AUTH_CODE_GRANT, AuthCode, DeviceAuthorization, PendingAuthorize, normalise_user_code
from app.emulator.wire import Request, Response

if TYPE_CHECKING:  # pragma: no cover
    from app.emulator.emulator import Emulator

CONSENT_TTL = 600
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")


# -- device verification --------------------------------------------------------------------


def decide_device(emu: "Emulator", user_code: str, approve: bool) -> DeviceAuthorization:
    """Approve or deny a pending device authorization. ValueError for unknown/expired/decided codes."""
    with emu.store.lock:
        device = emu.store.user_codes.get(normalise_user_code(user_code))
        if device is None:
            raise ValueError("unknown user code")
        if emu.now() >= device.expires_at:
            raise ValueError("this code has expired")
        wanted = "approved" if approve else "denied"
        if device.status == wanted or (approve and device.status == "used"):
            return device
        if device.status != "pending":
            raise ValueError(f"this request was already {'denied' if device.status == 'denied' else 'approved'}")
        if approve:
            approve_device(emu, device)
        else:
            device.status = "denied"
        return device


def device_page(emu: "Emulator", request: Request) -> Response:
    code = request.query_one("user_code")
    if not code:
        return Response.html(pages.device_entry())
    return _device_lookup(emu, code)


def _device_lookup(emu: "Emulator", code: str) -> Response:
    with emu.store.lock:
        device = emu.store.user_codes.get(normalise_user_code(code))
        if device is None:
            return Response.html(pages.device_entry("That code was not recognised. Check it and try again."), 404)
        if emu.now() >= device.expires_at:
            return Response.html(pages.problem("Code expired", "This code has expired. Start the sign-in again."), 410)
        if device.status in ("approved", "used"):
            return Response.html(pages.device_result(True))
        if device.status == "denied":
            return Response.html(pages.device_result(False))
        return Response.html(pages.device_confirm(device.user_code, emu.org.user, device.start_url))


def device_decision(emu: "Emulator", request: Request) -> Response:
    form = request.form()
    code = form.get("user_code", "")
    decision = form.get("decision", "lookup")
    if decision not in ("approve", "deny"):
        return _device_lookup(emu, code) if code else Response.html(pages.device_entry())
    try:
        decide_device(emu, code, decision == "approve")
    except ValueError as error:
        return Response.html(pages.problem("Cannot complete the request", str(error).capitalize() + "."), 400)
    return Response.html(pages.device_result(decision == "approve"))


# -- authorization code + PKCE ---------------------------------------------------------------


def _with_query(uri: str, params: dict[str, str]) -> str:
    separator = "&" if "?" in uri else "?"
    return uri + separator + urlencode(params, quote_via=quote)


def _error_redirect(redirect_uri: str, error: str, description: str, state: str | None) -> Response:
    params = {"error": error, "error_description": description}
    if state:
        params["state"] = state
    return Response.redirect(_with_query(redirect_uri, params))


def authorize_page(emu: "Emulator", request: Request) -> Response:
    query = {key: values[0] for key, values in request.query.items()}
    client_id = query.get("client_id", "")
    redirect_uri = query.get("redirect_uri", "")
    state = query.get("state")
    with emu.store.lock:
        client = emu.store.clients.get(client_id)
        if client is None or emu.now() >= client.expires_at:
            return Response.html(
                pages.problem("Sign-in failed", "The application asking for access is not registered."), 400
            )
        if not redirect_uri or not any(redirect_matches(uri, redirect_uri) for uri in client.redirect_uris):
            return Response.html(
                pages.problem("Sign-in failed", "The application gave a redirect address it did not register."), 400
            )
        if query.get("response_type") != "code":
            return _error_redirect(redirect_uri, "unsupported_response_type", "response_type must be code", state)
        if not client.allows(AUTH_CODE_GRANT):
            return _error_redirect(
                redirect_uri, "unauthorized_client", "Client is not registered for authorization_code", state
            )
        if not state:
            return _error_redirect(redirect_uri, "invalid_request", "state is required", None)
        if query.get("code_challenge_method") != "S256":
            return _error_redirect(redirect_uri, "invalid_request", "code_challenge_method must be S256", state)
        challenge = query.get("code_challenge", "")
        if not _CHALLENGE.match(challenge):
            return _error_redirect(redirect_uri, "invalid_request", "code_challenge is missing or malformed", state)
        scopes = tuple(query.get("scopes", "").split()) or client.scopes  # none asked: what was registered
        if not scopes or not set(scopes) <= set(client.scopes):
            return _error_redirect(redirect_uri, "invalid_scope", "Requested scopes were not registered", state)
        if emu.auto_deny:
            return _error_redirect(redirect_uri, "access_denied", "The user denied the request", state)
        pending = PendingAuthorize(
            request_id=secrets.token_urlsafe(24),
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            state=state,
            scopes=scopes,
            code_challenge=challenge,
            expires_at=emu.now() + CONSENT_TTL,
        )
        if emu.auto_approve:
            return _grant(emu, pending)
        emu.store.pending_authorize[pending.request_id] = pending
        return Response.html(pages.authorize_confirm(pending.request_id, client.name, scopes, emu.org.user))


def authorize_decision(emu: "Emulator", request: Request) -> Response:
    form = request.form()
    with emu.store.lock:
        pending = emu.store.pending_authorize.pop(form.get("request", ""), None)
        if pending is None or emu.now() >= pending.expires_at:
            return Response.html(
                pages.problem("Sign-in expired", "This sign-in request is no longer valid. Start it again."), 400
            )
        if form.get("decision") != "allow":
            return _error_redirect(pending.redirect_uri, "access_denied", "The user denied the request", pending.state)
        return _grant(emu, pending)


def decide_authorize(emu: "Emulator", allow: bool) -> list[str]:
    """Allow or deny every consent page still open; returns the redirect URLs (for tests and demos)."""
    with emu.store.lock:
        waiting = list(emu.store.pending_authorize.values())
        emu.store.pending_authorize.clear()
        locations = []
        for pending in waiting:
            if allow:
                response = _grant(emu, pending)
            else:
                response = _error_redirect(
                    pending.redirect_uri, "access_denied", "The user denied the request", pending.state
                )
            locations.append(response.headers["Location"])
        return locations


def _grant(emu: "Emulator", pending: PendingAuthorize) -> Response:
    client = emu.store.clients[pending.client_id]
    now = emu.now()
    session = emu.store.portal_session(client.issuer_url, now, emu.session_ttl)
    code = new_auth_code()
    emu.store.auth_codes[code] = AuthCode(
        code=code,
        client_id=pending.client_id,
        redirect_uri=pending.redirect_uri,
        code_challenge=pending.code_challenge,
        scopes=pending.scopes,
        session=session,
        expires_at=now + AUTH_CODE_TTL,
    )
    return Response.redirect(_with_query(pending.redirect_uri, {"code": code, "state": pending.state}))
