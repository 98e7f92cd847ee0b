"""The profile browser without its widgets: rows, sort, filter, status cells, which actions apply
to a row, the details and the status line. :class:`screens.profiles.ProfilesScreen` draws it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.guard import CRITICAL_MARKER, NO_GUARD, Guard, account_text as guard_text
from app.profiles import status as ps
from app.signin.state import TokenState, utc_now
from app.untrusted import shown

#: the table's columns, in order: (key, title)
COLUMN_TITLES: tuple[tuple[str, str], ...] = (
    ("name", "Profile"),
    ("status", "Status"),
    ("account", "Account"),
    ("role", "Role"),
    ("region", "Region"),
    ("session", "SSO session"),
)
SORT_ORDER = [key for key, _ in COLUMN_TITLES]

# tones of a status cell (the screen maps them to styles)
GOOD, WARN, BAD, MUTED = "good", "warn", "bad", "muted"
STALE = "stale: no longer assigned"  # a generated profile whose account or role a discovery saw gone

_STATUS_RANK: dict[TokenState | None, int] = {
    TokenState.VALID: 0, TokenState.EXPIRING: 1, TokenState.REFRESHABLE: 2, TokenState.EXPIRED: 3,
    TokenState.SIGNED_OUT: 4, None: 5,
}
_STATUS_TONE: dict[TokenState | None, str] = {
    TokenState.VALID: GOOD,
    TokenState.EXPIRING: WARN,
    TokenState.REFRESHABLE: WARN,
    TokenState.EXPIRED: BAD,
    TokenState.SIGNED_OUT: MUTED,
    None: MUTED,
}
_SIGNED_IN = (TokenState.VALID, TokenState.EXPIRING, TokenState.REFRESHABLE)
_NAMES_KNOWABLE = (TokenState.VALID, TokenState.EXPIRING)  # account names can be asked for

# the actions whose availability depends on the highlighted row (the screen's action names)
SIGN_IN, SIGN_OUT, WHOAMI, CONSOLE, EXPORT, DELETE, MAKE_DEFAULT = (
    "login", "logout", "whoami", "console", "export", "delete", "make_default",
)
ROW_ACTIONS = (SIGN_IN, SIGN_OUT, WHOAMI, CONSOLE, EXPORT, DELETE, MAKE_DEFAULT)
_NEED_REAL_READ = (SIGN_IN, SIGN_OUT, WHOAMI, DELETE, MAKE_DEFAULT)
_NEED_SIGN_IN = (SIGN_IN, SIGN_OUT, WHOAMI, CONSOLE)


@dataclass(frozen=True)
class Verified:
    """What "who am I" answered for a profile."""

    account: str
    arn: str
    at: datetime


@dataclass(frozen=True)
class Field:
    """One ``label: value`` line of the details (``separator`` " = " for config keys)."""

    label: str
    value: str
    separator: str = ": "
    problem: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Details:
    """The details of one profile: a title, its kind, facts, then its keys by config section."""

    title: str
    kind: str
    facts: tuple[Field, ...]
    sections: tuple[Section, ...] = field(default=())


#: The next step after "not signed in" / "signed out elsewhere", in the browser's own keys.
SIGN_IN_KEY_HINT = "Press l to sign in."
SIGN_IN_AGAIN_KEY_HINT = "Press L to sign in again."


def in_app_error(error: BaseException) -> BaseException:
    """``error`` as the browser shows it: a next step names the browser's keys, not a command."""
    from app.signin.errors import NotSignedIn, SessionExpired

    if isinstance(error, NotSignedIn):
        hint = SIGN_IN_KEY_HINT
    elif isinstance(error, SessionExpired):
        hint = SIGN_IN_AGAIN_KEY_HINT
    else:
        return error
    shown = copy.copy(error)
    shown.hint = hint
    return shown


def short_list(names: Sequence[str], limit: int = 8) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


