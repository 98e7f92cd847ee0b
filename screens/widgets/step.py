"""Light reusable widgets for the wizard: the step indicator, check rows and label/value summaries
(kept free of heavier imports: they are on the first frame. The filterable list lives in
:mod:`screens.widgets.filter_list`, the diff view in :mod:`screens.widgets.diff_view`).

Text that comes from AWS, files or exceptions is always shown with ``markup=False`` or as a
``rich.text.Text``/``Content`` object, never parsed as markup.
"""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.widgets import Static


def plural(n: int, noun: tuple[str, str]) -> str:
    return f"{n:,} {noun[0] if n == 1 else noun[1]}"


class StepIndicator(Static):
    """``● ● ● ○ ○ ○ ○ ○  Step 3 of 8 · Sign in`` (styled in assets/app.tcss)."""

    def __init__(self, number: int, total: int, title: str, **kwargs) -> None:
        self.number, self.total, self.step_title = number, total, title
        super().__init__(self._render_text(), markup=False, **kwargs)

    def _render_text(self) -> Text:
        text = Text()
        for i in range(1, self.total + 1):
            if i < self.number:
                text.append("● ", style="green")
            elif i == self.number:
                text.append("● ", style="bold")
            else:
                text.append("○ ", style="dim")
        text.append(f" Step {self.number} of {self.total} · ", style="")
        text.append(self.step_title, style="bold")
        return text




STATUS_MARKS = {"ok": ("✓", "green"), "warn": ("!", "yellow"), "fail": ("✗", "red"), "running": ("…", "dim")}


def check_row(status: str, title: str, message: str = "", fix: str = ""):
    """One check: a status mark, then the title, message and fix wrapped in their own column."""
    from rich.table import Table

    mark, style = STATUS_MARKS.get(status, ("?", ""))
    body = Text(overflow="fold")  # a long link is wrapped, never cut with "…"
    body.append(title, style="bold")
    if message:
        body.append("\n" + message)
    if fix:
        body.append("\n→ " + fix, style="italic")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(f" {mark}", style=f"bold {style}"), body)
    return grid


class KeyValue(Static):
    """A label: value line for summaries (value shown verbatim)."""

    def __init__(self, pairs: Sequence[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(self._text(pairs), markup=False, **kwargs)

    @staticmethod
    def _text(pairs: Sequence[tuple[str, str]]) -> Text:
        width = max((len(k) for k, _ in pairs), default=0)
        text = Text()
        for i, (key, value) in enumerate(pairs):
            if i:
                text.append("\n")
            text.append(f"{key:<{width}}  ", style="dim")
            text.append(value, style="bold")
        return text

    def set_pairs(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.update(self._text(pairs))
