"""An adaptive client-side rate limiter for the SSO portal API.

IAM Identity Center documents roughly 20 requests per second for the portal API and answers
``TooManyRequestsException`` (HTTP 429) beyond that. The limiter paces requests with a token bucket
and adapts its rate:

* it starts at ``initial_rate`` (20/s) with a small burst, so a dozen accounts go out at once;
* on a throttle it cuts the rate multiplicatively, pauses everyone for a jittered moment, and
  remembers the rate that was too fast (the *ceiling*);
* on success it climbs back quickly to just under the ceiling, then probes above it slowly
  (additively), so it settles close to whatever the service allows;
* a throttle only counts once per decrease: requests sent *before* the last decrease were paced at
  the old rate, so their 429s say nothing new (``Ticket.sent_at``).

``acquire`` blocks until the caller may send and honours a cancel token.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Callable

from app.cancel import CancelToken
from app.errors import Cancelled


@dataclass(frozen=True)
class Ticket:
    """Permission to send one request, stamped with when it was granted."""

    sent_at: float


class AdaptiveRateLimiter:
    def __init__(
        self,
        initial_rate: float = 20.0,
        *,
        burst: float = 12.0,
        min_rate: float = 0.5,
        max_rate: float = 200.0,
        decrease: float = 0.75,
        recover_to: float = 0.96,
        recovery_per_success: float = 0.12,
        probe_per_second: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rng = rng
        self._rate = float(initial_rate)
        self._burst = float(burst)
        self._min_rate = float(min_rate)
        self._max_rate = float(max_rate)
        self._decrease = float(decrease)
        self._recover_to = float(recover_to)
        self._recovery = float(recovery_per_success)
        self._probe = float(probe_per_second)
        self._tokens = float(burst)
        self._stamp = clock()
        self._last_decrease = float("-inf")
        self._ceiling: float | None = None
        self.throttles = 0
        self.decreases = 0

    # -- state

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate

    @property
    def ceiling(self) -> float | None:
        with self._lock:
            return self._ceiling

    def _refill(self, now: float) -> None:
        elapsed = now - self._stamp
        if elapsed > 0:
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
            self._stamp = now

    # -- pacing

    def acquire(self, cancel: CancelToken | None = None) -> Ticket:
        """Wait for a sending slot (FIFO-ish: each caller reserves the next slot). Raises Cancelled."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self._rate
        if wait > 0:
            if cancel is not None:
                if cancel.wait(wait):
                    raise Cancelled()
            else:
                time.sleep(wait)
        elif cancel is not None and cancel.cancelled:
            raise Cancelled()
        return Ticket(sent_at=self._clock())

    # -- feedback

    def on_success(self, ticket: Ticket | None = None) -> None:
        with self._lock:
            rate = self._rate
            if self._ceiling is not None and rate < self._ceiling * self._recover_to:
                target = self._ceiling * self._recover_to
                rate += max((target - rate) * self._recovery, 0.05)
                rate = min(rate, target)
            else:
                # additive probing: about ``probe_per_second`` more per second at the current rate
                rate += self._probe / max(rate, 1.0)
            self._rate = min(self._max_rate, rate)

    def on_throttle(self, ticket: Ticket | None = None) -> None:
        """A 429 for a request sent with ``ticket``: slow down (once per decrease) and pause briefly."""
        with self._lock:
            self.throttles += 1
            if ticket is not None and ticket.sent_at < self._last_decrease:
                return  # paced at the old rate; already accounted for
            now = self._clock()
            self._refill(now)
            throttled_at = self._rate
            self._ceiling = throttled_at
            self._rate = max(self._min_rate, throttled_at * self._decrease)
            self._last_decrease = now
            self.decreases += 1
            # drain the bucket and add a jittered pause of about one slot, so the burst that
            # triggered the throttle is not repeated
            self._tokens = min(self._tokens, 0.0) - (0.5 + self._rng())
