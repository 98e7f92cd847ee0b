"""The profile browser's sign-in dialog: how to finish signing in while a worker waits for it.

Text that comes from AWS, files or exceptions is shown as plain text (Rich ``Text`` or
``markup=False``), never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class LoginDialog(ModalScreen[None]):
    """Shows how to finish signing in while a worker waits for it; Escape cancels.

    The browser screen closes it with :meth:`finish` when the sign-in ends (either way).
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="login.cancel"),
        Binding("c", "copy", "Copy link", id="login.copy"),
        Binding("o", "open", "Open browser", id="login.open"),
    ]

    def __init__(self, label: str, *, on_cancel, on_open=None, browser: bool = True) -> None:
        """``browser``: a browser can be opened here (else "Open browser" is not offered)."""
        super().__init__(classes="dialog-screen")
        self._label = label
        self._on_cancel = on_cancel
        self._on_open = on_open if browser else None
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
                if self._on_open is not None:
                    yield Button("Open browser (o)", id="login-open")
                yield Button("Cancel (Esc)", id="login-cancel", variant="error")

    def on_mount(self) -> None:
        self._ready = True
        early, self._early = self._early, []
        for show, value in early:  # what arrived before the dialog was on screen
            show(value)

    def show_prompt(self, prompt) -> None:
        """Display a :class:`app.signin.login.LoginPrompt` (called on the UI thread)."""
        if not self._ready:
            self._early.append((self.show_prompt, prompt))
            return
        self._url = prompt.url
        how = self.query_one("#login-how", Static)
        code = self.query_one("#login-code", Static)
        url = self.query_one("#login-url", Static)
        if prompt.method == "device":
            opened = " Your browser has been opened there." if prompt.browser_opened else ""
            how.update(Text(f"Open this link on any device: the code is filled in (if asked, enter this "
                            f"code).{opened}"))
            code.update(Text(prompt.user_code or "", style="bold reverse"))
            code.display = True
            link = Text(prompt.url, style="underline")  # the verification link with the code in it
            if prompt.verification_uri and prompt.verification_uri != prompt.url:
                link.append(f"\nTyping it on a phone? Go to {prompt.verification_uri} and enter the code.",
                            style="not underline")
            url.update(link)
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

    @property
    def shown_url(self) -> str | None:
        """The link the dialog shows (None until the sign-in has one)."""
        return self._url

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self._on_open is not None  # no browser here: not offered at all
        return True

    def action_copy(self) -> None:
        if self._url:
            from screens.dialogs.clipboard import copy_text

            copy_text(self, self._url, what="The sign-in link")

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


