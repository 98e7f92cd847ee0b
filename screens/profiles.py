"""The profile browser: every profile with its live sign-in status, one key to act on it.

A thin view over :mod:`app.profiles.status` (rows and token status), :mod:`app.signin.login`
(sign in / out), :mod:`app.signin.portal` (who am I, account names), :mod:`app.config.writer`
(delete, make default) and :mod:`app.signin.console_url`. Every blocking call runs in a thread worker;
results come back as messages, errors end in :meth:`ProfilesScreen._show_error`.
"""

from __future__ import annotations

import gc
import shlex
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from app.cancel import CancelToken
from app.errors import Cancelled, WizardError, redact
from app.paths import display_path
from app.profiles import status as ps
from screens.widgets.fast_table import Column, FastTable, Row

if TYPE_CHECKING:  # pragma: no cover
    from app.services import Services
    from app.signin.login import LoginService

COLUMNS = (  # on a small terminal: the sso-session is cut first, then the role, then account and region
    Column("name", "Profile", min_width=8, max_width=40, shrink=0),  # never cut
    Column("status", "Status", min_width=24, max_width=30, shrink=0),
    Column("account", "Account", min_width=8, max_width=40, shrink=1),
    Column("role", "Role", min_width=6, max_width=30, shrink=2),
    Column("region", "Region", min_width=8, max_width=16, shrink=1),
    Column("session", "SSO session", min_width=8, max_width=24, shrink=3),
)
SORT_ORDER = [c.key for c in COLUMNS]
_STATUS_RANK = {ps.VALID: 0, ps.EXPIRING: 1, ps.REFRESHABLE: 2, ps.EXPIRED: 3, ps.SIGNED_OUT: 4, ps.NOT_APPLICABLE: 5}
_STATUS_CLASS = {
    ps.VALID: "fast-table--good",
    ps.EXPIRING: "fast-table--warn",
    ps.REFRESHABLE: "fast-table--warn",
    ps.EXPIRED: "fast-table--bad",
    ps.SIGNED_OUT: "fast-table--muted",
    ps.NOT_APPLICABLE: "fast-table--muted",
}
POLL_SECONDS = 1.0
DETAILS_WIDTH = 38  # the details pane beside the table (assets/profiles.tcss), border and padding included
MIN_TABLE_WIDTH = 64  # narrower than this beside the pane, details replace the table instead
FIRST_READ_DELAY = 0.15
FILTER_PLACEHOLDER = "Filter: name, account, role, region, sso-session…  (Enter keeps it, Escape clears)"


@dataclass
class _Verified:
    account: str
    arn: str
    at: datetime


