"""An adaptive client-side rate limiter for the SSO portal API (AIMD on the sending rate).

IAM Identity Center documents roughly 20 requests per second for the portal API and answers
``TooManyRequestsException`` (HTTP 429) beyond that. The limiter lets callers go in clumps: at most
``burst`` in any ``burst / rate`` seconds, so with enough callers a clump of ``burst`` goes at once and
the next one as soon as the rate has "spent" it (a second's worth each second: what a one-second
window allows, with the rate a little under it for latency jitter). A refused request leaves the
client's window (the service did not count it either), so its retry need not wait for the next clump.

A clump that meets a refusal halves the burst (once per clump, down to single requests ``1/rate``
apart, which are judged as below). If the clump before it went through, the rate goes back a little
under the rate that clump went at. The first clump after a quiet spell says nothing about the rate.

Answers to single requests are judged in windows of ``min_samples`` sent since the last decision:

* **Usual refusals** (a share no larger than the learned ``noise``, within chance) change nothing: the
  callers retry after a short jittered pause and the rate keeps growing.
* **More refusals** than usual mean the rate is too high: the rate is cut to what went through
  (``sent rate × (1 - refused) / (1 - noise)``, a little under it, never below half).
* **A cut that did not help** (as many refused after a cut to what went through as before) means the refusals come whatever
  the rate: that share becomes the ``noise`` and the rate is restored. Between such tests ``noise``
  follows the usual windows, but never above the share the last test showed (so a rising share of
  refusals is never taken for the usual one without a test).
* **Growth** is additive (``increase`` requests/s per second), and only while callers wait for slots,
  so a latency-bound run does not build up an untested rate. A clump is one test of the rate: a
  clean one grows it by a slot's worth (``increase / rate``), doubling with each clean clump in a
  row up to ``MAX_STREAK`` slots, and back to one after a refused clump (slow near a limit just
  found, quicker on a service with room to spare). Growth needs a caller to have waited in the
  last second, and full clumps go a little over a second apart, so while clumps of ``burst`` go
  through the rate stays near the documented one: a service that allows more is not looked for
  then (only once requests go one by one).

Against a limit by count (a one-second window) this goes in clumps a little over a second apart;
against a limit by rate (a token bucket) the burst comes down to what the bucket holds and the rate
settles in a saw-tooth just under the limit; against refusals at random it keeps the rate and
concurrency. ``acquire`` honours a cancel token.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from app.cancel import CancelToken
from app.errors import Cancelled

MAX_STREAK = 16
"""The most slots' worth of growth one clean clump brings."""

_CLUMPS_KEPT = 8
"""How many recent clumps' rates are kept, to go back under when a later clump is refused."""

DOCUMENTED_RATE = 20.0
"""Requests per second IAM Identity Center documents for the portal API."""

START_HEADROOM = 0.95
"""The first rate is a little under the documented one: a clump that follows a full first burst then
lands after the service's one-second window has let that burst go, not at its edge (room for jitter)."""


@dataclass(frozen=True)
class Ticket:
    """Permission to send one request, stamped with when it was granted."""

    sent_at: float
    burst: bool = False  # in the first clump after a quiet spell (says nothing about the rate)
    clump: int = -1  # which clump of callers it went with (-1: not known)


@dataclass(frozen=True)
class _Cut:
    """The rate and share refused before a cut, to judge the cut by."""

    rate: float
    refused: float
    samples: int
    full: bool  # down to what went through (not held up by the deepest cut or the minimum rate)


def _margin(share: float, *samples: int) -> float:
    """How far a measured share of refusals may stray by chance (two standard errors, and a little)."""
    spread = share * (1 - share) * sum(1.0 / n for n in samples)
    return 2 * math.sqrt(spread) + 0.03


