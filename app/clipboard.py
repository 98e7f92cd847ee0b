"""Whether a copy made by the app can reach the clipboard.

A terminal app copies with the OSC 52 escape sequence: the terminal (or tmux in between) has to
take it. :func:`clipboard_problem` tells from the environment when it will not (tmux without
``set-clipboard on``, GNU screen, a terminal known to ignore it) or when no support is known,
so the app shows the text to copy instead of claiming it was copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping

#: TERM_PROGRAM values of terminals that take OSC 52 copies.
_TAKES_OSC52 = frozenset({"iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "rio"})
#: Environment variables set by terminals that take OSC 52 copies.
_TAKES_OSC52_VARS = ("KITTY_WINDOW_ID", "WEZTERM_PANE", "ALACRITTY_WINDOW_ID", "WT_SESSION", "GHOSTTY_RESOURCES_DIR")
_TAKES_OSC52_TERMS = ("xterm-kitty", "foot", "alacritty", "wezterm", "xterm-ghostty", "contour")


def tmux_set_clipboard(env: Mapping[str, str]) -> str | None:
    """tmux's ``set-clipboard`` option for the tmux the app runs in (None if it cannot be read)."""
    tmux = shutil.which("tmux", path=env.get("PATH"))
    if tmux is None:
        return None
    try:
        result = subprocess.run([tmux, "show-options", "-v", "set-clipboard"], capture_output=True, text=True,
                                timeout=2, env=dict(env), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def clipboard_problem(env: Mapping[str, str] | None = None,
                      tmux_option: Callable[[Mapping[str, str]], str | None] = tmux_set_clipboard) -> str | None:
    """Why a copy may not reach the clipboard here, in a few words; None when it should."""
    env = os.environ if env is None else env
    if env.get("TMUX"):
        option = tmux_option(env)
        if option == "on":
            return None
        if option is None:
            return "tmux did not say whether it passes copies on (set-clipboard)"
        return f"tmux has set-clipboard {option}; `tmux set -s set-clipboard on` lets copies through"
    if env.get("STY"):
        return "GNU screen does not pass copies on"
    term = env.get("TERM", "")
    if term == "linux":
        return "the Linux console has no clipboard"
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return "macOS Terminal does not take copies from programs"
    if env.get("TERM_PROGRAM") in _TAKES_OSC52 or any(env.get(name) for name in _TAKES_OSC52_VARS):
        return None
    if term.startswith(_TAKES_OSC52_TERMS):
        return None
    if env.get("VTE_VERSION"):
        return "this terminal (GNOME Terminal or another VTE one) does not take copies from programs"
    return "this terminal is not known to take copies from programs"
