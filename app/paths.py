"""Where things live on disk. Every function reads the environment at call time, so tests
(and the demo sandbox) redirect everything by setting ``HOME`` / ``AWS_CONFIG_FILE`` /
``XDG_CONFIG_HOME``."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # pathlib costs ~6 ms: the shell prompt needs only the settings folder's name
if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path


def _expand(value: str) -> Path:
    from pathlib import Path

    return Path(os.path.expanduser(os.path.expandvars(value)))


def aws_config_path() -> Path:
    """The shared config file: ``AWS_CONFIG_FILE`` or ``~/.aws/config`` (as botocore resolves it)."""
    value = os.environ.get("AWS_CONFIG_FILE")
    return _expand(value) if value else _expand(os.path.join("~", ".aws", "config"))


def aws_credentials_path() -> Path:
    """The shared credentials file: ``AWS_SHARED_CREDENTIALS_FILE`` or ``~/.aws/credentials``."""
    value = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return _expand(value) if value else _expand(os.path.join("~", ".aws", "credentials"))


def sso_cache_dir() -> Path:
    """``~/.aws/sso/cache``: SSO tokens and client registrations (not configurable in the CLI)."""
    return _expand(os.path.join("~", ".aws", "sso", "cache"))


def cli_cache_dir() -> Path:
    """``~/.aws/cli/cache``: the AWS CLI's role-credential cache."""
    return _expand(os.path.join("~", ".aws", "cli", "cache"))


def settings_dir_text() -> str:
    """:func:`settings_dir` as a string (for the shell prompt, without pathlib)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join("~", ".config")
    return os.path.join(os.path.expanduser(os.path.expandvars(base)), "aws-sso-wizard")


def settings_dir() -> Path:
    """``$XDG_CONFIG_HOME/aws-sso-wizard`` (default ``~/.config/aws-sso-wizard``)."""
    return _expand(settings_dir_text())


SETTINGS_FILE = "settings.toml"


def settings_path() -> Path:
    return settings_dir() / SETTINGS_FILE


PRESET_ENV = "AWS_SSO_WIZARD_PRESET"
"""The environment variable that names an organisation preset (:mod:`app.settings`)."""

ACCOUNT_NAMES_FILE = "account-names.json"
"""Account names learnt from AWS (:mod:`app.signin.account_names`), in :func:`settings_dir`."""

GUARD_FILE = "guard.json"
"""The critical accounts of the preset in use, kept for the shell prompt (:mod:`app.guard`)."""

SESSIONS_FILE = "sessions.json"
"""When each sign-in session began and ends (:mod:`app.signin.session_end`), in :func:`settings_dir`."""


DISPLAY_HOME_VARIABLE = "AWS_SSO_WIZARD_DISPLAY_HOME"
"""Set by the demo to the person's real home: the sandbox's paths are then shown in full, so a
``~/.aws/config`` on screen always means the real one."""


def _display_home() -> str:
    home = os.environ.get(DISPLAY_HOME_VARIABLE) or os.path.expanduser("~")
    return home.rstrip("/") if len(home) > 1 else ""


def display_path(path: str | os.PathLike) -> str:
    """``path`` as shown to people: under the home directory written as ``~/…``."""
    text = str(path)
    home = _display_home()
    if home and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home):]
    return text


def display_text(text: str) -> str:
    """``text`` (an error message, say) with every path under the home directory written as ``~/…``."""
    home = _display_home()
    return text.replace(home + "/", "~/") if home else text
