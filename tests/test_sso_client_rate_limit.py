"""The adaptive rate limiter, on a controlled clock: window-safe clumps (discovery through a window of
20 a second near its floor, never refused, jitter allowed for); a refused clump halves the burst; cuts to what went through
when more are refused than usual; refusals a cut does not reduce learnt as noise (the cut undone);
additive growth under demand; and simulated services: refusals at random, token buckets, both."""

from __future__ import annotations

import heapq
import math
import random
import threading
import time
from typing import Callable

import pytest

from app.cancel import CancelToken
from app.emulator.limits import SlidingWindowLimiter, TokenBucketLimiter
from app.errors import Cancelled
from app.signin.portal import THROTTLE_PAUSE, THROTTLE_PAUSE_CAP
from app.signin.rate_limit import DOCUMENTED_RATE, AdaptiveRateLimiter, Ticket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _send_times(limiter: AdaptiveRateLimiter, clock: Clock, count: int) -> list[float]:
    """When each of ``count`` back-to-back callers would send (reservations made at clock.now)."""
    return [clock.now + limiter.reserve() for _ in range(count)]


def test_a_quiet_start_allows_one_seconds_worth_at_once_then_goes_in_clumps_a_burst_apart():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, clock=clock, rng=lambda: 0.5)
    times = _send_times(limiter, clock, 45)
    assert times[:20] == [1000.0] * 20  # a dozen accounts go out in one round trip
    # the next burst's worth goes together once the rate has "spent" the first one (20 at 20/s: 1 s)
    assert times[20:40] == [pytest.approx(1001.0)] * 20
    assert times[40:] == [pytest.approx(1002.0)] * 5
    # no one-second window carries more than 20
    for start in times:
        assert sum(1 for t in times if start <= t < start + 1.0 - 1e-9) <= 20


def test_burst_credit_returns_once_the_rate_has_spent_it():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, burst=5, clock=clock)
    _send_times(limiter, clock, 5)  # a burst of 5 at 20/s: the next 5 may go 0.25 s later
    clock.now += 0.1
    assert [limiter.reserve() for _ in range(5)] == [pytest.approx(0.15)] * 5
    assert limiter.reserve() == pytest.approx(0.4)  # and the one after that with the clump after
    clock.now += 2.0
    assert [limiter.reserve() for _ in range(5)] == [0] * 5


def test_a_refused_burst_shrinks_the_next_burst_and_leaves_the_rate_alone():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, min_samples=10, clock=clock, rng=lambda: 0.5)
    tickets = [limiter.acquire() for _ in range(20)]
    assert all(ticket.burst for ticket in tickets)
    for ticket in tickets[5:]:
        limiter.on_throttle(ticket)  # a bucket of 5 let only 5 of them through
    assert limiter.rate == 20 and limiter.decreases == 0
    clock.now += 3
    assert [limiter.reserve() for _ in range(11)].count(0) == 10  # half the burst, once for that burst


def _window(limiter: AdaptiveRateLimiter, clock: Clock, *, refused: int, total: int, spacing: float = 0.05) -> None:
    """``total`` requests sent ``spacing`` apart and answered at once, ``refused`` of them 429 (spread out)."""
    for n in range(total):
        ticket = Ticket(clock.now)
        if n * refused // total != (n + 1) * refused // total:
            limiter.on_throttle(ticket)
        else:
            limiter.on_success(ticket)
        clock.now += spacing


def test_more_refusals_than_usual_cut_the_rate_to_what_went_through():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, min_samples=10, clock=clock, rng=lambda: 0.5)
    _window(limiter, clock, refused=3, total=10)
    # sent at 20/s, 7 of 10 went through: a little under 14/s
    assert limiter.rate == pytest.approx(20 * 0.7 * 0.95)
    assert limiter.decreases == 1 and limiter.throttles == 3
    # never more than halved at once, however many were refused
    halved = AdaptiveRateLimiter(20, min_samples=10, clock=clock, rng=lambda: 0.5)
    _window(halved, clock, refused=9, total=10)
    assert halved.rate == pytest.approx(10)


def test_answers_to_requests_sent_before_a_cut_say_nothing_new():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, min_samples=10, clock=clock, rng=lambda: 0.5)
    early = Ticket(clock.now)
    _window(limiter, clock, refused=3, total=10)
    for _ in range(30):
        limiter.on_throttle(early)  # in flight at the old rate
    assert limiter.decreases == 1 and limiter.throttles == 33


