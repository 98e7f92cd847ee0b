"""The profile browser's details pane: one profile's :class:`app.profiles.browser.Details`,
each ``label: value`` on one line when it fits, else wrapped under its label. Text from the
config is shown escaped (:func:`app.untrusted.shown`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from app.profiles.browser import Details, Field
from app.untrusted import shown

DEFAULT_WIDTH = 38 - 3  # the pane's width beside the table (assets/profiles.tcss) less border and padding


class DetailsPane(VerticalScroll):
    """Shows the details of the highlighted profile (or nothing), wrapped to its width: when
    that changes (beside the table or instead of it, a resized terminal) it wraps them again."""

    _details: Details | None = None
    _wrapped_at: int = 0

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id=f"{self.id}-text" if self.id else None, classes="details-text")

    def text_width(self) -> int:
        """Cells per line (what the pane has now, or what it will have beside the table)."""
        width = self.scrollable_content_region.width
        return width if width > 0 else DEFAULT_WIDTH

    def show(self, details: Details | None) -> None:
        self._details = details
        self._wrapped_at = self.text_width()
        self.query_one(".details-text", Static).update(render_details(details, self._wrapped_at))

    def on_resize(self) -> None:
        if self._details is not None and self.text_width() != self._wrapped_at:
            self.show(self._details)


def render_details(details: Details | None, width: int) -> Text:
    text = Text()
    if details is None:
        return text
    text.append(f"{shown(details.title)}\n", style="bold")
    text.append(f"{details.kind}\n\n", style="italic")
    for fact in details.facts:
        _field(text, fact, width)
    for section in details.sections:
        text.append(f"\n{shown(section.title)}\n", style="bold underline")
        for item in section.fields:
            _field(text, item, width)
    return text


def _field(text: Text, item: Field, width: int) -> None:
    """``label: value`` on one line when it fits in ``width`` cells; else the label on its own line
    and the value under it, indented, broken after a space, slash or comma where it can be."""
    style = "bold red" if item.problem else "bold"
    item = Field(shown(item.label), shown(item.value), item.separator, item.problem)
    if len(item.label) + len(item.separator) + len(item.value) <= width:
        text.append(item.label, style=style)
        text.append(f"{item.separator}{item.value}\n")
        return
    text.append(item.label + item.separator.rstrip() + "\n", style=style)
    for line in wrap(item.value, max(width - 2, 8)):
        text.append(f"  {line}\n")


def wrap(value: str, width: int) -> list[str]:
    """Lines of at most ``width``: broken after the last space, slash or comma that leaves at least
    half a line (``~/.aws/sso/cache/`` + the file name), else folded (not ``https://`` + the rest)."""
    lines = []
    rest = value
    while len(rest) > width:
        cut = max(rest.rfind(mark, 0, width) for mark in " /,")
        cut = cut + 1 if cut >= width // 2 else width  # keep the slash or comma on the first line
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip(" ")
    lines.append(rest)
    return lines
