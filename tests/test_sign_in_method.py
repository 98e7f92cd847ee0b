"""How a sign-in goes: one decision in the login service (browser where one can open, a code over
SSH or without a display), said before anything waits; and a browser sign-in that cannot reach the
service fails at once instead of waiting for a browser."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from app.emulator.org import DEMO_REGION, DEMO_START_URL
from app.signin.browser import NoBrowser
from app.signin.errors import NetworkError
from app.signin.login import LoginService
from helpers.commands import WIZARD, command_env
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import token_file, write_config
from helpers.sso import LEGACY, SESSION, use_following_browser


@pytest.fixture
def over_ssh(monkeypatch):
    """An SSH session without a forwarded display (and no BROWSER)."""
    monkeypatch.setenv("SSH_CONNECTION", "203.0.113.5 50000 198.51.100.7 22")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)


def test_over_ssh_the_service_chooses_a_code_and_says_why(over_ssh):
    choice = LoginService().choose_method(SESSION)
    assert (choice.method, choice.asked) == ("device", False)
    assert choice.reason == "this is an SSH session without a display"


def test_an_asked_for_method_wins_and_a_legacy_profile_always_uses_a_code(over_ssh):
    service = LoginService()
    assert service.choose_method(SESSION, "pkce").method == "pkce"
    legacy = service.choose_method(LEGACY, "pkce")
    assert (legacy.method, legacy.fixed) == ("device", True)


def test_with_a_browser_the_service_chooses_it(monkeypatch):
    use_following_browser(monkeypatch)
    choice = LoginService().choose_method(SESSION)
    assert (choice.method, choice.asked) == ("pkce", False)


def test_the_app_asks_the_login_service(over_ssh):
    from app.services import Services

    assert Services().browser_likely() is False


def test_login_over_ssh_uses_a_code_and_says_so_before_waiting(config_path, home, emulator, over_ssh):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    proc = subprocess.Popen(
        [WIZARD, "login", "preservation-prod"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=command_env(), stdin=subprocess.DEVNULL,
    )
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(line.startswith("Waiting") for line in seen):
            seen.append(proc.stderr.readline())
        code = next(line.split(":", 1)[1].strip() for line in seen if "enter the code" in line)
        emulator.approve(code)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen[0].rstrip() == (
        "Signing in with a code you enter on any device (this is an SSH session without a display). "
        "Use --browser to sign in with a browser on this computer instead."
    )
    assert "/authorize" not in "".join(seen)  # no browser link that only works on this computer
    assert proc.returncode == 0 and "Signed in to" in out
    assert token_file(home, "archive").exists()


def test_login_with_browser_asked_says_how_to_switch(config_path, emulator_factory, monkeypatch, home):
    emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    proc = subprocess.run([WIZARD, "login", "preservation-prod", "--browser"], capture_output=True, text=True,
                          env=command_env(), stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[0] == (
        "Signing in with your browser. No browser where you are? Use --device-code to sign in with a code instead."
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_browser_sign_in_that_cannot_reach_the_service_fails_at_once(emulator_factory, monkeypatch):
    emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    LoginService().login(SESSION, method="pkce")  # leaves a cached registration: no request before the browser
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", f"http://127.0.0.1:{_closed_port()}")
    prompts: list = []
    started = time.monotonic()
    with pytest.raises(NetworkError) as browser:
        LoginService().login(SESSION, method="pkce", force=True, on_prompt=prompts.append)
    assert time.monotonic() - started < 5
    assert prompts == []  # no link to a page that cannot work
    with pytest.raises(NetworkError) as code:
        LoginService(browser=NoBrowser()).login(SESSION, method="device", force=True)
    assert str(browser.value) == str(code.value)
    assert browser.value.hint == code.value.hint
