"""The help screens: the wizard's (``assets/help.md``) and the profile browser's keys."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from assets import asset_path
from screens.dialogs.modal import GuardedModal


def help_text() -> str:
    path = asset_path("help.md")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return "# aws-sso-wizard\n\nHelp text is missing from this installation."


class HelpScreen(GuardedModal):
    """The keys and what each step is for (``assets/help.md``)."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help.close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        with Vertical(classes="dialog help-dialog"):
            with VerticalScroll(classes="dialog-body"):
                yield Markdown(help_text())
            yield Footer()

    def action_close(self) -> None:
        self.close()


#: keys of the widgets and the App, not of the browser's own bindings
OTHER_KEYS = [
    ("↑ ↓ PgUp PgDn", "Move between profiles"),
    ("ctrl+p", "Command palette: every action by name"),
    ("ctrl+q", "Quit"),
]

STATUS_LEGEND = (
    "\nStatus: signed in (time left) · expiring (< 15 min; \"renews itself\" when it will) · "
    "refreshable (expired, renews itself when used) · "
    "expired · signed out · n/a (not an SSO profile). Changes made by other programs, such as "
    "`aws sso login` in another terminal, show up within a few seconds."
)

#: The help's last line.
HELP_CLOSES = "Escape, q or ? closes this help."

_KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Escape", "enter": "Enter"}


def key_rows(bindings: Iterable[Binding | tuple]) -> list[tuple[str, str]]:
    """(keys, what they do) of every binding that has a tooltip, in their order."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.tooltip:
            keys = " ".join(_KEY_NAMES.get(key.strip(), key.strip()) for key in binding.key.split(","))
            rows.append((keys, binding.tooltip))
    return rows


class ProfilesHelp(ModalScreen[None]):
    """The profile browser's keys, from its bindings, and what its statuses mean."""

    BINDINGS = [Binding("escape,q,question_mark,enter", "close", "Close", id="profiles-help.close")]

    def __init__(self, bindings: Iterable[Binding | tuple]) -> None:
        super().__init__(classes="dialog-screen")
        self.rows = [*key_rows(bindings), *OTHER_KEYS]

    def compose(self) -> ComposeResult:
        from rich.console import Group
        from rich.table import Table

        keys = Table.grid(padding=(0, 2))  # descriptions wrap in their own column
        keys.add_column(no_wrap=True)
        keys.add_column(ratio=1)
        for key, what in self.rows:  # Text, not str: a table cell's str is read as markup ("[default]")
            keys.add_row(Text(key, style="bold"), Text(what))
        note = Text(STATUS_LEGEND, style="italic")
        with Vertical(id="profiles-help-box", classes="dialog"):
            with VerticalScroll(classes="dialog-body"):
                yield Static(Group(Text("Profile browser keys\n", style="bold"), keys, note))
            yield Static(HELP_CLOSES, markup=False, id="profiles-help-closes")  # outside the scroll: always seen

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)

