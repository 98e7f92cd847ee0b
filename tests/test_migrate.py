"""``migrate``: legacy SSO profiles to the sso-session form on real-world configs (comments, several
portals, a session that already exists), with botocore resolving the same before and after, and the
AWS CLI (awscli from PyPI) using a migrated profile; ``migrate --sso-session`` re-points a session."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.config.backup import list_backups
from app.emulator import DEMO_REGION, DEMO_START_URL

LEGACY_CONFIG = """\
# Work config, hand-edited since 2019.
[default]
region = eu-west-2
output = json

; the archive team's portal
[profile archive-read]
sso_start_url = https://archive-team.awsapps.com/start
sso_region = eu-west-2
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-west-2   # London

[profile archive-admin]
sso_start_url = https://archive-team.awsapps.com/start/
sso_region = eu-west-2
sso_account_id = 111111111111
sso_role_name = Administrator
output = table

# the library's portal already has an sso-session
[sso-session library]
sso_start_url = https://library.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile library-new]
sso_session = library
sso_account_id = 222222222222
sso_role_name = Curator

[profile library-old]
sso_start_url = https://library.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile half-done]
sso_start_url = https://library.awsapps.com/start
sso_region = us-east-1

[profile keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""

_RESOLVE = """
import json, sys
import botocore.session
session = botocore.session.Session()
config = session.full_config
out = {}
for name, profile in config["profiles"].items():
    values = dict(profile)
    if "sso_session" in values:
        values.update(config["sso_sessions"][values["sso_session"]])
    if "sso_account_id" not in values:
        continue
    out[name] = [values["sso_account_id"], values["sso_role_name"], values["sso_start_url"].rstrip("/"),
                 values["sso_region"], values.get("region"), values.get("output")]
print(json.dumps(out))
"""


def resolved(env: dict[str, str]) -> dict:
    """What botocore (in its own process, reading HOME's config) resolves for every SSO profile."""
    import json

    proc = subprocess.run([sys.executable, "-c", _RESOLVE], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def legacy_config(config_path: Path) -> Path:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(LEGACY_CONFIG)
    return config_path


def test_migrate_moves_legacy_profiles_and_botocore_resolves_the_same(legacy_config, cli_env, capsys):
    before = resolved(cli_env)
    assert main(["migrate", "--yes"]) == 0
    captured = capsys.readouterr()
    after = resolved(cli_env)
    assert after == before and set(after) == {"archive-read", "archive-admin", "library-new", "library-old"}
    text = legacy_config.read_text()
    assert "[sso-session archive-team]" in text and text.count("[sso-session") == 2  # one new, one reused
    assert "Left half-done as it is: it has no sso_account_id and no sso_role_name." in captured.err
    assert "library-old -> the existing sso-session library" in captured.err
    assert "archive-read, archive-admin -> a new sso-session archive-team" in captured.err
    assert "sso_start_url" not in text.split("[profile archive-read]")[1].split("[profile archive-admin]")[0]
    assert len(list_backups(legacy_config.parent, "config")) == 1
    assert captured.out.count("--- ") == 1  # one diff


def test_migrate_leaves_every_untouched_line_as_it_was(legacy_config, capsys):
    assert main(["migrate", "--yes"]) == 0
    old, new = LEGACY_CONFIG.splitlines(keepends=True), legacy_config.read_text().splitlines(keepends=True)
    removed = [line for line in difflib.ndiff(old, new) if line.startswith("- ")]
    assert sorted(removed) == sorted([
        "- sso_start_url = https://archive-team.awsapps.com/start\n", "- sso_region = eu-west-2\n",
        "- sso_start_url = https://archive-team.awsapps.com/start/\n", "- sso_region = eu-west-2\n",
        "- sso_start_url = https://library.awsapps.com/start\n", "- sso_region = us-east-1\n",
    ])
    for kept in ("# Work config, hand-edited since 2019.\n", "; the archive team's portal\n",
                 "region = eu-west-2   # London\n", "# the library's portal already has an sso-session\n",
                 "[profile half-done]\n"):
        assert kept in new


def test_migrate_dry_run_and_without_yes_write_nothing(legacy_config, capsys):
    assert main(["migrate", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "+sso_session = archive-team" in captured.out and "Dry run: nothing was written." in captured.err
    assert legacy_config.read_text() == LEGACY_CONFIG
    assert main(["migrate"]) == 1  # no terminal to ask in
    assert "run it again with --yes" in capsys.readouterr().err
    assert legacy_config.read_text() == LEGACY_CONFIG and list_backups(legacy_config.parent, "config") == []


def test_migrate_twice_has_nothing_left_to_do(legacy_config, capsys):
    assert main(["migrate", "--yes"]) == 0
    first = legacy_config.read_text()
    capsys.readouterr()
    assert main(["migrate", "--yes"]) == 0
    assert "No legacy SSO profiles to move" in capsys.readouterr().err
    assert legacy_config.read_text() == first


def test_a_taken_session_name_gets_a_number(config_path, capsys):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        "[sso-session archive-team]\nsso_start_url = https://elsewhere.awsapps.com/start\nsso_region = eu-west-1\n\n"
        "[profile a]\nsso_start_url = https://archive-team.awsapps.com/start\nsso_region = eu-west-2\n"
        "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
    )
    assert main(["migrate", "--yes"]) == 0
    text = config_path.read_text()
    assert "[sso-session archive-team-2]" in text and "sso_session = archive-team-2" in text


def test_repoint_a_session_after_the_portal_moved(legacy_config, cli_env, capsys):
    before = resolved(cli_env)
    assert main(["migrate", "--sso-session", "library", "--start-url", "https://library.example.org/start"]) == 1
    capsys.readouterr()
    assert main(["migrate", "--sso-session", "library", "--start-url", "https://library.example.org/start",
                 "--yes"]) == 0
    err = capsys.readouterr().err
    assert "Points the sso-session library at https://library.example.org/start (1 profile uses it)." in err
    after = resolved(cli_env)
    assert after["library-new"][2] == "https://library.example.org/start"
    assert after["library-old"] == before["library-old"]  # the profiles stay as they are
    assert "sso_registration_scopes = sso:account:access" in legacy_config.read_text()


def test_repoint_mistakes_are_one_line(legacy_config, capsys):
    assert main(["migrate", "--sso-session", "nope", "--start-url", "https://x.awsapps.com/start"]) == 1
    assert "There is no sso-session named 'nope'" in capsys.readouterr().err
    assert main(["migrate", "--start-url", "https://x.awsapps.com/start"]) == 2
    assert "need --sso-session NAME" in capsys.readouterr().err
    assert main(["migrate", "--sso-session", "library", "--start-url", "ftp://x"]) == 2
    capsys.readouterr()
    assert legacy_config.read_text() == LEGACY_CONFIG


@pytest.mark.interop
def test_the_aws_cli_uses_a_migrated_profile(emulator, home, config_path, cli_env):
    from app.signin.target import SsoTarget
    from helpers.sso import write_issued_token

    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        f"# old style\n[profile p]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n"
        f"sso_account_id = 223344556677\nsso_role_name = ReadOnly\nregion = {DEMO_REGION}\n"
    )
    assert main(["migrate", "--yes"]) == 0
    session = config_path.read_text().split("[sso-session ")[1].split("]")[0]
    write_issued_token(home, SsoTarget(DEMO_START_URL, DEMO_REGION, session), emulator.issue_token())
    env = dict(cli_env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "p", "--output", "json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert '"Account": "223344556677"' in proc.stdout


def test_migrate_asks_in_a_terminal_and_writes_on_yes(legacy_config, cli_env):
    import pty

    from helpers.commands import WIZARD

    for answer, written in (("n", False), ("y", True)):
        leader, follower = pty.openpty()
        proc = subprocess.Popen([WIZARD, "migrate"], stdin=follower, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=cli_env, text=True)
        os.close(follower)
        os.write(leader, f"{answer}\n".encode())
        out, err = proc.communicate(timeout=60)
        os.close(leader)
        assert proc.returncode == 0, err
        assert (legacy_config.read_text() != LEGACY_CONFIG) is written
        assert ("Sign in once (`aws-sso-wizard login --sso-session archive-team`, "
                "`aws-sso-wizard login --sso-session library`)" in err) is written


def test_registration_scopes_in_a_legacy_profile_go_to_its_new_session(config_path, cli_env, capsys):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        "[profile a]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-2\n"
        "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
        "sso_registration_scopes = sso:account:access,codewhisperer:completions\n\n"
        "[profile b]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-2\n"
        "sso_account_id = 111111111111\nsso_role_name = Admin\nsso_registration_scopes = sso:account:access\n"
    )
    before = resolved(cli_env)
    assert main(["migrate", "--yes"]) == 0
    assert "Left b as it is: its sso_registration_scopes differ" in capsys.readouterr().err
    text = config_path.read_text()
    assert ("[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-2\n"
            "sso_registration_scopes = sso:account:access,codewhisperer:completions\n") in text
    assert resolved(cli_env) == before
