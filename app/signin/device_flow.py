"""Polling for the device-authorization grant (RFC 8628), as the AWS CLI v2 polls (spec §3.1 step 6).

``AuthorizationPending`` → poll again after ``interval``; ``SlowDown`` → the interval grows by 5 s,
cumulatively; ``ExpiredToken`` → :class:`LoginExpired`; ``AccessDenied`` → :class:`LoginDenied`;
``InvalidGrant`` → :class:`LoginFailed`; anything else → its typed error.

Unlike the CLI, which polls until the service says the code expired, we also stop on our own at
the authorization's ``expiresIn`` plus a short grace period, so a service that never answers
``ExpiredToken`` cannot keep a sign-in screen waiting for ever. The wait between polls is a cancel
token's interruptible sleep, so cancelling stops the polling at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from app.cancel import CancelToken
from app.errors import Cancelled
from app.signin.errors import LoginExpired, error_code, translate_error

DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5.0
SLOW_DOWN_DELAY = 5.0
DEADLINE_GRACE = 30.0


@dataclass
class DeviceAuthorization:
    device_code: str = field(repr=False)
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: float
    interval: float
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_response(cls, response: dict) -> "DeviceAuthorization":
        interval = response.get("interval")
        return cls(
            device_code=response["deviceCode"],
            user_code=response.get("userCode") or "",
            verification_uri=response.get("verificationUri") or "",
            verification_uri_complete=response.get("verificationUriComplete") or response.get("verificationUri") or "",
            expires_in=float(response.get("expiresIn") or 600),
            interval=float(interval) if interval else DEFAULT_INTERVAL,
        )

    @property
    def deadline(self) -> float:
        return self.started + self.expires_in + DEADLINE_GRACE


def attempt(create_token: Callable[[], dict], interval: float) -> tuple[float, dict | None]:
    """One CreateToken poll: (next interval, the response or None while still pending)."""
    from botocore.exceptions import ClientError

    try:
        return interval, create_token()
    except ClientError as error:
        code = error_code(error)
        if code == "AuthorizationPendingException":
            return interval, None
        if code == "SlowDownException":
            return interval + SLOW_DOWN_DELAY, None
        raise translate_error(error, operation="CreateToken", context="login") from None
    except Exception as error:
        raise translate_error(error, operation="CreateToken", context="login") from None


def poll(
    create_token: Callable[[], dict],
    authorization: DeviceAuthorization,
    *,
    interval: float,
    cancel: CancelToken,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll until approved (the CreateToken response), denied, expired or cancelled.

    The first poll is immediate (the CLI polls right after showing the code), then one every
    ``interval`` seconds.
    """
    while True:
        cancel.raise_if_cancelled()
        interval, response = attempt(create_token, interval)
        if response is not None:
            return response
        remaining = authorization.deadline - clock()
        if remaining <= 0:
            raise LoginExpired(
                "The sign-in code expired before it was approved.",
                hint="Start the sign-in again and approve it within a few minutes.",
            )
        if cancel.wait(max(0.0, min(interval, remaining))):
            raise Cancelled("Sign-in cancelled.")
