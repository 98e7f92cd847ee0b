"""``companion``: a credential_process profile that gets an SSO profile's keys from this app,
written through the config writer, and used by the AWS CLI and boto3 against the emulator."""

from __future__ import annotations

import configparser
import json
import shlex
import subprocess
import sys

import pytest

from helpers.commands import WIZARD, run_wizard
from helpers.role_keys import AWS, PROD, PROD_ACCOUNT, demo_signed_in

pytestmark = pytest.mark.interop

COMPANION = f"{PROD}-process"

_BOTO3 = """
import json
import boto3
session = boto3.Session()  # the profile comes from AWS_PROFILE
print(json.dumps(session.client("sts").get_caller_identity()["Account"]))
"""


def section(config_path, name: str) -> dict:
    parser = configparser.RawConfigParser()
    parser.read(config_path)
    return dict(parser[f"profile {name}"])


def test_the_companion_is_written_with_a_diff_and_a_backup(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    proc = run_wizard("companion", PROD, "--yes")
    assert proc.returncode == 0, proc.stderr
    assert f"+[profile {COMPANION}]" in proc.stdout
    values = section(config_path, COMPANION)
    assert shlex.split(values["credential_process"]) == [WIZARD, "env", PROD, "--format", "process"]
    assert values["region"] == "eu-west-2" and values["output"] == "json"
    assert list(config_path.parent.glob("config.bak-*")), "the old config was backed up"
    assert "backup:" in proc.stderr
    again = run_wizard("companion", PROD, "--yes")
    assert again.returncode == 0 and again.stdout == ""
    assert "Nothing to change" in again.stderr


def test_the_companion_is_used_by_the_aws_cli_and_boto3(config_path, home, emulator, cli_env):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("companion", PROD, "--yes").returncode == 0
    boto = subprocess.run([sys.executable, "-c", _BOTO3], capture_output=True, text=True, timeout=60,
                          env={**cli_env, "AWS_PROFILE": COMPANION})
    assert boto.returncode == 0, boto.stderr
    assert json.loads(boto.stdout) == PROD_ACCOUNT
    cli = subprocess.run([AWS, "sts", "get-caller-identity", "--profile", COMPANION, "--output", "json"],
                         capture_output=True, text=True, timeout=60, env=cli_env)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Account"] == PROD_ACCOUNT
    assert emulator.call_count("GetRoleCredentials") == 1  # the second tool reused the cached keys


def test_a_signed_out_companion_fails_in_the_tool_with_the_sign_in_command(config_path, home, emulator, cli_env):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("companion", PROD, "--yes").returncode == 0
    for token in (home / ".aws" / "sso" / "cache").glob("*.json"):
        token.unlink()
    cli = subprocess.run([AWS, "sts", "get-caller-identity", "--profile", COMPANION], capture_output=True,
                         text=True, timeout=60, env=cli_env)
    assert cli.returncode != 0
    assert "aws-sso-wizard login --sso-session archive" in cli.stderr


def test_dry_run_and_no_terminal_write_nothing(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    before = config_path.read_text()
    dry = run_wizard("companion", PROD, "--name", "for-s5cmd", "--dry-run")
    assert dry.returncode == 0 and "+[profile for-s5cmd]" in dry.stdout and "Dry run" in dry.stderr
    unasked = run_wizard("companion", PROD)
    assert unasked.returncode == 1 and "add --yes" in unasked.stderr
    assert config_path.read_text() == before


def test_an_existing_profile_of_another_kind_is_left_alone(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    before = config_path.read_text()
    proc = run_wizard("companion", PROD, "--name", "static", "--yes")
    assert proc.returncode == 1
    assert "Profile static already exists and gets its keys another way" in proc.stderr
    assert config_path.read_text() == before
    assert run_wizard("companion", "static", "--yes").returncode == 1  # not an SSO profile


def test_a_companion_with_an_old_command_path_is_updated_in_place(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    with config_path.open("a") as config:
        config.write(f"\n# kept\n[profile {COMPANION}]\ncredential_process = /old/place/aws-sso-wizard env {PROD} "
                     "--format process\nregion = eu-west-2\noutput = json\n")
    proc = run_wizard("companion", PROD, "--yes")
    assert proc.returncode == 0, proc.stderr
    changed = [line for line in proc.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == 2 and changed[0].startswith("-credential_process = /old/place/")
    assert changed[1] == f"+credential_process = {WIZARD} env {PROD} --format process"
    assert "# kept" in config_path.read_text()
