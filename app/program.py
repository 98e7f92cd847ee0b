"""The program's name, and how messages tell the person to run it where they are.

Installed, the command is ``aws-sso-wizard``. Started from a checkout through ``app/bootstrap.py``
(the README's Quick start), there is no such command on PATH: bootstrap says how it was started in
:data:`BOOTSTRAP_VARIABLE`, and messages name that instead, so every command they suggest works.
"""

from __future__ import annotations

import os

PROG = "aws-sso-wizard"
BOOTSTRAP_VARIABLE = "AWS_SSO_WIZARD_BOOTSTRAP"


def bootstrap() -> str | None:
    """How this run's bootstrap script is started (``python3 app/bootstrap.py``), or None when the
    program was not started through it."""
    return os.environ.get(BOOTSTRAP_VARIABLE, "").strip() or None


def shown_as() -> str:
    """The command line that runs this program here: ``aws-sso-wizard``, or bootstrap's ``run``."""
    script = bootstrap()
    return f"{script} run" if script else PROG


def command(*words: str) -> str:
    """A command line for a message: ``command("login", "prod")`` → ``aws-sso-wizard login prod``."""
    return " ".join((shown_as(), *words))


def install_hint() -> str | None:
    """How to get the real ``aws-sso-wizard`` command, when this run came from a checkout without it."""
    import shutil

    script = bootstrap()
    if script is None or shutil.which(PROG):
        return None
    return f"To get the {PROG} command itself, run: {script} install"
