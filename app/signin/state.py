"""Where a sign-in stands: the one vocabulary of sign-in state shared by the login service, the
profile rows, the commands and the screens, with the expiry window and the clock it is measured by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import overload

EXPIRY_WINDOW = timedelta(minutes=15)
"""A token or registration with less than this left counts as expired for reuse (CLI ``_EXPIRY_WINDOW``)."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@overload
def format_timestamp(moment: datetime) -> str: ...
@overload
def format_timestamp(moment: None) -> None: ...
def format_timestamp(moment: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the only form the CLI and botocore write; None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("refusing to write a naive timestamp")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class TokenState(str, Enum):
    """Where a sign-in stands (the values are the ``status`` of ``profiles --json``)."""

    SIGNED_OUT = "signed-out"
    VALID = "valid"  # 15 minutes or more left
    EXPIRING = "expiring"  # not expired, less than 15 minutes left (renewable or not: see TokenStatus.renewable)
    REFRESHABLE = "refreshable"  # expired, but botocore's refresh rules (§5) would renew it
    EXPIRED = "expired"  # expired, and no way to renew it without signing in again


@dataclass(frozen=True)
class TokenStatus:
    """``renewable``: botocore would renew this token by itself (an sso-session token with every
    refresh ingredient, §5) once it is inside the 15-minute window; an EXPIRING token that is
    renewable "renews itself when used"."""

    state: TokenState
    expires_at: datetime | None
    token_path: Path
    renewable: bool = False

    @property
    def signed_in(self) -> bool:
        """True when the token can be used now (valid, expiring, or renewable without a browser)."""
        return self.state in (TokenState.VALID, TokenState.EXPIRING, TokenState.REFRESHABLE)

    def remaining(self, now: datetime | None = None) -> timedelta | None:
        if self.expires_at is None:
            return None
        return self.expires_at - (now or utc_now())