class ProfileBrowser:
    """The state of the profile browser: every profile in the current order, each sign-in's status
    and status cell, the filter, the sort, sign-ins under way and "who am I" answers."""

    def __init__(self, guard: Guard = NO_GUARD, clock: Callable[[], datetime] = utc_now) -> None:
        self.guard = guard  # the organisation's critical accounts
        self.clock = clock
        self.rows: list[ps.ProfileRow] = []  # every profile, in the current sort order
        self.by_name: dict[str, ps.ProfileRow] = {}
        self.sessions: dict[str, ps.SessionStatus] = {}
        self.cells: dict[str, tuple[str, str]] = {}  # session key -> (status text, tone)
        self.signing_in: set[str] = set()
        self.stale: set[str] = set()  # generated profiles whose assignment a discovery saw gone
        self.verified: dict[str, Verified] = {}
        self.sort_key: str | None = None  # None: file order, as `aws configure list-profiles`
        self.sort_reverse = False
        self.query = ""
        self.loaded = False
        self.provisional = False  # rows from the row cache; the real read follows
        self.load_error: Exception | None = None
        self.total = 0
        self.version = 0  # bumped whenever the rows, their order or a status cell changed
        self._filter: Callable[[str], list[int]] | None = None
        self._filter_version = -1
        self._warned: set[tuple[str, datetime]] = set()  # (session key, end) already warned about
        self._warnings: list[str] = []

    # -- loading ---------------------------------------------------------------------------

    def load(self, snapshot: ps.Snapshot, *, provisional: bool = False) -> None:
        self.loaded, self.provisional, self.load_error = True, provisional, None
        self.sessions = dict(snapshot.sessions)
        self.refresh_cells()
        self.rows = list(snapshot.rows)
        self.by_name = {row.name: row for row in self.rows}
        if not provisional:
            from app.signin.discovery_cache import unassigned

            self.stale = unassigned(row.profile for row in self.rows if row.profile is not None)
        self.sort()
        self.total = snapshot.total if snapshot.total is not None else len(self.rows)

    def fail(self, error: Exception) -> None:
        """The config could not be read: no rows."""
        self.loaded, self.provisional, self.load_error = True, False, error
        self.rows, self.by_name = [], {}
        self.changed()

    def changed(self) -> None:
        self.version += 1

    # -- sign-in status ---------------------------------------------------------------------

    def session(self, row: ps.ProfileRow | None) -> ps.SessionStatus | None:
        if row is None or row.session_key is None:
            return None
        return self.sessions.get(row.session_key)

    def status_of(self, row: ps.ProfileRow) -> TokenState | None:
        session = self.session(row)
        return session.status if session is not None else None

    def refresh_cells(self) -> set[str]:
        """Compute each sign-in's status cell once (shared by all its profiles); returns the keys
        whose cell changed (and bumps :attr:`version` if any did)."""
        changed = set()
        now = self.clock()
        for key, session in self.sessions.items():
            if key in self.signing_in:
                cell = ("signing in…", _STATUS_TONE[TokenState.SIGNED_OUT])
            elif session.problem:
                cell = ("config problem", MUTED)
            elif session.session_over(now):
                cell = (session.text(now), BAD)
            elif session.ending_soon(now):
                cell = (session.text(now), WARN)
                self._warn(key, session, now)
            else:
                cell = (session.text(now), _STATUS_TONE.get(session.status, MUTED))
            if self.cells.get(key) != cell:
                self.cells[key] = cell
                changed.add(key)
        if changed:
            self.changed()
        return changed

    def _warn(self, key: str, session: ps.SessionStatus, now: datetime) -> None:
        end = session.session_end
        if end is None or (key, end.ends_at) in self._warned:
            return
        self._warned.add((key, end.ends_at))
        left = ps.time_left(end.ends_at, now) or "a moment"
        names = short_list(self.sharing(key), 4)
        self._warnings.append(
            f"The session for {session.label} ends in {left}{' (' + names + ')' if names else ''}. "
            "Press L to renew it (sign out and in again) before long jobs fail."
        )

    def take_warnings(self) -> list[str]:
        """The "session ends soon" warnings not shown yet (one per session and end)."""
        warnings, self._warnings = self._warnings, []
        return warnings

    def update_sessions(self, sessions: Mapping[str, ps.SessionStatus]) -> tuple[set[str], list[str]]:
        """Merge newly read statuses; returns (keys whose cell changed, keys newly signed in)."""
        previous = {key: session.status for key, session in self.sessions.items()}
        self.sessions = {**self.sessions, **sessions}
        changed = self.refresh_cells()
        newly = [
            key for key in changed
            if self.sessions[key].status in _NAMES_KNOWABLE and previous.get(key) != self.sessions[key].status
        ]
        if changed and self.sort_key == "status":
            self.sort()
        return changed, newly

    def set_signing_in(self, key: str, busy: bool) -> bool:
        """Mark a sign-in as under way (or done); True if its cell changed."""
        if busy:
            self.signing_in.add(key)
        else:
            self.signing_in.discard(key)
        return bool(self.refresh_cells())

    def status_cell(self, row: ps.ProfileRow) -> tuple[str, str]:
        """(text, tone) of a row's status column."""
        if row.is_sso:
            if row.name in self.stale:
                return STALE, WARN
            return self.cells.get(row.session_key or "", ("…", MUTED))
        if row.is_login and row.session_key:
            text, tone = self.cells.get(row.session_key, ("…", MUTED))
            return f"aws login · {text}", tone
        return f"{row.kind_label} (not SSO)", MUTED

    def is_critical(self, row: ps.ProfileRow) -> bool:
        """Whether the profile reaches an account the organisation marks critical."""
        return bool(self.guard) and row.account_id is not None and self.guard.is_critical(row.account_id,
                                                                                           row.account_name)

    def cells_of(self, row: ps.ProfileRow, status: str) -> tuple[str, ...]:
        """The table cells of a row, given its status text (outside text shown escaped); a
        profile on a critical account has the critical marker before its name."""
        name = f"{CRITICAL_MARKER} {shown(row.name)}" if self.is_critical(row) else shown(row.name)
        return (name, *(shown(cell) for cell in (
            status,
            row.account_label,
            row.role_name or "",
            row.region or "",
            (row.sso_session or "(legacy)") if row.is_sso else "—",
        )))

    def sharing(self, key: str) -> list[str]:
        """The profiles that use the sign-in ``key``."""
        return [row.name for row in self.rows if row.session_key == key]

    def role_pairs(self, key: str) -> list[tuple[str, str]]:
        """(account, role) of every profile on the sign-in ``key`` (their cached role keys)."""
        return sorted({
            (row.account_id, row.role_name) for row in self.rows
            if row.session_key == key and row.account_id and row.role_name
        })

    def names_wanted(self, asked: Iterable[str]) -> list[ps.ProfileRow]:
        """One row per signed-in sign-in (not in ``asked``) whose profiles show only an account id."""
        asked = set(asked)
        wanted = []
        for key, session in self.sessions.items():
            if key in asked or session.status not in _NAMES_KNOWABLE or ps.login_session_of(key) is not None:
                continue
            rows = [row for row in self.rows if row.session_key == key]
            if rows and not all(row.account_name for row in rows if row.account_id):
                wanted.append(rows[0])
        return wanted

    # -- sort --------------------------------------------------------------------------------

    def set_sort(self, key: str | None, reverse: bool = False) -> None:
        self.sort_key, self.sort_reverse = key, reverse
        self.sort()

    def sort(self) -> None:
        """Put the rows in the current order; ties by name, so every re-read keeps the order."""
        self.changed()
        key = self.sort_key
        if key is None:
            return
        sessions = self.sessions

        def sort_value(row: ps.ProfileRow):
            if key == "name":
                return row.name.lower()
            if key == "account":
                return ((row.account_name or "").lower(), row.account_id or "")
            if key == "role":
                return (row.role_name or "").lower()
            if key == "region":
                return row.region or ""
            if key == "session":
                return (row.sso_session or ("~" if row.is_sso else "~~")).lower()
            session = sessions.get(row.session_key) if row.session_key else None
            status = session.status if session else None
            expires = session.expires_at.timestamp() if session and session.expires_at else 0.0
            return (_STATUS_RANK.get(status, 9), -expires)

        self.rows.sort(key=lambda row: (sort_value(row), row.name.lower()), reverse=self.sort_reverse)

    def sort_by_column(self, column: str) -> None:
        """A click on a column title: by that column, or the other way round if it is the current one."""
        if self.sort_key == column:
            self.set_sort(column, not self.sort_reverse)
        else:
            self.set_sort(column)

    def sort_next(self) -> str:
        """``s``: by the next column; returns its title."""
        index = SORT_ORDER.index(self.sort_key) + 1 if self.sort_key in SORT_ORDER else 0
        self.set_sort(SORT_ORDER[index % len(SORT_ORDER)])
        return dict(COLUMN_TITLES)[self.sort_key or "name"]

    def sort_flip(self) -> None:
        """``S``: the other way round (by name if not sorted yet)."""
        self.set_sort(self.sort_key or "name", not self.sort_reverse)

    # -- filter ------------------------------------------------------------------------------

    def visible_indices(self) -> list[int] | None:
        """Positions in :attr:`rows` of the profiles matching the filter (:mod:`app.search`: every
        term, substrings or abbreviations; typing on narrows the last result); None: every row."""
        if not self.query.strip():
            return None
        if self._filter is None or self._filter_version != self.version:
            from app.search import Filter

            self._filter = Filter([row.search_text for row in self.rows])
            self._filter_version = self.version
        return self._filter(self.query)

    def visible(self) -> list[ps.ProfileRow]:
        indices = self.visible_indices()
        return list(self.rows) if indices is None else [self.rows[i] for i in indices]

    # -- which actions apply -------------------------------------------------------------------

    def applies(self, action: str, row: ps.ProfileRow | None) -> bool:
        """Whether ``action`` can act on ``row`` (the highlighted profile, or None)."""
        if self.provisional and action in _NEED_REAL_READ:
            return False  # rows from the row cache: the config is being read (a fraction of a second)
        if action == WHOAMI and row is not None and not row.is_sso:
            return True  # botocore's own credential chain answers for other profiles
        if action in _NEED_SIGN_IN:
            if row is None or not row.is_sso or row.session_key is None:
                return False
            session = self.session(row)
            if session is None or session.problem:
                return False
            if action == SIGN_OUT:
                has_token = session.status != TokenState.SIGNED_OUT or (
                    session.token_path is not None and session.token_path.exists()
                )
                return has_token and row.session_key not in self.signing_in
            if action == WHOAMI:
                return bool(row.account_id and row.role_name) and session.status in _SIGNED_IN
            if action == CONSOLE:
                return bool(row.account_id and row.role_name)
            return True
        if action in (EXPORT, DELETE, MAKE_DEFAULT):
            return row is not None and not (action == MAKE_DEFAULT and row.name == "default")
        return True

    def applicable(self, row: ps.ProfileRow | None) -> tuple[bool, ...]:
        """:meth:`applies` for each of :data:`ROW_ACTIONS`."""
        return tuple(self.applies(action, row) for action in ROW_ACTIONS)

    # -- text ----------------------------------------------------------------------------------

    def details(self, row: ps.ProfileRow) -> Details:
        facts: list[Field] = []
        session = self.session(row)
        if row.is_sso and session is not None:
            now = self.clock()
            # the problem gets its own (highlighted) line, so the sign-in line does not repeat it
            if session.problem and session.status is None:
                sign_in = "cannot tell (see Problem)"
            else:
                sign_in = ps.long_status_text(session.status, session.expires_at, now, renewable=session.renewable)
            facts.append(Field("Sign-in", sign_in))
            if session.expires_at is not None:
                facts.append(Field("Expires", session.expires_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")))
            if session.session_end is not None and session.status in _SIGNED_IN:
                soon = session.ending_soon(now)
                text = session.session_end.describe()
                if soon:
                    text += f"; {ps.time_left(session.session_end.ends_at, now) or 'a moment'} left — press L to renew"
                facts.append(Field("Session ends", text, problem=soon))
            if session.token_path is not None:
                from app.paths import display_path

                exists = session.token_path.exists()
                facts.append(Field("Token file", f"{display_path(session.token_path)}{'' if exists else ' (none)'}"))
            shared = [name for name in self.sharing(row.session_key or "") if name != row.name]
            if shared:
                facts.append(Field("Shares this sign-in with", short_list(shared)))
            if session.problem:
                facts.append(Field("Problem", session.problem, problem=True))
        elif row.is_login:
            from app.signin.login_cache import LOGIN_NOTE

            if session is not None:
                facts.append(Field("Sign-in", session.long_text(self.clock()).split(" — ")[0]))
            facts.append(Field("Note", LOGIN_NOTE))
        elif row.problem:
            facts.append(Field("Problem", row.problem, problem=True))
        if self.is_critical(row):
            can = ("a read-only role" if self.guard.is_read_only(row.role_name)
                   else f"{row.role_name or 'this role'} can change it")
            facts.append(Field("Critical account", f"{CRITICAL_MARKER} {guard_text(row.account_id, row.account_name)}"
                               f" ({can})", problem=True))
        verified = self.verified.get(row.name)
        if verified is not None:
            facts.append(Field(
                "Verified", f"{verified.arn} (account {verified.account}, {verified.at.astimezone():%H:%M:%S})"
            ))
        own, shared_keys = row.display_values()
        sections = [Section("Keys in the config", tuple(Field(k, v, " = ") for k, v in own))]
        if shared_keys and row.sso_session:
            sections.append(Section(f"[sso-session {row.sso_session}]", tuple(Field(k, v, " = ") for k, v in shared_keys)))
        return Details(row.name, row.kind_label, tuple(facts), tuple(sections))

    def status_line(self, shown: int, config_path_text: str) -> str:
        """The line under the table: how many profiles, matches, sign-ins, and the file."""
        total = max(self.total, len(self.rows)) if self.provisional else len(self.rows)
        parts = [f"{total} profile{'s' if total != 1 else ''}"]
        if self.query.strip():
            parts.append(f"{shown} match “{self.query.strip()}”")
        existing = [  # not a missing sso-session, nor an `aws login` session
            s for key, s in self.sessions.items() if s.status is not None and ps.login_session_of(key) is None
        ]
        signed_in = sum(1 for s in existing if s.status in _SIGNED_IN)
        if len(existing) == 1:
            parts.append("signed in" if signed_in else "not signed in")
        elif existing:
            parts.append(f"signed in to {signed_in} of {len(existing)} portals")
        if config_path_text:
            parts.append(config_path_text)
        return " · ".join(parts)
