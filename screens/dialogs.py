"""Modal dialogs: an error that can be read and copied, a yes/no question (optionally showing a
diff), and the help screen. All text from outside is shown verbatim (never as markup)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from screens.base import ASSETS
from screens.diff_view import DiffView


class _GuardedModal(ModalScreen):
    """A modal whose result is delivered once, however fast keys arrive."""

    CSS_PATH = ASSETS / "dialogs.tcss"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._result_sent = False

    def close(self, value=None) -> None:
        if self._result_sent or not self.is_active:
            return
        self._result_sent = True
        self.dismiss(value)


class ErrorModal(_GuardedModal):
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


class ConfirmDialog(_GuardedModal):
    """A yes/no question. ``y``/Enter on the yes button → True; ``n``/Escape → False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, title: str, question: str, *, yes: str = "Yes", no: str = "No",
                 diff: str | None = None, yes_variant: str = "primary") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.question = question
        self.yes_label = yes
        self.no_label = no
        self.diff = diff
        self.yes_variant = yes_variant

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog" + (" with-diff" if self.diff else "")):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            yield Static(self.question, markup=False, classes="dialog-question")
            if self.diff:
                yield DiffView(self.diff, classes="dialog-diff")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant=self.yes_variant)  # type: ignore[arg-type]
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.close(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.close(value)


def help_text() -> str:
    path = Path(__file__).resolve().parent.parent / "assets" / "help.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return "# aws-sso-wizard\n\nHelp text is missing from this installation."


class HelpScreen(_GuardedModal):
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
