"""The hand-back from this program to the shell that started it.

The shell function (:mod:`app.shell.scripts`) makes an empty private file, passes its path in
:data:`HOOK_VARIABLE` to this one run, and after the run reads at most two lines from it: ``set``
and a profile name, or ``unset``. The shell assigns the name as a plain value (never ``eval``), so
nothing in a profile name can run in the shell. The variable is taken out of the environment at
start-up (:func:`take_from_environment`), so a program started from here (a sub-shell, a browser)
cannot write to the hand-back of the shell it did not come from.
"""

from __future__ import annotations

import os
import stat

HOOK_VARIABLE = "AWS_SSO_WIZARD_HOOK"
PROFILE_VARIABLE = "AWS_PROFILE"
SET = "set"
UNSET = "unset"
_UNSAFE_IN_NAME = ("\n", "\r", "\x00")

_taken: str | None = None


def take_from_environment() -> None:
    """Remove :data:`HOOK_VARIABLE` from this process's environment, remembering its value for
    :func:`current` (each run of the command line calls this first)."""
    global _taken
    _taken = os.environ.pop(HOOK_VARIABLE, None) or None


class HandBack:
    """Where this run tells its shell what to do with ``AWS_PROFILE``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def set_profile(self, name: str) -> None:
        """The shell sets ``AWS_PROFILE=name`` when this run ends."""
        if not name or any(c in name for c in _UNSAFE_IN_NAME):
            raise ValueError("a profile name for the shell cannot be empty or hold a line break")
        self._write(f"{SET}\n{name}\n")

    def unset_profile(self) -> None:
        """The shell unsets ``AWS_PROFILE`` when this run ends."""
        self._write(f"{UNSET}\n")

    def chosen(self) -> tuple[str, str | None] | None:
        """What was handed back so far: (``set``, name), (``unset``, None), or None."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                lines = handle.read().split("\n")
        except OSError:
            return None
        if lines[0] == SET and len(lines) > 1 and lines[1]:
            return SET, lines[1]
        if lines[0] == UNSET:
            return UNSET, None
        return None

    def _write(self, text: str) -> None:
        # The file exists (the shell made it); never follow a link put in its place.
        flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.path, flags)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)


def _usable(path: str) -> bool:
    """The hand-back file is a regular file of this user's that this run can write."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return stat.S_ISREG(st.st_mode) and owner_ok and os.access(path, os.W_OK)


def current() -> HandBack | None:
    """The hand-back of the shell that started this run, or None when it was not started through
    the hook (or the hook's file is gone)."""
    value = os.environ.get(HOOK_VARIABLE) or _taken
    if not value or not _usable(value):
        return None
    return HandBack(value)


def active() -> bool:
    """Whether this run was started through the shell hook (``shell-init``)."""
    return current() is not None
