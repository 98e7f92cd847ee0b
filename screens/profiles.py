"""The profile browser: every profile with its live sign-in status, one key to act on it.

A thin view over :class:`app.profiles.browser.ProfileBrowser` (rows, sort, filter, status cells,
which keys apply, the details), fed by :class:`app.profiles.status.ProfileStatusService` and the
services it is given. Every blocking call runs in a thread worker that reports with one of the
messages below; errors end in :meth:`ProfilesScreen._show_error`.
"""

from __future__ import annotations

import gc
import shlex
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from app.cancel import CancelToken
from app.errors import WizardError
from app.guard import guard_of
from app.paths import display_path
from app.profiles import browser as model, status as ps
from app.services import BrowserServices
from app.signin.state import TokenState, utc_now
from screens.widgets.details import DetailsPane
from screens.widgets.fast_table import Column, FastTable, Row
from screens.widgets.footer import FittingFooter

if TYPE_CHECKING:  # pragma: no cover
    from app.signin.login import LoginService

_WIDTHS = {  # on a small terminal: the sso-session is cut first, then the role, then account and region
    "name": {"min_width": 8, "max_width": 40, "shrink": 0},  # never cut
    "status": {"min_width": 24, "max_width": 30, "shrink": 0},
    "account": {"min_width": 8, "max_width": 40, "shrink": 1},
    "role": {"min_width": 6, "max_width": 30, "shrink": 2},
    "region": {"min_width": 8, "max_width": 16, "shrink": 1},
    "session": {"min_width": 8, "max_width": 24, "shrink": 3},
}
COLUMNS = tuple(Column(key, title, **_WIDTHS[key]) for key, title in model.COLUMN_TITLES)
_TONE_CLASS = {
    model.GOOD: "fast-table--good",
    model.WARN: "fast-table--warn",
    model.BAD: "fast-table--bad",
    model.MUTED: "fast-table--muted",
}
POLL_SECONDS = 1.0
DETAILS_WIDTH = 38  # the details pane beside the table (assets/profiles.tcss), border and padding included
MIN_TABLE_WIDTH = 64  # narrower than this beside the pane, details replace the table instead
FIRST_READ_DELAY = 0.15
_SORT_KEYS = Binding.Group("Sort", compact=True)
#: On a narrow terminal these keys leave the footer first, in this order (the help lists them all);
#: filter, sign in and out, who am I, delete, help and quit always stay.
FOOTER_DROP_ORDER = (
    "profiles.reload", "profiles.details", "profiles.make-default", "profiles.new", "profiles.console",
    "profiles.export", "profiles.sort", "profiles.who-am-i",
)
PICK_TITLE = "Pick the profile for this shell: Enter uses it, Escape leaves AWS_PROFILE as it is"
FILTER_PLACEHOLDER = "Filter: name, account, role, region, sso-session…  (Enter keeps it, Escape clears)"


