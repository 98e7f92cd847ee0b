"""A thread-safe cancel token for long operations (logins, role discovery, polling)."""

from __future__ import annotations

import threading
from typing import Callable

from app.errors import Cancelled


class CancelToken:
    """Set once by whoever wants an operation to stop; checked or waited on by the worker.

    ``wait(t)`` is an interruptible sleep: it returns as soon as the token is cancelled.
    Callbacks registered with :meth:`on_cancel` run once, in the cancelling thread (use them
    to close sockets or wake servers so a blocked call returns promptly).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # a failing cleanup must not hide the cancel itself
                pass

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when cancelled (at once if already cancelled)."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep up to ``timeout`` seconds; return True if cancelled meanwhile."""
        return self._event.wait(timeout)

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


NEVER = CancelToken()
"""A token nobody cancels, for callers that do not need cancellation."""
