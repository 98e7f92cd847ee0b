"""Shared bits for the login / SSO client tests: targets for the emulator's demo organisation, a
``BROWSER`` that follows redirects, and token files written by hand the way the AWS CLI writes them."""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.sso_target import SsoTarget
from app.token_cache import target_token_key

HELPERS = Path(__file__).resolve().parent
FOLLOW_BROWSER = HELPERS / "follow_browser.py"

SESSION = SsoTarget(
    start_url=DEMO_START_URL,
    region=DEMO_REGION,
    session_name="demo",
    scopes=("sso:account:access",),
    registration_scopes="sso:account:access",
)
SESSION_NO_SCOPES = SsoTarget(start_url=DEMO_START_URL, region=DEMO_REGION, session_name="plain")
LEGACY = SsoTarget(start_url=DEMO_START_URL, region=DEMO_REGION)


def browser_command(*, python: str = sys.executable) -> str:
    """A ``BROWSER`` value that fetches the URL and follows redirects (a signed-in person's browser)."""
    return f"{python} {FOLLOW_BROWSER} %s"


def use_following_browser(monkeypatch, *, delay: float = 0.0, log: Path | None = None) -> None:
    monkeypatch.setenv("BROWSER", browser_command())
    if delay:
        monkeypatch.setenv("FOLLOW_BROWSER_DELAY", str(delay))
    if log is not None:
        monkeypatch.setenv("FOLLOW_BROWSER_LOG", str(log))


def zulu(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_path(home: Path, target: SsoTarget) -> Path:
    return home / ".aws" / "sso" / "cache" / f"{target_token_key(target)}.json"


def write_cli_token(
    home: Path,
    target: SsoTarget,
    *,
    access_token: str = "aoa-handwritten",
    expires_in: timedelta = timedelta(hours=1),
    refresh_token: str | None = "aor-handwritten",
    client_id: str = "client-handwritten",
    client_secret: str = "secret-handwritten",
    registration_expires_in: timedelta = timedelta(days=80),
    extra: dict | None = None,
) -> Path:
    """A token file exactly as ``aws sso login`` writes it (§4.2): one line, default separators, the
    CLI's key order, ``…Z`` timestamps."""
    now = datetime.now(timezone.utc)
    document: dict = {
        "startUrl": target.start_url,
        "region": target.region,
        "accessToken": access_token,
        "expiresAt": zulu(now + expires_in),
        "clientId": client_id,
        "clientSecret": client_secret,
        "registrationExpiresAt": zulu(now + registration_expires_in),
    }
    if refresh_token is not None:
        document["refreshToken"] = refresh_token
    if extra:
        document.update(extra)
    path = token_path(home, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def write_signed_in_token(home: Path, emulator, target: SsoTarget, *, scopes=("sso:account:access",)) -> Path:
    """A token the emulator really issued (no browser involved), written as the CLI would."""
    signed = emulator.issue_token(scopes=tuple(scopes), start_url=target.start_url)
    return write_cli_token(
        home,
        target,
        access_token=signed.access_token,
        expires_in=timedelta(seconds=signed.expires_in),
        refresh_token=signed.refresh_token,
        client_id=signed.client_id,
        client_secret=signed.client_secret,
        registration_expires_in=timedelta(
            seconds=signed.client_secret_expires_at - datetime.now(timezone.utc).timestamp()
        ),
    )


class Approver:
    """An ``on_prompt`` callback that presses Approve (or Deny) on the emulator's device page for the
    code it is shown, from another thread, like a person on their phone."""

    def __init__(self, emulator, *, approve: bool = True, delay: float = 0.0) -> None:
        self.emulator = emulator
        self.approve = approve
        self.delay = delay
        self.prompts: list = []
        self.threads: list[threading.Thread] = []

    def __call__(self, prompt) -> None:
        self.prompts.append(prompt)

        def press() -> None:
            if self.delay:
                threading.Event().wait(self.delay)
            if self.approve:
                self.emulator.approve(prompt.user_code)
            else:
                self.emulator.deny(prompt.user_code)

        thread = threading.Thread(target=press, daemon=True)
        thread.start()
        self.threads.append(thread)
