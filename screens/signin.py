"""Step 3: sign in — PKCE in the browser by default, a device code when no browser is likely
(or chosen). Shows the URL (and the code, large), with keys to open the browser again, copy the
URL, switch method and cancel. Finishes by itself when the session already has a valid token.

The login runs in a thread worker with a :class:`~app.cancel.CancelToken` that Escape, switching
method, Ctrl+Q and unmounting all trigger, so no thread is left waiting on a browser.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import LoadingIndicator, Static

from app.cancel import CancelToken
from app.errors import Cancelled, WizardError
from assets import asset_path
from screens.base import StepScreen
from screens.dialogs.errors import describe_error
from screens.widgets.step import KeyValue

METHOD_NAMES = {"pkce": "browser sign-in", "device": "sign-in code"}


class SignInScreen(StepScreen):
    CSS_PATH = asset_path("signin.tcss")
    HEADLINE = "Sign in to your AWS access portal."

    BINDINGS = [
        Binding("o", "open_browser", "Open browser", id="signin.open-browser"),
        Binding("c", "copy_url", "Copy link", id="signin.copy-url"),
        Binding("m", "switch_method('device')", "Use a code", id="signin.use-device-code"),
        Binding("m", "switch_method('pkce')", "Use the browser", id="signin.use-browser"),
        Binding("enter", "retry", "Try again", id="signin.retry"),
        Binding("escape", "back", "Cancel / Back", id="wizard.back"),
    ]

    class Prompted(Message):
        def __init__(self, attempt: int, prompt) -> None:
            super().__init__()
            self.attempt = attempt
            self.prompt = prompt

    class Starting(Message):
        """The session cannot be used as it is: a sign-in with ``method`` starts."""

        def __init__(self, attempt: int, method: str) -> None:
            super().__init__()
            self.attempt = attempt
            self.method = method

    class Noticed(Message):
        def __init__(self, attempt: int, text: str) -> None:
            super().__init__()
            self.attempt = attempt
            self.text = text

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.auto_chosen = False
        self.method: str = "pkce"
        self.prompt = None
        self.failed: BaseException | None = None
        self.signing_in = False
        self._attempt = 0
        self._cancel: CancelToken | None = None

    def compose_body(self) -> ComposeResult:
        portal = self.state.portal
        pairs = []
        if portal is not None:
            pairs = [("Portal", portal.start_url), ("Region", portal.sso_region), ("Session", portal.session_name)]
        yield KeyValue(pairs, classes="hint")
        yield Static("Checking whether you are already signed in…", markup=False, classes="signin-status")
        yield Static("", markup=False, classes="code-label")
        yield Static("", markup=False, classes="user-code")
        yield Static("", markup=False, classes="signin-url")
        yield LoadingIndicator(classes="waiting")
        yield Static("", markup=False, classes="note expiry")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self._start(checking=True)

    # -- the sign-in -----------------------------------------------------------------------------

    def method_used(self) -> str:
        return self.method

    def _default_method(self) -> str:
        remembered = self.state.login_method or self.services.settings.last.login_method
        if self.services.demo is None and remembered in ("pkce", "device"):
            if remembered == "pkce" and not self.services.browser_likely():
                return "device"
            return remembered
        return "pkce" if self.services.browser_likely() else "device"

    def _start(self, method: str | None = None, *, checking: bool = False) -> None:
        """Sign in with ``method`` (the default one if None). ``checking``: first see whether the
        session is still usable; the screen says "starting" only once a sign-in really starts."""
        if self._finished:
            return
        method = method or self._default_method()
        self._attempt += 1
        attempt = self._attempt
        if self._cancel is not None:
            self._cancel.cancel()
        cancel = self._cancel = CancelToken()
        self.prompt = None
        self.failed = None
        self.signing_in = False
        target = self.state.target()
        open_browser = method == "pkce" and self.services.browser_likely()
        force = self.state.force_login
        if not checking:
            self._begin(method)

        def work():
            return self.services.login.ensure_signed_in(
                target,
                method=method,
                open_browser=open_browser,
                force=force,
                on_sign_in=lambda: self.post_message(self.Starting(attempt, method)),
                on_prompt=lambda prompt: self.post_message(self.Prompted(attempt, prompt)),
                on_notice=lambda text: self.post_message(self.Noticed(attempt, text)),
                cancel=cancel,
            )

        self.call_service(work, group="login", done=lambda result: self._signed_in(attempt, result, checking),
                          failed=lambda error: self._login_failed(attempt, error))
        self.refresh_bindings()

    def _begin(self, method: str) -> None:
        self.method = method
        self.signing_in = True
        self._show_waiting("Starting the " + METHOD_NAMES[method] + "…")

    def on_sign_in_screen_starting(self, message: Starting) -> None:
        if message.attempt == self._attempt and not self._finished and not self.signing_in:
            self._begin(message.method)
            self.refresh_bindings()

    def on_sign_in_screen_noticed(self, message: Noticed) -> None:
        if message.attempt == self._attempt and not self._finished and self.prompt is None:
            self._show_waiting(message.text)

    def on_sign_in_screen_prompted(self, message: Prompted) -> None:
        if message.attempt != self._attempt or self._finished:
            return
        prompt = self.prompt = message.prompt
        code_label = self.query_one(".code-label", Static)
        code = self.query_one(".user-code", Static)
        url = self.query_one(".signin-url", Static)
        if prompt.method == "device":
            if prompt.browser_opened:
                status = "Your browser opened the sign-in page. Check that it shows this code, then approve:"
            else:
                status = "On any device (phone or laptop), open the link below, sign in, and check that it shows this code:"
            code_label.update("Your code")
            code.update(Text(" ".join(prompt.user_code or ""), style="bold"))
            code_label.add_class("-visible")
            code.add_class("-visible")
            link = Text(prompt.url, style="underline")
            if prompt.verification_uri and prompt.verification_uri != prompt.url:
                link.append(f"\nTyping it on a phone? Go to {prompt.verification_uri} and enter the code.",
                            style="not underline dim")
            url.update(link)
        else:
            if prompt.browser_opened:
                status = "Your browser should now show the AWS sign-in page. Approve the request there; this screen moves on by itself."
            else:
                status = "Open this link in a browser on this computer and approve the request:"
            code_label.remove_class("-visible")
            code.remove_class("-visible")
            url.update(Text(prompt.url, style="underline"))
        if self.services.demo is not None and prompt.method == "device":
            status += "\n(Demo: the pretend portal approves the code by itself in a few seconds.)"
        elif self.services.demo is not None:
            status += "\n(Demo: click Allow on the pretend portal's page, or press m to use a code instead.)"
        self.query_one(".signin-status", Static).update(status)
        self._tick()
        self.refresh_bindings()

    def _signed_in(self, attempt: int, result, checking: bool) -> None:
        if attempt != self._attempt:
            return
        self.signing_in = False
        if checking and result.already:
            self.auto_chosen = True
            left = _minutes_left(result.status.expires_at)
            self.notify(f"You are already signed in{left}.", markup=False)
        else:
            self.notify("Signed in.", markup=False)
        self.finish(self.method_used())

    def _login_failed(self, attempt: int, error: BaseException) -> None:
        if attempt != self._attempt:
            return
        self.signing_in = False
        if isinstance(error, Cancelled):
            return
        self.failed = error
        self.query_one(".waiting", LoadingIndicator).display = False
        self.query_one(".code-label", Static).remove_class("-visible")
        self.query_one(".user-code", Static).remove_class("-visible")
        self.query_one(".signin-url", Static).update("")
        self.query_one(".expiry", Static).update("")
        message = describe_error(error)
        self.query_one(".signin-status", Static).update(
            Text.assemble(("Sign-in did not finish. ", "bold red"), message,
                          "\n\nPress Enter to try again, m to use ",
                          "a sign-in code" if self.method == "pkce" else "the browser",
                          " instead, or Escape to go back.")
        )
        if not isinstance(error, WizardError):
            self.present_error(error)
        self.refresh_bindings()

    def _show_waiting(self, text: str) -> None:
        self.query_one(".signin-status", Static).update(text)
        self.query_one(".waiting", LoadingIndicator).display = True
        self.query_one(".signin-url", Static).update("")
        self.query_one(".code-label", Static).remove_class("-visible")
        self.query_one(".user-code", Static).remove_class("-visible")
        self.query_one(".expiry", Static).update("")

    def _tick(self) -> None:
        prompt = self.prompt
        if prompt is None or not self.signing_in:
            return
        left = (prompt.expires_at - datetime.now(timezone.utc)).total_seconds()
        if left <= 0:
            return
        what = "This code" if prompt.method == "device" else "This sign-in request"
        if left > 90:
            when = f"in about {round(left / 60)} minutes"
        else:
            when = f"in {int(left)} seconds"
        self.query_one(".expiry", Static).update(f"{what} expires {when}. Waiting for your approval…")

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_browser":
            return self.prompt is not None and self.signing_in and self.services.browser_likely()
        if action == "copy_url":
            return self.prompt is not None and self.signing_in
        if action == "retry":
            return self.failed is not None
        if action == "switch_method":
            # Two bindings share the key; only the one naming the other method is active.
            wanted = parameters[0] if parameters else None
            return (self.signing_in or self.failed is not None) and wanted != self.method
        return super().check_action(action, parameters)

    def action_open_browser(self) -> None:
        prompt = self.prompt
        if prompt is None:
            return
        url = prompt.url

        def work() -> bool:
            return self.services.open_browser(url)

        def done(opened: bool) -> None:
            if opened:
                self.notify("Opened the sign-in page in your browser.", markup=False)
            else:
                self.notify("No browser could be opened here. Copy the link (c) and open it on another device.",
                            severity="warning", markup=False)

        self.call_service(work, group="open-browser", done=done)

    def action_copy_url(self) -> None:
        if self.prompt is None:
            return
        self.app.copy_to_clipboard(self.prompt.url)
        self.notify("Copied the sign-in link. (If pasting does not work, select the link with the mouse.)",
                    markup=False)

    def action_switch_method(self, other: str | None = None) -> None:
        if self._finished:
            return
        other = other or ("device" if self.method == "pkce" else "pkce")
        if other == self.method:
            return
        if other == "pkce" and not self.services.browser_likely():
            self.notify("No browser is likely here, so the link will be shown for you to open.", markup=False)
        self._start(other)

    def action_retry(self) -> None:
        if self.failed is None:
            return
        self._start(self.method)

    def on_leave(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()


def _minutes_left(expires_at) -> str:
    if expires_at is None:
        return ""
    left = (expires_at - datetime.now(timezone.utc)).total_seconds()
    if left <= 0:
        return ""
    hours, rest = divmod(int(left) // 60, 60)
    return f" (for another {hours} h {rest} min)" if hours else f" (for another {rest} min)"
