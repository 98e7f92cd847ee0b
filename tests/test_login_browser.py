"""Browser policy: when a graphical browser is likely, honouring BROWSER, never a console browser,
never blocking on the browser command, never handing it the terminal."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from app.signin.browser import browser_likely, open_browser

PY = sys.executable


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!{PY}\nimport os, sys, time\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _wait_for(path: Path, seconds: float = 5.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().endswith("\n"):
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path.name} was not written")


@pytest.mark.parametrize(
    ("env", "system", "expected"),
    [
        ({"BROWSER": "firefox"}, "linux", True),
        ({"BROWSER": "firefox", "SSH_CONNECTION": "1 2 3 4"}, "linux", True),  # the person asked for it
        ({"BROWSER": "lynx"}, "linux", False),  # only a console browser: not usable under the app
        ({"BROWSER": f"w3m{os.pathsep}firefox"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
        ({"SSH_CONNECTION": "1 2 3 4"}, "darwin", False),
        ({"SSH_TTY": "/dev/pts/1"}, "linux", False),
        ({"SSH_CLIENT": "1 2 3", "DISPLAY": "localhost:10.0"}, "linux", True),  # X forwarding
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({}, "freebsd14", False),
        ({"DISPLAY": ":0"}, "openbsd7", True),
    ],
)
def test_browser_likely(env, system, expected):
    assert browser_likely(env, system) is expected


def test_wsl_with_wslview_is_likely(tmp_path):
    _script(tmp_path, "wslview", "")
    env = {"WSL_DISTRO_NAME": "Ubuntu", "PATH": str(tmp_path)}
    assert browser_likely(env, "linux")
    assert not browser_likely({"WSL_DISTRO_NAME": "Ubuntu", "PATH": "/nonexistent"}, "linux")


def test_browser_command_gets_the_url_detached(tmp_path):
    record = tmp_path / "record.txt"
    script = _script(
        tmp_path,
        "fake-browser",
        f"""
session_leader = os.getsid(0) == os.getpid()
try:
    os.open("/dev/tty", os.O_RDWR)
    has_tty = True
except OSError:
    has_tty = False
stdin_is_null = os.path.samestat(os.fstat(0), os.stat(os.devnull))
open({str(record)!r}, "w").write(f"{{sys.argv[1:]}} {{session_leader}} {{has_tty}} {{stdin_is_null}}\\n")
""",
    )
    url = "http://127.0.0.1:1/authorize?a=1&b=%20"
    assert open_browser(url, {"BROWSER": str(script)}, "linux") is True
    assert _wait_for(record) == f"{[url]} True False True\n"


def test_percent_s_is_replaced(tmp_path):
    record = tmp_path / "record.txt"
    script = _script(tmp_path, "b", f"open({str(record)!r}, 'w').write(repr(sys.argv[1:]) + '\\n')")
    assert open_browser("http://x/?q=1", {"BROWSER": f"{script} --new-tab=%s --flag"}, "linux")
    assert _wait_for(record) == repr(["--new-tab=http://x/?q=1", "--flag"]) + "\n"


def test_a_slow_browser_command_does_not_block(tmp_path):
    script = _script(tmp_path, "slow", "time.sleep(30)")
    started = time.monotonic()
    assert open_browser("http://x/", {"BROWSER": str(script)}, "linux") is True
    assert time.monotonic() - started < 1.0


def test_failing_commands_fall_through_to_the_next(tmp_path):
    record = tmp_path / "record.txt"
    failing = _script(tmp_path, "failing", "sys.exit(3)")
    working = _script(tmp_path, "working", f"open({str(record)!r}, 'w').write('ok\\n')")
    missing = tmp_path / "not-installed"
    env = {"BROWSER": os.pathsep.join([str(missing), str(failing), str(working)])}
    assert open_browser("http://x/", env, "linux") is True
    assert _wait_for(record) == "ok\n"
    assert open_browser("http://x/", {"BROWSER": str(failing)}, "linux") is False
    assert open_browser("http://x/", {"BROWSER": str(missing)}, "linux") is False


@pytest.mark.parametrize("name", ["lynx", "w3m", "links", "elinks", "www-browser"])
def test_console_browsers_are_never_started(tmp_path, name):
    marker = tmp_path / "started"
    script = _script(tmp_path, name, f"open({str(marker)!r}, 'w').write('started\\n')")
    assert open_browser("http://x/", {"BROWSER": str(script)}, "linux") is False
    time.sleep(0.3)
    assert not marker.exists()


def test_no_graphical_browser_means_nothing_is_started(tmp_path):
    marker = tmp_path / "started"
    _script(tmp_path, "xdg-open", f"open({str(marker)!r}, 'w').write('started\\n')")
    env = {"PATH": str(tmp_path), "SSH_CONNECTION": "1 2 3 4"}  # over SSH, no display
    assert open_browser("http://x/", env, "linux") is False
    time.sleep(0.3)
    assert not marker.exists()


def test_linux_desktop_uses_xdg_open(tmp_path):
    record = tmp_path / "record.txt"
    _script(tmp_path, "xdg-open", f"open({str(record)!r}, 'w').write(sys.argv[1] + '\\n')")
    assert open_browser("http://x/?y", {"PATH": str(tmp_path), "DISPLAY": ":0"}, "linux") is True
    assert _wait_for(record) == "http://x/?y\n"
