"""Step 5 with several accounts ticked: every (account, role) pair of those accounts in one list,
filterable and tickable. Roles load with a progress bar (Escape cancels); a pair that already
has a profile of this sso-session shows that profile's name and starts unticked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import ProgressBar, Static

from app.cancel import CancelToken
from app.guard import CRITICAL_MARKER, guard_of
from screens.picker import PickerScreen

NAME_WIDTH = 28
ROLE_WIDTH = 16


class PairScreen(PickerScreen):
    HEADLINE = "Which roles do you want a profile for?"
    NOUN = ("role", "roles")
    LOADING = "Finding your roles in the ticked accounts…"
    PLACEHOLDER = "Type part of an account or role name"
    TICKABLE = True
    TICK_HELP = ("Tab to the list: Space ticks, a ticks all shown, A clears; Enter continues. "
                 "Roles that already have a profile start unticked.")

    class Progress(Message):
        """Roles of ``done`` of ``total`` accounts found (posted from the loading thread)."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.existing: dict[tuple[str, str], str] = {}  # (account id, role) -> the profile it has
        self._pairs: list = []

    def compose_body(self) -> ComposeResult:
        for widget in super().compose_body():
            yield widget
            if "picker-status" in widget.classes:
                yield ProgressBar(show_eta=True, classes="pairs-progress")

    def summary(self) -> list[tuple[str, str]]:
        ticked = self.state.ticked
        names = ", ".join(a.account_name or a.account_id for a in ticked[:4])
        more = f" and {len(ticked) - 4} more" if len(ticked) > 4 else ""
        return [("Accounts", f"{len(ticked)} ticked: {names}{more}")]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ProgressBar).display = False

    def load(self) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        super().load()

    NO_MATCH_NOTE = ("No role matches. A permission set assigned just now can take a few minutes to appear: "
                     "F5 looks again.")
    _changes = ""
    _left_out = ""

    def _session(self) -> str:
        return self.state.portal.session_name if self.state.portal else ""

    def _read_existing(self) -> None:
        from app.config.bulk import existing_for_session

        config = self.services.load_config()
        self.existing = {key: profile.name for key, profile in existing_for_session(config, self._session()).items()}

    def remembered(self):
        """The roles of the ticked accounts as last seen, when every one of them was listed before."""
        from app.config.bulk import all_pairs

        state = self.state
        if all(a.account_id in state.roles for a in state.ticked):
            return None  # known in this run: loaded at once anyway
        snapshot = self.services.discovery.load(self._session()) if self._session() else None
        if snapshot is None or not all(a.account_id in snapshot.roles for a in state.ticked):
            return None
        self._read_existing()
        return all_pairs(state.ticked, snapshot.roles)

    def fetch(self, cancel: CancelToken) -> list:
        from app.config.bulk import all_pairs

        state = self.state
        missing = [a for a in state.ticked if a.account_id not in state.roles]
        if missing:
            def progress(done: int, total: int) -> None:
                self.post_message(self.Progress(done, total))

            found = self.services.sso(state.target()).discover_roles(missing, progress=progress, cancel=cancel)
            state.roles.update(found)
            notes = []
            if state.accounts and self._session():
                changes = self.services.discovery.save(self._session(), state.accounts, found)
                notes = list(changes.lines())
            self._changes = "\n".join(notes)
            self._left_out = found.left_out_line(retry="Press r to look them up again.") if getattr(
                found, "failed", None) else ""
        self._read_existing()
        return all_pairs(state.ticked, state.roles)

    def changes_note(self) -> str:
        return self._changes

    def refresh_quietly(self) -> None:
        for account in self.state.ticked:  # look every ticked account up again
            self.state.roles.pop(account.account_id, None)
        super().refresh_quietly()

    def on_pair_screen_progress(self, message: "PairScreen.Progress") -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=message.total, progress=message.done)
        self.query_one(".picker-status", Static).update(
            f"Finding your roles: {message.done} of {message.total} accounts. Escape cancels.")

    def _loaded(self, load_id: int, items: list, *, from_cache: bool = False) -> None:
        self.query_one(ProgressBar).display = False
        super()._loaded(load_id, items, from_cache=from_cache)
        if self._left_out:  # the accounts whose roles could not be listed: the list shows the others
            self.notify(self._left_out, title="Some accounts left out", severity="warning", timeout=20, markup=False)

    def _failed(self, load_id: int, error: BaseException) -> None:
        self.query_one(ProgressBar).display = False
        super()._failed(load_id, error)

    def label(self, pair) -> Text:
        name = pair.account_name or pair.account_id
        if len(name) > NAME_WIDTH:
            name = name[: NAME_WIDTH - 1] + "…"
        text = Text(f"{name:<{NAME_WIDTH}}  {pair.role_name:<{ROLE_WIDTH}}")
        guard = guard_of(self.state.preset)
        if guard.is_critical(pair.account_id, pair.account_name):
            text = Text.assemble((f"{CRITICAL_MARKER} ", "bold red"), text)
            if not guard.is_read_only(pair.role_name):
                text.append("  can change a critical account", style="red")
        profile = self.existing.get(pair.key)
        if profile is not None:
            text.append(f"  has profile {profile}", style="dim")
        return text

    def search_text(self, pair) -> tuple[str | None, ...]:
        return (pair.account_name, pair.account_id, pair.role_name)

    def ticked_before(self) -> list:
        if self.state.pairs:
            return list(self.state.pairs)
        return [pair for pair in self._pairs if pair.key not in self.existing]

    def current(self):
        return None

    def choice(self, pair):
        from screens.widgets.filter_list import FilterList

        ticked = self.query_one(FilterList).ticked
        return tuple(ticked) if ticked else (pair,)

    def store(self, items: list) -> None:
        self._pairs = list(items)

    def single_note(self, pair) -> str:
        return f"Using the role {pair.role_name} in {pair.account_name or pair.account_id}: the only one there."

    def empty_message(self) -> str:
        return ("You have no roles in the ticked accounts. Press Escape to tick others, or ask your administrator "
                "to assign you a permission set (a new one can take a few minutes to appear; F5 looks again).")