class ProfilesScreen(Screen):
    """Every profile, its account, role, region, sso-session and live sign-in status."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="profiles.filter"),
        Binding("l", "login", "Sign in", id="profiles.login"),
        Binding("L", "login(True)", "Sign in again", id="profiles.login_force", show=False),  # in help: l, forced
        Binding("o", "logout", "Sign out", id="profiles.logout"),
        Binding("w", "whoami", "Who am I", id="profiles.whoami"),
        Binding("e", "export", "Export", id="profiles.export"),
        Binding("c", "console", "Console", id="profiles.console"),
        Binding("n", "new_profile", "New", id="profiles.new"),
        Binding("x", "delete", "Delete", id="profiles.delete"),
        Binding("d", "make_default", "Default", id="profiles.default"),
        Binding("i", "toggle_details", "Details", id="profiles.details"),
        Binding("r", "refresh", "Reload", id="profiles.refresh", tooltip="Read the config and sign-ins again now"),
        Binding("s", "sort", "Sort", id="profiles.sort", show=False),
        Binding("S", "sort_reverse", "Reverse sort", id="profiles.sort_reverse", show=False),
        Binding("question_mark", "help", "Help", id="profiles.help"),
        Binding("escape", "clear_filter", "Clear filter", id="profiles.clear_filter", show=False),
    ]

    # -- messages from workers ------------------------------------------------------------------

    class SnapshotReady(Message):
        def __init__(self, snapshot: ps.Snapshot | None, error: WizardError | None, baseline: dict) -> None:
            super().__init__()
            self.snapshot = snapshot
            self.error = error
            self.baseline = baseline  # the file stamps taken before reading

    class StatusesReady(Message):
        def __init__(self, sessions: dict[str, ps.SessionStatus]) -> None:
            super().__init__()
            self.sessions = sessions

    class PromptReady(Message):
        def __init__(self, key: str, prompt) -> None:
            super().__init__()
            self.key = key
            self.prompt = prompt

    class NoticeReady(Message):
        """The sign-in waits for one started elsewhere (another window)."""

        def __init__(self, key: str, text: str) -> None:
            super().__init__()
            self.key = key
            self.text = text

    class NewProfileRequested(Message):
        """``n`` was pressed: the app opens the wizard (bubbles up to the App)."""

    def __init__(
        self,
        services: "Services | None" = None,
        *,
        status: ps.ProfileStatusService | None = None,
        poll_seconds: float | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        """``services`` defaults to the App's ``services`` (the App's modes build screens with no
        arguments)."""
        super().__init__(name=name, id=id)
        self._services = services
        self._status_given = status
        self._status = status or ps.ProfileStatusService(login_provider=lambda: self.services.login)
        self._poll_seconds = poll_seconds if poll_seconds is not None else POLL_SECONDS
        self._watcher = ps.ChangeWatcher(config_path=lambda: self._status.config_path)
        self._all: list[ps.ProfileRow] = []  # every profile, in the current sort order
        self._by_name: dict[str, ps.ProfileRow] = {}
        self._sessions: dict[str, ps.SessionStatus] = {}
        self._status_cells: dict[str, tuple[str, str]] = {}  # session key -> (status text, css class)
        self._row_cache: dict[str, tuple[ps.ProfileRow, Row]] = {}
        self._rows_version = 0  # bumped by _rows_changed()
        self._pairs: list[tuple[ps.ProfileRow, Row]] = []
        self._pairs_version = -1
        self._filter = None  # app.search.Filter over the rows of this version, made on first use
        self._query = ""
        self._sort_key: str | None = None
        self._sort_reverse = False
        self._load_error: WizardError | None = None
        self._loaded = False
        self._provisional = False  # rows shown come from the row cache; the real read follows
        self._frozen_real = False
        self._total = 0
        self._logins: dict[str, CancelToken] = {}
        self._dialogs: dict[str, object] = {}
        self._verified: dict[str, _Verified] = {}
        self._names_asked: set[str] = set()
        self._config_path_text = ""
        self._details_wanted: bool | None = None  # i: shown / hidden; None: when there is room
        self._details_room = True  # whether the pane fits beside the whole table (see _layout_details)
        self._details_measured = False  # measured on the rows of a real read

    # -- services ---------------------------------------------------------------------------

    @property
    def services(self) -> "Services":
        if self._services is None:
            self._services = self.app.services  # type: ignore[attr-defined]
        return self._services

    @property
    def login(self) -> "LoginService":
        return self.services.login

    @property
    def status_service(self) -> ps.ProfileStatusService:
        return self._status

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("Profiles", style="bold"), id="profiles-title")
        # the filter box is mounted on first use ("/"): one widget type less to style before the first frame
        with Horizontal(id="profiles-body"):
            yield FastTable(COLUMNS, id="profiles-table")
            with VerticalScroll(id="profiles-details"):
                yield Static(Text(""), id="profiles-details-text")
        yield Static(Text("Reading the AWS config…"), id="profiles-empty")
        yield Static(Text(""), id="profiles-status")
        # a dozen keys: compact, and without the palette's own key (ctrl+p, in the help), they fit
        # on 120 columns
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if self._status_given is None:
            self._status.account_names = self.services.account_names  # one cache for every screen
        self.query_one("#profiles-empty").display = False
        self.query_one(FastTable).focus()
        # The first frame shows the profiles: from the row cache when the config file is unchanged
        # since the last run (no parse), else parsed here (usually already done by the start-up
        # check, see app.commands.home). Right after the first frame a worker reads the config and
        # every sign-in's status and replaces them; later reads also run in workers.
        self._watcher.reset()
        snapshot, error = self._status.cached_snapshot(), None
        self._provisional = snapshot is not None
        if snapshot is None:
            try:
                snapshot = self._status.snapshot(with_status=False)
            except WizardError as failure:
                snapshot, error = None, failure
        self._apply_snapshot(snapshot, error, provisional=self._provisional)
        # Thousands of long-lived row objects make every full garbage collection slow (~30 ms with
        # 5,000 profiles, landing anywhere, a first frame or a keystroke): move what exists now out
        # of the collector's way. New garbage is still collected as usual.
        gc.freeze()
        # Read the real config and the sign-in status a moment after the first frame: the terminal
        # needs that moment (and the CPU) to draw it.
        self.set_timer(FIRST_READ_DELAY, self._load)
        self.set_timer(1.0, self._prepare_filter_box)
        self.set_interval(self._poll_seconds, self._tick, name="profiles-poll")

    # -- loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="profiles-load", exit_on_error=False)
    def _load(self, invalidate: bool = False) -> None:
        if invalidate:
            self._status.invalidate()
        baseline = self._watcher.fingerprint()
        try:
            snapshot = self._status.snapshot()
        except WizardError as error:
            self.post_message(self.SnapshotReady(None, error, baseline))
            return
        self.post_message(self.SnapshotReady(snapshot, None, baseline))

    @work(thread=True, exclusive=True, group="profiles-row-cache", exit_on_error=False)
    def _save_row_cache(self, widths: list[int]) -> None:
        """Keep the first rows and the column widths for a fast first frame next time."""
        self._status.save_row_cache({"widths": widths})

    def on_profiles_screen_snapshot_ready(self, message: SnapshotReady) -> None:
        self._watcher.reset(message.baseline)
        self._apply_snapshot(message.snapshot, message.error)

    def _apply_snapshot(
        self, snapshot: ps.Snapshot | None, error: WizardError | None, *, provisional: bool = False
    ) -> None:
        self._loaded = True
        self._provisional = provisional
        self._config_path_text = display_path(self._status.config_path)
        if error is not None:
            self._load_error = error
            self._all = []
            self._by_name = {}
            self._rows_changed()
            self._show_empty(
                f"The AWS config file cannot be read: {error}\n\n"
                "Fix the file (the line is named above) and press r to read it again."
            )
            return
        self._load_error = None
        assert snapshot is not None
        self._sessions = dict(snapshot.sessions)
        self._refresh_status_cells()
        self._all = list(snapshot.rows)
        self._by_name = {row.name: row for row in self._all}
        self._sort_rows()
        self._total = snapshot.total if snapshot.total is not None else len(self._all)
        table = self.query_one(FastTable)
        self._visible_pairs()  # builds the table row of every profile
        widths = snapshot.hints.get("widths") if provisional else None
        if isinstance(widths, list):
            table.set_widths(widths)  # as the last run measured them on every profile
        else:
            table.fit_columns([table_row for _, table_row in self._pairs])
        # Room for the details pane is judged on the first real read and on resizes, not on every
        # read after (account names arriving must not make the pane come and go).
        self._layout_details(measure=not self._details_measured)
        self._details_measured = self._details_measured or not provisional
        self._render_rows()
        if not provisional:
            self._save_row_cache(list(table.natural_widths))
            if not self._frozen_real:
                gc.freeze()  # the first real read's rows are long-lived too (see on_mount)
                self._frozen_real = True
        if not self._all:
            self._show_empty(
                f"There are no profiles in {self._config_path_text} yet.\n\n"
                "Press n to create one with the setup wizard: it signs you in, lets you pick an account "
                "and a role, and shows the change before writing it."
            )
        else:
            self.query_one("#profiles-empty").display = False
            self.query_one("#profiles-body").display = True
        self._ask_account_names()
        self._refresh_keys()

    def _show_empty(self, text: str) -> None:
        empty = self.query_one("#profiles-empty", Static)
        empty.update(Text(text))
        empty.display = True
        self.query_one("#profiles-body").display = False
        self._update_status_line()
        self._refresh_keys()

    # -- rows ---------------------------------------------------------------------------------

    def _session(self, row: ps.ProfileRow | None) -> ps.SessionStatus | None:
        if row is None or row.session_key is None:
            return None
        return self._sessions.get(row.session_key)

    def _status_of(self, row: ps.ProfileRow) -> str:
        session = self._session(row)
        if session is not None:
            return session.status
        return ps.NOT_APPLICABLE

    def _refresh_status_cells(self) -> set[str]:
        """Compute each sign-in's status cell once (shared by all its profiles); returns the keys
        whose cell changed."""
        changed = set()
        for key, session in self._sessions.items():
            if key in self._logins:
                cell = ("signing in…", _STATUS_CLASS[ps.SIGNED_OUT])
            elif session.problem:
                cell = ("config problem", "fast-table--muted")
            else:
                cell = (session.text(), _STATUS_CLASS.get(session.status, "fast-table--muted"))
            if self._status_cells.get(key) != cell:
                self._status_cells[key] = cell
                changed.add(key)
        return changed

    def _table_row(self, row: ps.ProfileRow) -> Row:
        """The table row of a profile, built once and rebuilt only when its status cell changes."""
        if row.is_sso:
            status, status_class = self._status_cells.get(row.session_key or "", ("…", "fast-table--muted"))
        else:
            status, status_class = f"{row.kind_label} (not SSO)", "fast-table--muted"
        cached = self._row_cache.get(row.name)
        if cached is not None and cached[0] is row and cached[1].cells[1] == status:
            return cached[1]
        built = Row(
            key=row.name,
            cells=(
                row.name,
                status,
                row.account_label,
                row.role_name or "",
                row.region or "",
                (row.sso_session or "(legacy)") if row.is_sso else "—",
            ),
            cell_classes={1: status_class},
        )
        self._row_cache[row.name] = (row, built)
        return built

    def _visible(self) -> list[ps.ProfileRow]:
        return [row for row, _ in self._visible_pairs()]

    def _shown(self) -> list[Row]:
        """The table rows matching the filter, in the current order."""
        return [table_row for _, table_row in self._visible_pairs()]

    def _visible_pairs(self) -> list[tuple[ps.ProfileRow, Row]]:
        """(profile row, table row) for every profile matching the filter (:mod:`app.search`:
        every term, substrings or abbreviations; typing on narrows the previous result)."""
        if self._pairs_version != self._rows_version:
            self._pairs = [(row, self._table_row(row)) for row in self._all]
            self._pairs_version = self._rows_version
            self._filter = None
        if not self._query.strip():
            return self._pairs
        if self._filter is None:
            from app.search import Filter

            self._filter = Filter([row.search_text for row, _ in self._pairs])
        pairs = self._pairs
        return [pairs[i] for i in self._filter(self._query)]

    def _rows_changed(self) -> None:
        """The order, the rows or their status cells changed: rebuild what the table shows."""
        self._rows_version += 1

    def _render_rows(self) -> None:
        table = self.query_one(FastTable)
        table.set_rows(self._shown())
        self._update_status_line()
        self._update_details()

    def _sort_rows(self) -> None:
        self._rows_changed()
        key = self._sort_key
        if key is None:
            return  # file order, as `aws configure list-profiles`
        sessions = self._sessions

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
            status = session.status if session else ps.NOT_APPLICABLE
            expires = session.expires_at.timestamp() if session and session.expires_at else 0.0
            return (_STATUS_RANK.get(status, 9), -expires)

        # ties by name: the same order after every re-read (not whatever order the last sort left)
        self._all.sort(key=lambda row: (sort_value(row), row.name.lower()), reverse=self._sort_reverse)
        self.query_one(FastTable).sort_indicator(key, self._sort_reverse)

    def _update_status_line(self) -> None:
        shown = self.query_one(FastTable).row_count
        total = max(self._total, len(self._all)) if self._provisional else len(self._all)
        parts = [f"{total} profile{'s' if total != 1 else ''}"]
        if self._query.strip():
            parts.append(f"{shown} match “{self._query.strip()}”")
        signed_in = sum(1 for s in self._sessions.values() if s.status in (ps.VALID, ps.EXPIRING, ps.REFRESHABLE))
        if self._sessions:
            parts.append(f"signed in to {signed_in} of {len(self._sessions)} sign-in{'s' if len(self._sessions) != 1 else ''}")
        if self._config_path_text:
            parts.append(self._config_path_text)
        self.query_one("#profiles-status", Static).update(Text(" · ".join(parts)))

    # -- details pane -------------------------------------------------------------------------

    def _profile(self, name: str):
        """The profile as the config file says now (called in workers)."""
        profile = self._status.config().profiles.get(name)
        if profile is None:
            raise WizardError(
                f"The profile {name} is no longer in {self._status.config_path}.",
                hint="Another program changed the file; the list now shows what it has.",
            )
        return profile

    def current(self) -> ps.ProfileRow | None:
        key = self.query_one(FastTable).cursor_key
        return self._by_name.get(key) if key is not None else None

    def _details_width(self) -> int:
        """Cells per line in the details pane (what it has now, or what it will have beside the table)."""
        pane = self.query_one("#profiles-details")
        width = pane.scrollable_content_region.width
        return width if width > 0 else DETAILS_WIDTH - 3

    def _update_details(self) -> None:
        if self.details_shown() is None:
            return  # drawn when shown (_layout_details)
        row = self.current()
        details = self.query_one("#profiles-details-text", Static)
        if row is None:
            details.update(Text(""))
            return
        width = self._details_width()
        text = Text()
        text.append(f"{row.name}\n", style="bold")
        text.append(f"{row.kind_label}\n\n", style="italic")
        session = self._session(row)
        if row.is_sso and session is not None:
            _field(text, "Sign-in", session.long_text(), width)
            if session.expires_at is not None:
                _field(text, "Expires", session.expires_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"), width)
            if session.token_path is not None:
                exists = session.token_path.exists()
                _field(text, "Token file", f"{display_path(session.token_path)}{'' if exists else ' (none)'}", width)
            shared = [r.name for r in self._all if r.session_key == row.session_key and r.name != row.name]
            if shared:
                _field(text, "Shares this sign-in with", _short_list(shared), width)
            if session.problem:
                _field(text, "Problem", session.problem, width, style="bold red")
        elif row.problem:
            _field(text, "Problem", row.problem, width, style="bold red")
        verified = self._verified.get(row.name)
        if verified is not None:
            _field(text, "Verified",
                   f"{verified.arn} (account {verified.account}, {verified.at.astimezone():%H:%M:%S})", width)
        text.append("\nKeys in the config\n", style="bold underline")
        own, shared = row.display_values()
        for key, value in own:
            _field(text, key, value, width, separator=" = ")
        if shared and row.sso_session:
            text.append(f"\n[sso-session {row.sso_session}]\n", style="bold underline")
            for key, value in shared:
                _field(text, key, value, width, separator=" = ")
        details.update(text)

    _KEYED_ACTIONS = ("login", "logout", "whoami", "console", "export", "delete", "make_default")

    def _refresh_keys(self) -> None:
        """Refresh the footer only when which keys apply has changed (a footer refresh rebuilds it)."""
        state = tuple(self.check_action(action, ()) for action in self._KEYED_ACTIONS)
        if state != getattr(self, "_keys_state", None):
            self._keys_state = state
            self.refresh_bindings()

    @on(FastTable.Highlighted)
    def _highlighted(self, event: FastTable.Highlighted) -> None:
        self._update_details()
        self._refresh_keys()

    # -- details pane: beside the table when there is room, else on request -------------------

    def _layout_details(self, *, measure: bool = False) -> None:
        """Show the details pane beside the table when the table still gets every column in full
        (or when asked with i, if the table keeps a useful width), instead of the table when the
        terminal is too narrow for both, or not at all. ``measure``: judge the room again."""
        width = self.size.width
        if measure:
            self._details_room = width - DETAILS_WIDTH >= self.query_one(FastTable).natural_width
        wanted = self._details_room if self._details_wanted is None else self._details_wanted
        side = wanted and width - DETAILS_WIDTH >= MIN_TABLE_WIDTH
        self.set_class(side, "-details-side")
        self.set_class(wanted and not side, "-details-full")
        if wanted:
            self.call_after_refresh(self._update_details)  # once the pane has its new width

    def details_shown(self) -> str | None:
        """"side" (beside the table), "full" (instead of it) or None (hidden)."""
        if self.has_class("-details-side"):
            return "side"
        return "full" if self.has_class("-details-full") else None

    def action_toggle_details(self) -> None:
        self._details_wanted = self.details_shown() is None
        self._layout_details()

    @on(FastTable.Selected)
    def _selected(self, event: FastTable.Selected) -> None:
        """Enter on a row shows its details (full width on a narrow terminal; Enter again goes back)."""
        shown = self.details_shown()
        if shown != "side":
            self._details_wanted = shown is None
            self._layout_details()

    def on_resize(self, event) -> None:
        self._layout_details(measure=True)

    @on(FastTable.HeaderClicked)
    def _header_clicked(self, event: FastTable.HeaderClicked) -> None:
        if self._sort_key == event.column:
            self._sort_reverse = not self._sort_reverse
        else:
            self._sort_key, self._sort_reverse = event.column, False
        self._resort()

    def _resort(self) -> None:
        keep = self.query_one(FastTable).cursor_key
        self._sort_rows()
        self.query_one(FastTable).set_rows(self._shown(), keep_key=keep)

    def action_sort(self) -> None:
        index = SORT_ORDER.index(self._sort_key) + 1 if self._sort_key in SORT_ORDER else 0
        self._sort_key = SORT_ORDER[index % len(SORT_ORDER)]
        self._sort_reverse = False
        self._resort()
        self.notify(f"Sorted by {dict((c.key, c.label) for c in COLUMNS)[self._sort_key].lower()}.", markup=False, timeout=2)

    def action_sort_reverse(self) -> None:
        if self._sort_key is None:
            self._sort_key = "name"
        self._sort_reverse = not self._sort_reverse
        self._resort()

    # -- filter -------------------------------------------------------------------------------

    def _filter_box(self) -> Input | None:
        boxes = self.query("#profiles-filter")
        return boxes.first(Input) if boxes else None

    def _prepare_filter_box(self) -> Input:
        """Mount the (hidden) filter box once the screen is up, so the first "/" is instant."""
        box = self._filter_box()
        if box is None:
            box = Input(placeholder=FILTER_PLACEHOLDER, id="profiles-filter")
            box.display = False
            self.mount(box, before="#profiles-body")
        return box

    def action_filter(self) -> None:
        box = self._prepare_filter_box()
        box.display = True
        box.focus()

    @on(Input.Changed, "#profiles-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        table = self.query_one(FastTable)
        table.set_rows(self._shown())
        self._update_status_line()

    @on(Input.Submitted, "#profiles-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(FastTable).focus()

    def action_clear_filter(self) -> None:
        if self.details_shown() == "full":  # Escape: back from the details to the table
            self._details_wanted = False
            self._layout_details()
            return
        box = self._filter_box()
        if box is not None:
            if box.value:
                box.value = ""  # Input.Changed re-renders the rows
            box.display = False
        self.query_one(FastTable).focus()

    def on_key(self, event) -> None:
        # Down from the filter box goes to the table; Escape there clears the filter.
        box = self._filter_box()
        if box is not None and box.has_focus and event.key == "down":
            self.query_one(FastTable).focus()
            event.stop()

    # -- which keys apply -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current() if self._loaded and self.is_mounted else None
        if self._provisional and action in ("login", "logout", "whoami", "delete", "make_default"):
            return None  # rows from the row cache: the config is being read (a fraction of a second)
        if action == "whoami" and row is not None and not row.is_sso:
            return True  # botocore's own credential chain answers for other profiles
        if action in ("login", "logout", "whoami", "console"):
            if row is None or not row.is_sso:
                return None
            session = self._session(row)
            if session is None or session.problem or row.session_key is None:
                return None
            if action == "logout":
                has_token = session.status != ps.SIGNED_OUT or (session.token_path is not None and session.token_path.exists())
                return True if has_token and row.session_key not in self._logins else None
            if action in ("whoami", "console"):
                return True if row.account_id and row.role_name else None
            return True
        if action in ("export", "delete", "make_default"):
            if row is None:
                return None
            if action == "make_default" and row.name == "default":
                return None
            return True
        if action == "clear_filter":
            return True
        return True

    # -- live updates -------------------------------------------------------------------------

    def _tick(self) -> None:
        if not self._loaded or self._provisional:
            return
        changed = self._watcher.poll()
        if ps.CONFIG in changed or ps.NAMES in changed:
            self._load(invalidate=ps.TOKENS in changed)
            return
        self._check_statuses(invalidate=ps.TOKENS in changed)

    @work(thread=True, exclusive=True, group="profiles-status", exit_on_error=False)
    def _check_statuses(self, invalidate: bool = False) -> None:
        if invalidate:
            self._status.invalidate()
        rows = tuple(self._all)
        try:
            sessions = self._status.statuses(rows)
        except WizardError:
            return
        self.post_message(self.StatusesReady(sessions))

    def on_profiles_screen_statuses_ready(self, message: StatusesReady) -> None:
        previous = {key: session.status for key, session in self._sessions.items()}
        self._sessions = {**self._sessions, **message.sessions}
        changed = self._refresh_status_cells()
        if changed:
            if self._sort_key == "status":
                self._resort()
            else:
                self._rows_changed()
                self.query_one(FastTable).set_rows(self._shown())
            self._update_status_line()
            self._refresh_keys()
        if changed or self.current() is not None:
            self._update_details()
        newly_valid = [
            key for key in changed
            if self._sessions[key].status in (ps.VALID, ps.EXPIRING) and previous.get(key) != self._sessions[key].status
        ]
        if newly_valid:
            self._ask_account_names()

    # -- account names ------------------------------------------------------------------------

    def _ask_account_names(self) -> None:
        """Learn account names (sso:ListAccounts) for signed-in sessions whose profiles show
        only an id; once per session per run."""
        for key, session in self._sessions.items():
            if key in self._names_asked or session.status not in (ps.VALID, ps.EXPIRING):
                continue
            rows = [r for r in self._all if r.session_key == key]
            if not rows or all(r.account_name for r in rows if r.account_id):
                continue
            self._names_asked.add(key)
            self._fetch_names(rows[0])

    @work(thread=True, group="profiles-names", exit_on_error=False)
    def _fetch_names(self, row: ps.ProfileRow) -> None:
        from app.signin.target import SsoTarget

        try:
            target = SsoTarget.from_profile(self._profile(row.name))
            self.services.list_accounts(target)  # remembers the names: the watcher sees the file change
        except Exception:  # names are a convenience: never an error for the person
            return

    # -- sign in ------------------------------------------------------------------------------

    def _current_sign_in(self) -> tuple[ps.ProfileRow, str, ps.SessionStatus | None, str] | None:
        """The highlighted profile, its sign-in's key, status and label; None if it has no sign-in."""
        row = self.current()
        if row is None or row.session_key is None:
            return None
        session = self._session(row)
        return row, row.session_key, session, session.label if session else row.session_key

    def action_login(self, force: bool = False) -> None:
        current = self._current_sign_in()
        if current is None:
            return
        row, key, session, label = current
        if key in self._logins:
            self.notify(f"Already signing in to {label}…", markup=False)
            return
        if not force and session is not None and session.status == ps.VALID:
            self.notify(
                f"Already signed in to {label} ({session.text()}). Press L to sign in again anyway.",
                markup=False,
            )
            return
        method = "pkce" if self.services.browser_likely() else "device"
        token = CancelToken()
        self._logins[key] = token
        dialog = _make_login_dialog(label, token, self._open_in_browser)
        self._dialogs[key] = dialog
        self.app.push_screen(dialog)
        self._refresh_row_status(key)
        self._refresh_keys()
        self._run_login(row, key, method, force, token)

    def _run_login(self, row: ps.ProfileRow, key: str, method: str, force: bool, token: CancelToken) -> None:
        def job() -> str:
            from app.signin.target import SsoTarget

            target = SsoTarget.from_profile(self._profile(row.name))
            status = self.login.login(
                target,
                method=method,
                force=force,
                on_prompt=lambda prompt: self.post_message(self.PromptReady(key, prompt)),
                on_notice=lambda text: self.post_message(self.NoticeReady(key, text)),
                cancel=token,
            )
            self._status.invalidate(key)
            when = status.expires_at.astimezone().strftime("%H:%M") if status.expires_at else "later"
            return f"Signed in to {target.label} until {when}."

        self.run_worker(job, thread=True, group=f"login:{key}", name=f"login:{key}", exclusive=True, exit_on_error=False)

    def on_profiles_screen_prompt_ready(self, message: PromptReady) -> None:
        dialog = self._dialogs.get(message.key)
        if dialog is not None:
            dialog.show_prompt(message.prompt)  # kept for its first frame if not mounted yet

    def on_profiles_screen_notice_ready(self, message: NoticeReady) -> None:
        dialog = self._dialogs.get(message.key)
        if dialog is not None:
            dialog.show_notice(message.text)

    def on_unmount(self) -> None:
        """Leaving the app stops every sign-in still waiting (a device code polls for minutes)."""
        for token in list(self._logins.values()):
            token.cancel()

    def _finish_login(self, key: str) -> None:
        self._logins.pop(key, None)
        dialog = self._dialogs.pop(key, None)
        if dialog is not None:
            dialog.finish()
        self._status.invalidate(key)
        self._refresh_row_status(key)
        self._check_statuses()
        self._refresh_keys()

    def _refresh_row_status(self, key: str) -> None:
        if self._refresh_status_cells():
            self._rows_changed()
            self.query_one(FastTable).set_rows(self._shown())

    def _open_in_browser(self, url: str) -> None:
        self._open_url_worker(url, quiet=False)

    @work(thread=True, group="profiles-open", exit_on_error=False)
    def _open_url_worker(self, url: str, quiet: bool = False) -> None:
        opened = False
        try:
            opened = self.services.open_browser(url)
        except Exception:
            opened = False
        if not opened and not quiet:
            self.app.call_from_thread(self._copy_and_show, url, "No browser could be opened here. The link was copied")

    def _copy_and_show(self, url: str, why: str) -> None:
        self.app.copy_to_clipboard(url)
        self.notify(f"{why}:\n{url}", markup=False, timeout=15)

    # -- sign out ---------------------------------------------------------------------------

    def action_logout(self) -> None:
        current = self._current_sign_in()
        if current is None:
            return
        row, key, _session, label = current
        sharing = [r.name for r in self._all if r.session_key == key]
        question = (
            f"Sign out of {label}?\n\n"
            f"These profiles share that sign-in and will all be signed out: {_short_list(sharing, 12)}.\n\n"
            "The sign-in is also ended on the AWS side and cached role keys for these profiles are removed."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                pairs = sorted({(r.account_id, r.role_name) for r in self._all if r.session_key == key and r.account_id and r.role_name})
                self._run_logout(row, key, pairs)

        from screens.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog("Sign out", question, yes="Sign out", no="Cancel"), answered)

    def _run_logout(self, row: ps.ProfileRow, key: str, pairs: list[tuple[str, str]]) -> None:
        def job() -> str:
            from app.signin.target import SsoTarget

            target = SsoTarget.from_profile(self._profile(row.name))
            result = self.login.logout(target, role_pairs=pairs)
            self._status.invalidate(key)
            return result.message or f"Signed out of {target.label}."

        self.run_worker(job, thread=True, group=f"logout:{key}", name=f"logout:{key}", exclusive=True, exit_on_error=False)

    # -- who am I -----------------------------------------------------------------------------

    def action_whoami(self) -> None:
        row = self.current()
        if row is None:
            return
        name = row.name
        self.notify(f"Checking who {name} is…", markup=False, timeout=2)

        def job() -> tuple[str, object]:
            from app.signin.portal import whoami_profile

            identity = whoami_profile(name, login=self.login, config=self._status.config())
            return name, identity

        self.run_worker(job, thread=True, group=f"whoami:{name}", name="whoami", exclusive=True, exit_on_error=False)

    # -- export, console ----------------------------------------------------------------------

    def action_export(self) -> None:
        row = self.current()
        if row is None:
            return
        line = f"export AWS_PROFILE={shlex.quote(row.name)}"
        self.app.copy_to_clipboard(line)
        self.notify(f"Copied to the clipboard:\n{line}", markup=False, timeout=8)

    def action_console(self) -> None:
        row = self.current()
        if row is None:
            return
        from app.signin.console_url import console_url

        try:
            url = console_url(row.start_url or "", row.account_id or "", row.role_name or "")
        except WizardError as error:
            self._show_error(error)
            return
        if not self.services.browser_likely():
            self._copy_and_show(url, "No browser here. The console link was copied")
            return
        self.notify(f"Opening the console for {row.account_label} as {row.role_name}…", markup=False, timeout=4)
        self._open_url_worker(url)

    # -- new, delete, default ---------------------------------------------------------------

    def action_new_profile(self) -> None:
        self.post_message(self.NewProfileRequested())

    def action_delete(self) -> None:
        row = self.current()
        if row is None:
            return
        from app.config.edits import DeleteProfile

        self._plan_change([DeleteProfile(row.name)], f"Delete the profile {row.name}?", f"Deleted the profile {row.name}.")

    def action_make_default(self) -> None:
        row = self.current()
        if row is None:
            return
        from app.config.edits import SetDefaultProfile

        self._plan_change(
            [SetDefaultProfile(row.name)],
            f"Make {row.name} the [default] profile?",
            f"{row.name} is now the default profile (used when no --profile or AWS_PROFILE is given).",
        )

    def _writer(self):
        return self.services.writer()

    def _plan_change(self, edits: list, title: str, done: str) -> None:
        try:
            plan = self._writer().plan(edits)
        except WizardError as error:
            self._show_error(error)
            return
        if not plan.changed:
            self.notify("Nothing to change: the config already says that.", markup=False)
            return
        note = f"This changes {display_path(plan.path)}; the current file is backed up to {display_path(plan.backup_dir)} first."
        if plan.notes:
            note += "\n" + "\n".join(plan.notes)

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply_plan(plan, done)

        from screens.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(title, note, yes="Write", no="Cancel", diff=plan.diff), answered)

    def _apply_plan(self, plan, done: str) -> None:
        def job() -> str:
            result = self._writer().apply(plan)
            backup = f" Backup: {result.backup_path}" if result.backup_path else ""
            return done + backup

        self.run_worker(job, thread=True, group="config-write", name="config-write", exclusive=True, exit_on_error=False)

    # -- refresh, help --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._names_asked.clear()
        self._load(invalidate=True)
        self.notify("Reading the config and sign-in status again…", markup=False, timeout=2)

    def action_help(self) -> None:
        from screens.dialogs import ProfilesHelp

        self.app.push_screen(ProfilesHelp())

    # -- worker results and errors ----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        name = worker.name or ""
        group = worker.group or ""
        if event.state == WorkerState.SUCCESS:
            result = worker.result
            if group.startswith("login:"):
                self._finish_login(group.split(":", 1)[1])
                self.notify(str(result), markup=False)
            elif group.startswith("logout:"):
                self._status.invalidate(group.split(":", 1)[1])
                self._check_statuses(invalidate=True)
                self.notify(str(result), markup=False)
            elif name == "whoami":
                profile, identity = result
                self._verified[profile] = _Verified(identity.account, identity.arn, ps.utcnow())
                self._update_details()
                self.notify(f"{profile} is {identity.arn}\n(account {identity.account})", title="Who am I", markup=False, timeout=10)
            elif name == "config-write":
                self._load()
                self.notify(str(result), markup=False, timeout=8)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            if group.startswith("login:"):
                self._finish_login(group.split(":", 1)[1])
            elif group.startswith("logout:"):
                self._check_statuses(invalidate=True)
            reported = group.startswith(("login:", "logout:")) or name in ("whoami", "config-write")
            if event.state == WorkerState.ERROR and reported and worker.error is not None:
                self._show_error(worker.error)

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.notify(error.message or "Cancelled.", markup=False, timeout=4)
            return
        if isinstance(error, WizardError):
            text = error.message + (f"\n{error.hint}" if error.hint else "")
            if len(text) <= 240 and "\n" not in error.message:
                self.notify(text, title="Problem", severity="error", markup=False, timeout=10)
                return
            _push_error(self.app, "Problem", text)
            return
        _push_error(
            self.app,
            "Unexpected error",
            f"{type(error).__name__}: {redact(str(error))}\n\nThis is a bug in aws-sso-wizard; please report it.",
        )


