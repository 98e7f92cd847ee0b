"""The AWS CLI's role-credential cache, ``~/.aws/cli/cache/<key>.json`` (interop spec §6).

This module owns the file: its name (:func:`app.signin.token_cache.target_role_key`, the CLI's
minified, key-sorted SHA-1), its contents exactly as botocore's ``SSOCredentialFetcher`` caches
them through ``JSONFileCache``::

    {"ProviderType": "sso", "Credentials": {"AccessKeyId": …, "SecretAccessKey": …,
     "SessionToken": …, "Expiration": "2026-12-03T14:00:00Z", "AccountId": "123456789012"}}

and its 0600 mode. Writes are atomic. Reading uses only the standard library, so a warm read
never imports boto3 or botocore.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.fsutil import atomic_write_bytes
from app.signin.state import utc_now
from app.signin.token_cache import parse_timestamp, role_cache_dir, target_role_key

if TYPE_CHECKING:  # pragma: no cover
    from app.signin.target import SsoTarget

PROVIDER_TYPE = "sso"
EXPIRY_WINDOW = timedelta(seconds=900)
"""Cached keys with less left than this count as expired (botocore's ``CachedCredentialFetcher``)."""
FILE_MODE = 0o600
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class RoleKeys:
    """One role's temporary keys. The secrets are kept out of ``repr``."""

    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    account_id: str | None = None

    def remaining(self, now: datetime | None = None) -> timedelta:
        return self.expiration - (now or utc_now())

    def fresh(self, now: datetime | None = None, window: timedelta = EXPIRY_WINDOW) -> bool:
        """Whether the keys have at least ``window`` left (botocore's test for cached keys)."""
        return self.remaining(now) >= window


def cache_document(keys: RoleKeys) -> dict[str, Any]:
    """The cached value botocore writes, ``Expiration`` to the second in UTC with a ``Z``."""
    return {
        "ProviderType": PROVIDER_TYPE,
        "Credentials": {
            "AccessKeyId": keys.access_key_id,
            "SecretAccessKey": keys.secret_access_key,
            "SessionToken": keys.session_token,
            "Expiration": keys.expiration.astimezone(timezone.utc).strftime(_TIMESTAMP),
            "AccountId": keys.account_id,
        },
    }


def keys_from_document(document: Any) -> RoleKeys | None:
    """The keys in a cache file's JSON; None for anything botocore would not use as SSO keys."""
    if not isinstance(document, dict) or document.get("ProviderType") != PROVIDER_TYPE:
        return None
    creds = document.get("Credentials")
    if not isinstance(creds, dict):
        return None
    access_key, secret_key, token = (creds.get(name) for name in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
    if not (isinstance(access_key, str) and isinstance(secret_key, str) and isinstance(token, str)):
        return None
    if not (access_key and secret_key and token):
        return None
    try:
        expiration = parse_timestamp(creds.get("Expiration"))
    except ValueError:
        return None
    account = creds.get("AccountId")
    return RoleKeys(access_key, secret_key, token, expiration, account if isinstance(account, str) else None)


class RoleCache:
    """Reads and writes role keys in the CLI's cache directory (looked up at call time, so a
    changed ``HOME`` is honoured)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = Path(directory) if directory is not None else None

    @property
    def directory(self) -> Path:
        return self._directory if self._directory is not None else role_cache_dir()

    def path(self, target: "SsoTarget", account_id: str, role_name: str) -> Path:
        return self.directory / f"{target_role_key(target, account_id, role_name)}.json"

    def load(self, target: "SsoTarget", account_id: str, role_name: str) -> RoleKeys | None:
        """The cached keys of that role (expired ones too); None when there are none usable."""
        try:
            data = self.path(target, account_id, role_name).read_bytes()
            return keys_from_document(json.loads(data.decode("utf-8")))
        except (OSError, ValueError):
            return None

    def save(self, target: "SsoTarget", account_id: str, role_name: str, keys: RoleKeys) -> Path:
        """Write the keys atomically with mode 0600 (the old file stays whole if this fails)."""
        text = json.dumps(cache_document(keys))
        return atomic_write_bytes(self.path(target, account_id, role_name), text.encode("utf-8"), mode=FILE_MODE)
