"""Drive a program in a real terminal: a private tmux server, fixed size, text-synchronised.

Used by the real-terminal tests and by ``tests/bench/bench_startup.py``. Every wait polls the
screen for expected text; nothing relies on fixed sleeps except after Escape, which Textual
only reads as Escape once ~100 ms pass without a following key (its ESCDELAY).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path


class TmuxError(AssertionError):
    pass


def tmux_path() -> str:
    path = shutil.which("tmux")
    if not path:
        raise TmuxError("tmux is not installed: run `python3 app/bootstrap.py test`, which installs it")
    return path


class Tmux:
    """One private tmux server running one command in a fixed-size window."""

    def __init__(self, *, width: int = 110, height: int = 36) -> None:
        self.tmux = tmux_path()
        self.socket = f"aws-sso-wizard-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self.started_at = 0.0

    def _run(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([self.tmux, "-L", self.socket, "-f", os.devnull, *args],
                              capture_output=True, text=True, check=check, timeout=20, env=env)

    def start(self, command: list[str] | str, *, env: dict[str, str] | None = None, cwd: str | None = None,
              keep_open: bool = True) -> None:
        """Run ``command``; with ``keep_open`` the pane stays after it exits (to read a crash)."""
        line = command if isinstance(command, str) else shlex.join(command)
        if cwd:
            line = f"cd {shlex.quote(cwd)} && {line}"
        if keep_open:
            line = f"{line}; echo EXIT-CODE:$?; sleep 600"
        # The server inherits the environment of the command that starts it: give it only ``env``
        # (a test runner's COLUMNS/LINES would otherwise fix the app at 80x24).
        server_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
                      "LANG": os.environ.get("LANG", "C.UTF-8"), **(env or {})}
        for name in ("COLUMNS", "LINES", "TMUX", "TMUX_PANE"):
            server_env.pop(name, None)
        args = ["new-session", "-d", "-s", "t", "-x", str(self.width), "-y", str(self.height)]
        for name, value in {"COLORTERM": "truecolor", **(env or {})}.items():
            args += ["-e", f"{name}={value}"]
        self.started_at = time.perf_counter()
        self._run(*args, line, env=server_env)
        self._run("set-option", "-s", "set-clipboard", "on", check=False)
        self._run("set-option", "-g", "escape-time", "0", check=False)

    def capture(self, *, history: int = 0) -> str:
        args = ["capture-pane", "-p", "-t", "t"]
        if history:
            args += ["-S", f"-{history}"]
        return self._run(*args, check=False).stdout

    def wait_for(self, text: str | tuple[str, ...], *, timeout: float = 15.0, poll: float = 0.05) -> str:
        """Wait until the screen shows ``text`` (any of them, for a tuple); return the screen."""
        wanted = (text,) if isinstance(text, str) else text
        deadline = time.perf_counter() + timeout
        screen = ""
        while time.perf_counter() < deadline:
            screen = self.capture()
            if any(w in screen for w in wanted):
                return screen
            if "EXIT-CODE:" in screen or "Traceback" in screen:
                break
            time.sleep(poll)
        full = self.capture(history=300)
        raise TmuxError(f"timed out waiting for {wanted!r}; the terminal shows:\n{full}")

    def keys(self, *keys: str) -> None:
        """Send key names (Enter, Escape, Down, C-q, ...) in one go, as fast as a person typing ahead."""
        self._run("send-keys", "-t", "t", *keys)

    def type(self, text: str) -> None:
        self._run("send-keys", "-t", "t", "-l", text)

    def paste(self, text: str) -> None:
        """Paste ``text`` as a terminal does (bracketed when the program asked for it)."""
        self._run("set-buffer", "--", text)
        self._run("paste-buffer", "-p", "-t", "t")

    def wait_gone(self, text: str, *, timeout: float = 15.0, poll: float = 0.05) -> str:
        """Wait until the screen no longer shows ``text``; return the screen."""
        deadline = time.perf_counter() + timeout
        screen = self.capture()
        while time.perf_counter() < deadline:
            screen = self.capture()
            if text not in screen:
                return screen
            time.sleep(poll)
        raise TmuxError(f"timed out waiting for {text!r} to go; the terminal shows:\n{screen}")

    def wait_armed(self, button: str, hint: str, *, timeout: float = 15.0) -> str:
        """Wait until a question's ``button`` is drawn and its arming ``hint`` is gone (keys count).
        A notification may cover the hint, so the arming delay is also waited out from the moment the
        button shows."""
        from screens.dialogs.arming import ARM_DELAY

        self.wait_for(button, timeout=timeout)
        time.sleep(ARM_DELAY * 2)
        return self.wait_gone(hint, timeout=timeout)

    def escape(self) -> None:
        self.keys("Escape")
        time.sleep(0.3)

    def pane_pid(self) -> int:
        return int(self._run("display-message", "-p", "-t", "t", "#{pane_pid}").stdout.strip())

    def buffers(self) -> str:
        return self._run("show-buffer", check=False).stdout

    def close(self) -> None:
        self._run("kill-server", check=False)

    def __enter__(self) -> "Tmux":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for child in children.get(current, []):
            found.append(child)
            todo.append(child)
    return found


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM (peak resident set) of ``pid`` in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def python_process_below(pid: int, needle: str) -> int | None:
    """The first process below ``pid`` whose command line contains ``needle``."""
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if needle in cmdline:
            return child
    return None
