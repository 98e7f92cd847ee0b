"""The help screens: the wizard's (``assets/help.md``) and the profile browser's keys."""

from __future__ import annotations

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

    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="close-help")]

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


HELP_KEYS = [
    ("/", "Filter by name, account, role, region or sso-session: words in any order, or an "
          "abbreviation such as presprod for preservation-prod (Escape clears)"),
    ("↑ ↓ PgUp PgDn", "Move between profiles"),
    ("s / S", "Sort by the next column / reverse the order (or click a column title)"),
    ("l", "Sign in to the highlighted profile's sso-session (nothing to do if already signed in)"),
    ("L", "Sign in again even if still signed in"),
    ("o", "Sign out of that sso-session (every profile that shares it)"),
    ("w", "Who am I: the account and role ARN this profile gets"),
    ("e", "Copy `export AWS_PROFILE=NAME` for your shell"),
    ("c", "Open the AWS console for this account and role (portal shortcut, no keys in the link)"),
    ("n", "Create a new profile with the wizard"),
    ("x", "Delete the profile (shows the change first; the old file is backed up)"),
    ("d", "Make it the [default] profile (shows the change first)"),
    ("r", "Re-read the config and sign-in status now (it also happens by itself every second)"),
    ("i / Enter", "Show or hide the details of the highlighted profile (shown by itself when there is room)"),
    ("?", "This help"),
    ("ctrl+p", "Command palette: every action by name"),
    ("ctrl+q", "Quit"),
]


class ProfilesHelp(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,enter", "close", "Close", id="profiles_help.close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        from rich.console import Group
        from rich.table import Table

        keys = Table.grid(padding=(0, 2))  # descriptions wrap in their own column
        keys.add_column(no_wrap=True)
        keys.add_column(ratio=1)
        for key, what in HELP_KEYS:  # Text, not str: a table cell's str is read as markup ("[default]")
            keys.add_row(Text(key, style="bold"), Text(what))
        note = Text(
            "\nStatus: signed in (time left) · expiring (< 15 min; \"renews itself\" when it will) · "
            "refreshable (expired, renews itself when used) · "
            "expired · signed out · n/a (not an SSO profile). Changes made by other programs, such as "
            "`aws sso login` in another terminal, show up within a few seconds.",
            style="italic",
        )
        with Vertical(id="profiles-help-box", classes="dialog"):
            with VerticalScroll(classes="dialog-body"):
                yield Static(Group(Text("Profile browser keys\n", style="bold"), keys, note))

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)

