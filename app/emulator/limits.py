"""The portal's request limits: by count (a sliding one-second window) or by rate (a token bucket)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable, Protocol

WINDOW = "window"
BUCKET = "bucket"
LIMIT_KINDS = (WINDOW, BUCKET)


class RequestLimit(Protocol):
    def admit(self) -> bool: ...


class SlidingWindowLimiter:
    """Admit at most ``rate`` requests in any one-second window (or 1 per ``1/rate`` s when rate < 1).

    Only admitted requests count, so a throttled client that keeps knocking does not starve itself
    (the real service behaves the same way from the client's point of view).
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = max(1, int(rate))
        self.window = self.capacity / self.rate
        self._clock = clock
        self._admitted: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        now = self._clock()
        with self._lock:
            while self._admitted and now - self._admitted[0] >= self.window:
                self._admitted.popleft()
            if len(self._admitted) >= self.capacity:
                return False
            self._admitted.append(now)
            return True


class TokenBucketLimiter:
    """Admit requests at ``rate`` per second on average, with bursts of at most ``burst``: tokens
    refill continuously and each admitted request takes one; refused requests take none."""

    def __init__(self, rate: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate / 4))
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        self._clock = clock
        self._tokens = self.burst
        self._updated = clock()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        now = self._clock()
        with self._lock:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True


def make_limit(kind: str, rate: float, burst: float | None = None) -> RequestLimit:
    """The limit of one kind (``window``: by count, ``bucket``: by rate)."""
    if kind == WINDOW:
        return SlidingWindowLimiter(rate)
    if kind == BUCKET:
        return TokenBucketLimiter(rate, burst)
    raise ValueError(f"rate limit kind must be one of {', '.join(LIMIT_KINDS)}")
