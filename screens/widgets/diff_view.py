"""A change to the AWS config file: added / changed / removed lines in colour under a one-line
summary, the raw unified diff one key away (``d``), and a hint when there is more to scroll to.
Text is never parsed as markup; secret values are masked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from app.paths import display_path

MARKS = {
    "added": ("+ ", "green"),
    "removed": ("- ", "red"),
    "changed": ("~ ", "yellow"),
    "context": ("  ", "dim"),
    "gap": ("  ", "dim"),
}


class DiffView(VerticalScroll):
    """A config change. Its summary (``adds 1 profile and 1 sign-in portal``) is its title."""

    DEFAULT_CSS = """
    DiffView { height: 1fr; border: round $panel; padding: 0 1; }
    DiffView:focus { border: round $accent; }
    DiffView > Static { width: auto; }
    """

    BINDINGS = [
        Binding("d", "toggle_raw", "Raw diff", id="diff.raw"),
    ]

    def __init__(self, diff: str = "", *, summary: str | None = None, **kwargs) -> None:
        """``summary`` None: read it from the diff (:func:`app.config.diff.describe_diff`)."""
        super().__init__(**kwargs)
        self._diff = diff
        self._summary = _summary(diff, summary)
        self.raw = False

    @property
    def summary(self) -> str:
        """The change in words (``adds 1 profile and 1 sign-in portal``), shown as the title."""
        return self._summary

    @property
    def shown_text(self) -> str:
        """What the view shows now (the changed lines, or the raw diff after ``d``)."""
        return self._body().plain

    def compose(self) -> ComposeResult:
        yield Static(self._body(), markup=False, classes="diff-body")

    def on_mount(self) -> None:
        self._update_titles()

    def set_diff(self, diff: str, *, summary: str | None = None) -> None:
        self._diff = diff
        self._summary = _summary(diff, summary)
        self._refresh_body()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_raw":
            return bool(self._diff)  # not offered while there is no change to show
        return True

    def action_toggle_raw(self) -> None:
        self.raw = not self.raw
        self._refresh_body()

    def _refresh_body(self) -> None:
        self.query_one(".diff-body", Static).update(self._body())
        self.refresh_bindings()
        self._update_titles()
        self.call_after_refresh(self._update_titles)

    def _body(self) -> Text:
        return diff_text(self._diff) if self.raw else change_text(self._diff)

    # -- the frame: summary above, keys and "more below" under -------------------------------

    def _update_titles(self) -> None:
        self.border_title = Text(f"This change {self._summary}", style="bold") if self._summary else None
        if not self._diff:
            self.border_subtitle = None
            return
        parts = ["d: changed lines" if self.raw else "d: raw diff"]
        below = self.max_scroll_y - round(self.scroll_y)
        if below > 0:
            parts.append(f"↓ {below} more line{'s' if below != 1 else ''} (PgDn)")
        self.border_subtitle = "  ·  ".join(parts)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._update_titles()

    def on_resize(self) -> None:
        self.call_after_refresh(self._update_titles)


def _summary(diff: str, summary: str | None) -> str:
    if summary is not None or not diff.strip():
        return summary or ""
    from app.config.diff import describe_diff

    return describe_diff(diff)


def change_text(diff: str) -> Text:
    """The diff as added (+), changed (~, with the old value) and removed (-) lines, with the
    unchanged lines around them dimmed."""
    from app.config.diff import change_lines
    from app.secret_values import mask_diff

    text = Text()
    for line in change_lines(mask_diff(diff)):
        mark, style = MARKS[line.kind]
        bold = " bold" if line.text.lstrip().startswith("[") and line.kind != "context" else ""
        text.append(mark + line.text, style=style + bold)
        if line.kind == "changed":
            text.append(f"   (was {line.was})", style="dim")
        text.append("\n")
    text.rstrip()
    return text


def diff_text(diff: str) -> Text:
    """The unified diff with its file headers shortened (``~/.aws/config (now)`` / ``(after)``) and
    secret values (static keys nearby) masked."""
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
