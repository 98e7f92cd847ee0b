"""Copying text for the person: say "Copied" only where a copy can reach the clipboard
(:func:`app.clipboard.clipboard_problem`); otherwise show the text to copy in a dialog that stays."""

from __future__ import annotations

from functools import lru_cache

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from screens.dialogs.modal import GuardedModal

#: How to copy by hand from a terminal app that uses the mouse.
SELECT_HINT = "Select it with the mouse (hold Shift while dragging in most terminals) and copy it."


@lru_cache(maxsize=1)
def copy_problem() -> str | None:
    """Why a copy may not reach the clipboard here (asked once per run); None when it should."""
    from app.clipboard import clipboard_problem

    return clipboard_problem()


class CopyCloseDialog(GuardedModal):
    """A dialog whose :attr:`text` can be copied: ``Copy (c)`` and ``Close (Enter)`` buttons
    (:meth:`buttons`, yielded last by a subclass's ``compose``), Close focused. ``c`` copies, and
    :meth:`copied` says how it went."""

    text: str

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="dialog-buttons"):
            yield Button("Copy (c)", id="copy")
            yield Button("Close (Enter)", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.close()

    def action_close(self) -> None:
        self.close()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.copied(copy_problem())

    def copied(self, problem: str | None) -> None:
        """Tell the person how the copy went (``problem``: why it may not have reached the clipboard)."""


class CopyDialog(CopyCloseDialog):
    """Text to copy, shown until closed: ``c`` copies (again), Enter/Escape closes."""

    BINDINGS = [
        Binding("escape,enter", "close", "Close", id="copy.close"),
        Binding("c", "copy", "Copy", id="copy.copy"),
    ]

    def __init__(self, title: str, text: str, note: str, *, lead: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.lead = lead
        self.text = text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog copy-dialog"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            if self.lead:
                yield Static(self.lead, markup=False, classes="dialog-question")
            yield Static(self.text, markup=False, id="copy-text", classes="copy-text")
            yield Static(self.note, markup=False, id="copy-note", classes="dialog-question")
            yield from self.buttons()

    def copied(self, problem: str | None) -> None:
        if problem is None:  # otherwise the note already says why, and how to copy by hand
            self.notify("Copied to the clipboard.", markup=False)


def copy_text(target: App | Screen, text: str, *, what: str, why: str | None = None, stay: bool = False) -> bool:
    """Copy ``text`` (``what`` names it: "The console link") and tell the person how it went:
    a note when it reached the clipboard, else the text in a :class:`CopyDialog`. ``why`` heads the
    dialog's note (e.g. no browser here); ``stay`` shows the dialog even when the copy worked.
    Returns whether the copy should have reached the clipboard."""
    app = target if isinstance(target, App) else target.app
    app.copy_to_clipboard(text)
    problem = copy_problem()
    if problem is None and not stay:
        target.notify(f"Copied to the clipboard:\n{text}", markup=False, timeout=8)
        return True
    if problem is None:
        note = f"{what} was copied to the clipboard."
    else:
        note = f"{what} could not be copied here ({problem}). {SELECT_HINT}"
    app.push_screen(CopyDialog(what, text, note, lead=why or ""))
    return problem is None
