"""A type-to-filter list that stays smooth with thousands of items, with a count; optionally with
ticks (several items chosen at once)."""

from __future__ import annotations

from typing import Callable, Generic, Iterable, Sequence, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.search import Filter, search_key
from screens.widgets.step import plural

T = TypeVar("T")

TICKED, UNTICKED = "[x] ", "[ ] "


class TickList(OptionList):
    """The options of a tickable :class:`FilterList`: Space ticks the highlighted item, ``a`` every
    item shown, ``A`` none; any other letter goes back to the filter box."""

    BINDINGS = [
        Binding("space", "tick", "Tick", id="picker.tick"),
        Binding("a", "tick_shown", "Tick all shown", id="picker.tick-all"),
        Binding("A", "clear_ticks", "Clear ticks", id="picker.clear-ticks"),
        Binding("r", "refresh", "Refresh", id="picker.refresh"),
    ]

    def _owner(self) -> "FilterList":
        parent = self.parent
        assert isinstance(parent, FilterList)
        return parent

    _typing = False  # a letter sent the focus to the filter box: keys still arriving here follow it

    def on_focus(self) -> None:
        self._typing = False

    async def on_key(self, event) -> None:
        """Handled here, where the key was typed, not where the focus is by the time it would reach
        the App's bindings (keys typed fast after a letter moved the focus to the filter box would
        otherwise be lost or tick): the list's own keys act on it; any other letter, and every
        letter after one, goes to the filter box."""
        printable = event.is_printable and bool(event.character)
        bound = self._bindings.key_to_bindings.get(event.key)
        if bound and not (self._typing and printable):
            event.stop()
            event.prevent_default()
            await self.run_action(bound[0].action)
            return
        if printable:
            event.stop()
            event.prevent_default()
            self._typing = True
            field = self._owner().filter_input
            field.focus()
            field.insert_text_at_cursor(event.character)

    def action_tick(self) -> None:
        self._owner().tick_highlighted()

    def action_tick_shown(self) -> None:
        self._owner().tick_shown()

    def action_clear_ticks(self) -> None:
        self._owner().clear_ticks()

    def action_refresh(self) -> None:
        owner = self._owner()
        owner.post_message(owner.RefreshRequested(owner))


