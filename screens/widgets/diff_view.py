"""A unified diff of the AWS config file, coloured by line kind (never parsed as markup)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from app.paths import display_path


class DiffView(VerticalScroll):
    """A unified diff, coloured by line kind (never parsed as markup)."""

    DEFAULT_CSS = """
    DiffView { height: 1fr; border: round $panel; padding: 0 1; }
    DiffView > Static { width: auto; }
    """

    def __init__(self, diff: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._diff = diff

    def compose(self) -> ComposeResult:
        yield Static(diff_text(self._diff), markup=False, classes="diff-body")

    def set_diff(self, diff: str) -> None:
        self._diff = diff
        self.query_one(".diff-body", Static).update(diff_text(diff))


def diff_text(diff: str) -> Text:
    """The diff with its file headers shortened (``~/.aws/config (now)`` / ``(after)``) and secret
    values (static keys nearby) masked."""
    from app.secret_values import mask_diff

    text = Text()
    for line in mask_diff(diff).splitlines():
        if line.startswith("--- "):
            old = line[4:].split(chr(9))[0].strip()
            line = "--- (no file yet)" if old == "/dev/null" else f"--- {display_path(old)} (now)"
        elif line.startswith("+++ "):
            line = f"+++ {display_path(line[4:].split(chr(9))[0].strip())} (after the change)"
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        text.append(line + "\n", style=style)
    text.rstrip()
    return text