# -- helpers ------------------------------------------------------------------------------------


def _field(text: Text, label: str, value: str, width: int, *, separator: str = ": ", style: str = "bold") -> None:
    """``label: value`` on one line when it fits in ``width`` cells; else the label on its own line
    and the value under it, indented, broken after a space, slash or comma where it can be."""
    if len(label) + len(separator) + len(value) <= width:
        text.append(label, style=style)
        text.append(f"{separator}{value}\n")
        return
    text.append(label + separator.rstrip() + "\n", style=style)
    for line in _wrap(value, max(width - 2, 8)):
        text.append(f"  {line}\n")


def _wrap(value: str, width: int) -> list[str]:
    """Lines of at most ``width``: broken after the last space, slash or comma that leaves at least
    half a line (``~/.aws/sso/cache/`` + the file name), else folded (not ``https://`` + the rest)."""
    lines = []
    rest = value
    while len(rest) > width:
        cut = max(rest.rfind(mark, 0, width) for mark in " /,")
        cut = cut + 1 if cut >= width // 2 else width  # keep the slash or comma on the first line
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" ")
    lines.append(rest)
    return lines




def _short_list(names: list[str], limit: int = 8) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _make_login_dialog(label: str, token: CancelToken, on_open):
    from screens.dialogs import LoginDialog

    return LoginDialog(label, on_cancel=token.cancel, on_open=on_open)


def _push_error(app, title: str, text: str) -> None:
    from screens.dialogs import ErrorModal

    app.push_screen(ErrorModal(title, text))
