"""The AWS CLI's role-credential cache, ``~/.aws/cli/cache/<key>.json`` (interop spec §6).

This module owns the file: its name (:func:`role_cache_key`, the SHA-1 of the minified, key-sorted
JSON of accountId/roleName/(sessionName|startUrl)), its contents exactly as botocore's
``SSOCredentialFetcher`` caches them through ``JSONFileCache``::

    {"ProviderType": "sso", "Credentials": {"AccessKeyId": …, "SecretAccessKey": …,
     "SessionToken": …, "Expiration": "2026-12-03T14:00:00Z", "AccountId": "123456789012"}}

and its 0600 mode. Writes are atomic. A read imports little beyond the standard library (never
boto3 or botocore): it is the whole of a warm ``env``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import paths

try:  # the SHA-1 alone: hashlib would load OpenSSL, a tenth of a warm ``env``'s time
    from _sha1 import sha1  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import sha1

if TYPE_CHECKING:  # pragma: no cover
    from app.signin.target import SsoTarget

PROVIDER_TYPE = "sso"
EXPIRY_WINDOW = timedelta(seconds=900)
"""Cached keys with less left than this count as expired (botocore's ``CachedCredentialFetcher``)."""
FILE_MODE = 0o600
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


def role_cache_dir() -> Path:
    return paths.cli_cache_dir()


def role_cache_key(account_id: str, role_name: str, *, session_name: str | None = None, start_url: str | None = None) -> str:
    """The CLI's role-credential cache key (``~/.aws/cli/cache/<key>.json``): minified sorted JSON."""
    args: dict[str, str] = {"accountId": account_id, "roleName": role_name}
    if session_name is not None:
        args["sessionName"] = session_name
    else:
        if start_url is None:
            raise ValueError("role_cache_key needs a session name or a start URL")
        args["startUrl"] = start_url
    key = sha1(json.dumps(args, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()
    return key.replace(":", "_").replace("/", "_").replace(os.sep, "_")


def target_role_key(target: "SsoTarget", account_id: str, role_name: str) -> str:
    return role_cache_key(account_id, role_name, session_name=target.session_name, start_url=target.start_url)


def _utc_now() -> datetime:
    """:func:`app.signin.state.utc_now`, without importing that module on the warm path."""
    return datetime.now(timezone.utc)


def _parse_expiration(value: Any) -> datetime:
    """botocore's ``…Z`` timestamps quickly; anything else as leniently as botocore reads it."""
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z"):
        try:
            return datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    from app.signin.token_cache import parse_timestamp

    return parse_timestamp(value)


@dataclass(frozen=True)
class RoleKeys:
    """One role's temporary keys. The secrets are kept out of ``repr``."""

    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    account_id: str | None = None

    def remaining(self, now: datetime | None = None) -> timedelta:
        return self.expiration - (now or _utc_now())

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
        expiration = _parse_expiration(creds.get("Expiration"))
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
        from app.fsutil import read_regular_bytes  # loaded with the config already

        try:  # a FIFO or a device is never opened (it could block), a folder never read
            data = read_regular_bytes(self.path(target, account_id, role_name))
            return keys_from_document(json.loads(data.decode("utf-8")))
        except (OSError, ValueError):
            return None

    def save(self, target: "SsoTarget", account_id: str, role_name: str, keys: RoleKeys) -> Path:
        """Write the keys atomically with mode 0600 (the old file stays whole if this fails); a
        symlink there is replaced by the file, never written through, as botocore's cache does."""
        from app.fsutil import atomic_write_bytes

        text = json.dumps(cache_document(keys))
        return atomic_write_bytes(self.path(target, account_id, role_name), text.encode("utf-8"), mode=FILE_MODE,
                                  follow_links=False)
