"""Make sure a sign-in lasts long enough for a job (``ensure PROFILE --for 6h``, ``run --for``).

A sign-in lasts until its session ends (:mod:`app.signin.session_end`), or, for a token that cannot
renew itself (a legacy profile's, or one without a refresh token), until the token expires. When
that is soon enough for the job, nothing happens; otherwise the session is renewed for real
(:meth:`app.signin.login.LoginService.renew`: sign-out at AWS, then one sign-in), which moves the end
to a full session length from now. A session length shorter than the job is said at once, before
anyone is asked to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from app.errors import WizardError
from app.profiles.duration import duration_text
from app.signin.session_end import DEFAULT, LEARNT, PRESET

if TYPE_CHECKING:  # pragma: no cover
    from app.cancel import CancelToken
    from app.signin.login import LoginPrompt, LoginService
    from app.signin.target import SsoTarget

ALREADY, RENEWED = "already", "renewed"


class SessionTooShort(WizardError):
    """The organisation's sessions are shorter than the time asked for: no sign-in can give it."""


@dataclass(frozen=True)
class Lasting:
    """The outcome: ``action`` (:data:`ALREADY` or :data:`RENEWED`) and when the sign-in ends."""

    action: str
    ends_at: datetime
    approximate: bool


def _how_known(source: str) -> str:
    return {
        PRESET: "the organisation preset's session length",
        LEARNT: "learnt from a renewal AWS refused",
        DEFAULT: "AWS's default; set [sso] session_hours in the preset if your organisation's is longer",
    }.get(source, source)


def usable_until(service: "LoginService", target: "SsoTarget", now: datetime) -> tuple[datetime | None, bool]:
    """(when the current sign-in stops working, whether that is approximate); (None, False) when it
    is not signed in or its session's start is not known here."""
    from app.signin.login import session_key

    status = service.status(target)
    if not status.signed_in:
        return None, False
    end = service.session_starts.end_of(session_key(target), target.start_url)
    if end is None:
        return None, False
    until, approximate = end.ends_at, end.approximate
    if not status.renewable and status.expires_at is not None and status.expires_at < until:
        until, approximate = status.expires_at, False
    return until, approximate


def ensure_lasting(
    service: "LoginService",
    target: "SsoTarget",
    needed: timedelta,
    *,
    method: str = "pkce",
    open_browser: bool = True,
    on_prompt: Callable[["LoginPrompt"], object] | None = None,
    on_notice: Callable[[str], object] | None = None,
    cancel: "CancelToken | None" = None,
) -> Lasting:
    """A sign-in for ``target`` that lasts ``needed`` from now: the current one, or a renewed one."""
    from app.signin.login import session_key

    key = session_key(target)
    length, source = service.session_starts.length_of(key, target.start_url)
    if length < needed:
        raise SessionTooShort(
            f"Sessions for {target.label} last {duration_text(length.total_seconds())} ({_how_known(source)}), "
            f"less than the {duration_text(needed.total_seconds())} asked for.",
            hint="Split the job into shorter parts, or ask your IT team about the session length "
                 "(IAM Identity Center settings).",
        )
    now = service.now()
    until, approximate = usable_until(service, target, now)
    if until is not None and until - now >= needed:
        return Lasting(ALREADY, until, approximate)
    if on_notice is not None:
        if until is None and service.status(target).signed_in:
            on_notice(f"When the session for {target.label} began is not known here: starting a new one.")
        elif until is not None:
            on_notice(f"The session for {target.label} ends in {duration_text((until - now).total_seconds())}: "
                      "starting a new one (sign-out at AWS, then sign-in).")
    service.renew(target, method=method, open_browser=open_browser, on_prompt=on_prompt, on_notice=on_notice,
                  cancel=cancel)
    now = service.now()
    until, approximate = usable_until(service, target, now)
    if until is None or until - now < needed:
        raise SessionTooShort(
            f"The new session for {target.label} does not last {duration_text(needed.total_seconds())}.",
            hint="Ask your IT team about the session length (IAM Identity Center settings).",
        )
    return Lasting(RENEWED, until, approximate)