class ProfilesScreen(Screen):
    """Every profile, its account, role, region, sso-session and live sign-in status."""

    # description: the footer; tooltip: the help (screens.dialogs.help.ProfilesHelp lists them in this order)
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="profiles.filter",
                tooltip="Filter by name, account, role, region or sso-session: words in any order, or an "
                        "abbreviation such as presprod for preservation-prod (Escape clears)"),
        Binding("l", "login", "Sign in", id="profiles.sign-in",
                tooltip="Sign in to the highlighted profile's sso-session (nothing to do if already signed in)"),
        Binding("L", "renew", "Renew session", id="profiles.renew", show=False,
                tooltip="Renew the session so that its end moves (asks first)"),
        Binding("o", "logout", "Sign out", id="profiles.sign-out",
                tooltip="Sign out of that sso-session (every profile that shares it)"),
        Binding("w", "whoami", "Who am I", id="profiles.who-am-i",
                tooltip="Who am I: the account and role ARN this profile gets"),
        Binding("e", "export", "Export", id="profiles.export",
                tooltip="Use it in your shell (with the shell hook), else copy `export AWS_PROFILE=NAME`"),
        Binding("c", "console", "Console", id="profiles.console",
                tooltip="Open the AWS console for this account and role (portal shortcut, no keys in the link)"),
        Binding("n", "new_profile", "New", id="profiles.new", tooltip="Create a new profile with the wizard"),
        Binding("x", "delete", "Delete", id="profiles.delete",
                tooltip="Delete the profile (shows the change first; the old file is backed up)"),
        Binding("d", "make_default", "Default", id="profiles.make-default",
                tooltip="Make it the [default] profile (shows the change first)"),
        Binding("i", "toggle_details", "Details", id="profiles.details",
                tooltip="Show or hide the details of the highlighted profile (Enter too; shown by itself "
                        "when there is room)"),
        Binding("r", "refresh", "Reload", id="profiles.reload",
                tooltip="Re-read the config and sign-in status now (it also happens by itself every second)"),
        Binding("s", "sort", "Sort", id="profiles.sort", group=_SORT_KEYS,
                tooltip="Sort by the next column (or click a column title)"),
        Binding("S", "sort_reverse", "Reverse sort", id="profiles.sort-reverse", group=_SORT_KEYS,
                tooltip="Reverse the sort order"),
        Binding("p", "companion", "Companion", id="profiles.companion", show=False,
                tooltip="Add a companion profile NAME-process (credential_process) for tools that cannot read "
                        "SSO profiles (shows the change first)"),
        Binding("k", "keep_warm", "Keep warm", id="profiles.keep-warm", show=False,
                tooltip="Keep this profile's keys in the AWS CLI's cache while the app is open, for tools that "
                        "only read that cache (press again to stop)"),
        Binding("question_mark", "help", "Help", id="profiles.help", tooltip="This help"),
        Binding("escape", "clear_filter", "Clear filter", id="profiles.clear-filter", show=False,
                tooltip="Back from the details to the list, or clear the filter"),
        Binding("enter", "close_details", "Back", id="profiles.close-details", show=False,
                tooltip="Open the highlighted profile's details; Enter again goes back to the list"),
    ]

    # -- messages from workers ------------------------------------------------------------------

    @dataclass(eq=False)
    class SnapshotReady(Message):
        snapshot: ps.Snapshot | None
        error: WizardError | None
        baseline: Any  # the file stamps taken before reading

    @dataclass(eq=False)
    class StatusesReady(Message):
        sessions: dict[str, ps.SessionStatus]

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ProfilesScreen.StatusesReady)  # only the latest poll matters

    @dataclass(eq=False)
    class PromptReady(Message):
        key: str
        prompt: Any  # app.signin.login.LoginPrompt

    @dataclass(eq=False)
    class NoticeReady(Message):
        """The sign-in waits for one started elsewhere (another window)."""

        key: str
        text: str

    @dataclass(eq=False)
    class SignedIn(Message):
        key: str
        text: str

    @dataclass(eq=False)
    class SignInFailed(Message):
        key: str
        error: BaseException

    @dataclass(eq=False)
    class SignedOut(Message):
        key: str
        text: str

    @dataclass(eq=False)
    class SignOutFailed(Message):
        key: str
        error: BaseException

    @dataclass(eq=False)
    class Identified(Message):
        profile: str
        identity: Any  # app.signin.portal.Identity

    @dataclass(eq=False)
    class ConfigWritten(Message):
        text: str

    @dataclass(eq=False)
    class ActionFailed(Message):
        """Who am I or a config change failed."""

        error: BaseException

    @dataclass(eq=False)
    class KeptWarm(Message):
        """The kept-warm profiles were looked at (and fetched where needed)."""

        results: list  # app.credentials.warm.Warmed
        toggled: str | None = None
        marked: bool = False

    class NewProfileRequested(Message):
        """``n`` was pressed: the app opens the wizard (bubbles up to the App)."""

    def __init__(
        self,
        services: BrowserServices,
        status: ps.ProfileStatusService,
        *,
        poll_seconds: float | None = None,
        pick: bool = False,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.pick = pick  # pick mode (`use` without a name): Enter or e ends the App with that profile
        self.services = services
        self._status = status
        self._poll_seconds = poll_seconds if poll_seconds is not None else POLL_SECONDS
        self._watcher = ps.ChangeWatcher(config_path=lambda: self._status.config_path)
        self.model = model.ProfileBrowser(guard_of(getattr(services, "preset", None)))
        self._row_cache: dict[str, tuple[ps.ProfileRow, Row]] = {}
        self._table_rows: list[Row] = []  # the table row of each model row, same order
        self._table_version = -1
        self._frozen_real = False
        self._logins: dict[str, CancelToken] = {}
        self._dialogs: dict[str, Any] = {}
        self._names_asked: set[str] = set()
        self._config_path_text = ""
        self._keys_state: tuple[bool, ...] | None = None
        self._details_wanted: bool | None = None  # i: shown / hidden; None: when there is room
        self._details_room = True  # whether the pane fits beside the whole table (see _layout_details)
        self._details_measured = False  # measured on the rows of a real read
        self._filter_waiting: list[events.Key | events.Paste] | None = None  # read while the box mounts
        self._filter_key_set: frozenset[str] | None = None
        self._keep_warm: Any = None  # app.credentials.warm.KeepWarm, made on first use
        self._warm_errors: dict[str, str] = {}

    @property
    def login(self) -> "LoginService":
        return self.services.login

    @property
    def status_service(self) -> ps.ProfileStatusService:
        return self._status

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text(PICK_TITLE if self.pick else "Profiles", style="bold"), id="profiles-title")
        # the filter box is mounted on first use ("/"): one widget type less to style before the first frame
        with Horizontal(id="profiles-body"):
            yield FastTable(COLUMNS, id="profiles-table")
            yield DetailsPane(id="profiles-details")
        yield Static(Text("Reading the AWS config…"), id="profiles-empty")
        yield Static(Text(""), id="profiles-status")
        # a dozen keys: compact, and without the palette's own key (ctrl+p, in the help), they fit
        # on 120 columns
        yield FittingFooter(drop_order=FOOTER_DROP_ORDER, compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#profiles-empty").display = False
        self.query_one(FastTable).focus()
        # The first frame shows the profiles: from the row cache when the config file is unchanged
        # since the last run (no parse), else parsed here (usually already done by the start-up
        # check, see app.commands.home). Right after the first frame a worker reads the config and
        # every sign-in's status and replaces them; later reads also run in workers.
        self._watcher.reset()
        snapshot, error = self._status.cached_snapshot(), None
        provisional = snapshot is not None
        if snapshot is None:
            try:
                snapshot = self._status.snapshot(with_status=False)
            except WizardError as failure:
                snapshot, error = None, failure
        self._apply_snapshot(snapshot, error, provisional=provisional)
        # Thousands of long-lived row objects make every full garbage collection slow (~30 ms with
        # 5,000 profiles, landing anywhere, a first frame or a keystroke): move what exists now out
        # of the collector's way. New garbage is still collected as usual.
        gc.freeze()
        # Read the real config and the sign-in status a moment after the first frame: the terminal
        # needs that moment (and the CPU) to draw it.
        self.set_timer(FIRST_READ_DELAY, self._load)
        self.set_timer(1.0, self._prepare_filter_box_early)
        self.set_interval(self._poll_seconds, self._tick, name="profiles-poll")
        from app.credentials.warm import CHECK_EVERY

        self.set_timer(2.0, self._warm_tick)
        self.set_interval(CHECK_EVERY, self._warm_tick, name="profiles-keep-warm")

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
        self._config_path_text = display_path(self._status.config_path)
        if error is not None:
            self.model.fail(error)
            self._show_empty(
                f"The AWS config file cannot be read: {error}\n\n"
                "Fix the file (the line is named above) and press r to read it again."
            )
            return
        assert snapshot is not None
        self.model.load(snapshot, provisional=provisional)
        self._warn_of_session_ends()
        table = self.query_one(FastTable)
        table.sort_indicator(self.model.sort_key, self.model.sort_reverse)
        self._all_table_rows()  # builds the table row of every profile
        widths = snapshot.hints.get("widths") if provisional else None
        if isinstance(widths, list):
            table.set_widths(widths)  # as the last run measured them on every profile
        else:
            table.fit_columns(self._table_rows)
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
        if not self.model.rows:
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

    def _table_row(self, row: ps.ProfileRow) -> Row:
        """The table row of a profile, built once and rebuilt only when its status cell changes."""
        status, tone = self.model.status_cell(row)
        cached = self._row_cache.get(row.name)
        if cached is not None and cached[0] is row and cached[1].cells[1] == status:
            return cached[1]
        classes = {1: _TONE_CLASS[tone]}
        if self.model.is_critical(row):
            classes[0] = _TONE_CLASS[model.BAD]  # the marker says it without colour too
        built = Row(key=row.name, cells=self.model.cells_of(row, status), cell_classes=classes)
        self._row_cache[row.name] = (row, built)
        return built

    def _all_table_rows(self) -> list[Row]:
        if self._table_version != self.model.version:
            self._table_rows = [self._table_row(row) for row in self.model.rows]
            self._table_version = self.model.version
        return self._table_rows

    def _shown(self) -> list[Row]:
        """The table rows matching the filter, in the current order."""
        rows = self._all_table_rows()
        indices = self.model.visible_indices()
        return rows if indices is None else [rows[i] for i in indices]

    def _render_rows(self) -> None:
        self.query_one(FastTable).set_rows(self._shown())
        self._update_status_line()
        self._update_details()

    def _resort(self) -> None:
        """Show the rows in the model's (new) order, the same profile highlighted."""
        table = self.query_one(FastTable)
        table.sort_indicator(self.model.sort_key, self.model.sort_reverse)
        table.set_rows(self._shown(), keep_key=table.cursor_key)

    def _update_status_line(self) -> None:
        line = self.model.status_line(self.query_one(FastTable).row_count, self._config_path_text)
        self.query_one("#profiles-status", Static).update(Text(line))

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
        return self.model.by_name.get(key) if key is not None else None

    def _update_details(self) -> None:
        if self.details_shown() is None:
            return  # drawn when shown (_layout_details)
        row = self.current()
        details = self.model.details(row) if row is not None else None
        warmed = self._keep_warm.last.get(row.name) if self._keep_warm is not None and row is not None else None
        if details is not None and warmed is not None:
            from dataclasses import replace

            shown = warmed if warmed.problem is None else replace(warmed, problem=model.in_app_error(warmed.problem))
            fact = model.Field("Kept warm", f"{shown.state()} (press k to stop)", problem=not warmed.ok)
            details = replace(details, facts=(*details.facts, fact))
        self.query_one(DetailsPane).show(details)

    def _refresh_keys(self) -> None:
        """Refresh the footer only when which keys apply has changed (a footer refresh rebuilds it)."""
        state = tuple(bool(self.check_action(action, ())) for action in model.ROW_ACTIONS)
        if state != self._keys_state:
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
        """Enter on a row shows its details (full width on a narrow terminal; Enter again goes back);
        in pick mode it picks the row."""
        if self.pick:
            self.action_export()
            return
        shown = self.details_shown()
        if shown != "side":
            self._details_wanted = shown is None
            self._layout_details()

    def on_resize(self, event) -> None:
        self._layout_details(measure=True)

    # -- sort -----------------------------------------------------------------------------------

    @on(FastTable.HeaderClicked)
    def _header_clicked(self, event: FastTable.HeaderClicked) -> None:
        self.model.sort_by_column(event.column)
        self._resort()

    def action_sort(self) -> None:
        title = self.model.sort_next()
        self._resort()
        self.notify(f"Sorted by {title.lower()}.", markup=False, timeout=2)

    def action_sort_reverse(self) -> None:
        self.model.sort_flip()
        self._resort()

    # -- filter -------------------------------------------------------------------------------

    def _filter_box(self) -> Input | None:
        boxes = self.query("#profiles-filter")
        return boxes.first(Input) if boxes else None

    def _prepare_filter_box_early(self) -> None:
        """The timer's call: nothing when the screen is already gone (quit within that second)."""
        if self.is_attached:
            self._prepare_filter_box()

    def _prepare_filter_box(self) -> Input:
        """Mount the (hidden) filter box once the screen is up, so the first "/" is instant."""
        box = self._filter_box()
        if box is None:
            box = Input(placeholder=FILTER_PLACEHOLDER, id="profiles-filter")
            box.display = False
            self.mount(box, before="#profiles-body")
        return box

    def action_filter(self) -> None:
        box = self._filter_box()
        if box is None or not box.is_mounted:
            self._open_filter_when_mounted()
            return
        box.display = True
        self.set_focus(box)  # at once: the keys that follow are routed to it

    def _open_filter_when_mounted(self) -> None:
        """The box is not mounted yet: keys read until it is wait in :attr:`_filter_waiting`."""
        if self._filter_waiting is not None:
            return
        self._filter_waiting = []
        box = self._prepare_filter_box()

        def mounted() -> None:
            if not box.is_mounted:
                self.call_after_refresh(mounted)
                return
            waiting, self._filter_waiting = self._filter_waiting or [], None
            box.display = True
            self.set_focus(box)
            for event in waiting:  # in the order they were read, before any key read after
                box._forward_event(event)

        self.call_after_refresh(mounted)

    def capture_key(self, event: events.Key | events.Paste) -> bool:
        """Called by the App for every key and paste as it is read, in order, before it is routed:
        what follows the filter key goes to the filter box however fast it comes (a paste, keys
        queued while the app was busy), never to the table's one-key commands. True: taken."""
        if self._filter_waiting is not None:
            self._filter_waiting.append(event)
            return True
        if not isinstance(event, events.Key) or event.key not in self._filter_keys():
            return False
        box = self._filter_box()
        if box is not None and box.has_focus:
            return False
        self.action_filter()
        return True

    def _filter_keys(self) -> frozenset[str]:
        """The keys bound to the filter (``/`` unless the keymap says otherwise)."""
        if self._filter_key_set is None:
            keys = {key for key, active in self.app.active_bindings.items()
                    if active.node is self and active.binding.action == "filter"}
            self._filter_key_set = frozenset(keys or {"slash"})
        return self._filter_key_set

    @on(Input.Changed, "#profiles-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.model.query = event.value
        self.query_one(FastTable).set_rows(self._shown())
        self._update_status_line()

    @on(Input.Submitted, "#profiles-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(FastTable).focus()

    def action_close_details(self) -> None:
        """Back from the details shown instead of the table."""
        self._details_wanted = False
        self._layout_details()
        self.query_one(FastTable).focus()

    def action_clear_filter(self) -> None:
        if self.details_shown() == "full":
            self.action_close_details()
            return
        box = self._filter_box()
        if self.pick and (box is None or not box.display):
            self.app.exit()  # pick mode: Escape with nothing to clear leaves without a profile
            return
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
        if action == "close_details":  # otherwise Enter belongs to the table or the filter
            return self.details_shown() == "full"
        if action not in model.ROW_ACTIONS:
            return True
        row = self.current() if self.model.loaded and self.is_mounted else None
        return True if self.model.applies(action, row) else None

    # -- live updates -------------------------------------------------------------------------

    def _tick(self) -> None:
        if not self.model.loaded or self.model.provisional:
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
        rows = tuple(self.model.rows)
        try:
            sessions = self._status.statuses(rows)
        except WizardError:
            return
        self.post_message(self.StatusesReady(sessions))

    def on_profiles_screen_statuses_ready(self, message: StatusesReady) -> None:
        changed, newly_signed_in = self.model.update_sessions(message.sessions)
        self._warn_of_session_ends()
        if changed:
            if self.model.sort_key == "status":
                self._resort()
            else:
                self.query_one(FastTable).set_rows(self._shown())
            self._update_status_line()
            self._refresh_keys()
        if changed or self.current() is not None:
            self._update_details()
        if newly_signed_in:
            self._ask_account_names()

    # -- account names ------------------------------------------------------------------------

    def _ask_account_names(self) -> None:
        """Learn account names (sso:ListAccounts) for signed-in sessions whose profiles show
        only an id; once per session per run."""
        for row in self.model.names_wanted(self._names_asked):
            self._names_asked.add(row.session_key or "")
            self._fetch_names(row)

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
        session = self.model.session(row)
        return row, row.session_key, session, session.label if session else row.session_key

    def _warn_of_session_ends(self) -> None:
        for text in self.model.take_warnings():
            self.notify(text, title="Session ends soon", severity="warning", timeout=30, markup=False)

    def action_renew(self) -> None:
        """``L``: say what renewing does, then sign out at AWS and sign in again."""
        current = self._current_sign_in()
        if current is None:
            return
        _row, key, session, label = current
        if key in self._logins:
            self.notify(f"Already signing in to {label}…", markup=False)
            return
        end = session.session_end if session is not None else None
        until = f" (now {end.describe()})" if end is not None else ""
        question = (
            f"Renew the session for {label}?\n\n"
            f"This signs out at AWS, which ends the session{until}, then signs in again, so a new session "
            "starts and its end moves. Programs using these profiles lose access until you have signed in: "
            f"{model.short_list(self.model.sharing(key), 12)}."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.action_login(force=True, renew=True)

        from screens.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog("Renew the session", question, yes="Renew", no="Cancel"), answered)

    def action_login(self, force: bool = False, renew: bool = False) -> None:
        current = self._current_sign_in()
        if current is None:
            return
        row, key, session, label = current
        if key in self._logins:
            self.notify(f"Already signing in to {label}…", markup=False)
            return
        if not force and session is not None and session.status is TokenState.VALID:
            self.notify(
                f"Already signed in to {label} ({session.text()}). Press L to renew the session.",
                markup=False,
            )
            return
        method = "pkce" if self.services.browser_likely() else "device"
        token = CancelToken()
        self._logins[key] = token
        dialog = _make_login_dialog(label, token, self._open_in_browser, browser=method == "pkce")
        self._dialogs[key] = dialog
        self.app.push_screen(dialog)
        self._set_signing_in(key, True)
        self._refresh_keys()
        self.run_worker(
            partial(self._sign_in, row.name, key, method, force, token, renew),
            thread=True, name=f"login:{key}", group=f"login:{key}", exit_on_error=False,
        )

    def _sign_in(self, name: str, key: str, method: str, force: bool, token: CancelToken, renew: bool = False) -> None:
        """The sign-in worker: reports with :class:`SignedIn` or :class:`SignInFailed`."""
        from app.signin.target import SsoTarget

        def on_prompt(prompt: Any) -> None:
            self.post_message(self.PromptReady(key, prompt))

        def on_notice(text: str) -> None:
            self.post_message(self.NoticeReady(key, text))

        try:
            target = SsoTarget.from_profile(self._profile(name))
            if renew:
                status = self.login.renew(target, method=method, on_prompt=on_prompt, on_notice=on_notice, cancel=token)
            else:
                status = self.login.ensure_signed_in(
                    target, method=method, force=force, on_prompt=on_prompt, on_notice=on_notice, cancel=token
                ).status
            self._status.invalidate(key)
        except Exception as error:
            self.post_message(self.SignInFailed(key, error))
            return
        when = status.expires_at.astimezone().strftime("%H:%M") if status.expires_at else "later"
        self.post_message(self.SignedIn(key, f"Signed in to {target.label} until {when}."))

    def on_profiles_screen_prompt_ready(self, message: PromptReady) -> None:
        dialog = self._dialogs.get(message.key)
        if dialog is not None:
            dialog.show_prompt(message.prompt)  # kept for its first frame if not mounted yet

    def on_profiles_screen_notice_ready(self, message: NoticeReady) -> None:
        dialog = self._dialogs.get(message.key)
        if dialog is not None:
            dialog.show_notice(message.text)

    def on_profiles_screen_signed_in(self, message: SignedIn) -> None:
        self._finish_login(message.key)
        self.notify(message.text, markup=False)

    def on_profiles_screen_sign_in_failed(self, message: SignInFailed) -> None:
        self._finish_login(message.key)
        self._show_error(message.error)

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
        self._set_signing_in(key, False)
        self._check_statuses()
        self._refresh_keys()

    def _set_signing_in(self, key: str, busy: bool) -> None:
        if self.model.set_signing_in(key, busy):
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
            self.app.call_from_thread(self._show_link, url, "No browser could be opened here.")

    def _show_link(self, url: str, why: str) -> None:
        """A link to open elsewhere, in a dialog that stays until closed (copied where possible)."""
        from screens.dialogs.clipboard import copy_text

        copy_text(self, url, what="The link", why=f"{why} Open this link in a browser on any device:", stay=True)

    # -- sign out ---------------------------------------------------------------------------

    def action_logout(self) -> None:
        current = self._current_sign_in()
        if current is None:
            return
        row, key, _session, label = current
        question = (
            f"Sign out of {label}?\n\n"
            f"These profiles share that sign-in and will all be signed out: "
            f"{model.short_list(self.model.sharing(key), 12)}.\n\n"
            "The sign-in is also ended on the AWS side, and the temporary AWS keys kept for these profiles are deleted."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_logout(row.name, key, self.model.role_pairs(key))

        from screens.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog("Sign out", question, yes="Sign out", no="Cancel"), answered)

    @work(thread=True, exit_on_error=False)
    def _run_logout(self, name: str, key: str, pairs: list[tuple[str, str]]) -> None:
        from app.signin.target import SsoTarget

        try:
            target = SsoTarget.from_profile(self._profile(name))
            result = self.login.logout(target, role_pairs=pairs)
            self._status.invalidate(key)
        except Exception as error:
            self.post_message(self.SignOutFailed(key, error))
            return
        self.post_message(self.SignedOut(key, result.message or f"Signed out of {target.label}."))

    def on_profiles_screen_signed_out(self, message: SignedOut) -> None:
        self._status.invalidate(message.key)
        self._check_statuses(invalidate=True)
        self.notify(message.text, markup=False)

    def on_profiles_screen_sign_out_failed(self, message: SignOutFailed) -> None:
        self._check_statuses(invalidate=True)
        self._show_error(message.error)

    # -- who am I -----------------------------------------------------------------------------

    def action_whoami(self) -> None:
        row = self.current()
        if row is None:
            return
        self.notify(f"Checking who {row.name} is…", markup=False, timeout=2)
        self._run_whoami(row.name)

    @work(thread=True, group="profiles-whoami", exit_on_error=False)
    def _run_whoami(self, name: str) -> None:
        from app.signin.portal import whoami_profile

        try:
            identity = whoami_profile(name, login=self.login, config=self._status.config())
        except Exception as error:
            self.post_message(self.ActionFailed(error))
            return
        self.post_message(self.Identified(name, identity))

    def on_profiles_screen_identified(self, message: Identified) -> None:
        identity = message.identity
        self.model.verified[message.profile] = model.Verified(identity.account, identity.arn, utc_now())
        self._update_details()
        self.notify(f"{message.profile} is {identity.arn}\n(account {identity.account})",
                    title="Who am I", markup=False, timeout=10)

    # -- export, console ----------------------------------------------------------------------

    def action_export(self) -> None:
        """Pick mode: end with this profile for the shell. With the shell hook: the shell gets it
        when the app ends. Otherwise: copy the export line."""
        row = self.current()
        if row is None:
            return
        if self.pick:
            self.app.exit(result=row.name)
            return
        from app.shell.hook import current

        hand_back = current()
        if hand_back is not None:
            hand_back.set_profile(row.name)
            self.notify(f"Your shell gets AWS_PROFILE={row.name} when you leave the app.", markup=False, timeout=8)
            return
        line = f"export AWS_PROFILE={shlex.quote(row.name)}"
        from screens.dialogs.clipboard import copy_text

        copy_text(self, line, what="The export line", why="Paste it into your shell to use this profile there:")

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
            self._show_link(url, "No browser here.")
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

        self._plan_change([DeleteProfile(row.name)], f"Delete the profile {row.name}?",
                          f"Deleted the profile {row.name}.", action="Delete")

    def action_make_default(self) -> None:
        row = self.current()
        if row is None:
            return
        from app.config.edits import SetDefaultProfile

        self._plan_change(
            [SetDefaultProfile(row.name)],
            f"Make {row.name} the [default] profile?",
            f"{row.name} is now the default profile (used when no --profile or AWS_PROFILE is given).",
            action="Make default",
        )

    def _plan_change(self, edits: list, title: str, done: str, *, action: str) -> None:
        try:
            plan = self.services.writer().plan(edits)
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

        self.app.push_screen(ConfirmDialog(title, note, yes=action, no="Cancel", diff=plan.diff), answered)

    @work(thread=True, exclusive=True, group="profiles-write", exit_on_error=False)
    def _apply_plan(self, plan, done: str) -> None:
        try:
            result = self.services.writer().apply(plan)
        except Exception as error:
            self.post_message(self.ActionFailed(error))
            return
        backup = f" Backup: {result.backup_path}" if result.backup_path else ""
        self.post_message(self.ConfigWritten(done + backup))

    def on_profiles_screen_config_written(self, message: ConfigWritten) -> None:
        self._load()
        self.notify(message.text, markup=False, timeout=8)

    def on_profiles_screen_action_failed(self, message: ActionFailed) -> None:
        self._show_error(message.error)

    # -- tools that cannot read SSO profiles ------------------------------------------------------

    def action_companion(self) -> None:
        row = self.current()
        if row is None:
            return
        if not row.is_sso:
            self.notify(f"{row.name} is not an SSO profile; a companion gives an SSO profile's keys.", markup=False)
            return
        from app.credentials.companion import companion_edit

        try:
            edit = companion_edit(self._profile(row.name))
        except WizardError as error:
            self._show_error(error)
            return
        self._plan_change([edit], f"Add the companion profile {edit.name}?",
                          f"Added {edit.name}: tools that read credential_process can use --profile {edit.name}.",
                          action="Add")

    def _warmer(self):
        """The keep-warm list and refresher (made here, on the UI thread, and handed to workers)."""
        if self._keep_warm is None:
            from app.credentials.warm import KeepWarm

            self._keep_warm = KeepWarm()
        return self._keep_warm

    def action_keep_warm(self) -> None:
        row = self.current()
        if row is None:
            return
        if not (row.is_sso and row.account_id and row.role_name):
            self.notify(f"{row.name} has no SSO role whose keys could be kept.", markup=False)
            return
        self._toggle_warm(self._warmer(), row.name)

    @work(thread=True, group="profiles-keep-warm-mark", exit_on_error=False)
    def _toggle_warm(self, warmer: Any, name: str) -> None:
        try:
            marked = warmer.toggle(name)
            results = warmer.refresh(login=self.login) if marked else []
        except Exception as error:
            self.post_message(self.ActionFailed(error))
            return
        self.post_message(self.KeptWarm(results, toggled=name, marked=marked))

    def _warm_tick(self) -> None:
        self._refresh_warm(self._warmer())

    @work(thread=True, exclusive=True, group="profiles-keep-warm", exit_on_error=False)
    def _refresh_warm(self, warmer: Any) -> None:
        try:
            results = warmer.refresh(login=self.login)
        except WizardError:
            return  # a broken config or settings file: the browser says so on its own
        if results:
            self.post_message(self.KeptWarm(results))

    def on_profiles_screen_kept_warm(self, message: KeptWarm) -> None:
        if message.toggled is not None:
            if message.marked:
                self.notify(f"Keeping the keys of {message.toggled} in the AWS CLI's cache while this app is open.",
                            markup=False)
            else:
                self.notify(f"No longer keeping the keys of {message.toggled}.", markup=False)
        for result in message.results:
            why = str(model.in_app_error(result.problem)) if result.problem is not None else ""
            if why and self._warm_errors.get(result.profile) != why:
                self.notify(f"Cannot keep {result.profile} warm: {why}", severity="warning", markup=False)
            self._warm_errors[result.profile] = why
        self._update_details()

    # -- refresh, help --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._names_asked.clear()
        self._load(invalidate=True)
        self.notify("Reading the config and sign-in status again…", markup=False, timeout=2)

    def action_help(self) -> None:
        from screens.dialogs import ProfilesHelp

        self.app.push_screen(ProfilesHelp(self.BINDINGS))

    # -- errors -------------------------------------------------------------------------------

    def _show_error(self, error: BaseException) -> None:
        from screens.dialogs.errors import present_error  # dialogs load on first use, off the first paint

        error = model.in_app_error(error)
        present_error(self, error, title="Problem" if isinstance(error, WizardError) else None)


def _make_login_dialog(label: str, token: CancelToken, on_open, *, browser: bool):
    from screens.dialogs import LoginDialog

    return LoginDialog(label, on_cancel=token.cancel, on_open=on_open, browser=browser)