class AdaptiveRateLimiter:
    def __init__(
        self,
        initial_rate: float = DOCUMENTED_RATE * START_HEADROOM,
        *,
        burst: int | None = None,
        quiet_seconds: float = 1.0,
        min_rate: float = 0.5,
        max_rate: float = 200.0,
        increase: float = 1.0,
        headroom: float = 0.95,
        deepest_cut: float = 0.5,
        min_samples: int = 20,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rng = rng
        self._rate = float(initial_rate)
        self._burst = int(burst if burst is not None else DOCUMENTED_RATE)
        self._quiet = float(quiet_seconds)
        self._min_rate = float(min_rate)
        self._max_rate = float(max_rate)
        self._increase = float(increase)
        self._headroom = float(headroom)
        self._deepest_cut = float(deepest_cut)
        self._min_samples = max(2, int(min_samples))
        now = clock()
        self._sent: deque[float] = deque()  # when the last ``burst`` callers were let go
        self._latest_slot = now - self._quiet  # "quiet" at the start
        self._not_before = float("-inf")
        self._clump = 0
        self._in_clump = 0
        self._clump_burst = True
        self._cut_clump = -1  # clumps up to this one were answered for by the last halving
        self._clump_rates: dict[int, float] = {}  # the rate each recent clump was let go at
        self._grown_clump = -1  # the last clump whose answers grew the rate
        self._streak = 1  # slots the next clean clump grows the rate by (doubling while clumps go through)
        self._grown = now
        self._last_wait = float("-inf")
        self._noise = 0.0
        self._tested_noise = 0.0  # the share a cut that did not help last showed: noise never exceeds it
        self._cut: _Cut | None = None  # the last cut, until the window after it judges it
        self._window_start = float("-inf")
        self._ok = self._refused = 0
        self._first_sent = self._last_sent = now
        self.throttles = 0
        self.decreases = 0
        self.restores = 0

    # -- state

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate

    @property
    def noise(self) -> float:
        """The share of requests the service refuses whatever the rate (learned; 0 at first)."""
        with self._lock:
            return self._noise

    background = noise

    # -- pacing

    def reserve(self) -> float:
        """Reserve the next sending slot; return how many seconds to wait before sending."""
        return self.reserve_ticket()[0]

    def reserve_ticket(self) -> tuple[float, Ticket]:
        """Reserve the next sending slot: how many seconds to wait, and the ticket to answer with."""
        with self._lock:
            now = self._clock()
            if now - self._latest_slot >= self._quiet:  # a quiet spell: the next clump is a burst
                self._sent.clear()
                self._clump_burst = True
                self._in_clump = 0
                self._clump += 1
            burst = self._burst
            while len(self._sent) > burst:
                self._sent.popleft()
            slot = max(now, self._not_before)
            if len(self._sent) == burst:
                slot = max(slot, self._sent[0] + burst / self._rate)
            if self._in_clump >= burst:  # this clump is spent: the next one begins
                self._clump += 1
                self._in_clump = 0
                self._clump_burst = False
            if self._in_clump == 0:
                self._clump_rates[self._clump] = self._rate
                self._clump_rates.pop(self._clump - _CLUMPS_KEPT, None)
            self._in_clump += 1
            self._sent.append(slot)
            self._latest_slot = max(self._latest_slot, slot)
            wait = slot - now
            if wait > 0:
                if now - self._last_wait > 1.0:
                    self._grown = max(self._grown, now)  # demand begins: growth counts from here
                self._last_wait = now
            return wait, Ticket(slot, burst=self._clump_burst, clump=self._clump if burst > 1 else -1)

    def acquire(self, cancel: CancelToken | None = None) -> Ticket:
        """Wait for a sending slot; each caller reserves the next one, so callers go in turn.
        Raises Cancelled as soon as ``cancel`` fires."""
        wait, ticket = self.reserve_ticket()
        if wait > 0:
            if cancel is not None:
                if cancel.wait(wait):
                    raise Cancelled()
            else:
                time.sleep(wait)
        elif cancel is not None and cancel.cancelled:
            raise Cancelled()
        return ticket

    # -- feedback

    def on_success(self, ticket: Ticket | None = None) -> None:
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._grown)
            if ticket is not None and ticket.clump >= 0:  # a clump is one test of the rate: one slot's growth
                elapsed = self._streak / self._rate if ticket.clump > self._grown_clump else 0.0
                if ticket.clump > self._grown_clump:
                    self._streak = min(self._streak * 2, MAX_STREAK)
                self._grown_clump = max(self._grown_clump, ticket.clump)
            self._grown = now
            if now - self._last_wait <= 1.0:  # callers wait for slots: the rate is what limits them
                self._rate = min(self._max_rate, self._rate + self._increase * elapsed)
            self._count(ticket, refused=False, now=now)

    def on_throttle(self, ticket: Ticket | None = None) -> None:
        """A 429 for a request sent with ``ticket``."""
        with self._lock:
            self.throttles += 1
            if ticket is None or ticket.clump < 0:
                self._count(ticket, refused=True, now=self._clock())
                return
            if ticket.sent_at in self._sent:
                self._sent.remove(ticket.sent_at)  # not counted by the service: a retry need not wait a clump
            if ticket.clump <= self._cut_clump:
                return  # that clump, or one let go before it, was answered for already
            clean = self._clump_rates.get(ticket.clump - 1) if ticket.clump - 1 > self._cut_clump else None
            if clean is not None and not ticket.burst:
                # the clump before went through and this one did not: back under the rate that worked
                self._rate = max(self._min_rate, min(self._rate, clean * self._headroom))
                self.decreases += 1
            self._cut_clump = self._clump
            self._streak = 1
            self._burst = max(1, self._burst // 2)  # the next clumps are smaller, down to paced single requests

    def _count(self, ticket: Ticket | None, *, refused: bool, now: float) -> None:
        if ticket is not None and (ticket.burst or ticket.clump >= 0):
            return  # a burst says nothing about the rate, and clumps are judged by the clump
        sent = ticket.sent_at if ticket is not None else now
        if sent < self._window_start:
            return  # sent before the last decision: says nothing about the rate since
        if self._ok + self._refused == 0:
            self._first_sent = sent
        self._last_sent = max(self._last_sent, sent)
        if refused:
            self._refused += 1
        else:
            self._ok += 1
        samples = self._ok + self._refused
        if samples >= self._min_samples or (samples >= 5 and now - self._first_sent >= 2.0):
            self._judge(now)

    def _new_window(self, now: float) -> None:
        self._window_start = now
        self._ok = self._refused = 0

    def _judge(self, now: float) -> None:
        samples = self._ok + self._refused
        refused = self._refused / samples
        noise = self._noise
        usual = refused <= noise + _margin(noise, samples)
        cut, self._cut = self._cut, None
        if cut is not None and cut.full and not usual:
            pooled = (refused * samples + cut.refused * cut.samples) / (samples + cut.samples)
            if refused >= cut.refused - _margin(pooled, samples, cut.samples):
                # slowing down did not help: refusals that come whatever the rate
                self._noise = self._tested_noise = pooled
                self._rate = max(self._rate, cut.rate)
                self.restores += 1
                self._new_window(now)
                return
        if usual:
            self._noise = min(self._tested_noise, noise + (refused - noise) / 4)
            self._new_window(now)
            return
        span = self._last_sent - self._first_sent
        sent_rate = (samples - 1) / span if span >= 0.25 else self._rate
        allowed = min(self._rate, sent_rate) * (1 - refused) / (1 - min(noise, 0.9))
        before = self._rate
        target = min(before, allowed) * self._headroom
        self._rate = max(self._min_rate, before * self._deepest_cut, target)
        self._cut = _Cut(before, refused, samples, full=self._rate <= target)
        self.decreases += 1
        self._new_window(now)
        self._grown = now
        # no burst right after a cut, and a jittered pause of up to one slot
        self._not_before = now + self._rng() / self._rate
