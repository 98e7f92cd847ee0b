"""SSO portal API: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout (rest-json, unsigned).

The access token arrives in the ``x-amz-sso_bearer_token`` header; query names are snake_case and
singular (``next_token``, ``max_result``, ``account_id``, ``role_name``); ``expiration`` is epoch
milliseconds. Without ``max_result`` a page holds the server's page size, like the real portal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import TYPE_CHECKING

from app.emulator.state import AccessToken, RoleCredential, new_access_key_id, new_secret_access_key, new_session_token
from app.emulator.wire import Request, Response, portal_error

if TYPE_CHECKING:  # pragma: no cover
    from app.emulator.emulator import Emulator

TOKEN_HEADER = "x-amz-sso_bearer_token"
ROLE_CREDENTIAL_TTL = 3600
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _authorised(emu: "Emulator", request: Request) -> AccessToken:
    token = request.headers.get(TOKEN_HEADER, "")
    with emu.store.lock:
        record = emu.store.access_tokens.get(token) if token else None
        if record is None or not record.valid(emu.now()):
            raise portal_error("UnauthorizedException", "Session token not found or invalid")
        return record


def _max_result(emu: "Emulator", request: Request) -> int:
    raw = request.query_one("max_result")
    if raw is None or raw == "":
        return int(emu.page_size or DEFAULT_PAGE_SIZE)
    try:
        value = int(raw)
    except ValueError:
        raise portal_error(
            "InvalidRequestException", f"1 validation error detected: Value '{raw[:20]}' at 'maxResults' failed "
            "to satisfy constraint: Member must be a number"
        ) from None
    if value < 1:
        raise portal_error(
            "InvalidRequestException", f"1 validation error detected: Value '{value}' at 'maxResults' failed to "
            "satisfy constraint: Member must have value greater than or equal to 1"
        )
    if value > MAX_PAGE_SIZE:
        raise portal_error(
            "InvalidRequestException", f"1 validation error detected: Value '{value}' at 'maxResults' failed to "
            f"satisfy constraint: Member must have value less than or equal to {MAX_PAGE_SIZE}"
        )
    return value


def _sign(emu: "Emulator", payload: str) -> str:
    return hmac.new(emu.page_key, payload.encode(), hashlib.sha256).hexdigest()[:16]


def _encode_next_token(emu: "Emulator", scope: str, offset: int) -> str:
    payload = json.dumps([scope, offset], separators=(",", ":"))
    raw = f"{payload}|{_sign(emu, payload)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_next_token(emu: "Emulator", scope: str, token: str | None) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        payload, signature = raw.rsplit("|", 1)
        token_scope, offset = json.loads(payload)
        valid = hmac.compare_digest(signature, _sign(emu, payload)) and token_scope == scope
    except (ValueError, TypeError, UnicodeDecodeError):
        valid = False
    if not valid or not isinstance(offset, int) or offset < 0:
        raise portal_error("InvalidRequestException", "Invalid next token")
    return offset


def _page(emu: "Emulator", request: Request, scope: str, items: list, key: str) -> Response:
    size = _max_result(emu, request)
    offset = _decode_next_token(emu, scope, request.query_one("next_token"))
    chunk = items[offset : offset + size]
    result: dict[str, object] = {key: chunk}
    if offset + size < len(items):
        result["nextToken"] = _encode_next_token(emu, scope, offset + size)
    return Response.json(result)


def list_accounts(emu: "Emulator", request: Request) -> Response:
    _authorised(emu, request)
    items = [
        {"accountId": a.account_id, "accountName": a.name, "emailAddress": a.email} for a in emu.org.accounts
    ]
    return _page(emu, request, "accounts", items, "accountList")


def _account_id(request: Request) -> str:
    account_id = request.query_one("account_id")
    if not account_id:
        raise portal_error("InvalidRequestException", "account_id is required")
    return account_id


def list_account_roles(emu: "Emulator", request: Request) -> Response:
    _authorised(emu, request)
    account_id = _account_id(request)
    account = emu.org.account(account_id)
    if account is None:
        raise portal_error("ResourceNotFoundException", "No account found for the given account id")
    items = [{"roleName": role, "accountId": account.account_id} for role in account.roles]
    return _page(emu, request, f"roles:{account_id}", items, "roleList")


def get_role_credentials(emu: "Emulator", request: Request) -> Response:
    _authorised(emu, request)
    role_name = request.query_one("role_name")
    if not role_name:
        raise portal_error("InvalidRequestException", "role_name is required")
    account_id = _account_id(request)
    account = emu.org.account(account_id)
    if account is None or role_name not in account.roles:
        raise portal_error("ForbiddenException", "No access")
    expires_at = emu.now() + ROLE_CREDENTIAL_TTL
    credential = RoleCredential(
        access_key_id=new_access_key_id(),
        secret_access_key=new_secret_access_key(),
        session_token=new_session_token(),
        account_id=account_id,
        role_name=role_name,
        expires_at=expires_at,
    )
    with emu.store.lock:
        emu.store.role_credentials[credential.access_key_id] = credential
    return Response.json(
        {
            "roleCredentials": {
                "accessKeyId": credential.access_key_id,
                "secretAccessKey": credential.secret_access_key,
                "sessionToken": credential.session_token,
                "expiration": int(expires_at * 1000),
            }
        }
    )


def logout(emu: "Emulator", request: Request) -> Response:
    record = _authorised(emu, request)
    with emu.store.lock:
        record.revoked = True
        record.session.ended = True  # the sign-in session, and with it its refresh tokens
    return Response.empty()
