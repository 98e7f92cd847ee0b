"""No access token, refresh token, client secret, device or authorization code, or role key ever
appears in a message, a log line, an exception, a prompt, a status, a repr or the command line's
output.

Real flows run against the emulator with our loggers at DEBUG; everything a person or a log could
see is collected, then checked against every secret the emulator issued during the test.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from app.cancel import CancelToken
from app.config.edits import UpsertProfile, UpsertSsoSession
from app.config.writer import ConfigWriter
from app.errors import Cancelled, WizardError
from app.signin.browser import NoBrowser
from app.signin.login import LoginService
from app.signin.portal import SsoClient
from app.signin.token_cache import TokenCache
from helpers.sso import LEGACY, SESSION, Approver, use_following_browser

ROOT = Path(__file__).resolve().parent.parent


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # includes the formatted traceback of exc_info


@pytest.fixture
def seen():
    """Everything visible: log lines of our loggers at DEBUG, plus what the test adds."""
    collector = _Collector()
    logger = logging.getLogger("app")
    previous = logger.level
    logger.addHandler(collector)
    logger.setLevel(logging.DEBUG)
    texts: list[str] = []
    yield texts, collector
    logger.removeHandler(collector)
    logger.setLevel(previous)


def _error_texts(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, WizardError):
        texts += [error.message, error.hint or "", getattr(error, "detail", None) or ""]
    return texts


def _expect_error(texts: list[str], kind, function, *args, **kwargs) -> None:
    with pytest.raises(kind) as caught:
        function(*args, **kwargs)
    texts.extend(_error_texts(caught.value))


def _issued_secrets(emu) -> set[str]:
    store = emu.store
    with store.lock:
        secrets = set(store.access_tokens) | set(store.refresh_tokens) | set(store.auth_codes)
        secrets |= {client.secret for client in store.clients.values()}
        secrets |= set(store.devices)
        for credential in store.role_credentials.values():
            secrets |= {credential.access_key_id, credential.secret_access_key, credential.session_token}
    return {s for s in secrets if s}


def _cached_secrets(home: Path) -> set[str]:
    found: set[str] = set()
    for _path, document in TokenCache().iter_documents():
        for key in ("accessToken", "refreshToken", "clientSecret"):
            if isinstance(document.get(key), str):
                found.add(document[key])
    return found


def _run_cli(texts: list[str], *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    texts += [done.stdout, done.stderr]
    return done


def test_no_secret_is_ever_shown(emulator_factory, monkeypatch, home, seen):
    texts, collector = seen
    emu = emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    service = LoginService()
    cache_snapshots: set[str] = set()

    # PKCE sign-in, then a refresh (a 10-minute token), listing, discovery, credentials, whoami
    texts.append(repr(service.login(SESSION, on_prompt=lambda p: texts.append(repr(p)))))
    cache_snapshots |= _cached_secrets(home)
    texts.append(repr(service.status(SESSION)))
    texts.append(repr(service.refresh(SESSION)))
    cache_snapshots |= _cached_secrets(home)
    texts.append(repr(TokenCache().load_token(SESSION)))
    texts.append(repr(TokenCache().load_registration(SESSION)))
    client = SsoClient(service, SESSION)
    accounts = client.list_accounts()
    texts.append(repr(accounts))
    texts.append(repr(client.discover_roles(accounts, progress=lambda d, t: texts.append(f"{d}/{t}"))))
    credentials = client.get_role_credentials("012345678901", "ReadOnly")
    texts += [repr(credentials), str(credentials)]
    texts.append(repr(client.whoami("012345678901", "ReadOnly")))

    # device sign-in (legacy), approved, and denied
    emu.auto_approve = False
    device = LoginService(browser=NoBrowser())
    texts.append(repr(device.login(LEGACY, method="device", on_prompt=Approver(emu))))
    cache_snapshots |= _cached_secrets(home)
    _expect_error(texts, WizardError, device.login, SESSION, method="device", force=True,
                  on_prompt=Approver(emu, approve=False))
    cancel = CancelToken()
    _expect_error(texts, Cancelled, device.login, SESSION, method="device", force=True,
                  on_prompt=lambda p: (texts.append(repr(p)), cancel.cancel()), cancel=cancel)

    # error paths: injected service errors with server text, an ended session, the network gone
    for operation, code in [
        ("ListAccounts", "UnauthorizedException"),
        ("ListAccountRoles", "ForbiddenException"),
        ("GetRoleCredentials", "ResourceNotFoundException"),
    ]:
        emu.fail_next(operation, code)
        call = {
            "ListAccounts": client.list_accounts,
            "ListAccountRoles": lambda: client.list_account_roles("012345678901"),
            "GetRoleCredentials": lambda: client.get_role_credentials("012345678901", "ReadOnly"),
        }[operation]
        _expect_error(texts, WizardError, call)
    emu.fail_next("CreateToken", "InvalidClientException")
    _expect_error(texts, WizardError, service.refresh, SESSION)
    emu.end_sessions()
    _expect_error(texts, WizardError, service.refresh, SESSION)
    _expect_error(texts, WizardError, client.list_accounts)
    _expect_error(texts, WizardError, client.discover_roles, [a.account_id for a in accounts])

    # sign out: one session while AWS is reachable, then everything with AWS gone
    emu.auto_approve = True
    texts.append(repr(service.login(SESSION, force=True, on_prompt=lambda p: texts.append(repr(p)))))
    cache_snapshots |= _cached_secrets(home)
    result = service.logout(SESSION, role_pairs=[("012345678901", "ReadOnly")])
    texts += [repr(result), result.message]
    service.login(SESSION, on_prompt=lambda p: texts.append(repr(p)))
    cache_snapshots |= _cached_secrets(home)
    emu.stop()
    result = service.logout_all()
    texts += [repr(result), result.message]
    _expect_error(texts, WizardError, device.login, SESSION, method="device", force=True)  # network down
    emu.start()

    with emu.store.lock:  # the emulator's own records print without their secrets too
        tables = (emu.store.clients, emu.store.devices, emu.store.auth_codes, emu.store.role_credentials)
        texts += [repr(record) for table in tables for record in table.values()]
    secrets = _issued_secrets(emu) | cache_snapshots | {credentials.secret_access_key, credentials.session_token}
    assert len(secrets) > 20  # the flows above really issued secrets
    everything = texts + collector.lines
    assert any("signed in to sso-session demo" in line for line in collector.lines)  # logs were captured
    for secret in secrets:
        for text in everything:
            assert secret not in text, f"a secret leaked into: {text[:200]!r}"


@pytest.mark.interop
def test_the_command_line_never_shows_secrets(emulator_factory, monkeypatch, home):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    writer = ConfigWriter()
    writer.apply(
        writer.plan(
            [
                UpsertSsoSession("demo", SESSION.start_url, SESSION.region),
                UpsertProfile("p", "012345678901", "ReadOnly", sso_session="demo", region=SESSION.region),
            ]
        )
    )
    texts: list[str] = []
    assert _run_cli(texts, "login", "p").returncode == 0, texts
    assert _run_cli(texts, "whoami", "p").returncode == 0, texts
    assert _run_cli(texts, "accounts", "--sso-session", "demo", "--roles").returncode == 0, texts
    assert _run_cli(texts, "warm", "p").returncode == 0, texts  # role keys: in the cache, never shown
    assert _run_cli(texts, "run", "p", "--", sys.executable, "-c", "pass").returncode == 0, texts
    assert _run_cli(texts, "companion", "p", "--yes").returncode == 0, texts
    emu.end_sessions()
    assert _run_cli(texts, "whoami", "p").returncode != 0  # an error message, not a traceback
    assert _run_cli(texts, "logout", "p").returncode == 0, texts
    secrets = _issued_secrets(emu)
    assert secrets
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"a secret leaked into: {text[:200]!r}"
