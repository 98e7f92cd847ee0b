"""Shared bits for the login / SSO client tests: targets for the emulator's demo organisation, a
``BROWSER`` that follows redirects, and token files written by hand the way the AWS CLI writes them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.signin.target import SsoTarget

ROOT = Path(__file__).resolve().parent.parent.parent

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


def token_file(home: Path, key: str) -> Path:
    """The token file of an sso-session name, or of a legacy profile's start URL (§4.1), computed
    here independently of the app's own key function."""
    return home / ".aws" / "sso" / "cache" / f"{hashlib.sha1(key.encode()).hexdigest()}.json"


def token_path(home: Path, target: SsoTarget) -> Path:
    return token_file(home, target.session_name if target.session_name is not None else target.start_url)


class NoBrowser:
    """A login service's browser on a machine without one (the sign-in takes a code)."""

    def likely(self) -> bool:
        return False

    def open(self, url: str) -> bool:
        return False


def emulator_clock(emu):
    """A login service clock that follows the emulator's (which tests move with ``emu.advance``)."""
    return lambda: datetime.fromtimestamp(emu.now(), timezone.utc)


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
    now: datetime | None = None,
) -> Path:
    """A token file exactly as ``aws sso login`` writes it (§4.2): one line, default separators, the
    CLI's key order, ``…Z`` timestamps, mode 0600."""
    now = now or datetime.now(timezone.utc)
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
    path.chmod(0o600)
    return path


def write_issued_token(
    home: Path, target: SsoTarget, signed, *, expires_in: timedelta | None = None, refresh: bool = True
) -> Path:
    """A token the emulator really issued (``emulator.issue_token()``), written as the CLI would;
    ``expires_in`` overrides its lifetime, ``refresh=False`` leaves out its refresh token."""
    now = datetime.now(timezone.utc)
    return write_cli_token(
        home,
        target,
        access_token=signed.access_token,
        expires_in=expires_in if expires_in is not None else timedelta(seconds=signed.expires_in),
        refresh_token=signed.refresh_token if refresh else None,
        client_id=signed.client_id,
        client_secret=signed.client_secret,
        registration_expires_in=timedelta(seconds=signed.client_secret_expires_at - now.timestamp()),
        now=now,
    )


def write_signed_in_token(home: Path, emulator, target: SsoTarget, *, scopes=("sso:account:access",)) -> Path:
    """A token the emulator really issued (no browser involved), written as the CLI would."""
    return write_issued_token(home, target, emulator.issue_token(scopes=tuple(scopes), start_url=target.start_url))


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


_HOLD_LOCK = """
import sys
from pathlib import Path
from app.fsutil import exclusive_lock
with exclusive_lock(Path(sys.argv[1]), timeout=5):
    print("held", flush=True)
    sys.stdin.readline()  # released when the test says so
"""


class OtherWindow:
    """Another process in the middle of a sign-in: it holds the session's login lock until
    :meth:`finish` writes its token and lets go."""

    def __init__(self, lock_path: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, str(lock_path)], env=env, cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert self.proc.stdout.readline().strip() == "held", self.proc.stderr.read()

    def finish(self, home: Path, session=None) -> None:
        write_cli_token(home, session or SESSION, expires_in=timedelta(hours=8))
        self.proc.stdin.write("done\n")
        self.proc.stdin.flush()
        assert self.proc.wait(10) == 0

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
