"""A requests-per-second limit over a sliding window, shared by all portal calls."""

from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindowLimiter:
    """Admit at most ``rate`` requests in any one-second window (or 1 per ``1/rate`` s when rate < 1).

    Only admitted requests count, so a throttled client that keeps knocking does not starve itself
    (the real service behaves the same way from the client's point of view).
    """

    def __init__(self, rate: float, clock=time.monotonic) -> None:
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
