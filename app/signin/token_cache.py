"""The SSO token and client-registration cache in ``~/.aws/sso/cache``, byte-compatible with the
AWS CLI v2 and botocore (interop spec §4). The role-credential cache of ``~/.aws/cli/cache`` (§6)
is :mod:`app.credentials.role_cache`'s; its key functions are importable from here too.

* Token file: ``sha1(session name)`` or, for a legacy profile, ``sha1(start URL exactly as configured)``;
  one line of ``json.dumps`` with default separators, keys in the CLI's order, ``…Z`` timestamps.
* Registration file: ``sha1`` of the spaced, key-sorted JSON of tool/startUrl/region/scopes/session_name.

Files are written atomically with mode 0600 in a 0700 directory. Reading is lenient the way botocore's
``dateutil`` parsing is (``.000Z``, ``+00:00``, ``UTC`` suffixes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from app import paths
from app.credentials.role_cache import (  # re-exported: the role cache's keys, for the sign-out
    role_cache_dir as role_cache_dir,
    role_cache_key as role_cache_key,
    target_role_key as target_role_key,
)
from app.errors import WizardError
from app.fsutil import NotARegularFile, atomic_write_bytes, read_regular_bytes
from app.signin.state import EXPIRY_WINDOW, format_timestamp, utc_now

if TYPE_CHECKING:
    from app.signin.target import SsoTarget

log = logging.getLogger(__name__)

TOKEN_KEY_ORDER = (
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
)


# --------------------------------------------------------------------------- timestamps


_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$"
)


_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def parse_timestamp(text: Any) -> datetime:
    """Parse a cache timestamp leniently (like ``dateutil.parser.parse``) into an aware UTC datetime.

    A timestamp without a zone is taken as UTC; one before 1970 or after 9000 is moved to that
    bound, so arithmetic on it never overflows (year 1 is simply long expired). Raises
    ``ValueError`` when it is not a timestamp.
    """
    if isinstance(text, datetime):
        moment = text
    elif not isinstance(text, str):
        raise ValueError("not a timestamp")
    else:
        match = _ISO.match(text)
        if match:
            year, month, day, hour, minute, second, fraction, zone = match.groups()
            micro = int((fraction or "0")[:6].ljust(6, "0"))
            tz = timezone.utc
            if zone and zone[0] in "+-":
                digits = zone[1:].replace(":", "")
                offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                tz = timezone(offset if zone[0] == "+" else -offset)
            moment = datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=tz
            )
        else:
            from dateutil import parser as date_parser  # botocore depends on python-dateutil

            try:
                moment = date_parser.parse(text)
            except (ValueError, OverflowError) as error:
                raise ValueError(f"not a timestamp: {error}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        return _EARLIEST if moment.year < 5000 else _LATEST
    return min(max(moment, _EARLIEST), _LATEST)


def _serialise(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_timestamp(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def sso_json_dumps(obj: Mapping[str, Any]) -> str:
    """``json.dumps`` exactly as the CLI/botocore ``_sso_json_dumps`` writes cache files."""
    return json.dumps(obj, default=_serialise)


# --------------------------------------------------------------------------- cache keys


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def token_cache_key(start_url: str, session_name: str | None = None) -> str:
    """``sha1(session_name)``, or for a legacy profile ``sha1(start_url)`` exactly as configured."""
    return _sha1(session_name if session_name is not None else start_url)


def registration_cache_key(
    start_url: str, region: str, scopes: list[str] | None, session_name: str | None
) -> str:
    """The CLI's registration key: spaced, key-sorted JSON including ``"tool": "botocore"``."""
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": scopes,
        "session_name": session_name,
    }
    return _sha1(json.dumps(args, sort_keys=True))


def target_token_key(target: "SsoTarget") -> str:
    return token_cache_key(target.start_url, target.session_name)


