"""When a copy made by the app can reach the clipboard (app/clipboard.py): read from the
environment, and from a real tmux's set-clipboard option."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest

from app.clipboard import clipboard_problem, tmux_set_clipboard


def never_asked(env):
    raise AssertionError("tmux is asked only inside tmux")


@pytest.mark.parametrize("env", [
    {"TERM": "xterm-kitty"}, {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"},
    {"TERM": "xterm-256color", "WT_SESSION": "1"}, {"TERM": "foot"},
])
def test_terminals_that_take_copies(env):
    assert clipboard_problem(env, tmux_option=never_asked) is None


@pytest.mark.parametrize("env, words", [
    ({"TERM": "linux"}, "the Linux console has no clipboard"),
    ({"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"}, "macOS Terminal"),
    ({"TERM": "screen", "STY": "1.pts-0"}, "GNU screen"),
    ({"TERM": "xterm-256color", "VTE_VERSION": "7200"}, "VTE"),
    ({"TERM": "xterm-256color"}, "not known to take copies"),
])
def test_terminals_that_do_not_or_may_not(env, words):
    assert words in clipboard_problem(env, tmux_option=never_asked)


def test_inside_tmux_it_depends_on_set_clipboard():
    env = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "tmux-256color"}
    assert clipboard_problem(env, tmux_option=lambda env: "on") is None
    assert "set-clipboard external" in clipboard_problem(env, tmux_option=lambda env: "external")
    assert "set -s set-clipboard on" in clipboard_problem(env, tmux_option=lambda env: "off")


@pytest.mark.parametrize("value", ["on", "external"])
def test_the_option_is_read_from_the_tmux_the_app_runs_in(tmp_path, value):
    tmux = shutil.which("tmux")
    assert tmux, "tmux is not installed: run `python3 app/bootstrap.py test`, which installs it"
    socket = str(tmp_path / f"tmux-{uuid.uuid4().hex[:6]}")
    run = [tmux, "-S", socket, "-f", os.devnull]
    subprocess.run([*run, "new-session", "-d", "-s", "t", "sleep 60"], check=True, timeout=20)
    try:
        subprocess.run([*run, "set-option", "-s", "set-clipboard", value], check=True, timeout=20)
        env = {"PATH": os.environ["PATH"], "TMUX": f"{socket},1,0", "TERM": "tmux-256color"}
        assert tmux_set_clipboard(env) == value
        assert (clipboard_problem(env) is None) == (value == "on")
    finally:
        subprocess.run([*run, "kill-server"], timeout=20)
