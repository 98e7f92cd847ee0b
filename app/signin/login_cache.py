"""Console credentials made by ``aws login`` (a profile's ``login_session``): where botocore caches
them and where they stand. Read only; this app never signs in that way.

botocore keeps one JSON file per login session in ``AWS_LOGIN_CACHE_DIRECTORY`` or
``~/.aws/login/cache``, named ``sha256(login_session).json``, holding temporary keys under
``accessToken`` (with ``expiresAt``), a ``refreshToken`` and a ``dpopKey`` it renews them with.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.signin.state import TokenState, TokenStatus

REFRESH_THRESHOLD = timedelta(minutes=5)
"""botocore renews ``aws login`` keys with less than this left (its keys last 15 minutes)."""

LOGIN_NOTE = (
    "This profile signs in with `aws login` (console credentials). People who use IAM Identity Center "
    "sign in with their SSO profiles instead, which this app manages."
)


def login_cache_dir() -> Path:
    """``AWS_LOGIN_CACHE_DIRECTORY`` or ``~/.aws/login/cache``, as botocore resolves it."""
    value = os.environ.get("AWS_LOGIN_CACHE_DIRECTORY")
    if value:
        return Path(os.path.expanduser(os.path.expandvars(value)))
    return Path(os.path.expanduser(os.path.join("~", ".aws", "login", "cache")))


def login_cache_path(session: str) -> Path:
    return login_cache_dir() / f"{hashlib.sha256(session.encode('utf-8')).hexdigest()}.json"


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def login_status(session: str, now: datetime | None = None) -> TokenStatus:
    """Where the ``aws login`` session ``session`` stands, from its cache file alone."""
    path = login_cache_path(session)
    now = now or datetime.now(timezone.utc)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return TokenStatus(TokenState.SIGNED_OUT, None, path)
    access = document.get("accessToken") if isinstance(document, dict) else None
    expires = _parse(access.get("expiresAt")) if isinstance(access, dict) else None
    if expires is None:
        return TokenStatus(TokenState.SIGNED_OUT, None, path)
    renewable = all(isinstance(document.get(key), str) and document.get(key) for key in ("refreshToken", "dpopKey"))
    left = expires - now
    if left >= REFRESH_THRESHOLD:
        state = TokenState.VALID
    elif left > timedelta(0):
        state = TokenState.EXPIRING
    else:
        state = TokenState.REFRESHABLE if renewable else TokenState.EXPIRED
    return TokenStatus(state, expires, path, renewable=renewable)
