"""Keeping profiles' role keys in the AWS CLI's cache for tools that only read that cache (GUI S3
clients): keys are fetched again :data:`KEEP_WARM_WINDOW` before they expire, so a reader always
finds keys botocore still counts as valid."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterable

from app.credentials.keys import cached_keys, fetch_keys, role_of
from app.credentials.role_cache import EXPIRY_WINDOW, RoleCache
from app.errors import WizardError

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from app.cancel import CancelToken
    from app.config.model import AwsConfig
    from app.settings import Settings
    from app.signin.login import LoginService

KEEP_WARM_WINDOW = EXPIRY_WINDOW + timedelta(minutes=5)
CHECK_EVERY = 60.0
"""Seconds between two looks at the kept-warm profiles while the profile browser is open."""


@dataclass(frozen=True)
class Warmed:
    """What warming one profile did: its keys' expiry, whether they were fetched now, or why not
    (``problem``, the error itself, so a view can word its next step in its own keys)."""

    profile: str
    expires_at: datetime | None = None
    fetched: bool = False
    problem: WizardError | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def error(self) -> str | None:
        """Why it could not be warmed, with the next step (None when it was)."""
        return str(self.problem) if self.problem is not None else None

    def state(self) -> str:
        """One line for people: ``keys until 14:05`` (local time) or why not."""
        if self.problem is not None:
            return str(self.problem)
        return f"keys until {self.expires_at.astimezone():%H:%M}" if self.expires_at else "keys cached"


def warm(
    config: "AwsConfig", names: Iterable[str], *, login: "LoginService | None" = None,
    cache: RoleCache | None = None, window: timedelta = KEEP_WARM_WINDOW, cancel: "CancelToken | None" = None,
) -> list[Warmed]:
    """Make sure each profile has cached keys with at least ``window`` left (one failure never
    stops the others; a signed-out profile says which command signs in)."""
    cache = cache or RoleCache()
    results: list[Warmed] = []
    for name in names:
        profile = config.profiles.get(name)
        if profile is None:
            results.append(Warmed(name, problem=WizardError(f"There is no profile named “{name}” in {config.path}.")))
            continue
        if not profile.is_sso:
            results.append(Warmed(name, problem=WizardError(
                f"The profile “{name}” does not sign in through IAM Identity Center.")))
            continue
        try:
            role = role_of(profile)
            keys = cached_keys(role, cache=cache, window=window)
            fetched = keys is None
            if keys is None:
                if login is None:
                    from app.signin.login import LoginService

                    login = LoginService()
                keys = fetch_keys(role, login=login, cache=cache, cancel=cancel)
        except WizardError as error:
            results.append(Warmed(name, problem=error))
            continue
        results.append(Warmed(name, expires_at=keys.expiration, fetched=fetched))
    return results


class KeepWarm:
    """The profile browser's keep-warm list (in the settings file) and its refresher. UI-free and
    safe to call from a worker thread; every call re-reads the settings, so a list changed in
    another window is honoured."""

    def __init__(self, settings_path: "Path | None" = None) -> None:
        self._settings_path = settings_path
        self._lock = threading.Lock()  # one refresh at a time: a second one finds the keys cached
        self.last: dict[str, Warmed] = {}

    def _settings(self) -> "Settings":
        from app.settings import Settings

        return Settings.load(self._settings_path)

    def names(self) -> tuple[str, ...]:
        return self._settings().keep_warm

    def toggle(self, name: str) -> bool:
        """Mark ``name`` to keep warm, or unmark it; True when it is now marked."""
        settings = self._settings()
        keep = name not in settings.keep_warm
        settings.set_keep_warm(name, keep)
        if not keep:
            self.last.pop(name, None)
        return keep

    def refresh(self, *, login: "LoginService | None" = None, config: "AwsConfig | None" = None) -> list[Warmed]:
        """Warm every marked profile that needs it (see :func:`warm`)."""
        with self._lock:
            names = self.names()
            if not names:
                return []
            if config is None:
                from app.config.model import load_aws_config

                config = load_aws_config()
            results = warm(config, names, login=login)
            self.last = {result.profile: result for result in results}
            return results
