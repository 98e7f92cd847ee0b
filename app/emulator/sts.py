"""STS GetCallerIdentity over the query protocol (form-encoded POST, XML answers, SigV4-signed).

The access key id in the ``Authorization`` header is mapped back to the role credentials the portal
issued; the signature is verified with that key's secret and the session token must match. The
identity is the assumed role Identity Center would have provisioned:
``arn:aws:sts::<account>:assumed-role/AWSReservedSSO_<role>_<16 hex>/<user>``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote
from xml.sax.saxutils import escape as xml_escape

from app.emulator.wire import STS_XMLNS, Request, Response, sts_error

if TYPE_CHECKING:  # pragma: no cover
    from app.emulator.emulator import Emulator

STS_VERSION = "2011-06-15"
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-f]+)\s*$"
)


def parameters(request: Request) -> dict[str, str]:
    """Query-protocol parameters: the query string plus a form-encoded body."""
    params = dict(parse_qsl(request.query_string, keep_blank_values=True))
    if request.method == "POST" and request.body:
        params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def is_sts_request(request: Request) -> bool:
    if request.path not in ("/", ""):
        return False
    if "Action" in dict(parse_qsl(request.query_string)):
        return True
    content_type = request.headers.get("content-type", "")
    return request.method == "POST" and content_type.startswith("application/x-www-form-urlencoded")


def _canonical_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _signature(secret: str, scope: list[str], string_to_sign: str) -> str:
    key = ("AWS4" + secret).encode()
    for part in scope:  # date, region, service, "aws4_request"
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify_sigv4(request: Request, secret: str, credential_scope: list[str], signed: str, signature: str) -> bool:
    names = signed.split(";")
    canonical_headers = ""
    for name in names:
        value = request.headers.get(name)
        if value is None:
            return False
        canonical_headers += f"{name}:{' '.join(value.split())}\n"
    payload_hash = request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
    canonical_request = "\n".join(
        [
            request.method.upper(),
            request.path or "/",
            _canonical_query(request.query_string),
            canonical_headers,
            signed,
            payload_hash,
        ]
    )
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            request.headers.get("x-amz-date", ""),
            "/".join(credential_scope),
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    return hmac.compare_digest(_signature(secret, credential_scope, string_to_sign), signature)


def handle(emu: "Emulator", request: Request) -> Response:
    params = parameters(request)
    action = params.get("Action", "")
    authorization = request.headers.get("authorization")
    if not authorization:
        raise sts_error("MissingAuthenticationToken")
    match = _AUTH.match(authorization)
    if not match:
        raise sts_error("IncompleteSignature")
    credential = match["credential"].split("/")
    if len(credential) != 5 or credential[4] != "aws4_request":
        raise sts_error("IncompleteSignature", "Credential should be scoped to a valid region.")
    key_id = credential[0]
    with emu.store.lock:
        issued = emu.store.role_credentials.get(key_id)
    if issued is None:
        raise sts_error("InvalidClientTokenId")
    token = request.headers.get("x-amz-security-token", "")
    if not hmac.compare_digest(token.encode(), issued.session_token.encode()):
        raise sts_error("InvalidClientTokenId")
    if emu.now() >= issued.expires_at:
        raise sts_error("ExpiredToken")
    if not verify_sigv4(request, issued.secret_access_key, credential[1:], match["signed"], match["signature"]):
        raise sts_error("SignatureDoesNotMatch")
    if action != "GetCallerIdentity":
        raise sts_error("InvalidAction", f"Could not find operation {action[:64]} for version {STS_VERSION}")
    account = emu.org.account(issued.account_id)
    reserved = account.reserved_role_name(issued.role_name) if account else f"AWSReservedSSO_{issued.role_name}"
    role_id = account.role_id(issued.role_name) if account else "AROA"
    arn = f"arn:aws:sts::{issued.account_id}:assumed-role/{reserved}/{emu.org.user}"
    user_id = f"{role_id}:{emu.org.user}"
    return Response.xml(
        f'<GetCallerIdentityResponse xmlns="{STS_XMLNS}">\n'
        f"  <GetCallerIdentityResult>\n"
        f"    <Arn>{xml_escape(arn)}</Arn>\n"
        f"    <UserId>{xml_escape(user_id)}</UserId>\n"
        f"    <Account>{issued.account_id}</Account>\n"
        f"  </GetCallerIdentityResult>\n"
        f"  <ResponseMetadata>\n    <RequestId>{request.request_id}</RequestId>\n"
        f"  </ResponseMetadata>\n</GetCallerIdentityResponse>\n"
    )
