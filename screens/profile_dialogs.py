"""Dialogs of the profile browser: the sign-in prompt and the key help. (Errors, questions and
config diffs use the shared ``screens.dialogs`` ErrorModal and ConfirmDialog.)

Text that comes from AWS, files or exceptions is shown as plain text (Rich ``Text`` or
``markup=False``), never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class LoginDialog(ModalScreen[None]):
    """Shows how to finish signing in while a worker waits for it; Escape cancels.

    The browser screen closes it with :meth:`finish` when the sign-in ends (either way).
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="login_dialog.cancel"),
        Binding("c", "copy", "Copy link", id="login_dialog.copy"),
        Binding("o", "open", "Open browser", id="login_dialog.open"),
    ]

    def __init__(self, label: str, *, on_cancel, on_open=None) -> None:
        super().__init__(classes="dialog-screen")
        self._label = label
        self._on_cancel = on_cancel
        self._on_open = on_open
        self._url: str | None = None
        self._finished = False
        self._early: list = []  # (show, value) that arrived before on_mount
        self._ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box", classes="dialog login-dialog"):
            yield Label(Text(f"Signing in to {self._label}"), id="login-title", classes="dialog-title")
            yield Static(Text("Starting sign-in…"), id="login-how")
            yield Static(Text(""), id="login-code")
            yield Static(Text(""), id="login-url")
            yield Static(Text("Waiting for you to approve… Escape cancels.", style="italic"), id="login-wait")
            with Horizontal(id="login-buttons", classes="dialog-buttons"):
                yield Button("Copy link (c)", id="login-copy")
                yield Button("Open browser (o)", id="login-open")
                yield Button("Cancel (Esc)", id="login-cancel", variant="error")

    def on_mount(self) -> None:
        self._ready = True
        early, self._early = self._early, []
        for show, value in early:  # what arrived before the dialog was on screen
            show(value)

    def show_prompt(self, prompt) -> None:
        """Display a :class:`app.login.LoginPrompt` (called on the UI thread)."""
        if not self._ready:
            self._early.append((self.show_prompt, prompt))
            return
        self._url = prompt.url
        how = self.query_one("#login-how", Static)
        code = self.query_one("#login-code", Static)
        url = self.query_one("#login-url", Static)
        if prompt.method == "device":
            opened = " Your browser has been opened there." if prompt.browser_opened else ""
            how.update(Text(f"Open the address below on any device and enter this code.{opened}"))
            code.update(Text(prompt.user_code or "", style="bold reverse"))
            code.display = True
            url.update(Text(prompt.verification_uri or prompt.url))
        else:
            if prompt.browser_opened:
                how.update(Text("Your browser has opened to sign in. If it did not, open this address:"))
            else:
                how.update(Text("Open this address in a browser on this computer to sign in:"))
            code.display = False
            url.update(Text(prompt.url))

    def show_notice(self, text: str) -> None:
        """A word on what the sign-in waits for (another window signing in to the same portal)."""
        if not self._ready:
            self._early.append((self.show_notice, text))
            return
        self.query_one("#login-how", Static).update(Text(text))

    def action_copy(self) -> None:
        if self._url:
            self.app.copy_to_clipboard(self._url)
            self.notify("Sign-in link copied.", markup=False)

    def action_open(self) -> None:
        if self._url and self._on_open is not None:
            self._on_open(self._url)

    def action_cancel(self) -> None:
        if not self._finished:
            self._on_cancel()
            self.query_one("#login-wait", Static).update(Text("Cancelling…", style="italic"))

    @on(Button.Pressed, "#login-copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#login-open")
    def _open_pressed(self) -> None:
        self.action_open()

    @on(Button.Pressed, "#login-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def finish(self) -> None:
        """Close the dialog once; if another dialog covers it, close it when it is back on top."""
        self._finished = True
        if self.is_current:
            self.dismiss(None)

    def on_screen_resume(self) -> None:
        if self._finished and self.is_current:
            self.dismiss(None)


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

