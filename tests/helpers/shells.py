"""Running real bash, zsh and fish with this program's shell function loaded (``shell-init``).

A shell that is missing fails the test with how to get it (``python3 app/bootstrap.py test``
installs zsh and fish, as it installs tmux): these tests never skip."""

from __future__ import annotations

import shutil
import subprocess

from helpers.commands import command_env

SHELLS = ("bash", "zsh", "fish")


def shell_path(shell: str) -> str:
    path = shutil.which(shell)
    assert path, f"{shell} is not installed: run `python3 app/bootstrap.py test`, which installs it"
    return path


def load_line(shell: str) -> str:
    """The start-up file line of the README, for ``shell``."""
    if shell == "fish":
        return "aws-sso-wizard shell-init fish | source"
    return f'eval "$(aws-sso-wizard shell-init {shell})"'


def run_shell(shell: str, script: str, *, hook: bool = True, env: dict | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess:
    """``script`` in a fresh non-interactive ``shell`` (no start-up files), after loading the hook."""
    args = {"bash": ["--norc", "--noprofile", "-c"], "zsh": ["-f", "-c"], "fish": ["--no-config", "-c"]}[shell]
    text = f"{load_line(shell)}\n{script}" if hook else script
    return subprocess.run([shell_path(shell), *args, text], capture_output=True, text=True, timeout=timeout,
                          env=env or command_env(), stdin=subprocess.DEVNULL)
