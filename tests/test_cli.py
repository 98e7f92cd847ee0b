"""The command line's contract: fast help/version that import neither Textual nor boto3."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app import __version__

HEAVY = ("textual", "boto3", "botocore", "rich")


def _modules_after(argv: list[str]) -> tuple[int, str, set[str]]:
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "try:\n"
        f"    rc = main({argv!r})\n"
        "except SystemExit as exit:\n"
        "    rc = exit.code\n"
        "print('\\nMODULES:' + ','.join(sorted(sys.modules)))\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    out, _, modules = proc.stdout.rpartition("\nMODULES:")
    return proc.returncode, out, set(modules.strip().split(","))


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_import_neither_textual_nor_boto3(argv):
    rc, out, modules = _modules_after(argv)
    assert rc == 0
    assert out.strip()
    loaded = {m.split(".")[0] for m in modules}
    assert not loaded & set(HEAVY), f"{argv} imported {sorted(loaded & set(HEAVY))}"


def test_every_subcommand_help_is_light():
    from app.commands import COMMANDS

    for name in COMMANDS:
        rc, out, modules = _modules_after([name, "--help"])
        assert rc == 0, name
        assert name in out
        loaded = {m.split(".")[0] for m in modules}
        assert not loaded & set(HEAVY), f"{name} --help imported {sorted(loaded & set(HEAVY))}"


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


def test_profiles_json_loads_no_sdk_no_ui_and_no_web_server(config_path):
    """Status needs only the config and the token cache (through the login service's status): no
    botocore, Textual or PKCE callback server."""
    config_path.parent.mkdir()
    config_path.write_text("[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
                           "[profile p]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n")
    rc, out, modules = _modules_after(["profiles", "--json"])
    assert rc == 0 and '"name": "p"' in out
    loaded = {m.split(".")[0] for m in modules} | modules
    assert "app.signin.login" in modules  # the status really came from the login service
    assert not loaded & {*HEAVY, "http.server", "socketserver"}
