"""Opening the sign-in page in a graphical browser, and knowing when not to try.

Two rules matter under a running terminal UI:

* never start a console browser (lynx, w3m, links, elinks, www-browser, ...): it would take over the
  terminal the app is drawing in;
* never wait for the browser command: with ``BROWSER`` set, Python's ``webbrowser`` waits for the
  command to exit, and a slow command would hang the sign-in.

So every browser command here runs detached: its own session (no controlling terminal), stdin and
output on ``/dev/null``, and we only wait a moment to notice a command that fails at once. When no
graphical browser is likely, :func:`open_browser` returns False and the caller shows the URL.
"""

from __future__ import annotations

import logging
import os
import platform
import shlex
import shutil
import subprocess
import sys
import threading
from typing import Mapping, Sequence

log = logging.getLogger(__name__)

CONSOLE_BROWSERS = frozenset(
    {"lynx", "w3m", "links", "links2", "elinks", "www-browser", "browsh", "carbonyl", "netrik", "retawq"}
)
_FAILS_FAST_SECONDS = 0.3


def _is_wsl(env: Mapping[str, str]) -> bool:
    if env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP"):
        return True
    return "microsoft" in platform.release().lower()


def _is_ssh(env: Mapping[str, str]) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_CLIENT") or env.get("SSH_TTY"))


def _has_display(env: Mapping[str, str]) -> bool:
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _command_name(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return os.path.basename(words[0]) if words else ""


def _browser_commands(env: Mapping[str, str]) -> list[str]:
    """The usable entries of ``BROWSER`` (``os.pathsep``-separated), console browsers removed."""
    value = env.get("BROWSER", "")
    commands = [part.strip() for part in value.split(os.pathsep) if part.strip()]
    return [command for command in commands if _command_name(command) not in CONSOLE_BROWSERS]


def browser_likely(env: Mapping[str, str] | None = None, system: str | None = None) -> bool:
    """Whether a graphical browser is likely to open where the person is looking.

    ``BROWSER`` set (to something other than console browsers) → yes. Over SSH without a forwarded
    display → no. macOS and Windows → yes. WSL with ``wslview`` → yes. Linux and the BSDs need
    ``DISPLAY`` or ``WAYLAND_DISPLAY``.
    """
    env = os.environ if env is None else env
    system = system or sys.platform
    if env.get("BROWSER", "").strip():
        return bool(_browser_commands(env))
    if _is_ssh(env) and not _has_display(env):
        return False
    if system == "darwin" or system.startswith("win") or system == "cygwin":
        return True
    if system.startswith("linux") and _is_wsl(env) and shutil.which("wslview", path=env.get("PATH")):
        return True
    return _has_display(env)


def no_browser_reason(env: Mapping[str, str] | None = None, system: str | None = None) -> str | None:
    """Why no graphical browser is likely here, in plain words (None when one is)."""
    env = os.environ if env is None else env
    system = system or sys.platform
    if browser_likely(env, system):
        return None
    if env.get("BROWSER", "").strip():
        return "BROWSER names only text-mode browsers"
    if _is_ssh(env):
        return "this is an SSH session without a display"
    return "there is no display here"


def _launch(argv: Sequence[str]) -> bool:
    """Start ``argv`` detached; False if it cannot start or fails within a moment."""
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # no controlling terminal: it cannot draw over the app
            close_fds=True,
        )
    except OSError as error:
        log.debug("could not start browser command %s: %s", os.path.basename(argv[0]), type(error).__name__)
        return False
    try:
        code = process.wait(timeout=_FAILS_FAST_SECONDS)
    except subprocess.TimeoutExpired:
        # Still running: a real browser, or a helper that takes its time. Reap it in the background.
        threading.Thread(target=process.wait, name="browser-reaper", daemon=True).start()
        return True
    if code != 0:
        log.debug("browser command %s exited with %s", os.path.basename(argv[0]), code)
    return code == 0


def _argv_for(command: str, url: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if any("%s" in word for word in words):
        return [word.replace("%s", url) for word in words]
    return [*words, url]


def open_browser(url: str, env: Mapping[str, str] | None = None, system: str | None = None) -> bool:
    """Open ``url`` in a graphical browser without ever blocking on it or handing it the terminal.

    Honours ``BROWSER`` (each ``os.pathsep``-separated command in turn, ``%s`` replaced by the URL,
    console browsers skipped). Returns True when a browser command was started, False when none was
    (the caller then shows the URL for the person to open).
    """
    env = os.environ if env is None else env
    system = system or sys.platform
    if env.get("BROWSER", "").strip():
        for command in _browser_commands(env):
            if _launch(_argv_for(command, url)):
                return True
        return False
    if not browser_likely(env, system):
        return False
    if system == "darwin":
        return _launch(["open", url])
    if system.startswith("win") or system == "cygwin":
        try:
            os.startfile(url)  # type: ignore[attr-defined]
        except (OSError, AttributeError):
            return False
        return True
    candidates: list[list[str]] = []
    if _is_wsl(env):
        candidates.append(["wslview", url])
    candidates += [["xdg-open", url], ["gio", "open", url]]
    for argv in candidates:
        program = shutil.which(argv[0], path=env.get("PATH"))
        if program and _launch([program, *argv[1:]]):
            return True
    return False


class Browser:
    """The browser policy as an object, so services can be handed another one (e.g. ``NoBrowser``)."""

    def likely(self) -> bool:
        return browser_likely()

    def why_not(self) -> str | None:
        """Why :meth:`likely` is False, in plain words (None when it is True)."""
        return no_browser_reason()

    def open(self, url: str) -> bool:
        return open_browser(url)


class NoBrowser(Browser):
    """Never opens anything (``--no-browser``)."""

    def likely(self) -> bool:
        return False

    def why_not(self) -> str | None:
        return "opening a browser is turned off"

    def open(self, url: str) -> bool:
        return False
