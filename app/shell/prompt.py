"""The shell prompt's status of one profile (``prod 7h 12m``, ``prod renews``, ``prod expiring``,
``prod expired``, ``prod signed out``), from the config and the token file alone: no network, and
nothing heavier than the standard library, since it runs on every prompt.

The state follows the login service's rules (:meth:`app.signin.login.LoginService.status`, the
one vocabulary of :class:`app.signin.state.TokenState`): valid with 15 minutes or more left,
expiring with less, and once expired "refreshable" when botocore would renew it with its refresh
token (an sso-session token with every refresh ingredient): such a token is shown as ``renews``,
never as ``expired``. A test holds the two to the same answer for every kind of token file.
"""

from __future__ import annotations

import os
import time

from app.quickjson import json_loads
from app.shell import scan

EXPIRY_WINDOW_SECONDS = 15 * 60  # app.signin.state.EXPIRY_WINDOW

# The state words (TokenState values) and how the prompt shows them.
VALID, EXPIRING, REFRESHABLE, EXPIRED, SIGNED_OUT = "valid", "expiring", "refreshable", "expired", "signed-out"
NOT_SSO, UNKNOWN = "not-sso", "unknown"


SESSION_WARN_SECONDS = 30 * 60  # app.signin.session_end.WARN_BEFORE


class PromptStatus:
    """One profile's sign-in as the prompt sees it: ``state`` (a TokenState value, ``not-sso`` or
    ``unknown``), the seconds left on the token, whether it renews itself when used, and the
    seconds left in the sign-in session behind it (which no renewal can pass; None: unknown).
    :meth:`text` counts down to whichever ends first, and says when the session ends within
    30 minutes (``prod ends in 25m``) or has ended."""

    __slots__ = ("name", "state", "seconds_left", "renewable", "session_left", "approximate", "critical")

    def __init__(self, name: str, state: str, seconds_left: float | None = None, renewable: bool = False,
                 session_left: float | None = None, approximate: bool = False, critical: bool = False) -> None:
        self.critical = critical  # on an account the organisation marks critical: shown first with ‼
        self.name = name
        self.state = state
        self.seconds_left = seconds_left
        self.renewable = renewable
        self.session_left = session_left
        self.approximate = approximate

    def text(self) -> str:
        """The one short line for the prompt."""
        from app.profiles.duration import duration_text

        session = self.session_left
        signed_in = self.state == VALID or (self.state in (EXPIRING, REFRESHABLE) and self.renewable)
        if signed_in and session is not None and session <= 0:
            word = "session ended"
        elif signed_in and session is not None and session <= SESSION_WARN_SECONDS:
            word = f"ends in {duration_text(session)}"
        elif self.state == VALID or (signed_in and session is not None):
            # a token that renews lasts until the session ends; otherwise until it expires
            token_left = self.seconds_left or 0
            left = session if self.renewable and session is not None else min(token_left, session or token_left)
            word = ("~" if self.approximate and left == session else "") + duration_text(left)
        elif self.state in (EXPIRING, REFRESHABLE):
            word = "renews" if self.renewable else "expiring"
        elif self.state == EXPIRED:
            word = "expired"
        elif self.state == SIGNED_OUT:
            word = "signed out"
        elif self.state == UNKNOWN:
            word = "not found"
        else:
            word = ""
        text = f"{self.name} {word}" if word else self.name
        if self.critical:
            from app.guard import CRITICAL_MARKER

            return f"{CRITICAL_MARKER} {text}"
        return text


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


_LATEST = _days_from_civil(9000, 1, 1) * 86400


def _epoch(text: object) -> float | None:
    """A cache timestamp as seconds since the epoch; the canonical ``…Z`` form is read here, any
    other form by the token cache's lenient parser."""
    if not isinstance(text, str):
        return None
    if len(text) == 20 and text[4] == "-" and text[10] == "T" and text[19] == "Z" and text[:4].isdigit():
        try:
            year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
            hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
        except ValueError:
            return None
        if 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 62:
            moment = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
            return min(max(moment, 0), _LATEST)  # the token cache's bounds: 1970 and the year 9000
    from app.signin.token_cache import parse_timestamp

    try:
        return parse_timestamp(text).timestamp()
    except ValueError:
        return None