def target_registration_key(target: "SsoTarget") -> str:
    return registration_cache_key(
        target.start_url, target.region, target.registration_scope_list(), target.session_name
    )


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CachedToken:
    """One token file as read. Secret fields are hidden from ``repr``."""

    path: Path
    start_url: str | None
    region: str | None
    expires_at: datetime
    access_token: str = field(repr=False)
    client_id: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    registration_expires_at: str | None = None  # the raw string, copied through on refresh
    refresh_token: str | None = field(default=None, repr=False)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def remaining(self, now: datetime | None = None) -> timedelta:
        return self.expires_at - (now or utc_now())

    def registration_expiry(self) -> datetime | None:
        if not self.registration_expires_at:
            return None
        try:
            return parse_timestamp(self.registration_expires_at)
        except ValueError:
            return None

    def has_refresh_material(self, now: datetime | None = None) -> bool:
        """botocore's pre-conditions for a refresh: refreshToken, clientId, clientSecret and an
        unexpired registrationExpiresAt are all present."""
        if not (self.refresh_token and self.client_id and self.client_secret and self.registration_expires_at):
            return False
        expiry = self.registration_expiry()
        return expiry is not None and expiry > (now or utc_now())


@dataclass(frozen=True)
class Registration:
    """One client registration as read from the cache."""

    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    expires_at: datetime
    expires_at_raw: str
    scopes: tuple[str, ...] | None = None
    grant_types: tuple[str, ...] | None = None

    @property
    def for_auth_code(self) -> bool:
        """PKCE registrations carry ``grantTypes`` with ``authorization_code`` (the CLI's test)."""
        return bool(self.grant_types) and "authorization_code" in (self.grant_types or ())

    def usable(self, now: datetime | None = None) -> bool:
        return self.expires_at - (now or utc_now()) >= EXPIRY_WINDOW


def build_token_document(
    *,
    start_url: str,
    region: str,
    access_token: str,
    expires_at: datetime | str,
    client_id: str | None,
    client_secret: str | None,
    registration_expires_at: datetime | str | None,
    refresh_token: str | None = None,
) -> dict[str, Any]:
    """The token dict in the CLI's key order; ``refreshToken`` only when there is one."""
    document: dict[str, Any] = {
        "startUrl": start_url,
        "region": region,
        "accessToken": access_token,
        "expiresAt": expires_at,
        "clientId": client_id,
        "clientSecret": client_secret,
        "registrationExpiresAt": registration_expires_at,
    }
    if refresh_token is not None:
        document["refreshToken"] = refresh_token
    return document


# --------------------------------------------------------------------------- the cache


class CacheWriteError(WizardError):
    """A sign-in could not be saved in the token cache (the old file, if any, is unchanged)."""

    def __init__(self, path: Path, error: OSError) -> None:
        home = Path.home()
        shown = f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)
        reason = error.strerror or type(error).__name__
        super().__init__(
            f"Could not save the sign-in in {shown} ({reason}).",
            hint=f"Make sure you own {Path(shown).parent} and can write to it (a `sudo aws sso login` can "
            "leave it owned by root; `sudo chown -R $USER ~/.aws` fixes that), then sign in again.",
        )


