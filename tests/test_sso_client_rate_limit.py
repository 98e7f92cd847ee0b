"""The adaptive rate limiter, on a controlled clock: window-safe pacing, throttle reaction (once per
cooldown, jittered, harder when most are refused), recovery to the learned ceiling, probing."""

from __future__ import annotations

import random
import threading
import time
from typing import Callable

import pytest

from app.cancel import CancelToken
from app.emulator.limits import SlidingWindowLimiter, TokenBucketLimiter
from app.errors import Cancelled
from app.signin.rate_limit import AdaptiveRateLimiter, Ticket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _send_times(limiter: AdaptiveRateLimiter, clock: Clock, count: int) -> list[float]:
    """When each of ``count`` back-to-back callers would send (reservations made at clock.now)."""
    return [clock.now + limiter.reserve() for _ in range(count)]


def test_a_quiet_start_allows_one_seconds_worth_at_once_then_paces():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=lambda: 0.5)
    times = _send_times(limiter, clock, 45)
    assert times[:20] == [1000.0] * 20  # a dozen accounts go out in one round trip
    # the burst used its slots: the next caller waits for slot 20 (1 s later), then every 50 ms
    assert times[20] == pytest.approx(1001.0)
    assert times[21] - times[20] == pytest.approx(0.05)
    # no one-second window carries more than 20
    for start in times:
        assert sum(1 for t in times if start <= t < start + 1.0 - 1e-9) <= 20


def test_burst_credit_returns_only_after_a_quiet_second():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, burst=5, clock=clock)
    _send_times(limiter, clock, 5)  # burst used, slots up to 1000.25 reserved
    clock.now += 0.5
    assert limiter.reserve() == 0  # the schedule is idle again, but no new burst yet...
    assert limiter.reserve() == pytest.approx(0.05)  # ...so callers are paced
    clock.now += 2.0
    assert [limiter.reserve() for _ in range(5)] == [0] * 5


def test_a_throttle_cuts_once_per_cooldown_with_jitter():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, min_samples=1, clock=clock, rng=lambda: 0.0)
    ticket = Ticket(sent_at=clock.now)
    clock.now += 0.1
    limiter.on_throttle(ticket)
    assert limiter.rate == pytest.approx(20 * 0.85)  # 0.9 - 0.05 jitter (rng 0)
    assert limiter.ceiling == pytest.approx(20)
    limiter.on_throttle(Ticket(sent_at=clock.now))  # same second: the same news
    assert limiter.decreases == 1 and limiter.throttles == 2
    clock.now += 2
    limiter.on_throttle(ticket)  # sent before the cut: paced at the old rate, ignored
    assert limiter.decreases == 1
    limiter.on_throttle(Ticket(sent_at=clock.now))
    assert limiter.decreases == 2
    assert limiter.rate == pytest.approx(20 * 0.85 * 0.85)

    high = AdaptiveRateLimiter(20, clock=clock, rng=lambda: 1.0)
    high.on_throttle(Ticket(sent_at=clock.now))
    assert high.rate == pytest.approx(20 * 0.95)  # the jitter spreads cuts over 0.85–0.95


def test_mostly_refused_cuts_harder_and_learns_the_goodput():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=lambda: 0.5)
    clock.now += 2  # past the first second, so goodput is meaningful
    for _ in range(5):
        limiter.on_success(Ticket(clock.now))
    for _ in range(10):
        limiter.on_throttle(Ticket(clock.now))  # first one cuts, the rest are counted
    clock.now += 1.0
    for _ in range(5):
        limiter.on_success(Ticket(clock.now))
    limiter.on_throttle(Ticket(clock.now))
    assert limiter.decreases == 2
    # second cut: 10 of 15 refused since the first cut -> the heavy factor, ceiling = goodput (5/s)
    assert limiter.ceiling == pytest.approx(5)
    assert limiter.rate == pytest.approx(20 * 0.9 * 0.6)


