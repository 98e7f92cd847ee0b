"""An error to read and copy. Text from outside is shown verbatim (never as markup)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from screens.dialogs.modal import GuardedModal


class ErrorModal(GuardedModal):
    """An error to read and copy: title, message, optional details. ``c`` copies, Enter/Escape closes."""

    BINDINGS = [
        Binding("escape,enter", "close", "Close", id="close"),
        Binding("c", "copy", "Copy text", id="copy-error"),
    ]

    def __init__(self, title: str, message: str, *, details: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.details = details

    @property
    def text(self) -> str:
        parts = [self.title_text, self.message]
        if self.details:
            parts.append(self.details)
        return "\n\n".join(parts)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.message, markup=False, classes="error-message")
                if self.details:
                    yield Static(self.details, markup=False, classes="error-details")
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
        self.notify("Copied the error text to the clipboard.", markup=False)