class FilterList(Vertical, Generic[T]):
    """A type-to-filter box over an option list, with a count ("12 of 1,024 accounts").

    Focus stays in the filter box: Up/Down/PageUp/PageDown move the highlight, Enter chooses.
    Matching follows :mod:`app.search` (every term typed, as a substring or an abbreviation of one
    of the fields ``search_text`` gives; exact and prefix matches first, otherwise the items' own
    order). Posts :class:`FilterList.Chosen` and :class:`FilterList.Highlighted`.

    With ``tickable`` each row has a tick box: Tab moves to the list, where Space ticks, ``a``
    ticks every item shown and ``A`` clears (:class:`TickList`); typing goes back to the filter.
    The count then also says how many are ticked; :class:`FilterList.Ticked` is posted on change.
    """

    DEFAULT_CSS = """
    FilterList { height: 1fr; }
    FilterList > Input { margin: 0; }
    FilterList > .filter-count { height: 1; padding: 0 1; color: $text-muted; }
    FilterList > OptionList { height: 1fr; min-height: 3; }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    DEBOUNCE_ITEMS = 400  # above this many items, filter after a short pause in typing

    class _ItemMessage(Message):
        def __init__(self, filter_list: "FilterList", item: object) -> None:
            super().__init__()
            self.filter_list = filter_list
            self.item = item

        @property
        def control(self) -> "FilterList":
            return self.filter_list

    class Chosen(_ItemMessage):
        """Enter (or a click) on an item."""

    class Highlighted(_ItemMessage):
        """The highlighted item changed (None when nothing matches)."""

    class RefreshRequested(Message):
        """``r`` in the tick list: look the items up again."""

        def __init__(self, filter_list: "FilterList") -> None:
            super().__init__()
            self.filter_list = filter_list

        @property
        def control(self) -> "FilterList":
            return self.filter_list

    class Ticked(Message):
        """The ticked items changed."""

        def __init__(self, filter_list: "FilterList", count: int) -> None:
            super().__init__()
            self.filter_list = filter_list
            self.count = count

        @property
        def control(self) -> "FilterList":
            return self.filter_list

    def __init__(
        self,
        *,
        label: Callable[[T], str | Text],
        search_text: Callable[[T], str | Sequence[str | None]],
        noun: tuple[str, str] = ("item", "items"),
        placeholder: str = "Type to filter",
        tickable: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._label = label
        self._search_text = search_text
        self.noun = noun
        self.placeholder = placeholder
        self._items: list[T] = []
        self._filter = Filter([])
        self._visible: list[T] = []
        self._timer: Timer | None = None
        self._filter_text = ""
        self.tickable = tickable
        self._ticked: set[int] = set()  # indices into the items
        self._shown: list[int] = []  # the item index of each visible row

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, classes="filter-input")
        yield Static("", classes="filter-count", markup=False)
        if self.tickable:
            yield TickList(markup=False, classes="filter-options")
            return
        option_list = OptionList(markup=False, classes="filter-options")
        option_list.can_focus = False
        yield option_list

    # -- data ----------------------------------------------------------------------------------

    @property
    def items(self) -> list[T]:
        return list(self._items)

    @property
    def visible_items(self) -> list[T]:
        return list(self._visible)

    @property
    def highlighted(self) -> T | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not (0 <= index < len(self._visible)):
            return None
        return self._visible[index]

    @property
    def filter_input(self) -> Input:
        return self.query_one(Input)

    def set_items(self, items: Iterable[T], *, highlight: T | None = None, ticked: Iterable[T] = ()) -> None:
        self._items = list(items)
        self._filter = Filter([self._key(item) for item in self._items])
        wanted = list(ticked)
        self._ticked = {i for i, item in enumerate(self._items) if item in wanted} if wanted else set()
        self._apply(highlight=highlight)

    # -- ticks ---------------------------------------------------------------------------------

    @property
    def ticked(self) -> list[T]:
        """The ticked items, in the list's order."""
        return [self._items[i] for i in sorted(self._ticked)]

    def _prompt(self, index: int) -> str | Text:
        label = self._label(self._items[index])
        if not self.tickable:
            return label
        box = TICKED if index in self._ticked else UNTICKED
        return Text(box) + label if isinstance(label, Text) else box + label

    def tick_highlighted(self) -> None:
        row = self.query_one(OptionList).highlighted
        if not self.tickable or row is None or not (0 <= row < len(self._shown)):
            return
        index = self._shown[row]
        self._ticked ^= {index}
        self.query_one(OptionList).replace_option_prompt_at_index(row, self._prompt(index))
        self._ticks_changed()

    def tick_shown(self) -> None:
        if self.tickable:
            self._ticked |= set(self._shown)
            self._redraw()

    def clear_ticks(self) -> None:
        if self.tickable:
            self._ticked.clear()
            self._redraw()

    def _redraw(self) -> None:
        option_list = self.query_one(OptionList)
        for row, index in enumerate(self._shown):
            option_list.replace_option_prompt_at_index(row, self._prompt(index))
        self._ticks_changed()

    def _ticks_changed(self) -> None:
        self._update_count()
        self.post_message(self.Ticked(self, len(self._ticked)))

    def _key(self, item: T) -> str:
        fields = self._search_text(item)
        return search_key((fields,) if isinstance(fields, str) else fields)

    def highlight_item(self, item: T) -> None:
        try:
            index = self._visible.index(item)
        except ValueError:
            return
        self.query_one(OptionList).highlighted = index

    def set_filter(self, text: str) -> None:
        self.filter_input.value = text
        self._filter_text = text
        self._apply()

    # -- filtering -----------------------------------------------------------------------------

    def _apply(self, *, highlight: T | None = None) -> None:
        """Filter; highlight ``highlight`` if shown, else the best match (the top one)."""
        items = self._items
        self._shown = list(self._filter(self._filter_text))
        self._visible = [items[i] for i in self._shown]
        option_list = self.query_one(OptionList)
        option_list.set_options([Option(self._prompt(i)) for i in self._shown])
        if self._visible:
            try:
                index = self._visible.index(highlight) if highlight is not None else 0
            except ValueError:
                index = 0
            option_list.highlighted = index
            self.call_after_refresh(option_list.scroll_to_highlight)  # once the list has its size
        self._update_count()
        self.post_message(self.Highlighted(self, self.highlighted))

    def _update_count(self) -> None:
        total, shown = len(self._items), len(self._visible)
        if shown == total:
            text = plural(total, self.noun)
        elif shown == 0:
            text = f"No {self.noun[1]} match “{self._filter_text.strip()}” (of {total:,})"
        else:
            text = f"{shown:,} of {plural(total, self.noun)}"
        if self.tickable:
            text += f"  ·  {len(self._ticked):,} of {total:,} ticked"
        self.query_one(".filter-count", Static).update(text)

    @on(Input.Changed, ".filter-input")
    def _on_filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter_text = event.value
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if len(self._items) > self.DEBOUNCE_ITEMS:
            self._timer = self.set_timer(0.08, self._apply)
        else:
            self._apply()

    @on(Input.Submitted, ".filter-input")
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:  # Enter right after typing: filter now, then choose
            self._timer.stop()
            self._timer = None
            self._apply()
        item = self.highlighted
        if item is not None:
            self.post_message(self.Chosen(self, item))

    @on(OptionList.OptionSelected)
    def _on_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._visible):
            self.post_message(self.Chosen(self, self._visible[event.option_index]))

    @on(OptionList.OptionHighlighted)
    def _on_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._visible):
            self.post_message(self.Highlighted(self, self._visible[event.option_index]))

    def action_move(self, delta: int) -> None:
        option_list = self.query_one(OptionList)
        if delta > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    def action_page(self, delta: int) -> None:
        option_list = self.query_one(OptionList)
        if delta > 0:
            option_list.action_page_down()
        else:
            option_list.action_page_up()
