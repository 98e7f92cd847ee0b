"""The TUI's one error policy (:func:`present_error`) and the error dialog it opens.
Text from outside is shown verbatim (never as markup)."""

from __future__ import annotations

import enum
import traceback
from pathlib import PurePath

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from app.errors import Cancelled, WizardError, redact
from app.paths import display_text
from app.untrusted import shown
from screens.dialogs.clipboard import SELECT_HINT, CopyCloseDialog


class ErrorModal(CopyCloseDialog):
    """An error to read and copy: title, message, optional details. ``c`` copies, Enter/Escape closes."""

    BINDINGS = [
        Binding("escape,enter", "close", "Close", id="error.close"),
        Binding("c", "copy", "Copy text", id="error.copy"),
    ]

    def __init__(self, title: str, message: str, *, details: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.details = details
        self.text = "\n\n".join([title, message, *([details] if details else [])])

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.message, markup=False, classes="error-message")
                if self.details:
                    yield Static(self.details, markup=False, classes="error-details")
            yield from self.buttons()

    def copied(self, problem: str | None) -> None:
        if problem is None:
            self.notify("Copied the error text to the clipboard.", markup=False)
        else:
            self.notify(f"The text could not be copied here ({problem}). {SELECT_HINT}", markup=False, timeout=10)



# -- the error policy ------------------------------------------------------------------------------


class ErrorKind(enum.Enum):
    """How :func:`present_error` shows an error."""

    CANCEL = "cancel"  # a quiet note
    NOTE = "note"  # a toast: a short known error
    DIALOG = "dialog"  # the copyable ErrorModal: a long known error (or one a caller wants read)
    BUG = "bug"  # the ErrorModal marked as a bug, with a traceback to copy


#: A known error longer than this (or on more than one line) is shown in the dialog, not a toast.
NOTE_LIMIT = 240
NOTE_TIMEOUT = 10
CANCEL_TIMEOUT = 4
BUG_NOTE = "This is a bug in aws-sso-wizard. Copy this text (c) and report it."


def error_kind(error: BaseException | str, *, dialog: bool = False) -> ErrorKind:
    """The kind of ``error``; ``dialog`` asks for the dialog for a known error however short it is.
    A plain string is a known error's message."""
    if isinstance(error, Cancelled):
        return ErrorKind.CANCEL
    if isinstance(error, (str, WizardError)):
        text = error if isinstance(error, str) else describe_error(error)
        if dialog or len(text) > NOTE_LIMIT or "\n" in text:
            return ErrorKind.DIALOG
        return ErrorKind.NOTE
    return ErrorKind.BUG


def present_error(target: App | Screen, error: BaseException | str, *, title: str | None = None,
                  dialog: bool = False) -> ErrorKind:
    """Show ``error`` the one way its kind is shown (see :class:`ErrorKind`) and return the kind.
    ``title`` heads the toast or the dialog. Text is shown verbatim, never a secret."""
    app = target if isinstance(target, App) else target.app
    kind = error_kind(error, dialog=dialog)
    if kind is ErrorKind.CANCEL:
        assert isinstance(error, Cancelled)
        target.notify(error.message or "Cancelled.", markup=False, timeout=CANCEL_TIMEOUT)
        return kind
    message = error if isinstance(error, str) else describe_error(error)
    if kind is ErrorKind.NOTE:
        target.notify(message, title=title or "", severity="error", markup=False, timeout=NOTE_TIMEOUT)
    elif kind is ErrorKind.DIALOG:
        app.push_screen(ErrorModal(title or "Something went wrong", message))
    else:
        assert isinstance(error, BaseException)
        details = f"{BUG_NOTE}\n\n{bug_traceback(error)}"
        app.push_screen(ErrorModal(title or "Unexpected error", message, details=details))
    return kind


def describe_error(error: BaseException) -> str:
    """What to show a person about ``error``: its message and hint, never a secret, home as ``~``,
    control characters escaped."""
    if isinstance(error, WizardError):
        return shown(display_text(str(error)), lines=True)
    return shown(display_text(f"{type(error).__name__}: {redact(str(error))}"), lines=True)


def bug_traceback(error: BaseException) -> str:
    """Where ``error`` was raised, to paste into a report: file (last two parts), line, function and
    source line of each frame, then the error; redacted, home as ``~``."""
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(error.__traceback__):
        where = "/".join(PurePath(frame.filename).parts[-2:])
        lines.append(f"  {where}:{frame.lineno} in {frame.name}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    lines.append(f"{type(error).__name__}: {error!s}")
    return shown(display_text(redact("\n".join(lines))), lines=True)
