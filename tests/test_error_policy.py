"""The TUI's one error policy: a cancel is a quiet note, a short known error a toast, a long one the
copyable dialog, anything unexpected the dialog marked as a bug (with a traceback, never a secret)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from app.errors import Cancelled, WizardError
from app.signin.errors import SessionExpired
from helpers.pilot import wait_for
from screens.dialogs.errors import ErrorKind, ErrorModal, error_kind, present_error

SIZE = (100, 30)
TOKEN = "aoaAAAAAGbVQxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"


class PolicyApp(App):
    def compose(self) -> ComposeResult:
        yield Static("errors land here")


async def _dialog(pilot) -> ErrorModal:
    """The error dialog, once it is on screen."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ErrorModal), what="the error dialog")
    await pilot.pause()
    return pilot.app.screen


def _raised(message: str) -> RuntimeError:
    """A RuntimeError with a traceback, as a worker would hand it over."""
    try:
        raise RuntimeError(message)
    except RuntimeError as caught:
        return caught


async def test_a_cancel_is_a_quiet_note():
    app = PolicyApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert present_error(app.screen, Cancelled("Sign-in cancelled.")) is ErrorKind.CANCEL
        await pilot.pause()
        assert [(n.message, n.severity) for n in app._notifications] == [("Sign-in cancelled.", "information")]
        assert not isinstance(app.screen, ErrorModal)


async def test_a_short_known_error_is_a_toast():
    app = PolicyApp()
    error = SessionExpired("Your sign-in has expired.", hint="Sign in again.")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert present_error(app, error, title="Problem") is ErrorKind.NOTE
        assert present_error(app.screen, "The portal has no start URL [bold].") is ErrorKind.NOTE
        await pilot.pause()
        notes = [(n.title, n.message, n.severity, n.markup) for n in app._notifications]
        assert notes == [("Problem", "Your sign-in has expired. Sign in again.", "error", False),
                         ("", "The portal has no start URL [bold].", "error", False)]
        assert not isinstance(app.screen, ErrorModal)


async def test_a_long_known_error_is_the_copyable_dialog():
    app = PolicyApp()
    long_error = WizardError("The config file could not be read: " + "a very long reason, " * 15)
    two_lines = WizardError("Line 3 is broken:\n  this line is broken")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert present_error(app.screen, long_error, title="Cannot read the AWS config file") is ErrorKind.DIALOG
        modal = await _dialog(pilot)
        assert modal.title_text == "Cannot read the AWS config file"
        assert modal.message == str(long_error) and modal.details is None
        assert not app._notifications
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == modal.text
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ErrorModal), what="the dialog closed")
        assert present_error(app.screen, two_lines) is ErrorKind.DIALOG
        assert (await _dialog(pilot)).title_text == "Something went wrong"


async def test_a_caller_can_ask_for_the_dialog_for_a_short_known_error():
    assert error_kind(WizardError("Permission denied."), dialog=True) is ErrorKind.DIALOG
    assert error_kind(WizardError("Permission denied.")) is ErrorKind.NOTE
    assert error_kind(Cancelled(), dialog=True) is ErrorKind.CANCEL
    assert error_kind(RuntimeError("boom")) is ErrorKind.BUG


async def test_an_unexpected_error_is_the_dialog_marked_as_a_bug_without_secrets():
    app = PolicyApp()
    error = _raised(f"the token {TOKEN} did not parse")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert present_error(app.screen, error) is ErrorKind.BUG
        modal = await _dialog(pilot)
        assert modal.title_text == "Unexpected error"
        assert modal.message == "RuntimeError: the token [redacted] did not parse"
        assert "This is a bug in aws-sso-wizard" in modal.details
        assert "Traceback (most recent call last):" in modal.details
        assert "test_error_policy.py" in modal.details and "in _raised" in modal.details
        assert TOKEN not in modal.text and "[redacted]" in modal.details
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == modal.text and TOKEN not in app.clipboard
