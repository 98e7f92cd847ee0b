"""Seeded fault injection for the portal: random 429s, HTTP 500s and connection resets.

Each request's fate is drawn from a hash of the seed, the request's key (operation, account id and
page) and how many times that key was asked before, so a run gives every account the same sequence
of outcomes whatever order the threads send in. ``failing_accounts`` fail every ListAccountRoles.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

THROTTLE = "throttle"
SERVER_ERROR = "server-error"
RESET = "reset"


@dataclass(frozen=True)
class PortalFaults:
    """Fractions (0 to 1) of portal requests answered 429, answered HTTP 500, or cut off without an
    answer; ``failing_accounts`` get ``failing_kind`` (``server-error`` or ``reset``) on every try."""

    throttle: float = 0.0
    server_errors: float = 0.0
    resets: float = 0.0
    seed: int = 0
    failing_accounts: frozenset[str] = field(default_factory=frozenset)
    failing_kind: str = SERVER_ERROR

    def __post_init__(self) -> None:
        for name in ("throttle", "server_errors", "resets"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.throttle + self.server_errors + self.resets > 1.0:
            raise ValueError("the fault fractions add up to more than 1")
        if self.failing_kind not in (SERVER_ERROR, RESET):
            raise ValueError(f"failing_kind must be {SERVER_ERROR!r} or {RESET!r}")
        object.__setattr__(self, "failing_accounts", frozenset(self.failing_accounts))


class FaultDice:
    """Draws the fate of each request for one :class:`PortalFaults` (thread-safe)."""

    def __init__(self, faults: PortalFaults) -> None:
        self.faults = faults
        self._asked: dict[str, int] = {}
        self._lock = threading.Lock()

    def _uniform(self, key: str) -> float:
        with self._lock:
            count = self._asked.get(key, 0)
            self._asked[key] = count + 1
        digest = hashlib.blake2b(f"{self.faults.seed}|{key}|{count}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def draw(self, operation: str, account_id: str | None, page: str | None) -> str | None:
        """``throttle``, ``server-error``, ``reset`` or None (answer normally)."""
        faults = self.faults
        if operation == "ListAccountRoles" and account_id in faults.failing_accounts:
            return faults.failing_kind
        if not (faults.throttle or faults.server_errors or faults.resets):
            return None
        roll = self._uniform(f"{operation}|{account_id or ''}|{page or ''}")
        for kind, fraction in ((THROTTLE, faults.throttle), (SERVER_ERROR, faults.server_errors),
                               (RESET, faults.resets)):
            if roll < fraction:
                return kind
            roll -= fraction
        return None