def test_recovery_is_quick_to_the_ceiling_then_slow_and_only_under_demand():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=lambda: 0.5)
    clock.now += 0.5
    limiter.on_throttle(Ticket(clock.now))
    assert limiter.rate == pytest.approx(18)
    # nobody is waiting for slots: no growth at all
    clock.now += 3
    limiter.on_success()
    assert limiter.rate == pytest.approx(18)
    # callers queue up (reservations in the future) and successes come in over 3 seconds
    for _ in range(60):
        limiter.reserve()
        clock.now += 0.05
        limiter.on_success()
    assert limiter.rate == pytest.approx(20 * 0.98)  # exponentially back to just under the ceiling
    before = limiter.rate
    for _ in range(100):  # 5 more seconds under demand: additive probing, 0.05/s
        limiter.reserve()
        clock.now += 0.05
        limiter.on_success()
    assert limiter.rate - before == pytest.approx(0.05 * 5, abs=0.02)


def test_a_more_generous_service_is_found():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, clock=clock)
    for _ in range(1200):  # a minute of more demand than the rate allows, and no refusals
        limiter.reserve()
        limiter.reserve()
        clock.now += 0.05
        limiter.on_success()
    assert limiter.ceiling is None  # passed 5 % above the presumed limit: searching now
    assert limiter.rate > 30


def test_rate_stays_within_bounds():
    clock = Clock()
    limiter = AdaptiveRateLimiter(1.0, min_rate=0.5, max_rate=2.0, min_samples=1, clock=clock, rng=lambda: 0.0)
    for _ in range(10):
        clock.now += 2
        limiter.on_throttle(Ticket(clock.now))
    assert limiter.rate == 0.5
    limiter2 = AdaptiveRateLimiter(1.9, max_rate=2.0, clock=clock)
    for _ in range(200):
        limiter2.reserve()
        clock.now += 0.5
        limiter2.on_success()
    assert limiter2.rate == 2.0


def test_acquire_honours_cancel_while_waiting():
    limiter = AdaptiveRateLimiter(0.5, burst=1)
    limiter.acquire()
    cancel = CancelToken()
    threading.Timer(0.1, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        limiter.acquire(cancel)  # the next slot is 2 s away
    assert time.monotonic() - started < 0.3
    cancelled = CancelToken()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        AdaptiveRateLimiter(20).acquire(cancelled)


def test_acquire_paces_real_threads():
    limiter = AdaptiveRateLimiter(50, burst=1)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(5):
            ticket = limiter.acquire()
            with lock:
                stamps.append(ticket.sent_at)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert stamps[-1] - stamps[0] >= 19 / 50 - 0.02  # 20 requests at 50/s need ~0.38 s


def _run(limiter: AdaptiveRateLimiter, clock: Clock, admit: Callable[[], bool], seconds: float) -> list[float]:
    """One caller with endless demand against a service on the same clock; when each success came."""
    successes = []
    end = clock.now + seconds
    while clock.now < end:
        clock.now += max(0.0, limiter.reserve())
        ticket = Ticket(clock.now)
        clock.now += 0.001
        if admit():
            limiter.on_success(ticket)
            successes.append(clock.now)
        else:
            limiter.on_throttle(ticket)
    return successes


def test_a_limit_refused_at_random_does_not_drag_the_rate_down():
    clock = Clock()
    dice = random.Random(7)
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=dice.random)
    successes = _run(limiter, clock, lambda: dice.random() >= 1 / 3, 60)
    # a third refused whatever the rate: slowing down would not help, so it keeps sending at the limit
    assert limiter.background == pytest.approx(1 / 3, abs=0.1)
    assert limiter.rate >= 19
    assert len(successes) >= 0.9 * 60 * 20 * 2 / 3


@pytest.mark.parametrize("limit", [10.0, 20.0, 35.0])
def test_a_token_bucket_limit_is_found_and_kept_within_ten_percent(limit):
    clock = Clock()
    bucket = TokenBucketLimiter(limit, burst=2, clock=clock)
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=random.Random(3).random)
    successes = _run(limiter, clock, bucket.admit, 90)
    late = [t for t in successes if t >= successes[-1] - 60]  # once it has found the limit
    assert len(late) / 60 >= limit / 1.1


def test_random_refusals_on_top_of_a_limit_by_count_keep_the_limit():
    clock = Clock()
    window = SlidingWindowLimiter(20, clock=clock)
    dice = random.Random(11)
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=dice.random)
    successes = _run(limiter, clock, lambda: dice.random() >= 1 / 3 and window.admit(), 60)
    assert len(successes) >= 0.9 * 60 * 20 * 2 / 3
    assert limiter.background > 0.2
