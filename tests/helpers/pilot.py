"""Shared by the Pilot tests of the wizard and the profile browser: a browser policy that records
what it is asked to open, and a wait that polls a condition instead of sleeping."""

from __future__ import annotations

import asyncio
from typing import Callable

from app.signin.browser import Browser


class RecordingBrowser(Browser):
    """Says whether a browser is "likely" (``likely``), records every URL it is asked to open and
    opens none (``open`` answers ``likely``, as a launched browser would)."""

    def __init__(self, likely: bool = False) -> None:
        self._likely = likely
        self.opened: list[str] = []

    def likely(self) -> bool:
        return self._likely

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return self._likely


async def wait_for(pilot, predicate: Callable[[], bool], *, timeout: float = 15.0, what: str = "") -> None:
    """Let the app run until ``predicate()`` is true; fail the test after ``timeout`` seconds.

    A predicate that raises (a widget not mounted yet) counts as false; the last error is reported."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last_error: Exception | None = None
    while True:
        try:
            if predicate():
                return
        except Exception as error:
            last_error = error
        if loop.time() > deadline:
            screen = type(pilot.app.screen).__name__
            detail = f"; last error: {last_error!r}" if last_error is not None else ""
            raise AssertionError(f"timed out waiting for {what or predicate} (screen: {screen}){detail}")
        await pilot.pause(0.02)


async def wait_confirm(pilot, *, timeout: float = 15.0, what: str = "the question"):
    """Wait for a :class:`screens.dialogs.ConfirmDialog` on top, armed (keys count), and return it."""
    from screens.dialogs import ConfirmDialog

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog) and pilot.app.screen.keys_armed,
                   timeout=timeout, what=what)
    return pilot.app.screen


def burst(pilot, *keys: str) -> None:
    """Send ``keys`` in one burst, as a paste or keys queued while the app was busy arrive: all read
    before the app handles the first (``pilot.press`` waits for the app between keys). A key is a
    character or a key name (``enter``)."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        if len(key) == 1:
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        else:
            event = events.Key(key, "\r" if key == "enter" else None)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
