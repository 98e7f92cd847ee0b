"""The pieces of the OAuth 2.0 authorization-code flow with PKCE, as the AWS CLI v2 does it (spec §3.2):
the verifier/challenge pair and the authorize URL. The loopback server that receives the browser's
redirect is :mod:`app.signin.callback`, loaded only when a browser sign-in starts."""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
from typing import Sequence
from urllib.parse import quote

from app.config.model import DEFAULT_SCOPES, parse_registration_scopes

REDIRECT_URI_WITHOUT_PORT = "http://127.0.0.1/oauth/callback"
AUTH_GRANT_TYPES = ("authorization_code", "refresh_token")
OVERALL_TIMEOUT = 600.0
_VERIFIER_ALPHABET = string.ascii_letters + string.digits + "-._~"


def make_code_verifier() -> str:
    """64 characters from ``[A-Za-z0-9-._~]``, as the CLI makes it."""
    return "".join(secrets.choice(_VERIFIER_ALPHABET) for _ in range(64))


def code_challenge(verifier: str) -> str:
    """URL-safe base64 of SHA-256(verifier), without the trailing ``=`` (43 characters)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def percent_encode(value: object) -> str:
    """RFC 3986 quoting with only ``-._~`` left as they are (botocore ``percent_encode``)."""
    return quote(str(value).encode("utf-8"), safe="-._~")


def authorize_url(
    base: str,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    scopes: Sequence[str],
    challenge: str,
) -> str:
    """``{base}/authorize?response_type=code&client_id=…&redirect_uri=…&state=…&code_challenge_method=S256
    &scopes=…&code_challenge=…`` — the CLI's parameter order, ``scopes`` plural and space-joined
    (``sso:account:access`` when none), the challenge appended last, unencoded."""
    params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", state),
        ("code_challenge_method", "S256"),
        ("scopes", " ".join(scopes or parse_registration_scopes(DEFAULT_SCOPES))),
    ]
    query = "&".join(f"{percent_encode(key)}={percent_encode(value)}" for key, value in params)
    return f"{base}/authorize?{query}&code_challenge={challenge}"
