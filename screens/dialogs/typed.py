"""A confirmation answered by typing a word (the profile's name) rather than a key: for a write
that could change an account the organisation marks critical.

It is armed (:mod:`screens.dialogs.arming`): the field takes keys only once the question has been
on screen a moment, so nothing typed ahead can answer it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.dialogs.arming import ARMING_HINT, ArmedKeys
from screens.dialogs.modal import GuardedModal


class TypedConfirmDialog(ArmedKeys, GuardedModal):
    """``question``, then a field: typing ``word`` exactly and Enter → True; Escape → False."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="typed-confirm.cancel")]

    def __init__(self, title: str, question: str, word: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.question = question
        self.word = word

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            yield Static(self.question, markup=False, classes="dialog-question")
            yield Static(ARMING_HINT, markup=False, id="typed-arming", classes="dialog-arming")
            yield Input(placeholder=f"type {self.word}", id="typed-word", disabled=True)
            yield Static("Enter writes once it matches; Escape goes back without writing.", markup=False,
                         id="typed-note", classes="dialog-question")

    def on_mount(self) -> None:
        self.arm_keys()

    def guards_key(self, event) -> bool:
        return event.key != "escape"

    def on_keys_armed(self) -> None:
        self.query_one("#typed-arming").display = False
        field = self.query_one("#typed-word", Input)
        field.disabled = False
        field.focus()

    @on(Input.Submitted, "#typed-word")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == self.word:
            self.close(True)
        else:
            self.query_one("#typed-note", Static).update(
                f"That is not {self.word}. Type it exactly, or press Escape to go back.")

    def action_cancel(self) -> None:
        self.close(False)
