"""The base of every dialog: a modal whose answer is delivered once, however fast keys arrive."""

from __future__ import annotations

from textual.screen import ModalScreen

from assets import asset_path


class GuardedModal(ModalScreen):
    """A modal whose result is delivered once, however fast keys arrive."""

    CSS_PATH = asset_path("dialogs.tcss")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._result_sent = False

    def close(self, value=None) -> None:
        if self._result_sent or not self.is_active:
            return
        self._result_sent = True
        self.dismiss(value)

