"""A row table that stays fast with many thousands of rows.

Textual's DataTable measures every cell of every row it is given (about 0.8 s for 5,000
rows of six columns), so rebuilding it on each filter keystroke is too slow. This widget uses
the Line API instead: it keeps a plain list of rows and renders only the lines on screen, so
replacing the rows (filtering, sorting) costs a list assignment and a repaint.

Cells are plain strings, never parsed as markup. A row may give a component class per cell
(for example a status colour). The header stays on top; clicking it asks for sorting.

Columns are sized to their content (:meth:`FastTable.fit_columns`, up to each column's maximum).
When the table is narrower than that, columns give up width in the order of their ``shrink``
priority (highest first; the widest first among equals) down to their minimum; columns with
``shrink=0`` are never cut. Only then does the table scroll sideways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    min_width: int = 4
    max_width: int = 40
    shrink: int = 1  # when the table is too narrow, higher numbers are cut (with an ellipsis) first; 0: never


@dataclass(slots=True)
class Row:
    """One table row (treat as read-only)."""

    key: str
    cells: tuple[str, ...]
    # column index -> component class name (e.g. "fast-table--good") for that cell's colour
    cell_classes: dict[int, str] = field(default_factory=dict)


def _fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if text.isascii():
        length = len(text)
        if length <= width:
            return text + " " * (width - length)
        return text[: max(width - 1, 0)] + "…" if width > 0 else ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, max(width - 1, 0)) + "…" if width > 0 else ""


def _width_of(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


class FastTable(ScrollView, can_focus=True):
    """A read-only table with a row cursor, rendered line by line."""

    DEFAULT_CSS = """
    FastTable {
        background: $surface;
        scrollbar-gutter: stable;
    }
    FastTable > .fast-table--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    FastTable > .fast-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    FastTable:focus > .fast-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    FastTable > .fast-table--good { color: $success; }
    FastTable > .fast-table--warn { color: $warning; }
    FastTable > .fast-table--bad { color: $error; }
    FastTable > .fast-table--muted { color: $text-muted; }
    """

    COMPONENT_CLASSES = {
        "fast-table--header",
        "fast-table--cursor",
        "fast-table--good",
        "fast-table--warn",
        "fast-table--bad",
        "fast-table--muted",
    }

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another row (``key`` None when the table is empty)."""

        def __init__(self, table: "FastTable", key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> "FastTable":
            return self.table

    class Selected(Message):
        """Enter (or a click on the highlighted row) on a row."""

        def __init__(self, table: "FastTable", key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> "FastTable":
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: "FastTable", column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> "FastTable":
            return self.table

    def __init__(self, columns: Sequence[Column], *, name=None, id=None, classes=None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: tuple[Column, ...] = tuple(columns)
        # the widths the content asks for, and those shown (smaller when the table is narrow)
        self.natural_widths: list[int] = [max(c.min_width, _width_of(c.label) + 2) for c in self.columns]
        self.widths: list[int] = list(self.natural_widths)
        self.rows: list[Row] = []
        self._index: dict[str, int] = {}
        self.cursor = 0
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._strip_cache: dict[int, Strip] = {}
        self._header_cache: Strip | None = None
        self._style_cache: dict[str, Style] = {}
        self._last_highlight: object = object()

    # -- data ---------------------------------------------------------------------------------

    def fit_columns(self, rows: Sequence[Row]) -> None:
        """Size the columns to fit ``rows`` (pass the full, unfiltered list so columns do not
        jump while filtering)."""
        widths = []
        for i, column in enumerate(self.columns):
            texts = [row.cells[i] for row in rows if i < len(row.cells)]
            widest = max(map(len, texts), default=0)
            if not all(map(str.isascii, texts)):  # wide characters: measure those properly
                widest = max(widest, max((cell_len(t) for t in texts if not t.isascii()), default=0))
            widths.append(min(max(column.min_width, _width_of(column.label) + 2, widest), column.max_width))
        self.natural_widths = widths
        self._fit_to_width()

    def set_widths(self, widths: Sequence[int]) -> None:
        """Use known column widths (e.g. kept from an earlier run) instead of measuring rows."""
        if len(widths) == len(self.columns):
            self.natural_widths = [min(max(int(w), c.min_width), c.max_width) for w, c in zip(widths, self.columns)]
            self._fit_to_width()

    @property
    def natural_width(self) -> int:
        """Cells the table needs to show every column in full (with its vertical scrollbar)."""
        return sum(w + 1 for w in self.natural_widths) + self.styles.scrollbar_size_vertical

    def _fit_to_width(self) -> None:
        """Shown widths for the space the table has now: the natural ones, or narrowed by
        ``shrink`` priority (never below a column's minimum)."""
        widths = list(self.natural_widths)
        available = self.scrollable_content_region.width if self.is_mounted else 0
        excess = sum(w + 1 for w in widths) - available
        if available > 0 and excess > 0:
            for priority in sorted({c.shrink for c in self.columns if c.shrink > 0}, reverse=True):
                group = [i for i, c in enumerate(self.columns) if c.shrink == priority]
                while excess > 0:
                    room = [i for i in group if widths[i] > self.columns[i].min_width]
                    if not room:
                        break
                    widest = max(room, key=lambda i: widths[i])
                    widths[widest] -= 1
                    excess -= 1
        if widths != self.widths:
            self.widths = widths
            self._invalidate()
        self.virtual_size = Size(self._total_width(), len(self.rows) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to_width()

    def set_rows(self, rows: Sequence[Row], *, keep_key: str | None = None) -> None:
        """Show ``rows`` (already filtered and sorted). The cursor stays on ``keep_key`` (or
        on the row it was on) when that row is still shown."""
        if keep_key is None:
            keep_key = self.cursor_key
        self.rows = list(rows)
        self._index = {row.key: i for i, row in enumerate(self.rows)}
        self._invalidate()
        self.virtual_size = Size(self._total_width(), len(self.rows) + 1)
        # the same row if it is still shown, else the same position (a deleted row's neighbour)
        target = self._index.get(keep_key, self.cursor) if keep_key is not None else 0
        self._set_cursor(min(target, max(len(self.rows) - 1, 0)), force_message=True)

    def update_row(self, row: Row) -> None:
        """Replace one row in place (same key), e.g. a status change."""
        index = self._index.get(row.key)
        if index is None:
            return
        self.rows[index] = row
        self._strip_cache.pop(index, None)
        self.refresh()

    def _total_width(self) -> int:
        """A leading space, the columns and a space between each two (the space after the last
        column is drawn when there is room, but not needed)."""
        return sum(w + 1 for w in self.widths)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def index_of(self, key: str) -> int | None:
        return self._index.get(key)

    def move_to(self, key: str) -> bool:
        index = self._index.get(key)
        if index is None:
            return False
        self._set_cursor(index)
        return True

    # -- cursor -------------------------------------------------------------------------------

    def _set_cursor(self, index: int, *, force_message: bool = False) -> None:
        if self.rows:
            index = max(0, min(index, len(self.rows) - 1))
        else:
            index = 0
        old = self.cursor
        self.cursor = index
        self._strip_cache.pop(old, None)
        self._strip_cache.pop(index, None)
        self._scroll_to_cursor()
        self.refresh()
        key = self.cursor_key
        if force_message or key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.Highlighted(self, key))

    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        height = self._body_height()
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self._set_cursor(self.cursor - self._body_height())

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + self._body_height())

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x + int(self.scroll_x))
            if column is not None:
                self.post_message(self.HeaderClicked(self, column))
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor and event.chain >= 1:
                if event.chain >= 2 or self.has_focus:
                    self.action_select()
            self._set_cursor(index)

    def _column_at(self, x: int) -> str | None:
        position = 1
        for column, width in zip(self.columns, self.widths):
            if position <= x < position + width + 1:
                return column.key
            position += width + 1
        return None

    # -- rendering ----------------------------------------------------------------------------

    def _invalidate(self) -> None:
        self._strip_cache.clear()
        self._header_cache = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip_cache.clear()
        self._style_cache.clear()
        self._header_cache = None

    def _on_focus(self, event: events.Focus) -> None:
        self._style_cache.clear()
        self._strip_cache.pop(self.cursor, None)
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._style_cache.clear()
        self._strip_cache.pop(self.cursor, None)
        self.refresh()

    def _style(self, name: str) -> Style:
        """A component class's style ("" = the widget's own), computed once per style change."""
        style = self._style_cache.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(name)
            self._style_cache[name] = style
        return style

    def _cell_style(self, base: Style, css_class: str) -> Style:
        key = f"{css_class}@"
        style = self._style_cache.get(key)
        if style is None:
            style = base + Style(color=self._style(css_class).color)
            self._style_cache[key] = style
        return style

    def _header_strip(self) -> Strip:
        if self._header_cache is None:
            style = self._style("fast-table--header")
            parts = [" "]
            for column, width in zip(self.columns, self.widths):
                label = column.label
                if column.key == self.sort_column:
                    label = f"{label} {'▼' if self.sort_reverse else '▲'}"
                parts.append(_fit(label, width))
                parts.append(" ")
            text = "".join(parts)
            self._header_cache = Strip([Segment(text, style)], _width_of(text))
        return self._header_cache

    def _row_strip(self, index: int) -> Strip:
        strip = self._strip_cache.get(index)
        if strip is not None:
            return strip
        row = self.rows[index]
        on_cursor = index == self.cursor
        if on_cursor:
            base = self._style_cache.get("@cursor")
            if base is None:
                base = self._style_cache["@cursor"] = self._style("") + self._style("fast-table--cursor")
        else:
            base = self._style("")
        # One segment per run of same-styled text: fewer style changes to send to the terminal.
        segments: list[Segment] = []
        run: list[str] = [" "]
        run_style = base
        cells = row.cells
        classes = row.cell_classes
        for i, width in enumerate(self.widths):
            text = _fit(cells[i] if i < len(cells) else "", width)
            css_class = classes.get(i)
            style = self._cell_style(base, css_class) if css_class and not on_cursor else base
            if style is not run_style:
                segments.append(Segment("".join(run), run_style))
                run, run_style = [], style
            run.append(text)
            if style is not base:
                segments.append(Segment("".join(run), run_style))
                run, run_style = [], base
            run.append(" ")
        segments.append(Segment("".join(run), run_style))
        strip = Strip(segments, self._total_width() + 1)  # with the space after the last column
        if len(self._strip_cache) > 512:
            self._strip_cache.clear()
        self._strip_cache[index] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_x)
        base = self._style("")
        if y == 0:
            strip = self._header_strip()
            return strip.crop_extend(scroll_x, scroll_x + width, self._style("fast-table--header"))
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows) or index < 0:
            return Strip.blank(width, base)
        return self._row_strip(index).crop_extend(scroll_x, scroll_x + width, base)

    def sort_indicator(self, column: str | None, reverse: bool) -> None:
        """Show which column the rows are sorted by (the caller sorts)."""
        self.sort_column = column
        self.sort_reverse = reverse
        self._header_cache = None
        self.refresh()
