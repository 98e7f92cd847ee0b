"""One browser flow per session: concurrent logins share one flow, in one process (threads) and
across processes (a lock file outside ~/.aws/sso/cache)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.cancel import CancelToken
from app.errors import Cancelled
from app.signin.login import LoginService
from app.signin.state import TokenState
from helpers.sso import LEGACY, SESSION, OtherWindow, use_following_browser

ROOT = Path(__file__).resolve().parent.parent


def _in_threads(count, function):
    results: list = [None] * count
    errors: list = [None] * count

    def run(index):
        try:
            results[index] = function(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


def test_concurrent_logins_in_one_process_share_one_flow(emulator_factory, monkeypatch, home):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch, delay=0.8)  # the "person" takes a moment in the browser
    service = LoginService()
    prompts: list[list] = [[] for _ in range(3)]
    results, errors = _in_threads(3, lambda n: service.login(SESSION, on_prompt=prompts[n].append))
    assert errors == [None, None, None]
    assert all(result.state is TokenState.VALID for result in results)
    assert emu.call_count("Authorize") == 1 and emu.call_count("CreateToken") == 1
    # every caller was shown the one prompt (the URL of the single flow)
    assert all(len(p) == 1 for p in prompts)
    assert len({p[0].url for p in prompts}) == 1
    # the lock lives outside the SSO cache, which other tools enumerate
    from app.signin.token_cache import target_registration_key

    assert sorted(p.name for p in (home / ".aws/sso/cache").iterdir()) == sorted(
        [results[0].token_path.name, f"{target_registration_key(SESSION)}.json"]
    )
    assert service.lock_path(SESSION).exists()


def test_different_sessions_do_not_wait_for_each_other(emulator_factory, monkeypatch):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch, delay=0.5)
    service = LoginService()
    targets = [SESSION, LEGACY]
    results, errors = _in_threads(2, lambda n: service.login(targets[n], method="pkce"))
    assert errors == [None, None]
    assert emu.call_count("Authorize") == 1  # the legacy one used the device flow, at the same time
    assert emu.call_count("StartDeviceAuthorization") == 1


def test_a_cancelled_waiter_does_not_cancel_the_flow(emulator_factory, monkeypatch):
    emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch, delay=1.0)
    service = LoginService()
    waiter_cancel = CancelToken()
    started = threading.Event()

    def run(n):
        if n == 0:
            return service.login(SESSION, on_prompt=lambda p: started.set())
        started.wait(5)
        threading.Timer(0.2, waiter_cancel.cancel).start()
        return service.login(SESSION, cancel=waiter_cancel)

    results, errors = _in_threads(2, run)
    assert results[0].state is TokenState.VALID
    assert isinstance(errors[1], Cancelled)


def test_when_the_first_caller_cancels_the_waiter_runs_its_own_flow(emulator_factory, monkeypatch):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch, delay=1.0)
    service = LoginService()
    first_cancel = CancelToken()
    shown = threading.Event()

    def run(n):
        if n == 0:
            def on_prompt(prompt):
                shown.set()
                threading.Timer(0.3, first_cancel.cancel).start()

            return service.login(SESSION, on_prompt=on_prompt, cancel=first_cancel)
        shown.wait(5)
        return service.login(SESSION)

    results, errors = _in_threads(2, run)
    assert isinstance(errors[0], Cancelled)
    assert results[1].state is TokenState.VALID
    assert emu.call_count("CreateToken") == 1  # the cancelled flow never exchanged its code


_CHILD = """
import sys, time
from app.signin.login import LoginService
from app.signin.target import SsoTarget
target = SsoTarget(sys.argv[1], sys.argv[2], sys.argv[3], ("sso:account:access",), "sso:account:access")
prompts = []
status = LoginService().login(target, on_prompt=prompts.append)
print(status.state.value, len(prompts), flush=True)
"""


@pytest.mark.interop
def test_concurrent_logins_across_processes_share_one_flow(emulator_factory, monkeypatch, cli_env):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch, delay=1.5)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    args = [sys.executable, "-c", _CHILD, SESSION.start_url, SESSION.region, SESSION.session_name]
    first = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while emu.call_count("Authorize") == 0 and emu.call_count("RegisterClient") == 0 and time.monotonic() < deadline:
        time.sleep(0.02)  # the first one is signing in
    second = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert out1.split() == ["valid", "1"]
    assert out2.split() == ["valid", "0"]  # waited on the lock, then found the fresh token
    assert emu.call_count("RegisterClient") == 1
    assert emu.call_count("Authorize") == 1 and emu.call_count("CreateToken") == 1


# ---------------------------------------------------------------- waiting for another window

def _wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(condition())


def test_waiting_for_a_sign_in_in_another_window_says_so(emulator, home):
    """The lock is held by another process: every caller in this process hears why nothing happens
    (once), then gets the other window's sign-in without a flow of its own."""
    service = LoginService()
    other = OtherWindow(service.lock_path(SESSION))
    notices: list[list[str]] = [[], []]
    prompts: list = []
    try:
        def run(n):
            if n == 1:
                assert _wait_until(lambda: notices[0])  # joins the first caller's flight
            return service.login(SESSION, on_prompt=prompts.append, on_notice=notices[n].append)

        box: dict = {}
        thread = threading.Thread(target=lambda: box.update(result=_in_threads(2, run)))
        thread.start()
        assert _wait_until(lambda: notices[0] and notices[1]), "no notice while waiting for the lock"
        assert emulator.calls == []  # nothing sent anywhere while waiting
        other.finish(home)
        thread.join(20)
    finally:
        other.kill()
    results, errors = box["result"]
    assert errors == [None, None]
    assert [r.state for r in results] == [TokenState.VALID, TokenState.VALID]
    expected = (
        "A sign-in for sso-session demo is already under way in another window; waiting for it to finish "
        "(Ctrl+C / Escape stops waiting)."
    )
    assert notices == [[expected], [expected]]
    assert prompts == [] and emulator.calls == []


def test_no_notice_when_nobody_else_is_signing_in(emulator_factory, monkeypatch):
    emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    notices: list[str] = []
    assert LoginService().login(SESSION, on_notice=notices.append).state is TokenState.VALID
    assert notices == []


def test_cancel_while_waiting_for_another_window(emulator, home):
    service = LoginService()
    other = OtherWindow(service.lock_path(SESSION))
    cancel = CancelToken()
    try:
        started = time.monotonic()
        with pytest.raises(Cancelled):
            service.login(SESSION, on_notice=lambda _: threading.Timer(0.2, cancel.cancel).start(), cancel=cancel)
        assert time.monotonic() - started < 3
    finally:
        other.kill()


@pytest.mark.interop
def test_cli_login_prints_the_wait_on_stderr(emulator, home, config_path, cli_env):
    from helpers.commands import WIZARD

    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        f"[profile p]\nsso_session = demo\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n"
        f"[sso-session demo]\nsso_start_url = {SESSION.start_url}\nsso_region = {SESSION.region}\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    other = OtherWindow(LoginService().lock_path(SESSION))
    proc = subprocess.Popen(
        [WIZARD, "login", "p", "--no-browser"], env=cli_env, text=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        first_line = proc.stderr.readline()
        assert first_line.strip() == (
            "A sign-in for sso-session demo is already under way in another window; waiting for it to finish "
            "(Ctrl+C / Escape stops waiting)."
        )
        other.finish(home)
        out, err = proc.communicate(timeout=30)
    finally:
        other.kill()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.startswith("Signed in to sso-session demo until ")
    assert emulator.calls == []
