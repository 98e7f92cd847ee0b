"""A yes/no question, optionally showing the diff of the change it confirms.

It is armed (:mod:`screens.dialogs.arming`): keys read before it was on screen and readable are
dropped, and its buttons stay disabled, with a hint, until then.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from screens.dialogs.arming import ARMING_HINT, ArmedKeys
from screens.dialogs.modal import GuardedModal
from screens.widgets.diff_view import DiffView


class ConfirmDialog(ArmedKeys, GuardedModal):
    """A yes/no question. ``y``/Enter on the yes button → True; ``n``/Escape → False.
    ``yes`` names the action (``Delete``, ``Sign out``): the button reads ``Delete (y)``."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", show=False),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", show=False),
        Binding("left", "app.focus_previous", id="confirm.previous", show=False),
        Binding("right", "app.focus_next", id="confirm.next", show=False),
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
            yield Static(ARMING_HINT, markup=False, id="confirm-arming", classes="dialog-arming")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant=self.yes_variant,  # type: ignore[arg-type]
                             disabled=True)
                yield Button(f"{self.no_label} (n)", id="no", disabled=True)

    def on_mount(self) -> None:
        self.arm_keys()

    def on_keys_armed(self) -> None:
        self.query_one("#confirm-arming").display = False
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.close(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        if self.keys_armed:
            self.close(value)