def test_a_cut_that_helped_stays_and_one_that_did_not_is_undone_and_learnt_as_noise():
    clock = Clock()
    helped = AdaptiveRateLimiter(20, min_samples=10, clock=clock, rng=lambda: 0.5)
    _window(helped, clock, refused=3, total=10)
    _window(helped, clock, refused=0, total=10)  # slower, and nothing refused: it was the rate
    assert helped.rate == pytest.approx(13.3) and helped.noise == 0 and helped.restores == 0

    random_refusals = AdaptiveRateLimiter(20, min_samples=10, clock=clock, rng=lambda: 0.5)
    _window(random_refusals, clock, refused=3, total=10)
    _window(random_refusals, clock, refused=3, total=10)  # slower, and as many refused: not the rate
    assert random_refusals.rate == pytest.approx(20) and random_refusals.restores == 1
    assert random_refusals.noise == pytest.approx(0.3)
    for _ in range(10):  # from now on that share is the usual one: no more cuts
        _window(random_refusals, clock, refused=3, total=10)
    assert random_refusals.decreases == 1 and random_refusals.rate == pytest.approx(20)


def test_the_noise_follows_fewer_refusals_down_but_never_rises_without_a_test():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, min_samples=20, clock=clock, rng=lambda: 0.5)
    _window(limiter, clock, refused=8, total=20)
    _window(limiter, clock, refused=8, total=20)
    assert limiter.noise == pytest.approx(0.4)
    for _ in range(20):
        _window(limiter, clock, refused=0, total=20)  # the service calmed down
    assert limiter.noise < 0.01
    _window(limiter, clock, refused=6, total=20)  # now 30 % is news: a cut
    assert limiter.decreases == 2


def test_growth_is_additive_and_only_under_demand():
    clock = Clock()
    limiter = AdaptiveRateLimiter(10, burst=1, clock=clock)
    clock.now += 3
    limiter.on_success()
    assert limiter.rate == 10  # nobody waits for slots: the rate is not what limits
    for _ in range(100):  # 5 s of callers queueing for slots
        limiter.reserve()
        limiter.reserve()
        clock.now += 0.05
        limiter.on_success()
    assert limiter.rate == pytest.approx(15, abs=0.1)


def test_paced_requests_find_a_more_generous_service():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, clock=clock)
    for _ in range(1200):  # a minute of more demand than the rate allows, and no refusals
        limiter.reserve()
        limiter.reserve()
        clock.now += 0.05
        limiter.on_success()
    assert limiter.rate > 30


def test_rate_stays_within_bounds():
    clock = Clock()
    limiter = AdaptiveRateLimiter(1.0, min_rate=0.5, max_rate=2.0, min_samples=2, clock=clock, rng=lambda: 0.0)
    for _ in range(10):
        _window(limiter, clock, refused=2, total=2, spacing=1.0)
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
        wait, ticket = limiter.reserve_ticket()
        clock.now += max(0.0, wait)
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
    assert limiter.noise == pytest.approx(1 / 3, abs=0.1)
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
    assert limiter.noise > 0.2


def _discover(
    limiter: AdaptiveRateLimiter, clock: Clock, admit: Callable[[], bool], requests: int, *, workers: int = 16,
    latency: float = 0.03, jitter: float = 0.005, seed: int = 1,
) -> tuple[float, list[float]]:
    """``requests`` one-page listings by a pool of workers, as discovery sends them (a refused one retried
    after the portal's jittered pause), against a service on the same clock whose answers take ``latency``
    plus up to ``jitter`` each way. Returns when the last answer came and when each refusal came (from the start)."""
    dice = random.Random(seed)
    started, left, order = clock.now, requests, 0
    refusals: list[float] = []
    events: list[tuple[float, int, str, int, Ticket | None]] = []

    def later(at: float, what: str, refused_in_a_row: int = 0, ticket: Ticket | None = None) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (at, order, what, refused_in_a_row, ticket))

    for _ in range(min(workers, requests)):
        later(clock.now, "next")
    finished = clock.now
    while events:
        clock.now, _, what, in_a_row, ticket = heapq.heappop(events)
        if what in ("next", "retry"):
            if what == "next":
                if not left:
                    continue
                left -= 1
            wait, ticket = limiter.reserve_ticket()
            later(clock.now + wait + latency / 2 + dice.uniform(0, jitter), "arrive", in_a_row, ticket)
        elif what == "arrive":
            later(clock.now + latency / 2 + dice.uniform(0, jitter), "ok" if admit() else "refused", in_a_row, ticket)
        elif what == "ok":
            limiter.on_success(ticket)
            finished = clock.now
            later(clock.now, "next")
        else:
            limiter.on_throttle(ticket)
            refusals.append(clock.now - started)
            pause = dice.uniform(0, min(THROTTLE_PAUSE_CAP, THROTTLE_PAUSE * 2 ** (in_a_row + 1)))
            later(clock.now + pause, "retry", in_a_row + 1)
    return finished - started, refusals


@pytest.mark.parametrize("requests", [60, 20, 30, 100, 300])
def test_discovery_through_a_window_of_20_a_second_keeps_to_the_floor_and_is_never_refused(requests):
    clock = Clock()
    window = SlidingWindowLimiter(20, clock=clock)
    limiter = AdaptiveRateLimiter(clock=clock, rng=random.Random(5).random)
    seconds, refusals = _discover(limiter, clock, window.admit, requests, latency=0.002, jitter=0.001)
    floor = (requests - 20) / 20  # the first second's worth at once, then 20 a second...
    if requests % 20:
        floor = math.ceil(floor)  # ...in whole seconds: a window lets the rest go only as the first ones leave it
    assert refusals == []
    assert seconds <= 1.1 * floor + 0.01  # and the last answer (for 20 the floor is 0)