class TokenCache:
    """Reads and writes ``~/.aws/sso/cache``. The directory is looked up at call time, so a changed
    ``HOME`` (tests, the demo sandbox) is honoured."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = Path(directory) if directory is not None else None

    @property
    def directory(self) -> Path:
        return self._directory if self._directory is not None else paths.sso_cache_dir()

    def path_for_key(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def token_path(self, target: "SsoTarget") -> Path:
        return self.path_for_key(target_token_key(target))

    def registration_path(self, target: "SsoTarget") -> Path:
        return self.path_for_key(target_registration_key(target))

    # -- raw documents

    def read_document(self, path: Path) -> dict[str, Any] | None:
        """The JSON object in ``path``; None when missing, unreadable or not a JSON object."""
        return self._read(path)[0]

    def unreadable(self, path: Path) -> str | None:
        """Why the file at ``path`` cannot be used although it exists (None when it can, or is missing)."""
        return self._read(path)[1]

    def _read(self, path: Path) -> tuple[dict[str, Any] | None, str | None]:
        try:
            data = read_regular_bytes(path)
        except (FileNotFoundError, NotADirectoryError):
            return None, None
        except NotARegularFile as error:
            return None, f"it is {error.kind}"
        except OSError as error:
            log.debug("cannot read %s: %s", path.name, type(error).__name__)
            return None, error.strerror or type(error).__name__
        try:
            document = json.loads(data.decode("utf-8"))
        except RecursionError:
            log.debug("%s is nested too deeply; ignoring it", path.name)
            return None, "it holds JSON nested too deeply to parse"
        except (ValueError, UnicodeDecodeError):
            log.debug("%s is not valid JSON; ignoring it", path.name)
            return None, "it is not valid JSON"
        if not isinstance(document, dict):
            return None, "it is not a JSON object"
        return document, None

    def write_document(self, path: Path, document: Mapping[str, Any]) -> Path:
        """Write ``document`` atomically (0600); CacheWriteError, nothing changed, when it cannot be.

        A symlink at ``path`` is replaced by the file, never written through (as botocore's cache does)."""
        try:
            return atomic_write_bytes(path, sso_json_dumps(document).encode("utf-8"), mode=0o600, follow_links=False)
        except OSError as error:
            raise CacheWriteError(path, error) from None

    # -- tokens

    def load_token(self, target: "SsoTarget") -> CachedToken | None:
        return self.load_token_file(self.token_path(target))

    def load_token_file(self, path: Path) -> CachedToken | None:
        """A token file as botocore would accept it (``accessToken`` and ``expiresAt`` required)."""
        document = self.read_document(path)
        if document is None:
            return None
        access_token = document.get("accessToken")
        if not isinstance(access_token, str) or not access_token or "expiresAt" not in document:
            return None
        try:
            expires_at = parse_timestamp(document["expiresAt"])
        except ValueError:
            log.debug("%s has an unreadable expiresAt", path.name)
            return None

        def text(name: str) -> str | None:
            value = document.get(name)
            return value if isinstance(value, str) else None

        return CachedToken(
            path=path,
            start_url=text("startUrl"),
            region=text("region"),
            expires_at=expires_at,
            access_token=access_token,
            client_id=text("clientId"),
            client_secret=text("clientSecret"),
            registration_expires_at=text("registrationExpiresAt"),
            refresh_token=text("refreshToken"),
            raw=dict(document),
        )

    def save_token(self, target: "SsoTarget", document: Mapping[str, Any]) -> Path:
        return self.write_document(self.token_path(target), document)

    def iter_documents(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Every readable JSON object file in the cache directory (directories and junk skipped)."""
        try:
            entries = sorted(self.directory.iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return
        for path in entries:
            if not path.is_file() or path.suffix != ".json":
                continue
            document = self.read_document(path)
            if document is not None:
                yield path, document

    # -- registrations

    def load_registration(self, target: "SsoTarget") -> Registration | None:
        document = self.read_document(self.registration_path(target))
        return _registration_from(document) if document is not None else None

    def save_registration(self, target: "SsoTarget", document: Mapping[str, Any]) -> Registration:
        """Write a registration dict (``clientId, clientSecret, expiresAt[, scopes][, grantTypes]``);
        ``expiresAt`` may be an aware datetime. ValueError (nothing written) when it is not one."""
        registration = _registration_from(document)
        if registration is None:
            raise ValueError("not a client registration")
        self.write_document(self.registration_path(target), document)
        return registration


def _registration_from(document: Mapping[str, Any]) -> Registration | None:
    """The registration a cache document describes; None when it is incomplete or unreadable."""
    client_id = document.get("clientId")
    client_secret = document.get("clientSecret")
    raw_expiry = document.get("expiresAt")
    if isinstance(raw_expiry, datetime):
        raw_expiry = format_timestamp(raw_expiry)
    if not (isinstance(client_id, str) and isinstance(client_secret, str) and isinstance(raw_expiry, str)):
        return None
    try:
        expires_at = parse_timestamp(raw_expiry)
    except ValueError:
        return None
    scopes = document.get("scopes")
    grant_types = document.get("grantTypes")
    return Registration(
        client_id=client_id,
        client_secret=client_secret,
        expires_at=expires_at,
        expires_at_raw=raw_expiry,
        scopes=tuple(scopes) if isinstance(scopes, list) else None,
        grant_types=tuple(grant_types) if isinstance(grant_types, list) else None,
    )