def _sha1(text: str) -> str:
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]  # CPython's own, without loading OpenSSL (~3 ms)
    except ImportError:  # pragma: no cover
        from hashlib import sha1
    return sha1(text.encode("utf-8")).hexdigest()


def _token_file(key: str) -> str:
    name = _sha1(key)
    return os.path.join(os.path.expanduser("~"), ".aws", "sso", "cache", f"{name}.json")


def _sign_in_key(profile: dict[str, str], sections: scan.Sections) -> tuple[str | None, bool]:
    """(the token's cache name, whether the profile is legacy); (None, …) when it is not SSO, and
    ("", …) when its SSO settings are broken."""
    if "sso_session" in profile:
        name = profile["sso_session"]
        return (name if name and name in sections.sessions else ""), False
    if "sso_start_url" in profile or "sso_account_id" in profile or "sso_role_name" in profile:
        return profile.get("sso_start_url", ""), True
    return None, False


def status_of(name: str, *, now: float | None = None, config: str | None = None) -> PromptStatus:
    """The prompt status of the profile ``name``."""
    sections = scan.read(config)
    profile = sections.profiles.get(name)
    if profile is None:
        return PromptStatus(name, UNKNOWN)
    status = _sign_in_status(name, profile, sections, now)
    status.critical = _critical(profile.get("sso_account_id"))
    return status


def _critical(account_id: str | None) -> bool:
    """Whether the account is one the organisation's preset marks critical (as the app last read it)."""
    if not account_id:
        return False
    from app.paths import GUARD_FILE, settings_dir_text

    if not os.path.exists(os.path.join(settings_dir_text(), GUARD_FILE)):
        return False  # the app noted no critical accounts
    from app.guard import prompt_account_name, prompt_guard

    guard = prompt_guard()
    if not guard:
        return False
    return guard.is_critical(account_id, prompt_account_name(account_id) if guard.names_matter else None)


def _sign_in_status(name: str, profile: dict[str, str], sections: scan.Sections, now: float | None) -> PromptStatus:
    key, legacy = _sign_in_key(profile, sections)
    if key is None:
        return PromptStatus(name, NOT_SSO)
    if not key:
        return PromptStatus(name, UNKNOWN)
    data = scan.read_regular(_token_file(key))
    try:
        document = json_loads(data.decode("utf-8")) if data is not None else None
    except (ValueError, RecursionError):
        return PromptStatus(name, SIGNED_OUT)
    if not isinstance(document, dict):
        return PromptStatus(name, SIGNED_OUT)
    access, expires = document.get("accessToken"), _epoch(document.get("expiresAt"))
    if not isinstance(access, str) or not access or expires is None:
        return PromptStatus(name, SIGNED_OUT)
    now = time.time() if now is None else now
    registration = _epoch(document.get("registrationExpiresAt"))
    renewable = (not legacy and all(isinstance(document.get(k), str) and document.get(k)
                                    for k in ("refreshToken", "clientId", "clientSecret"))
                 and registration is not None and registration > now)
    left = expires - now
    if left >= EXPIRY_WINDOW_SECONDS:
        state = VALID
    elif left > 0:
        state = EXPIRING
    else:
        state = REFRESHABLE if renewable else EXPIRED
    session_left, approximate = _session_left(key, now)
    return PromptStatus(name, state, left, renewable, session_left, approximate)


def _session_left(key: str, now: float) -> tuple[float | None, bool]:
    """(seconds until the session of ``key`` ends, whether that is approximate), from the end the
    app noted at sign-in (:class:`app.signin.session_end.SessionStarts`); (None, False) if unknown."""
    from app.paths import SESSIONS_FILE, settings_dir_text

    data = scan.read_regular(os.path.join(settings_dir_text(), SESSIONS_FILE))
    if data is None:
        return None, False
    try:
        document = json_loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None, False
    entry = document.get("sessions", {}).get(key) if isinstance(document, dict) else None
    if not isinstance(entry, dict) or not entry.get("started_at"):
        return None, False
    ends = _epoch(entry.get("ends_at"))
    return (None, False) if ends is None else (ends - now, bool(entry.get("approximate")))
