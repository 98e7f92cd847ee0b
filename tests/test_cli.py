"""The command line's contract: fast help/version that import neither Textual nor boto3."""

from __future__ import annotations

import subprocess
import sys

from app import __version__


def test_version_matches_package(cli_env):
    proc = subprocess.run(
        ["aws-sso-wizard", "--version"], capture_output=True, text=True, env=cli_env, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"aws-sso-wizard {__version__}"


def test_python_dash_m_app_works(cli_env):
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--version"], capture_output=True, text=True, env=cli_env, timeout=60
    )
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_unknown_command_is_a_usage_error(cli_env):
    proc = subprocess.run(
        ["aws-sso-wizard", "no-such-command"], capture_output=True, text=True, env=cli_env, timeout=60
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr
