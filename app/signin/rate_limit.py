"""An adaptive client-side rate limiter for the SSO portal API.

IAM Identity Center documents roughly 20 requests per second for the portal API and answers
``TooManyRequestsException`` (HTTP 429) beyond that. The limiter hands out sending slots ``1/rate``
apart and adapts the rate:

* **Start** at ``initial_rate`` (20/s), taken as the presumed ceiling. After a quiet second the first ``burst`` callers (default: one
  second's worth) may go at once, so a dozen accounts are listed in one round trip; their slots
  stay reserved, so no one-second window ever carries more than ``rate`` requests.
* **Back off** on a throttle: the rate is cut multiplicatively by a jittered 10 % (40 % when most
  recent requests were refused), new requests pause for a jittered fraction of a slot, and the
  *ceiling* is remembered: the rate at the time or, when most were refused, the goodput of the
  last second (what the service let through) if that is lower. Cuts happen at most once per ``decrease_cooldown`` and
  never for a request sent before the previous cut: the portal counts requests per second, so
  every 429 of the same second is the same news.
* **Recover** while callers are waiting for slots: exponentially (time constant
  ``recovery_seconds``) back to just under the ceiling, then additively and slowly above it. Once the
  service has allowed well above the ceiling (5 %) without refusing, the ceiling is dropped and the
  rate grows multiplicatively instead, to find a higher limit in reasonable time. Nothing grows while nobody
  waits for the limiter, so a latency-bound run does not build up an untested rate.

A refused request costs little (a pause and a retry; the service does not count refused requests),
a rate below the limit costs time on every request: hence mild cuts and a quick way back.
``acquire`` blocks until the caller may send and honours a cancel token.
"""

from __future__ import annotations

import collections
import math
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


@dataclass(frozen=True)
class _Epoch:
    """The rate, ceiling and share of refused requests before a cut, to judge the cut by."""

    rate: float
    ceiling: float | None
    refused: float
    samples: int
    cut_to: float = 0.0


class AdaptiveRateLimiter:
    def __init__(
        self,
        initial_rate: float = 20.0,
        *,
        burst: int | None = None,
        quiet_seconds: float = 1.0,
        min_rate: float = 0.5,
        max_rate: float = 200.0,
        decrease: float = 0.9,
        heavy_decrease: float = 0.6,
        decrease_jitter: float = 0.05,
        decrease_cooldown: float = 1.0,
        recover_to: float = 0.98,
        recovery_seconds: float = 0.7,
        probe_per_second: float = 0.05,
        search_growth: float = 0.15,
        min_samples: int = 10,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rng = rng
        self._rate = float(initial_rate)
        self._burst = int(burst if burst is not None else initial_rate)
        self._quiet = float(quiet_seconds)
        self._min_rate = float(min_rate)
        self._max_rate = float(max_rate)
        self._decrease = float(decrease)
        self._heavy_decrease = float(heavy_decrease)
        self._decrease_jitter = float(decrease_jitter)
        self._cooldown = float(decrease_cooldown)
        self._recover_to = float(recover_to)
        self._recovery_seconds = float(recovery_seconds)
        self._probe = float(probe_per_second)
        self._search_growth = float(search_growth)
        now = clock()
        self._started = now
        self._next = now - self._quiet  # the next free sending slot ("quiet" at the start)
        self._credit = 0
        self._grown = now
        self._last_wait = float("-inf")
        self._last_decrease = float("-inf")
        self._ceiling: float | None = float(initial_rate)  # presumed: the documented limit
        self._successes: collections.deque[float] = collections.deque()
        self._min_samples = int(min_samples)
        self._epoch_start = float("-inf")  # responses to requests sent since then are counted together
        self._epoch_ok = 0
        self._epoch_refused = 0
        self._last_decision = float("-inf")
        self._before_cut: _Epoch | None = None  # judged by the epoch that follows the cut
        self._first_cut: _Epoch | None = None  # the first of the cuts since the refusals were last usual
        self._background = 0.0  # the share of requests refused whatever the rate
        self.throttles = 0
        self.decreases = 0
        self.restores = 0

    # -- state

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate

    @property
    def ceiling(self) -> float | None:
        with self._lock:
            return self._ceiling

    @property
    def background(self) -> float:
        """The share of requests the service refuses whatever the rate (learned; 0 at first)."""
        with self._lock:
            return self._background

    # -- pacing

    def reserve(self) -> float:
        """Reserve the next sending slot; return how many seconds to wait before sending."""
        with self._lock:
            now = self._clock()
            if now - self._next >= self._quiet:
                self._credit = self._burst
            if self._next < now:
                self._next = now
            slot = self._next
            self._next += 1.0 / self._rate
            if self._credit > 0:
                self._credit -= 1
                slot = now
            wait = slot - now
            if wait > 0:
                self._last_wait = now
            return wait

    def acquire(self, cancel: CancelToken | None = None) -> Ticket:
        """Wait for a sending slot; each caller reserves the next one, so callers go in turn.
        Raises Cancelled as soon as ``cancel`` fires."""
        wait = self.reserve()
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

    def _goodput(self, now: float) -> float | None:
        """Successes per second over the last second (None during the first second)."""
        while self._successes and now - self._successes[0] >= 1.0:
            self._successes.popleft()
        if now - self._started < 1.0:
            return None
        return float(len(self._successes))

    def on_success(self, ticket: Ticket | None = None) -> None:
        with self._lock:
            now = self._clock()
            self._successes.append(now)
            self._count(ticket, refused=False)
            elapsed = max(0.0, now - self._grown)
            self._grown = now
            if now - self._last_wait > 1.0:
                return  # nobody is waiting for the limiter: the rate is not what limits us
            rate = self._rate
            ceiling = self._ceiling
            if ceiling is not None and rate > ceiling * 1.05:
                self._ceiling = ceiling = None  # the service now allows well above what it refused
            if ceiling is None:
                rate *= math.exp(self._search_growth * elapsed)
            elif rate < ceiling * self._recover_to:
                target = ceiling * self._recover_to
                rate = target - (target - rate) * math.exp(-elapsed / self._recovery_seconds)
                if target - rate < 0.005 * target:
                    rate = target  # close enough: from here on, probe
            else:
                rate += self._probe * elapsed
            self._rate = min(self._max_rate, max(self._min_rate, rate))

    def _count(self, ticket: Ticket | None, refused: bool) -> None:
        """Count a response toward the current epoch (the requests sent since the last decision)."""
        if ticket is not None and ticket.sent_at < self._epoch_start:
            return
        if refused:
            self._epoch_refused += 1
        else:
            self._epoch_ok += 1

    def _new_epoch(self, now: float) -> None:
        self._epoch_start = now
        self._epoch_ok = self._epoch_refused = 0

    def _margin(self, fraction: float, *samples: int) -> float:
        """How far apart two refusal fractions may be by chance (two standard errors, and a little)."""
        spread = fraction * (1 - fraction) * sum(1.0 / n for n in samples)
        return 2 * math.sqrt(spread) + 0.03

    def _cut_did_nothing(self, refused: float, samples: int) -> bool:
        """After a cut: are as many refused as before, where a limit on the rate would now refuse
        clearly fewer (none, once the rate is below what went through before)?"""
        before = self._before_cut
        if before is None or before.samples < self._min_samples:
            return False
        pooled = (refused * samples + before.refused * before.samples) / (samples + before.samples)
        goodput_before = before.rate * (1 - before.refused)
        expected = max(0.0, 1 - goodput_before / before.cut_to)
        return (abs(refused - before.refused) <= self._margin(pooled, samples, before.samples)
                and refused - expected > self._margin(refused, samples))

    def on_throttle(self, ticket: Ticket | None = None) -> None:
        """A 429 for a request sent with ``ticket``: slow down (once per cooldown) and pause briefly,
        unless the refusals are the ones that come whatever the rate."""
        with self._lock:
            self.throttles += 1
            now = self._clock()
            if ticket is not None and ticket.sent_at < self._last_decrease:
                return  # sent at the old rate: says nothing new
            self._count(ticket, refused=True)
            if now - self._last_decision < self._cooldown:
                return
            samples = self._epoch_ok + self._epoch_refused
            if samples == 0:
                return  # sent before the last decision: counted with the old epoch
            refused = self._epoch_refused / samples
            background = self._background
            if samples < self._min_samples and (background > 0 or self._before_cut is not None):
                return  # too few answers to judge the last cut, or to tell them from the usual refusals
            if samples >= self._min_samples and refused <= background + self._margin(background, samples):
                # the usual share of refusals: no news about the rate
                if samples >= 4 * self._min_samples:
                    # fewer refused than expected: the usual share is going down (it only goes up after a test)
                    self._background = min(background, (background + refused) / 2)
                    self._first_cut = None
                    self._new_epoch(now)
                return
            if self._cut_did_nothing(refused, samples):
                # refusals do not depend on the rate: undo the cut, and expect this share from now on
                undo = self._first_cut or self._before_cut
                assert undo is not None
                self._rate, self._ceiling = undo.rate, undo.ceiling
                before = self._before_cut
                assert before is not None
                self._background = (refused * samples + before.refused * before.samples) / (samples + before.samples)
                self._before_cut = self._first_cut = None
                self.restores += 1
                self._last_decision = now
                self._new_epoch(now)
                return
            self._cut(now, refused, samples)

    def _cut(self, now: float, refused: float, samples: int) -> None:
        background = self._background
        heavy = refused - background > 0.25 and self._epoch_refused >= 3
        throttled_at = self._rate
        before = (throttled_at, self._ceiling, refused, samples)
        goodput = self._goodput(now) if heavy else None
        if goodput:
            goodput /= 1 - min(background, 0.9)  # what would have gone through without the usual refusals
        ceiling = self._ceiling = min(throttled_at, goodput) if goodput else throttled_at
        base = self._heavy_decrease if heavy else self._decrease
        factor = base - self._decrease_jitter + 2 * self._decrease_jitter * self._rng()
        self._rate = max(self._min_rate, min(throttled_at * factor, ceiling))
        self._before_cut = _Epoch(*before, cut_to=self._rate)
        if self._first_cut is None:
            self._first_cut = self._before_cut
        self._last_decrease = self._last_decision = now
        self._new_epoch(now)
        self._grown = now
        self.decreases += 1
        # no burst right after a throttle, and a jittered pause of up to one slot
        self._credit = 0
        self._next = max(self._next, now) + self._rng() / self._rate
