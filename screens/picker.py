"""The shared shape of the account and role steps: load a list in a thread (cancellable), then a
type-to-filter list with a count; a single item is chosen by itself; errors say what to do next
(try again when AWS is busy, sign in again when the sign-in has ended)."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import LoadingIndicator, Static

from app.cancel import CancelToken
from app.errors import Cancelled, WizardError
from assets import asset_path
from screens.base import GoTo, StepScreen
from screens.dialogs.errors import describe_error
from screens.widgets.filter_list import FilterList
from screens.widgets.step import KeyValue


class PickerScreen(StepScreen):
    CSS_PATH = asset_path("picker.tcss")
    NOUN = ("item", "items")
    LOADING = "Loading…"
    TYPEAHEAD = True
    #: Items can be ticked (several chosen at once; see :class:`FilterList`).
    TICKABLE = False

    BINDINGS = [
        Binding("enter", "choose", "Choose", id="picker.choose"),
        Binding("enter", "recover", "Try again", id="picker.recover"),
        Binding("enter", "sign_in_again", "Sign in again", id="picker.sign-in-again"),
        Binding("f5,ctrl+r", "reload", "Reload list", id="picker.reload"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.auto_chosen = False
        self.is_loading = False
        self.error: BaseException | None = None
        self._cancel: CancelToken | None = None
        self._started = 0.0
        self._load_id = 0

    # -- to implement ----------------------------------------------------------------------------

    def summary(self) -> list[tuple[str, str]]:
        return []

    def cached(self) -> list | None:
        return None

    def remembered(self) -> list | None:
        """Items from the last discovery on disk: shown at once, then refreshed in the background."""
        return None

    def changes_note(self) -> str:
        """What the last refresh found changed (after :meth:`fetch`), for a notification; "" none."""
        return ""

    #: Shown when the filter matches nothing (what may help), if anything.
    NO_MATCH_NOTE = ""

    def fetch(self, cancel: CancelToken) -> list:
        raise NotImplementedError

    def in_order(self, items: list) -> list:
        """The items in the order to offer them (the first one is highlighted)."""
        return items

    def store(self, items: list) -> None:
        pass

    #: One line under the list's status (what helps choosing), if any.
    NOTE = ""

    def label(self, item: Any) -> str | Text:
        return str(item)

    def search_text(self, item: Any) -> str | tuple[str | None, ...]:
        """What the filter matches: one text, or several fields (see :mod:`app.search`)."""
        return str(item)

    def current(self) -> Any:
        return None

    def ticked_before(self) -> list:
        """The items ticked when the step was last left (ticked again when it opens)."""
        return []

    def choice(self, item: Any) -> Any:
        """The step's result when ``item`` is chosen (a tickable step: the ticked items, if any)."""
        return item

    def single_note(self, item: Any) -> str:
        return ""

    def empty_message(self) -> str:
        return f"No {self.NOUN[1]} are available to you."

    # -- layout ----------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        pairs = self.summary()
        if pairs:
            yield KeyValue(pairs, classes="hint picker-summary")
        yield Static("", markup=False, classes="picker-status")
        yield LoadingIndicator(classes="loading-row")
        if self.NOTE:
            yield Static(self.NOTE, markup=False, classes="note picker-note")
        yield FilterList(label=self.label, search_text=self.search_text, noun=self.NOUN,
                         placeholder=self.PLACEHOLDER, tickable=self.TICKABLE, classes="picker-list")

    PLACEHOLDER = "Type to filter"
    TICK_HELP = "Type to filter; Enter chooses. For several: Tab to the list, Space ticks, a ticks all shown."

    def on_mount(self) -> None:
        self._show_list(False)
        self.set_interval(1.0, self._tick)
        items = self.cached()
        if items is not None:
            self._loaded(self._load_id, items, from_cache=True)
            return
        items = self.remembered()
        if items:
            self._loaded(self._load_id, items, from_cache=True)
            if not self._finished:
                self.call_after_refresh(self.refresh_quietly)  # after the first paint: no request before it
            return
        self.load()

    def refresh_quietly(self) -> None:
        """Fetch again while the list stays usable; the fresh items replace it (ticks and the
        highlight kept), and what changed is said."""
        if self._finished:
            return
        cancel = self._cancel = CancelToken()
        self._load_id += 1
        load_id = self._load_id
        self._status("Checking for changes since the last time…")
        self.call_service(lambda: self.fetch(cancel), group="load",
                          done=lambda items: self._refreshed(load_id, items),
                          failed=lambda error: self._refresh_failed(load_id, error))

    def _refreshed(self, load_id: int, items: list) -> None:
        if load_id != self._load_id:
            return
        items = self.in_order(items)
        self.store(items)
        filter_list = self.query_one(FilterList)
        ticked, highlighted = filter_list.ticked, filter_list.highlighted
        filter_list.set_items(items, highlight=highlighted, ticked=ticked)
        self._status(self.TICK_HELP if self.TICKABLE else "Type to filter; Up/Down to move; Enter to choose.")
        note = self.changes_note()
        if note:
            self.notify(note, title="Changed since the last time", markup=False, timeout=10)

    def _refresh_failed(self, load_id: int, error: BaseException) -> None:
        if load_id != self._load_id or isinstance(error, Cancelled):
            return
        self._status(f"Shown as last seen; checking for changes failed: {describe_error(error)} F5 tries again.")

    def load(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
        cancel = self._cancel = CancelToken()
        self._load_id += 1
        load_id = self._load_id
        self.is_loading = True
        self.error = None
        self._started = time.monotonic()
        self.query_one(".loading-row", LoadingIndicator).display = True
        self._show_list(False)
        self._status(self.LOADING)
        self.refresh_bindings()
        self.call_service(lambda: self.fetch(cancel), group="load",
                          done=lambda items: self._loaded(load_id, items),
                          failed=lambda error: self._failed(load_id, error))

    @on(FilterList.RefreshRequested)
    def _refresh_requested(self, event: FilterList.RefreshRequested) -> None:
        event.stop()
        if not self.is_loading and self.error is None:
            self.refresh_quietly()

    @on(FilterList.Highlighted)
    def _nothing_matches(self, event: FilterList.Highlighted) -> None:
        if self.NO_MATCH_NOTE and not self.is_loading and self.error is None:
            filter_list = self.query_one(FilterList)
            if event.item is None and filter_list.items:
                self._status(self.NO_MATCH_NOTE)
            elif event.item is not None and self._status_text == self.NO_MATCH_NOTE:
                self._status(self.TICK_HELP if self.TICKABLE else "Type to filter; Up/Down to move; Enter to choose.")

    def _show_list(self, shown: bool) -> None:
        self.query_one(FilterList).display = shown
        for note in self.query(".picker-note"):
            note.display = shown

    _status_text = ""

    def _status(self, text: str) -> None:
        self._status_text = text
        self.query_one(".picker-status", Static).update(text)

    def _tick(self) -> None:
        if self.is_loading:
            elapsed = time.monotonic() - self._started
            if elapsed >= 2:
                self._status(f"{self.LOADING} ({int(elapsed)} s; large organisations take a while, Escape cancels)")

    def _loaded(self, load_id: int, items: list, *, from_cache: bool = False) -> None:
        if load_id != self._load_id:
            return
        self.is_loading = False
        items = self.in_order(items)
        self.store(items)
        self.query_one(".loading-row", LoadingIndicator).display = False
        if not items:
            self._status(self.empty_message())
            self.refresh_bindings()
            return
        if len(items) == 1:
            self.auto_chosen = True
            note = self.single_note(items[0])
            if note:
                self.notify(note, markup=False)
            self.finish(items[0])
            return
        filter_list = self.query_one(FilterList)
        self._show_list(True)
        current = self.current()
        filter_list.set_items(items, highlight=current if current in items else None, ticked=self.ticked_before())
        filter_list.filter_input.focus()
        self._status(self.TICK_HELP if self.TICKABLE else "Type to filter; Up/Down to move; Enter to choose.")
        self.refresh_bindings()

    def _failed(self, load_id: int, error: BaseException) -> None:
        if load_id != self._load_id:
            return
        self.is_loading = False
        if isinstance(error, Cancelled):
            return
        from app.signin.errors import NotSignedIn, SessionExpired, Throttled

        self.error = error
        self.query_one(".loading-row", LoadingIndicator).display = False
        self._show_list(False)
        self.set_focus(None)
        text = describe_error(error)
        if isinstance(error, (SessionExpired, NotSignedIn)):
            self._status(f"{text}\n\nPress Enter to sign in again.")
        elif isinstance(error, Throttled):
            self._status(f"{text}\n\nPress Enter to try again.")
        elif isinstance(error, WizardError):
            self._status(f"{text}\n\nPress Enter to try again, or Escape to go back.")
        else:
            self._status("Loading failed. Press Enter to try again, or Escape to go back.")
            self.present_error(error)
        self.refresh_bindings()

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("recover", "sign_in_again"):
            from app.signin.errors import NotSignedIn, SessionExpired

            needs_sign_in = isinstance(self.error, (SessionExpired, NotSignedIn))
            return self.error is not None and needs_sign_in == (action == "sign_in_again")
        if action == "choose":
            return self.error is None and not self.is_loading
        if action == "reload":
            return not self.is_loading
        return super().check_action(action, parameters)

    def action_recover(self) -> None:
        from app.signin.errors import NotSignedIn, SessionExpired

        if self.error is None:
            return
        if isinstance(self.error, (SessionExpired, NotSignedIn)):
            self.state.force_login = True
            self.finish(GoTo("signin"))
            return
        self.load()

    def action_sign_in_again(self) -> None:
        self.action_recover()

    def action_choose(self) -> None:
        item = self.query_one(FilterList).highlighted
        if item is not None and not self.is_loading and self.error is None:
            self.finish(self.choice(item))

    def action_reload(self) -> None:
        if not self.is_loading:
            self.load()

    @on(FilterList.Chosen)
    def _chosen(self, event: FilterList.Chosen) -> None:
        event.stop()
        if event.item is not None:
            self.finish(self.choice(event.item))

    def on_leave(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    def on_unmount(self) -> None:
        self.on_leave()
