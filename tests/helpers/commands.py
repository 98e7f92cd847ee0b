"""Running this project's command (and the AWS CLI) in a subprocess, as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