def test_clumps_a_second_apart_leave_room_for_latency_jitter():
    clock = Clock()
    window = SlidingWindowLimiter(20, clock=clock)
    limiter = AdaptiveRateLimiter(clock=clock, rng=random.Random(5).random)
    seconds, refusals = _discover(limiter, clock, window.admit, 60, latency=0.06, jitter=0.02)
    assert refusals == []
    assert seconds <= 1.1 * 2.0 + 0.08


def test_a_long_discovery_at_a_longer_latency_stays_under_the_window():
    clock = Clock()
    window = SlidingWindowLimiter(20, clock=clock)
    limiter = AdaptiveRateLimiter(clock=clock, rng=random.Random(5).random)
    seconds, refusals = _discover(limiter, clock, window.admit, 300, latency=0.03, jitter=0.005)
    assert len(refusals) <= 3  # a stray one once the rate has crept up, no more
    assert seconds <= 1.1 * (300 - 20) / 20


def _clump(limiter: AdaptiveRateLimiter, clock: Clock, size: int) -> list[Ticket]:
    """The next ``size`` callers, sent when their clump may go."""
    booked = [limiter.reserve_ticket() for _ in range(size)]
    clock.now += max(wait for wait, _ in booked)
    return [ticket for _, ticket in booked]


def test_a_refused_clump_after_a_clean_one_goes_back_under_that_clumps_rate():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, burst=4, clock=clock)
    for ticket in _clump(limiter, clock, 4):  # the burst after a quiet start
        limiter.on_success(ticket)
    for ticket in _clump(limiter, clock, 4):  # went through at 20/s
        limiter.on_success(ticket)
    limiter._rate = 24.0  # grown since (as under demand)
    refused = _clump(limiter, clock, 4)
    for ticket in refused:
        limiter.on_throttle(ticket)
    assert limiter.rate == pytest.approx(20 * 0.95) and limiter.decreases == 1  # once for the clump
    # the burst halved: the next clump is 2, a clump's worth (2 at 19/s) after the last one went
    assert [limiter.reserve() for _ in range(3)] == [0, 0, pytest.approx(2 / 19)]


def test_clumps_refused_one_after_another_halve_the_burst_but_leave_the_rate_to_the_judging():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, burst=8, clock=clock)
    for size in (8, 4, 2):  # refused at random, whatever the rate
        tickets = _clump(limiter, clock, size)
        limiter.on_success(tickets[0])
        for ticket in tickets[1:]:
            limiter.on_throttle(ticket)
    assert limiter.rate >= 20 and limiter.decreases == 0
    first, second = limiter.reserve(), limiter.reserve()
    assert second - first == pytest.approx(1 / limiter.rate)  # single requests, paced


def test_refused_requests_leave_the_clients_window_so_their_retries_need_not_wait_a_clump():
    clock = Clock()
    limiter = AdaptiveRateLimiter(20, burst=4, clock=clock)
    for ticket in _clump(limiter, clock, 4):
        limiter.on_success(ticket)
    early = _clump(limiter, clock, 4)  # 0.2 s later: all refused (the service's window was still full)
    for ticket in early:
        limiter.on_throttle(ticket)
    # the service did not count them: the retries go with the first clump's second, not after theirs
    assert limiter.reserve() == 0


@pytest.mark.parametrize("burst", [5, 2])
def test_a_token_bucket_brings_the_burst_down_at_once_and_is_kept_to(burst):
    clock = Clock()
    bucket = TokenBucketLimiter(20, burst=burst, clock=clock)
    limiter = AdaptiveRateLimiter(clock=clock, rng=random.Random(5).random)
    seconds, refusals = _discover(limiter, clock, bucket.admit, 300)
    assert seconds <= 1.1 * 300 / 20
    # the first clump's overflow, and a few while the burst comes down to what the bucket holds
    assert len([t for t in refusals if t < 3.0]) <= 2 * (20 - burst) + 5
    assert limiter.rate >= 18  # the clumps the bucket refused did not drag the rate down


def test_clumps_keep_to_the_documented_rate_even_where_the_service_allows_more():
    """A deliberate limit: clumps grow the rate only by a slot's worth, so a full clump stays about a
    second apart and the portal's documented 20 a second is not exceeded to look for more."""
    clock = Clock()
    window = SlidingWindowLimiter(60, clock=clock)
    limiter = AdaptiveRateLimiter(clock=clock)
    elapsed, refusals = _discover(limiter, clock, window.admit, 300)
    assert not refusals
    assert 0.9 * DOCUMENTED_RATE <= 300 / elapsed <= 1.1 * DOCUMENTED_RATE
