"""Arming: a screen that confirms something ignores keys that arrived before it was readable.

A paste or keys typed ahead (or queued while the app was busy) must never answer a question
nobody has seen. Keys carry the time they were read; a key counts only if it was read at least
:data:`ARM_DELAY` after the screen's first paint (or after :meth:`ArmedKeys.arm_keys` is called
again, when what is to be confirmed is shown).
"""

from __future__ import annotations

from textual import events
from textual.message import Message

#: Seconds from the first paint before keys count (long enough for a burst, short for a person).
ARM_DELAY = 0.2

#: Shown while keys do not count yet.
ARMING_HINT = "Read this first: keys count in a moment."


def event_clock() -> float:
    """Now, on the clock Textual stamps every event with (comparable with ``event.time``)."""
    return Message().time


class ArmedKeys:
    """Mixin for a :class:`~textual.screen.Screen`: drops the keys it guards (all, unless
    :meth:`guards_key` says otherwise) that were read before it was armed. Arms by itself after its
    first paint; :attr:`keys_armed` says whether it is, :meth:`on_keys_armed` is called once it is."""

    arm_delay: float = ARM_DELAY
    keys_armed: bool = False
    _armed_from: float | None = None
    _arming_round: int = 0

    def arm_keys(self) -> None:
        """Start (again) to ignore keys until ``arm_delay`` after the next paint."""
        self.keys_armed = False
        self._armed_from = None
        self._arming_round += 1
        round_ = self._arming_round
        self.call_after_refresh(self._painted, round_)  # type: ignore[attr-defined]

    def _painted(self, round_: int) -> None:
        if round_ != self._arming_round:
            return
        self._armed_from = event_clock() + self.arm_delay
        self.set_timer(self.arm_delay, lambda: self._arm(round_))  # type: ignore[attr-defined]

    def _arm(self, round_: int) -> None:
        if round_ != self._arming_round or self.keys_armed:
            return
        self.keys_armed = True
        self.on_keys_armed()

    def on_keys_armed(self) -> None:
        """Called once keys count (show the buttons, hide the hint)."""

    def guards_key(self, event: events.Key) -> bool:
        """Whether ``event`` waits for arming (every key by default)."""
        return True

    def key_counts(self, event: events.Key) -> bool:
        """Whether ``event`` was read late enough to answer."""
        return self._armed_from is not None and event.time >= self._armed_from

    def on_key(self, event: events.Key) -> None:
        if not self.guards_key(event):
            return
        if not self.key_counts(event):
            event.stop()
            event.prevent_default()
        elif not self.keys_armed:
            self._arm(self._arming_round)  # the key was read in time; the timer has not run yet
