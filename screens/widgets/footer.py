"""A footer that always fits on one line: on a narrow terminal the least needed keys leave it
first (every key stays in the help), so help and quit are always there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


@dataclass
class FooterItem:
    """One entry of the footer: a key (or a group of keys under one description)."""

    bindings: list[tuple[Binding, bool, str]]  # (binding, enabled, tooltip)
    description: str
    grouped: bool


class FittingFooter(Footer):
    """The keys of the screen, in order, minus those named in ``drop_order`` (binding ids, least
    needed first) for as long as they do not fit the width."""

    def __init__(self, *, drop_order: Sequence[str] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.drop_order = tuple(drop_order)
        self._dropped: frozenset[str] = frozenset()

    def items(self) -> list[FooterItem]:
        """Every key the screen shows in its footer, one item per action, groups together."""
        by_action: dict[str, list[tuple[Binding, bool, str]]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                by_action.setdefault(binding.action, []).append((binding, enabled, tooltip))
        items: list[FooterItem] = []
        for entries in by_action.values():
            binding = entries[0][0]
            last = items[-1] if items else None
            if binding.group is not None and last is not None and last.grouped \
                    and last.bindings[0][0].group == binding.group:
                last.bindings.append(entries[0])
                continue
            group = binding.group
            items.append(FooterItem([entries[0]], group.description if group is not None else binding.description,
                                    group is not None))
        return items

    def _width_of(self, item: FooterItem) -> int:
        keys = " ".join(self.app.get_key_display(binding) for binding, _, _ in item.bindings)
        return len(keys) + 1 + len(item.description) + 1

    def fitting(self, items: list[FooterItem], width: int) -> list[FooterItem]:
        """``items`` without the least needed ones, until they fit in ``width`` columns."""
        kept = list(items)
        total = sum(self._width_of(item) for item in kept)
        for binding_id in self.drop_order:
            if total <= width:
                break
            for item in kept:
                if any(binding.id == binding_id for binding, _, _ in item.bindings):
                    kept.remove(item)
                    total -= self._width_of(item)
                    break
        return kept

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        items = self.items()
        kept = self.fitting(items, width)
        self._dropped = _ids_left_out(items, kept)
        self.styles.grid_size_columns = len(kept)
        for item in kept:
            binding, _, tooltip = item.bindings[0]
            enabled = any(entry[1] for entry in item.bindings)
            keys = " ".join(self.app.get_key_display(entry[0]) for entry in item.bindings)
            yield FooterKey(binding.key, keys, item.description, binding.action, disabled=not enabled,
                            tooltip=tooltip or binding.description).data_bind(compact=Footer.compact)

    @property
    def dropped(self) -> frozenset[str]:
        """The ids of the keys left out for want of room."""
        return self._dropped

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and self.is_attached:
            items = self.items()
            if _ids_left_out(items, self.fitting(items, event.size.width)) != self._dropped:
                self.call_after_refresh(self.recompose)


def _ids_left_out(items: list[FooterItem], kept: list[FooterItem]) -> frozenset[str]:
    kept_ids = {id(item) for item in kept}
    return frozenset(binding.id or binding.action for item in items if id(item) not in kept_ids
                     for binding, _, _ in item.bindings)
