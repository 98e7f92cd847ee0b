"""Running this project's command (and the AWS CLI) in a subprocess, as a person would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

VENV_BIN = Path(sys.executable).parent
WIZARD = str(VENV_BIN / "aws-sso-wizard")


def command_env() -> dict[str, str]:
    """This test's environment (private HOME, endpoint variables, ...) with the virtualenv on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_wizard(*argv: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """``aws-sso-wizard ARGV...`` to completion, output captured, no terminal input."""
    return subprocess.run(
        [WIZARD, *argv], capture_output=True, text=True, timeout=timeout, env=env or command_env(),
        stdin=subprocess.DEVNULL,
    )


def interrupt_when(
    argv: list[str], ready: Callable[[], bool], *, env: dict | None = None, timeout: float = 30
) -> subprocess.CompletedProcess:
    """Start ``aws-sso-wizard ARGV...``, press Ctrl+C (SIGINT) once ``ready()`` is true, and wait
    for it to end. Fails the test if ``ready()`` never becomes true."""
    proc = subprocess.Popen(
        [WIZARD, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or command_env(),
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready(), f"{' '.join(argv)}: never got to the point of interruption"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
