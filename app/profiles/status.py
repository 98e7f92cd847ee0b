"""Every profile in the config with its sign-in status: the rows of the profile browser and of
``aws-sso-wizard profiles``.

Sign-in status belongs to a *token*, and one token serves every profile of an sso-session (or,
for legacy profiles, of a start URL). So the status is computed once per token, not once per
profile, and kept until the token file changes on disk or the clock crosses a boundary
(valid -> expiring -> expired). The config is re-read only when its file changes. A
:class:`ChangeWatcher` notices edits by other programs (``aws sso login`` in another terminal,
a text editor) by polling file stamps; it needs no extra dependency.

No Textual here; boto3 is never imported by this module.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from app import paths
from app.config.model import ProfileKind
from app.profiles.duration import duration_text
from app.search import search_key
from app.secret_values import HIDDEN, is_secret_key
from app.signin.account_names import AccountNames
from app.signin.session_end import WARN_BEFORE, SessionEnd, SessionStarts
from app.signin.state import EXPIRY_WINDOW, TokenState, format_timestamp, utc_now
from app.signin.token_cache import TokenCache, token_cache_key

if TYPE_CHECKING:  # pragma: no cover
    from app.config.model import AwsConfig, Profile
    from app.signin.login import LoginService
    from app.signin.state import TokenStatus
    from app.signin.target import SsoTarget

# A sign-in status is a TokenState, or None for a profile whose status cannot be known (not SSO,
# or SSO settings that are incomplete); ``profiles --json`` spells None "n/a".
# Even with nothing changed on disk, ask the login service again after this long: its view
# (for example whether a refresh token is still usable) may depend on more than the file.
_MAX_STATUS_AGE = timedelta(seconds=60)

def display_value(key: str, value: object) -> str:
    """A config value as the details pane shows it: secrets masked, access key ids shortened."""
    text = value if isinstance(value, str) else _flatten(value)
    if is_secret_key(key):
        return HIDDEN if text else ""
    if key.lower() == "aws_access_key_id" and len(text) > 8:
        return f"{text[:4]}…{text[-4:]}"
    return text


def _flatten(value: object) -> str:
    if isinstance(value, Mapping):  # nested sections such as `s3 =` sub-keys
        return ", ".join(f"{k}={display_value(str(k), v)}" for k, v in value.items())
    return "" if value is None else str(value)


LOGIN_KEY_PREFIX = "[login] "
"""Starts the key of an ``aws login`` session (no sso-session name or start URL can start so)."""


def session_key_of(profile: "Profile") -> str | None:
    """The name the profile's token is cached under: its sso-session's name, or for a legacy
    profile the start URL exactly as configured (AWS CLI rules); for an ``aws login`` profile
    :data:`LOGIN_KEY_PREFIX` and its login session. None otherwise."""
    if profile.kind is ProfileKind.SSO:
        return profile.sso_session or None
    if profile.kind is ProfileKind.SSO_LEGACY:
        return profile.start_url or None
    if profile.kind is ProfileKind.LOGIN:
        value = (profile.values or {}).get("login_session")
        return LOGIN_KEY_PREFIX + value if isinstance(value, str) and value else None
    return None


def login_session_of(key: str) -> str | None:
    """The ``login_session`` of an ``aws login`` key; None for an SSO key."""
    return key[len(LOGIN_KEY_PREFIX):] if key.startswith(LOGIN_KEY_PREFIX) else None


def token_path_of(session_key: str) -> Path:
    """The token file of a :func:`session_key_of` name, as the token cache (or ``aws login``'s) names it."""
    login = login_session_of(session_key)
    if login is not None:
        from app.signin.login_cache import login_cache_path

        return login_cache_path(login)
    return TokenCache().path_for_key(token_cache_key(session_key))


def _json_kind(kind: ProfileKind) -> str:
    """``sso``, ``sso-legacy``, ``login`` (``aws login``) or ``other`` (static keys, role assumption,
    credential_process…)."""
    return kind.value if kind in (ProfileKind.SSO, ProfileKind.SSO_LEGACY, ProfileKind.LOGIN) else ProfileKind.OTHER.value


KIND_LABELS = {
    ProfileKind.SSO: "SSO",
    ProfileKind.SSO_LEGACY: "SSO (legacy)",
    ProfileKind.STATIC_KEYS: "static keys",
    ProfileKind.ASSUME_ROLE: "assume role",
    ProfileKind.CREDENTIAL_PROCESS: "credential process",
    ProfileKind.LOGIN: "aws login",
    ProfileKind.OTHER: "other",
}


def kind_label(profile: "Profile") -> str:
    return KIND_LABELS[profile.kind]


def json_status(status: TokenState | None) -> str:
    """The ``status`` of ``profiles --json``: the TokenState's value, or ``n/a``."""
    return status.value if status is not None else "n/a"


def time_left(expires_at: datetime | None, now: datetime | None = None) -> str:
    """``7h 59m``, ``14m``, ``45s``; empty when unknown or past."""
    if expires_at is None:
        return ""
    return duration_text((expires_at - (now or utc_now())).total_seconds())


_SIGNED_IN_STATES = (TokenState.VALID, TokenState.EXPIRING, TokenState.REFRESHABLE)


def session_note(end: SessionEnd | None, now: datetime | None = None) -> str | None:
    """``session ends in 25m`` in the last half hour, ``session until ~17:30`` before (``~``: the
    length is AWS's default, not known); None when unknown or (by the estimate) past."""
    if end is None or end.ended(now):
        return None
    if end.ending_soon(now):
        return f"session ends in {time_left(end.ends_at, now) or 'a moment'}"
    return f"session until {end.local_time()}"


def session_over(end: SessionEnd | None, now: datetime | None = None) -> bool:
    """The session has ended by a length that is known (preset or learnt), so a refresh token
    will not renew the sign-in any more."""
    return end is not None and not end.approximate and end.ended(now)


def status_text(status: TokenState | None, expires_at: datetime | None, now: datetime | None = None, *,
                renewable: bool = False, session_end: SessionEnd | None = None) -> str:
    """The status column: ``signed in · 7h 59m left``, ``expiring · 12m left``, ``expiring · 9m left
    (renews itself)``, ``expired · refreshable``… ``renewable``: the token renews itself when used.
    With a known ``session_end``: a token that renews itself lasts until the session ends, so that is
    what it shows (``signed in · until ~17:30``); one that does not shows its own time, and the
    session's when that comes first. In the session's last half hour: ``signed in · session ends in 25m``."""
    if status == TokenState.REFRESHABLE and session_over(session_end, now):
        return "expired · session ended"
    note = session_note(session_end, now) if status in _SIGNED_IN_STATES else None
    if note is not None and session_end is not None and session_end.ending_soon(now):
        return f"signed in · {note}"
    if note is not None and session_end is not None and status in (TokenState.VALID, TokenState.EXPIRING):
        if renewable or (expires_at is not None and session_end.ends_at < expires_at):
            return f"signed in · until {session_end.local_time()}"
    text = _token_text(status, expires_at, now, renewable=renewable)
    return f"{text} · {note}" if note else text


def _token_text(status: TokenState | None, expires_at: datetime | None, now: datetime | None, *,
                renewable: bool) -> str:
    left = time_left(expires_at, now)
    if status == TokenState.VALID:
        return f"signed in · {left} left" if left else "signed in"
    if status == TokenState.EXPIRING:
        text = f"expiring · {left} left" if left else "expiring"
        return f"{text} (renews itself)" if renewable else text
    if status == TokenState.REFRESHABLE:
        return "expired · refreshable"
    if status == TokenState.EXPIRED:
        return "expired"
    if status == TokenState.SIGNED_OUT:
        return "signed out"
    return "n/a"


def long_status_text(status: TokenState | None, expires_at: datetime | None, now: datetime | None = None, *,
                     renewable: bool = False, problem: str | None = None) -> str:
    """The details pane's "Sign-in" line: a sentence for each state; with ``problem`` (a config
    problem that stops signing in, such as a misspelt SSO region) the state and the problem."""
    if problem and status is None:
        return f"cannot tell ({problem})"
    left = time_left(expires_at, now)
    if status == TokenState.VALID:
        text = f"signed in, {left} left"
    elif status == TokenState.EXPIRING:
        text = f"signed in, expiring in {left}" + (" (renews itself when used)" if renewable else "")
    elif status == TokenState.REFRESHABLE:
        text = "expired, but renews itself when used (refresh token)"
    elif status == TokenState.EXPIRED:
        text = "expired"
    elif status == TokenState.SIGNED_OUT:
        text = "signed out"
    else:
        text = "n/a"
    if problem:
        return f"{text}; sign-in cannot work: {problem}"
    if status == TokenState.EXPIRING and not renewable:
        return f"{text} — press l to sign in again"
    if status == TokenState.EXPIRED:
        return f"{text} — press l to sign in again"
    if status == TokenState.SIGNED_OUT:
        return f"{text} — press l to sign in"
    return text


@dataclass(frozen=True)
class SessionStatus:
    """The sign-in state of one token (an sso-session, or a legacy start URL)."""

    key: str
    label: str  # "sso-session NAME" or the start URL
    status: TokenState | None  # None: no status can be read (see ``problem``)
    expires_at: datetime | None
    token_path: Path | None
    problem: str | None = None  # why no status could be read (incomplete config), or what stops sign-in
    renewable: bool = False  # the token renews itself when used (see app.signin.state.TokenStatus)
    unreadable: str | None = None  # the token file is there but cannot be read: what is wrong, and the way out
    session_end: SessionEnd | None = None  # when the Identity Center session ends, when known

    def text(self, now: datetime | None = None) -> str:
        """The status column (:func:`status_text`)."""
        return status_text(self.status, self.expires_at, now, renewable=self.renewable, session_end=self.session_end)

    def session_over(self, now: datetime | None = None) -> bool:
        """Expired, and the session behind it has ended too (:func:`session_over`)."""
        return self.status is TokenState.REFRESHABLE and session_over(self.session_end, now)

    def ending_soon(self, now: datetime | None = None) -> bool:
        """Signed in, with less than half an hour of the session left."""
        return (
            self.status in _SIGNED_IN_STATES and self.session_end is not None and self.session_end.ending_soon(now)
        )

    def long_text(self, now: datetime | None = None) -> str:
        """The details pane's sentence (:func:`long_status_text`)."""
        return long_status_text(self.status, self.expires_at, now, renewable=self.renewable, problem=self.problem)


@dataclass(slots=True)
class ProfileRow:
    """One profile, flattened for display and JSON (treat as read-only; not frozen only because
    frozen dataclasses are slower to build, and a config can have thousands of profiles)."""

    name: str
    kind: ProfileKind
    sso_session: str | None
    start_url: str | None
    sso_region: str | None
    account_id: str | None
    account_name: str | None
    role_name: str | None
    region: str | None
    output: str | None
    session_key: str | None  # the token this profile uses, or None (not SSO)
    problem: str | None
    profile: "Profile | None" = field(repr=False, compare=False)  # None: a row from the row cache
    _search_text: str = field(repr=False, compare=False, default="")  # see search_text
    cached_values: "tuple[dict[str, str], dict[str, str] | None] | None" = field(
        repr=False, compare=False, default=None
    )

    def display_values(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The profile's keys and its sso-session's keys as the details pane shows them (secrets
        masked), from the parsed config or from the row cache."""
        if self.profile is not None:
            own = [(str(k), display_value(str(k), v)) for k, v in (self.profile.values or {}).items()]
            session = getattr(self.profile, "session", None) if self.is_sso else None
            shared = [(str(k), display_value(str(k), v)) for k, v in (session.values or {}).items()] if session else []
            return own, shared
        if self.cached_values is not None:
            own_map, session_map = self.cached_values
            return list(own_map.items()), list((session_map or {}).items())
        return [], []

    @property
    def search_text(self) -> str:
        """What the filter matches (:func:`app.search.search_key`): name, account id and name, role,
        region and sso-session (SSO profiles); name and region (others). Made on first use: a first
        frame of thousands of rows does not need it."""
        if not self._search_text:
            fields = (
                (self.name, self.account_id, self.account_name, self.role_name, self.region, self.sso_session)
                if self.is_sso else (self.name, self.region)
            )
            self._search_text = search_key(fields)
        return self._search_text

    @property
    def json_kind(self) -> str:
        return _json_kind(self.kind)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def is_sso(self) -> bool:
        return self.kind in (ProfileKind.SSO, ProfileKind.SSO_LEGACY)

    @property
    def is_login(self) -> bool:
        """Console credentials from ``aws login``: a status, but no sign-in through this app."""
        return self.kind is ProfileKind.LOGIN

    @property
    def account_label(self) -> str:
        if self.account_name and self.account_id:
            return f"{self.account_name} ({self.account_id})"
        return self.account_id or ""

    def problem_with(self, session: SessionStatus | None) -> str | None:
        """What stops this profile from signing in (its config, its sign-in, an unreadable token
        file), in words, or None."""
        if not self.is_sso:
            return self.problem
        return self.problem or (session.problem or session.unreadable if session is not None else None)

    def to_json(self, session: SessionStatus | None) -> dict:
        status = session.status if session is not None else None
        return {
            "name": self.name,
            "kind": self.json_kind,
            "sso_session": self.sso_session,
            "sso_start_url": self.start_url,
            "sso_region": self.sso_region,
            "account_id": self.account_id,
            "role_name": self.role_name,
            "region": self.region,
            "output": self.output,
            "status": json_status(status),
            "expires_at": format_timestamp(session.expires_at) if session is not None and status is not None else None,
            "session_ends_at": session.session_end.iso if session is not None and session.session_end else None,
            "problem": self.problem_with(session),
        }


def make_row(profile: "Profile", account_name: str | None = None) -> ProfileRow:
    kind = profile.kind
    if profile.is_sso:
        session = profile.sso_session
        key = session_key_of(profile)
        account_id, role = profile.account_id, profile.role_name
        return ProfileRow(
            profile.name, kind, session, profile.start_url, profile.sso_region, account_id, account_name,
            role, profile.region, profile.output, key, profile.problem, profile,
        )
    return ProfileRow(
        profile.name, kind, None, None, None, None, None, None, profile.region, profile.output,
        session_key_of(profile), profile.problem, profile,
    )


def matches(row: ProfileRow, query: str) -> bool:
    """Every term of ``query`` matches the row's name, account, role, region or session (the
    rules of :mod:`app.search`, as the browser's filter applies them)."""
    from app.search import matches as key_matches

    return key_matches(row.search_text, query)


@dataclass(frozen=True)
class Snapshot:
    """The config as read, its rows, and the status of every token they use."""

    config: "AwsConfig | None"  # None for rows from the row cache
    rows: tuple[ProfileRow, ...]
    sessions: Mapping[str, SessionStatus]
    taken_at: datetime
    total: int | None = None  # profiles in the config when ``rows`` are only the first ones
    hints: Mapping[str, object] = field(default_factory=dict)  # kept by the row cache for the screen

    def session_of(self, row: ProfileRow) -> SessionStatus | None:
        return self.sessions.get(row.session_key) if row.session_key else None

    def to_json(self) -> list[dict]:
        return [row.to_json(self.session_of(row)) for row in self.rows]


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


_CONFIG_CACHE: dict[Path, tuple[tuple[int, int, int], "AwsConfig"]] = {}
_CONFIG_CACHE_LOCK = threading.Lock()


def load_config_cached(path: Path | None = None) -> "AwsConfig":
    """:func:`app.config.model.load_aws_config`, parsed once per version of the file in this process
    (a new modification time, size or inode is a new version). The start-up check of ``home`` and
    the profile browser's first read share one parse this way."""
    from app.config.model import load_aws_config

    path = Path(path) if path is not None else paths.aws_config_path()
    stamp = _file_stamp(path)
    if stamp is not None:
        with _CONFIG_CACHE_LOCK:
            hit = _CONFIG_CACHE.get(path)
            if hit is not None and hit[0] == stamp:
                return hit[1]
    config = load_aws_config(path)
    if stamp is not None and _file_stamp(path) == stamp:  # unchanged while it was read
        with _CONFIG_CACHE_LOCK:
            if len(_CONFIG_CACHE) > 8:
                _CONFIG_CACHE.clear()
            _CONFIG_CACHE[path] = (stamp, config)
    return config


@dataclass
class _CachedStatus:
    stamp: tuple[int, int, int] | None
    status: SessionStatus
    recheck_at: datetime


class ProfileStatusService:
    """Builds :class:`Snapshot` s cheaply: the config is parsed only when its file changed, and
    each token's status is asked of the login service once, then again only when its file
    changes, when a time boundary passes, or after a minute."""

    def __init__(
        self,
        login: "LoginService | None" = None,
        *,
        login_provider: "Callable[[], LoginService] | None" = None,
        config_path: Path | None = None,
        account_names: AccountNames | None = None,
        clock: Callable[[], datetime] = utc_now,
        session_starts: SessionStarts | None = None,
    ) -> None:
        self._login = login
        self._login_provider = login_provider
        self.session_starts = session_starts if session_starts is not None else SessionStarts()
        self._config_path = config_path
        self.account_names = account_names if account_names is not None else AccountNames()
        self._clock = clock
        self._lock = threading.RLock()
        self._config: "AwsConfig | None" = None
        self._config_stamp: tuple[Path, tuple[int, int, int] | None] | None = None
        self._rows: tuple[ProfileRow, ...] = ()
        self._names_seen: dict[str, str] = {}
        self._statuses: dict[str, _CachedStatus] = {}

    @property
    def config_path(self) -> Path:
        return self._config_path if self._config_path is not None else paths.aws_config_path()

    @property
    def login(self) -> "LoginService":
        if self._login is None:
            if self._login_provider is not None:
                self._login = self._login_provider()
            else:
                from app.signin.login import LoginService

                self._login = LoginService()
        return self._login

    # -- config ---------------------------------------------------------------------------

    def config(self) -> "AwsConfig":
        """The parsed config, re-read only when the file's stamp changed (raises
        ConfigParseError for an unreadable file)."""
        with self._lock:
            path = self.config_path
            stamp = (path, _file_stamp(path))
            if self._config is None or stamp != self._config_stamp:
                self._config = load_config_cached(path)
                self._config_stamp = stamp
                self._rows = ()
            return self._config

    def rows(self) -> tuple[ProfileRow, ...]:
        with self._lock:
            config = self.config()
            names = self.account_names.all()
            if not self._rows or names != self._names_seen:
                self._rows = tuple(
                    make_row(p, names.get(p.account_id) if p.account_id else None)
                    for p in config.profiles.values()
                )
                self._names_seen = names
            return self._rows

    # -- token status ---------------------------------------------------------------------

    def invalidate(self, key: str | None = None) -> None:
        """Forget cached statuses (one token's, or all): after a login or logout."""
        with self._lock:
            if key is None:
                self._statuses.clear()
            else:
                self._statuses.pop(key, None)

    def session_status(self, row: ProfileRow, *, now: datetime | None = None) -> SessionStatus | None:
        """The status of ``row``'s token (None for profiles that are not SSO)."""
        if row.session_key is None:
            if row.is_sso:
                return SessionStatus(
                    key="",
                    label="",
                    status=None,
                    expires_at=None,
                    token_path=None,
                    problem=row.problem or "The profile's SSO settings are incomplete.",
                )
            return None
        if row.profile is None:
            return None  # a row from the row cache: its status comes with the real read
        return self._status_for(row.session_key, row.profile, now or self._clock())

    def _status_for(self, key: str, profile: "Profile", now: datetime) -> SessionStatus:
        with self._lock:
            cached = self._statuses.get(key)
            token_path = cached.status.token_path if cached and cached.status.token_path else token_path_of(key)
            stamp = _file_stamp(token_path)
            if cached is not None and cached.stamp == stamp and now < cached.recheck_at:
                return cached.status
        status = self._ask_login(key, profile)
        recheck = _next_boundary(status, now)
        with self._lock:
            # Stamp the file as it was *before* asking, so a write racing the read shows up next time.
            self._statuses[key] = _CachedStatus(stamp=stamp, status=status, recheck_at=recheck)
        return status

    def _ask_login(self, key: str, profile: "Profile") -> SessionStatus:
        from app.errors import WizardError
        from app.signin.target import SsoTarget

        login = login_session_of(key)
        if login is not None:
            from app.signin.login_cache import login_status

            cached = login_status(login, self._clock())
            return SessionStatus(key, f"aws login session {login}", cached.state, cached.expires_at,
                                 cached.token_path, renewable=cached.renewable)

        try:
            target = SsoTarget.from_profile(profile)
        except WizardError as error:
            return SessionStatus(key, key, None, None, None, problem=error.message)
        token: "TokenStatus" = self.login.status(target)
        state = TokenState(token.state)
        end = self.session_starts.end_of(key, target.start_url) if state in _SIGNED_IN_STATES else None
        return SessionStatus(
            key=key,
            label=target.label,
            status=state,
            expires_at=token.expires_at,
            token_path=Path(token.token_path) if token.token_path else None,
            problem=target.region_problem(),  # e.g. a misspelt sso_region: the status still shows
            renewable=bool(getattr(token, "renewable", False)),
            unreadable=self._unreadable(target, token),
            session_end=end,
        )

    def _unreadable(self, target: "SsoTarget", token: "TokenStatus") -> str | None:
        cache = getattr(self.login, "cache", None)
        if token.state != TokenState.SIGNED_OUT or not token.token_path or cache is None:
            return None
        why = cache.unreadable(Path(token.token_path))
        if why is None:
            return None
        return (f"the sign-in file {paths.display_path(Path(token.token_path))} cannot be read: {why}. "
                f"{target.sign_in_hint(again=True)} (that replaces the file).")

    def cached_snapshot(self) -> Snapshot | None:
        """The first rows kept by the row cache, when it matches the config file as it is now (no
        parse, no status; ``total`` and ``hints`` from the cache); None otherwise. The real
        :meth:`snapshot` should follow."""
        cached = read_row_cache(self.config_path, self.account_names.all())
        if cached is None:
            return None
        return Snapshot(config=None, rows=cached.rows, sessions={}, taken_at=self._clock(), total=cached.total,
                        hints=cached.hints)

    def save_row_cache(self, hints: Mapping[str, object] | None = None) -> bool:
        """Keep the first rows of the current parse for the next start (no-op when already kept)."""
        with self._lock:
            if self._config is None or self._config_stamp is None:
                return False
            path, stamp = self._config_stamp
            rows = self.rows()
        return write_row_cache(path, stamp, rows, hints)

    def snapshot(self, *, with_status: bool = True) -> Snapshot:
        """Rows plus the status of each distinct token (asked once per token). Without
        ``with_status`` only the rows (the browser's first frame; statuses follow at once)."""
        now = self._clock()
        rows = self.rows()
        sessions = self.statuses(rows) if with_status else {}
        return Snapshot(config=self.config(), rows=rows, sessions=sessions, taken_at=now)

    def statuses(self, rows: tuple[ProfileRow, ...] | None = None) -> dict[str, SessionStatus]:
        """Re-check every token the rows use (cheap when nothing changed)."""
        now = self._clock()
        sessions: dict[str, SessionStatus] = {}
        for row in rows if rows is not None else self.rows():
            key = row.session_key
            if key is None or key in sessions or row.profile is None:
                continue
            sessions[key] = self._status_for(key, row.profile, now)
        return sessions


def _next_boundary(status: SessionStatus, now: datetime) -> datetime:
    """When this status could change with no file change: expiring at T-15 min, expired at T, and
    the session's last half hour and end."""
    latest = now + _MAX_STATUS_AGE
    expires = status.expires_at
    boundaries = [] if expires is None else [expires - EXPIRY_WINDOW, expires]
    if status.session_end is not None:
        boundaries += [status.session_end.ends_at - WARN_BEFORE, status.session_end.ends_at]
    for boundary in sorted(boundaries):
        if boundary > now:
            return min(boundary, latest)
    return latest


# -- row cache ----------------------------------------------------------------------------------
# People come back to the same config every day, and parsing a big one is most of the browser's
# start-up. The first screenful of rows of the last parse (plus the total and hints such as column
# widths) is kept in ``profile-rows.json`` under the settings directory, tagged with the config
# file's stamp: an unchanged file shows them at once while the real parse runs right after the first
# frame and replaces them. Only what the table and the details pane show is kept, secrets already
# masked; never tokens.

ROW_CACHE_FILE = "profile-rows.json"
ROW_CACHE_ROWS = 300  # more than the tallest terminal shows
_ROW_CACHE_VERSION = 2


def row_cache_path() -> Path:
    return paths.settings_dir() / ROW_CACHE_FILE


@dataclass(frozen=True)
class CachedRows:
    """What the row cache kept of the last parse of the config."""

    rows: tuple[ProfileRow, ...]  # the first ROW_CACHE_ROWS profiles, in file order
    total: int  # how many profiles the config had
    has_sso: bool
    hints: Mapping[str, object]  # what the screen asked to keep (e.g. column widths)


def _row_record(row: ProfileRow) -> list:
    own, shared = row.display_values()
    return [
        row.name, row.kind.value, row.sso_session, row.start_url, row.sso_region, row.account_id, row.role_name,
        row.region, row.output, row.session_key, row.problem, dict(own), dict(shared) if row.is_sso else None,
    ]


def _row_from_record(record: list, names: Mapping[str, str]) -> ProfileRow:
    (name, kind, session, start_url, sso_region, account_id, role, region, output, key, problem, own,
     shared) = record
    account_name = names.get(account_id) if account_id else None
    return ProfileRow(name, ProfileKind(kind), session, start_url, sso_region, account_id, account_name, role, region, output,
                      key, problem, None, "", (own, shared))


def _read_cache_document(config_path: Path, stamp: tuple[int, int, int]) -> dict | None:
    import json

    try:
        from app.fsutil import read_regular_bytes

        data = json.loads(read_regular_bytes(row_cache_path()).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("version") != _ROW_CACHE_VERSION
        or data.get("config") != str(config_path)
        or tuple(data.get("stamp") or ()) != stamp
    ):
        return None
    return data


def read_row_cache(config_path: Path, names: Mapping[str, str] | None = None) -> CachedRows | None:
    """What was kept for exactly this version of ``config_path``, or None."""
    stamp = _file_stamp(config_path)
    if stamp is None:
        return None
    data = _read_cache_document(config_path, stamp)
    if data is None:
        return None
    try:
        rows = tuple(_row_from_record(record, names or {}) for record in data["rows"])
        hints = data.get("hints") or {}
        return CachedRows(rows=rows, total=int(data["total"]), has_sso=bool(data["has_sso"]),
                          hints=hints if isinstance(hints, dict) else {})
    except (KeyError, TypeError, ValueError):
        return None


def write_row_cache(
    config_path: Path,
    stamp: tuple[int, int, int] | None,
    rows: tuple[ProfileRow, ...],
    hints: Mapping[str, object] | None = None,
) -> bool:
    """Keep the first rows of ``rows`` (parsed from ``config_path`` at ``stamp``), unless the cache
    already has them with the same hints."""
    import json

    from app.fsutil import atomic_write_text

    if stamp is None or _file_stamp(config_path) != stamp:
        return False
    hints = dict(hints or {})
    current = _read_cache_document(config_path, stamp)
    if current is not None and (current.get("hints") or {}) == json.loads(json.dumps(hints)):
        return False
    document = {
        "version": _ROW_CACHE_VERSION,
        "config": str(config_path),
        "stamp": list(stamp),
        "total": len(rows),
        "has_sso": any(row.is_sso for row in rows),
        "hints": hints,
        "rows": [_row_record(row) for row in rows[:ROW_CACHE_ROWS]],
    }
    try:
        atomic_write_text(row_cache_path(), json.dumps(document, separators=(",", ":")), follow_links=False)
    except OSError:
        return False
    return True


def config_has_sso_profile(path: Path | None = None) -> bool:
    """Whether the config has an IAM Identity Center profile: from the row cache when it matches the
    file, else by parsing it (raises ConfigParseError for an unreadable file)."""
    path = Path(path) if path is not None else paths.aws_config_path()
    stamp = _file_stamp(path)
    data = _read_cache_document(path, stamp) if stamp is not None else None
    if data is not None and isinstance(data.get("has_sso"), bool):
        return data["has_sso"]
    config = load_config_cached(path)
    return any(profile.is_sso for profile in config.profiles.values())


# -- change watcher ----------------------------------------------------------------------------

CONFIG = "config"
TOKENS = "tokens"
NAMES = "names"


class ChangeWatcher:
    """Notices changes made by other processes to the config file, the SSO token cache and the
    account-name cache, by comparing file stamps. Call :meth:`poll` every second or two; it
    returns which of ``"config"``, ``"tokens"``, ``"names"`` changed since the last call
    (nothing on the first call, which takes the baseline). A poll costs a few ``stat`` calls."""

    def __init__(
        self,
        *,
        config_path: Callable[[], Path] = paths.aws_config_path,
        token_dir: Callable[[], Path] = paths.sso_cache_dir,
        names_path: Callable[[], Path] | None = None,
    ) -> None:
        from app.signin.account_names import account_names_path

        self._config_path = config_path
        self._token_dir = token_dir
        self._names_path = names_path or account_names_path
        self._last: dict[str, object] | None = None

    def fingerprint(self) -> dict[str, object]:
        """The stamps now; take one before reading the files and hand it to :meth:`reset` after,
        so a change made while reading is still noticed."""
        return self._fingerprint()

    def _fingerprint(self) -> dict[str, object]:
        config_path = self._config_path()
        return {
            CONFIG: (str(config_path), _file_stamp(config_path)),
            TOKENS: _dir_fingerprint(self._token_dir()),
            NAMES: _file_stamp(self._names_path()),
        }

    def poll(self) -> set[str]:
        current = self._fingerprint()
        previous, self._last = self._last, current
        if previous is None:
            return set()
        return {name for name, value in current.items() if previous.get(name) != value}

    def reset(self, baseline: dict[str, object] | None = None) -> None:
        """Take a new baseline: ``baseline`` (see :meth:`fingerprint`) or the stamps now."""
        self._last = baseline if baseline is not None else self._fingerprint()


def _dir_fingerprint(directory: Path) -> frozenset:
    entries = []
    try:
        with os.scandir(directory) as scan:
            for entry in scan:
                if not entry.name.endswith(".json"):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                entries.append((entry.name, st.st_mtime_ns, st.st_size, st.st_ino))
    except OSError:
        return frozenset()
    return frozenset(entries)
