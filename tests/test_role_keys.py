"""``env`` and ``run``: a profile's temporary role keys against the emulator, kept in the AWS CLI's
own role-credential cache so the CLI (as v2 wires botocore) and this app reuse each other's keys."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from helpers.commands import WIZARD, command_env, run_wizard
from helpers.role_keys import (
    AWS,
    PROD,
    PROD_ACCOUNT,
    botocore_as_cli_v2,
    demo_signed_in,
    role_cache_file,
    run_app_without_boto,
)

pytestmark = pytest.mark.interop


def cached(home) -> dict:
    return json.loads(role_cache_file(home).read_text())["Credentials"]


def test_a_cold_env_fetches_once_and_caches_the_keys_as_the_cli_does(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    proc = run_wizard("env", PROD, "--format", "process")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    path = role_cache_file(home)
    document = json.loads(path.read_text())
    assert document["ProviderType"] == "sso"
    assert set(document["Credentials"]) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId"}
    assert document["Credentials"]["AccountId"] == PROD_ACCOUNT
    assert document["Credentials"]["Expiration"].endswith("Z") and len(document["Credentials"]["Expiration"]) == 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert answer["AccessKeyId"] == document["Credentials"]["AccessKeyId"]
    assert emulator.call_count("GetRoleCredentials") == 1
    again = run_wizard("env", PROD, "--format", "process")
    assert json.loads(again.stdout) == answer
    assert emulator.call_count("GetRoleCredentials") == 1
    assert answer["SecretAccessKey"] not in proc.stderr + again.stderr


def test_env_in_every_format(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    outputs = {form: run_wizard("env", PROD, "--format", form) for form in ("sh", "fish", "powershell", "json", "process")}
    assert all(proc.returncode == 0 and proc.stderr == "" for proc in outputs.values()), outputs
    creds = cached(home)
    expiration = datetime.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).isoformat()
    values = {
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"], "AWS_CREDENTIAL_EXPIRATION": expiration,
    }
    assert json.loads(outputs["json"].stdout) == values
    assert json.loads(outputs["process"].stdout) == {
        "Version": 1, "AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"],
        "SessionToken": creds["SessionToken"], "Expiration": expiration,
    }
    assert outputs["sh"].stdout.splitlines()[0] == f"export AWS_ACCESS_KEY_ID={creds['AccessKeyId']}"
    assert outputs["powershell"].stdout.splitlines()[0] == f'$Env:AWS_ACCESS_KEY_ID="{creds["AccessKeyId"]}"'
    # fish, in the real shell
    fish = subprocess.run(["fish", "--no-config", "-c", outputs["fish"].stdout + "echo $AWS_SECRET_ACCESS_KEY"],
                          capture_output=True, text=True, timeout=30)
    assert fish.stdout.strip() == creds["SecretAccessKey"], fish.stderr


def test_the_sh_output_evaluated_in_bash_is_used_by_the_aws_cli(config_path, home, emulator, cli_env):
    demo_signed_in(config_path, home, emulator)
    script = f'eval "$("{WIZARD}" env {PROD})" && "{AWS}" sts get-caller-identity --region eu-west-2 --output json'
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-c", script], capture_output=True, text=True,
                          timeout=60, env=cli_env)
    assert proc.returncode == 0, proc.stderr
    identity = json.loads(proc.stdout)
    assert identity["Account"] == PROD_ACCOUNT
    assert "assumed-role/AWSReservedSSO_ReadOnly_" in identity["Arn"]


def test_a_warm_env_needs_neither_boto3_nor_botocore(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("env", PROD).returncode == 0
    emulator.clear_calls()
    proc = run_app_without_boto("env", PROD, "--format", "process")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["AccessKeyId"] == cached(home)["AccessKeyId"]
    assert emulator.calls == []  # no request of any kind
    cold = run_app_without_boto("env", "shared-admin")  # no cached keys: it needs botocore, and says so
    assert cold.returncode == 1 and cold.stdout == ""


def test_keys_cached_by_this_app_are_used_by_botocore_wired_as_the_cli_v2(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("env", PROD).returncode == 0
    assert emulator.call_count("GetRoleCredentials") == 1
    creds = botocore_as_cli_v2(PROD, home / ".aws" / "cli" / "cache")
    assert creds["access_key"] == cached(home)["AccessKeyId"]
    assert emulator.call_count("GetRoleCredentials") == 1


def test_keys_cached_by_botocore_wired_as_the_cli_v2_are_used_here(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    creds = botocore_as_cli_v2(PROD, home / ".aws" / "cli" / "cache")
    assert emulator.call_count("GetRoleCredentials") == 1
    proc = run_wizard("env", PROD, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["AWS_ACCESS_KEY_ID"] == creds["access_key"]
    assert emulator.call_count("GetRoleCredentials") == 1


def test_keys_about_to_expire_are_fetched_again(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("env", PROD).returncode == 0
    path = role_cache_file(home)
    document = json.loads(path.read_text())
    soon = datetime.now(timezone.utc) + timedelta(minutes=10)
    document["Credentials"]["Expiration"] = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps(document))
    assert run_wizard("env", PROD).returncode == 0
    assert emulator.call_count("GetRoleCredentials") == 2
    assert json.loads(path.read_text())["Credentials"]["Expiration"] != document["Credentials"]["Expiration"]


def test_signed_out_says_how_to_sign_in_and_prints_nothing(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    for token in (home / ".aws" / "sso" / "cache").glob("*.json"):
        token.unlink()
    for argv in (("env", PROD), ("run", PROD, "--", sys.executable, "-c", "print('ran')")):
        proc = run_wizard(*argv)
        assert proc.returncode == 1
        assert proc.stdout == ""
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].endswith("Sign in first: aws-sso-wizard login --sso-session archive"), proc.stderr
    assert not role_cache_file(home).exists()


def test_an_ended_session_is_expired_with_the_sign_in_command(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    emulator.end_sessions()
    proc = run_wizard("env", PROD, "--format", "process")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "aws-sso-wizard login --sso-session archive" in proc.stderr


def test_env_of_a_profile_that_is_not_sso(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    proc = run_wizard("env", "static")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "does not sign in through IAM Identity Center" in proc.stderr


def test_run_gives_the_command_the_keys_and_passes_its_exit_code_through(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    reader = ("import os, sys; print(os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_REGION'], "
              "os.environ.get('AWS_PROFILE')); sys.exit(7)")
    env = {**command_env(), "AWS_PROFILE": "shared-admin"}
    proc = run_wizard("run", PROD, "--", sys.executable, "-c", reader, env=env)
    assert proc.returncode == 7, proc.stderr
    assert proc.stdout.split() == [cached(home)["AccessKeyId"], "eu-west-2", "None"]
    ok = run_wizard("run", PROD, "--", AWS, "sts", "get-caller-identity", "--output", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["Account"] == PROD_ACCOUNT


def test_run_without_a_command_or_with_a_missing_one(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("run", PROD).returncode == 2
    missing = run_wizard("run", PROD, "--", "no-such-command-here")
    assert missing.returncode == 127
    assert "Cannot run no-such-command-here" in missing.stderr


def test_command_lines_env_does_not_take_are_usage_errors_even_with_cached_keys(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    assert run_wizard("env", PROD).returncode == 0  # cached now
    for argv in (("env",), ("env", PROD, "--format", "yaml"), ("env", PROD, "extra"), ("env", "--format")):
        proc = run_wizard(*argv)
        assert proc.returncode == 2 and proc.stdout == "", argv
        assert "usage: aws-sso-wizard" in proc.stderr
    for argv in (("env", "--format=fish", PROD), ("env", "--format", "json", PROD)):
        proc = run_wizard(*argv)
        assert proc.returncode == 0 and "AWS_SECRET_ACCESS_KEY" in proc.stdout, argv


LEGACY_PROFILE = """[profile old-style]
sso_start_url = {start_url}
sso_region = {region}
sso_account_id = 012345678901
sso_role_name = ReadOnly
"""


def test_a_profile_without_an_sso_session_shares_its_keys_with_botocore_too(config_path, home, emulator):
    from app.emulator import DEMO_REGION, DEMO_START_URL
    from helpers.profile_fixtures import write_config
    from helpers.sso import LEGACY, write_signed_in_token

    write_config(config_path, LEGACY_PROFILE.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    write_signed_in_token(home, emulator, LEGACY)
    proc = run_wizard("env", "old-style", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    path = role_cache_file(home, start_url=DEMO_START_URL)
    assert json.loads(proc.stdout)["AWS_ACCESS_KEY_ID"] == json.loads(path.read_text())["Credentials"]["AccessKeyId"]
    creds = botocore_as_cli_v2("old-style", home / ".aws" / "cli" / "cache")
    assert creds["access_key"] == json.loads(path.read_text())["Credentials"]["AccessKeyId"]
    assert emulator.call_count("GetRoleCredentials") == 1


def test_an_unreadable_cache_file_is_replaced_by_new_keys(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    path = role_cache_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    proc = run_wizard("env", PROD, "--format", "process")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["AccessKeyId"] == cached(home)["AccessKeyId"]


def test_keys_that_cannot_be_cached_are_still_printed(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    blocker = home / ".aws" / "cli" / "cache"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the cache folder should be")
    proc = run_wizard("env", PROD, "--format", "process")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["Version"] == 1
    assert blocker.read_text() == "a file where the cache folder should be"


def test_a_fifo_where_the_keys_belong_never_blocks_and_is_not_written_through(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    path = role_cache_file(home)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    proc = run_wizard("env", PROD, "--format", "process", timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["Version"] == 1  # fetched, printed; only the caching was refused
    assert stat.S_ISFIFO(path.stat().st_mode)


def test_a_symlink_where_the_keys_belong_is_replaced_not_followed(config_path, home, emulator, tmp_path):
    demo_signed_in(config_path, home, emulator)
    path = role_cache_file(home)
    path.parent.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("{}")
    path.symlink_to(elsewhere)
    proc = run_wizard("env", PROD, "--format", "process")
    assert proc.returncode == 0, proc.stderr
    assert not path.is_symlink() and elsewhere.read_text() == "{}"
    assert json.loads(proc.stdout)["AccessKeyId"] == cached(home)["AccessKeyId"]


def test_env_and_run_warn_on_stderr_for_a_profile_on_a_critical_account(config_path, home, emulator, tmp_path):
    demo_signed_in(config_path, home, emulator)
    preset = tmp_path / "org.toml"
    preset.write_text(f'[guard]\ncritical_accounts = ["{PROD_ACCOUNT}"]\n')
    env = {**command_env(), "AWS_SSO_WIZARD_PRESET": str(preset)}
    cold = run_wizard("env", PROD, "--format", "process", env=env)
    warm = run_wizard("env", PROD, "--format", "process", env=env)  # answered by the fast path
    for proc in (cold, warm):
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["Version"] == 1  # stdout stays the answer a tool reads
        assert proc.stderr.startswith(f"‼ {PROD} ")
        assert "critical account" in proc.stderr and len(proc.stderr.splitlines()) == 1
    ran = run_wizard("run", PROD, "--", sys.executable, "-c", "print('ok')", env=env)
    assert ran.returncode == 0 and ran.stdout == "ok\n" and ran.stderr.startswith(f"‼ {PROD} ")
    other = run_wizard("env", PROD, "--format", "process")  # no preset: no warning
    assert other.stderr == ""
