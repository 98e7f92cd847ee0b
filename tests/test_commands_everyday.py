"""The everyday commands end to end, each in a subprocess against the emulator:
profiles, login, logout, whoami, accounts, doctor (exit codes, output, JSON shapes)."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app.emulator.org import DEMO_REGION, DEMO_START_URL
from helpers.commands import WIZARD, command_env, interrupt_when, run_wizard
from helpers.profile_app import DEMO_CONFIG
from helpers.profile_fixtures import MIXED_CONFIG, PROFILE_JSON_KEYS, token_file, write_config, write_token

pytestmark = pytest.mark.interop



run = run_wizard


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture
def demo_config(config_path: Path) -> Path:
    return write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))


def signed_in(emulator, home: Path) -> None:
    """Sign in to the demo session through the command, with a pre-approved device code."""
    emulator.auto_approve = True
    proc = run("login", "--sso-session", "archive", "--device-code", "--no-browser")
    assert proc.returncode == 0, proc.stderr
    assert token_file(home, "archive").exists()


# -- profiles ---------------------------------------------------------------------------------------


def test_profiles_json_has_exactly_the_documented_keys(config_path, home):
    write_config(config_path, MIXED_CONFIG)
    path = write_token(home, "my-sso", expires_in=timedelta(hours=2))
    proc = run("profiles", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [p["name"] for p in data] == ["default", "prod-admin", "dev-readonly", "old-style", "keys", "jump", "proc"]
    for item in data:
        assert set(item) == PROFILE_JSON_KEYS
        assert item["kind"] in ("sso", "sso-legacy", "other")
        assert item["status"] in ("valid", "expiring", "refreshable", "expired", "signed-out", "n/a")
    prod = data[1]
    assert prod["status"] == "valid"
    assert prod["expires_at"] == json.loads(path.read_text())["expiresAt"]
    assert prod["expires_at"].endswith("Z")
    assert data[3]["kind"] == "sso-legacy" and data[3]["status"] == "signed-out" and data[3]["expires_at"] is None
    assert data[4] == {
        "name": "keys", "kind": "other", "sso_session": None, "sso_start_url": None, "sso_region": None,
        "account_id": None, "role_name": None, "region": "us-east-1", "output": None, "status": "n/a",
        "expires_at": None, "session_ends_at": None, "problem": None,
    }
    assert "wJalrXUtnFEMI" not in proc.stdout and "aoa-" not in proc.stdout


def test_profiles_table(config_path, home):
    write_config(config_path, MIXED_CONFIG)
    write_token(home, "my-sso", expires_in=timedelta(hours=2))
    proc = run("profiles")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["PROFILE", "ACCOUNT", "ROLE", "REGION", "SSO", "SESSION", "STATUS"]
    prod = next(line for line in lines if line.startswith("prod-admin"))
    assert "111122223333" in prod and "AdministratorAccess" in prod and "signed in" in prod
    assert "static keys" in next(line for line in lines if line.startswith("keys "))


def test_profiles_table_says_what_stops_an_incomplete_profile(config_path, home):
    write_config(config_path, "[profile broken]\nsso_session = nope\nsso_account_id = 111122223333\n"
                              "sso_role_name = R\n")
    proc = run("profiles")
    assert proc.returncode == 0, proc.stderr
    assert "n/a (see below)" in proc.stdout
    assert proc.stdout.rstrip().endswith('broken: It names the sso-session "nope", which does not exist.')


def test_profiles_with_no_config(config_path):
    proc = run("profiles", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
    proc = run("profiles")
    assert proc.returncode == 0 and proc.stdout == ""
    assert "setup" in proc.stderr


def test_profiles_with_a_broken_config_is_one_line(config_path):
    write_config(config_path, "[profile a]\nregion = eu-west-1\nthis is not ini\n")
    proc = run("profiles", "--json")
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert "3" in line


# -- login -----------------------------------------------------------------------------------------------


def test_login_with_a_device_code_prints_the_code_and_waits(demo_config, home, emulator):
    proc = subprocess.Popen(
        [WIZARD, "login", "preservation-prod", "--device-code", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=command_env(), stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        code = None
        seen = []
        while code is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            seen.append(line)
            if "enter the code" in line:
                code = line.split(":", 1)[1].strip()
        assert code, "".join(seen)
        assert code in emulator.pending_user_codes()
        emulator.approve(code)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Signed in to sso-session archive until" in out
    assert "preservation-prod" in out and "shared-admin" in out
    document = json.loads(token_file(home, "archive").read_text())
    assert set(document) >= {"startUrl", "region", "accessToken", "expiresAt"}
    assert "aoa" not in out + err and document["accessToken"] not in out + err


def test_login_again_is_skipped_unless_forced(demo_config, home, emulator):
    signed_in(emulator, home)
    before = emulator.call_count("StartDeviceAuthorization")
    proc = run("login", "shared-admin", "--device-code", "--no-browser")
    assert proc.returncode == 0
    assert "Already signed in to sso-session archive" in proc.stdout
    assert emulator.call_count("StartDeviceAuthorization") == before
    proc = run("login", "--sso-session", "archive", "--device-code", "--no-browser", "--force")
    assert proc.returncode == 0, proc.stderr
    assert emulator.call_count("StartDeviceAuthorization") == before + 1


def test_login_picks_the_only_session_or_asks(config_path, home, emulator):
    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    emulator.auto_approve = True
    proc = run("login", "--device-code", "--no-browser")
    assert proc.returncode == 0, proc.stderr
    text = config_path.read_text() + "\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n"
    config_path.write_text(text)
    proc = run("login", "--device-code", "--no-browser")
    assert proc.returncode == 2
    assert "archive" in proc.stderr and "other" in proc.stderr


def test_login_errors_are_one_line(demo_config, home, emulator):
    proc = run("login", "no-such-profile")
    assert proc.returncode == 1 and "no-such-profile" in one_line_error(proc)
    proc = run("login", "static")
    assert proc.returncode == 1 and "static" in one_line_error(proc)
    proc = run("login", "--sso-session", "nope")
    assert proc.returncode == 1 and "archive" in one_line_error(proc)
    proc = run("login", "static", "--sso-session", "archive")
    assert proc.returncode == 2
    emulator.auto_deny = True
    proc = run("login", "--sso-session", "archive", "--device-code", "--no-browser")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert not token_file(home, "archive").exists()


def test_login_ctrl_c_cancels_with_130(demo_config, home, emulator):
    proc = interrupt_when(
        ["login", "preservation-prod", "--device-code", "--no-browser"], emulator.pending_user_codes
    )
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not token_file(home, "archive").exists()


# -- logout ----------------------------------------------------------------------------------------------


def test_logout_of_one_session_and_of_all(demo_config, home, emulator):
    signed_in(emulator, home)
    proc = run("logout", "shared-admin")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "Signed out of sso-session archive (profiles: preservation-prod, shared-admin)."
    ]
    assert not token_file(home, "archive").exists()
    assert emulator.call_count("Logout") == 1
    signed_in(emulator, home)
    other = write_token(home, "someone-else", expires_in=timedelta(hours=1), start_url="https://x.awsapps.com/start",
                        region=DEMO_REGION)
    proc = run("logout", "--all")
    assert proc.returncode == 0, proc.stderr
    assert not token_file(home, "archive").exists() and not other.exists()
    proc = run("logout", "--all", "--sso-session", "archive")
    assert proc.returncode == 2


def test_logout_when_not_signed_in_says_only_that(demo_config, home):
    proc = run("logout", "shared-admin")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["You were not signed in to sso-session archive."]


def test_logout_when_aws_cannot_be_reached_removes_the_token_and_says_so_in_the_exit_code(demo_config, home, emulator):
    from app.commands.logout import NOT_ENDED_AT_AWS

    signed_in(emulator, home)
    emulator.stop()
    proc = run("logout", "--sso-session", "archive")
    assert proc.returncode == NOT_ENDED_AT_AWS == 3
    assert not token_file(home, "archive").exists()
    assert proc.stdout == ""
    assert one_line_error(proc).startswith(
        "Removed the local sign-in for sso-session archive (profiles: preservation-prod, shared-admin), but could "
        "not end the session at AWS (Could not connect to 127.0.0.1:")
    assert one_line_error(proc).endswith("It ends by itself when it expires.")


def test_logout_all_when_the_service_fails_says_so_in_the_exit_code(demo_config, home, emulator):
    signed_in(emulator, home)
    emulator.fail_next("Logout", "InvalidRequestException")
    proc = run("logout", "--all")
    assert proc.returncode == 3
    assert not token_file(home, "archive").exists()
    assert "Could not end 1 session at AWS" in one_line_error(proc)


def test_the_logout_exit_codes_are_in_its_help_and_the_readme():
    from app.commands.logout import NOT_ENDED_AT_AWS

    help_text = " ".join(run("logout", "--help").stdout.split())
    assert f"{NOT_ENDED_AT_AWS} signed out here, but the session could not be ended at AWS" in help_text
    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text().split())
    assert f"`{NOT_ENDED_AT_AWS}` from `logout` when the local sign-in was removed but AWS could not" in readme


# -- whoami -----------------------------------------------------------------------------------------------


def test_whoami_json(demo_config, home, emulator):
    signed_in(emulator, home)
    proc = run("whoami", "preservation-prod", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"profile", "account", "arn", "user_id"}
    assert data["profile"] == "preservation-prod"
    assert data["account"] == "012345678901"
    assert data["arn"].startswith("arn:aws:sts::012345678901:assumed-role/AWSReservedSSO_ReadOnly_")
    proc = run("whoami", "shared-admin")
    assert proc.returncode == 0
    assert "ARN:" in proc.stdout and "210987654321" in proc.stdout


def test_whoami_signed_out_is_one_line(demo_config, home, emulator):
    proc = run("whoami", "preservation-prod", "--json")
    assert proc.returncode == 1
    # the next step is the exact command to run
    assert one_line_error(proc).endswith(
        "You are not signed in to sso-session archive. Sign in first: aws-sso-wizard login --sso-session archive")
    assert proc.stdout == ""


def test_whoami_with_refused_static_keys_says_so_not_sign_in_again(config_path, home, emulator):
    write_config(config_path, MIXED_CONFIG)
    proc = run("whoami", "keys")
    assert proc.returncode == 1
    error = one_line_error(proc)
    assert "AWS refused the credentials of profile “keys” (InvalidClientTokenId)" in error
    assert "Check its keys" in error and "Sign in" not in error and "wJalrXUtnFEMI" not in proc.stderr


# -- accounts ----------------------------------------------------------------------------------------------


def test_accounts_json_and_roles_with_progress(demo_config, home, emulator):
    signed_in(emulator, home)
    proc = run("accounts", "--sso-session", "archive", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data) == 12
    for item in data:
        assert set(item) == {"account_id", "account_name", "email"}
    assert {"account_id": "012345678901", "account_name": "preservation-prod"}.items() <= next(
        a for a in data if a["account_id"] == "012345678901").items()
    proc = run("accounts", "--sso-session", "archive", "--roles", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    prod = next(a for a in data if a["account_id"] == "012345678901")
    assert set(prod) == {"account_id", "account_name", "email", "roles"}
    assert sorted(prod["roles"], key=str.lower) == prod["roles"] and set(prod["roles"]) == {"ReadOnly", "PowerUser", "Administrator"}
    assert "Finding roles: 12/12 accounts" in proc.stderr
    # names learnt here show in `profiles` later without a network call
    cache = home / ".config" / "aws-sso-wizard" / "account-names.json"
    assert json.loads(cache.read_text())["accounts"]["012345678901"] == "preservation-prod"
    proc = run("accounts", "--sso-session", "archive")
    assert proc.returncode == 0 and "preservation-prod" in proc.stdout


def test_accounts_needs_a_sign_in(demo_config, emulator):
    proc = run("accounts", "--sso-session", "archive")
    assert proc.returncode == 1
    assert "Sign in first: aws-sso-wizard login --sso-session archive" in one_line_error(proc)


def test_accounts_without_a_session_uses_the_only_one(demo_config, home, emulator):
    signed_in(emulator, home)
    proc = run("accounts", "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 12


def test_accounts_with_several_sessions_asks_which(demo_config, emulator):
    demo_config.write_text(demo_config.read_text() + "\n[sso-session other]\n"
                           "sso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n")
    proc = run("accounts")
    assert proc.returncode == 2
    assert "archive" in proc.stderr and "other" in proc.stderr


# -- names that are nearly right --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, guess",
    [
        (["whoami", "Preservation-Prod"], "Did you mean preservation-prod?"),
        (["whoami", "preservaton-prod"], "Did you mean preservation-prod?"),
        (["login", "shared-admn"], "Did you mean shared-admin?"),
        (["logout", "SHARED-ADMIN"], "Did you mean shared-admin?"),
        (["accounts", "--sso-session", "Archive"], "Did you mean archive?"),
    ],
)
def test_a_mistyped_name_gets_did_you_mean(demo_config, argv, guess):
    proc = run(*argv)
    assert proc.returncode == 1
    assert one_line_error(proc).endswith(guess + (" (`aws-sso-wizard profiles` lists them.)"
                                                  if "--sso-session" not in argv else ""))


def test_accounts_when_throttled_still_finishes(demo_config, home, emulator):
    signed_in(emulator, home)
    emulator.fail_next("ListAccountRoles", "TooManyRequestsException", count=3)
    proc = run("accounts", "--sso-session", "archive", "--roles", "--json")
    assert proc.returncode == 0, proc.stderr
    assert all(item["roles"] for item in json.loads(proc.stdout))


# -- doctor -------------------------------------------------------------------------------------------------


def test_doctor_json(demo_config):
    proc = run("doctor", "--json", "--offline")
    data = json.loads(proc.stdout)
    assert data and all(set(item) == {"check", "status", "message", "fix"} for item in data)
    assert {item["check"] for item in data} >= {"config", "folders", "aws-cli", "browser"}
    assert all(item["status"] in ("ok", "warn", "fail") for item in data)
    assert proc.returncode == (1 if any(item["status"] == "fail" for item in data) else 0)


def test_doctor_reaches_the_sign_in_service(demo_config, emulator):
    proc = run("doctor", "--json")
    data = json.loads(proc.stdout)
    endpoint = [item for item in data if item["check"] == "endpoint"]
    assert endpoint and endpoint[0]["status"] == "ok", endpoint
    assert endpoint[0]["message"].startswith("The sign-in service for eu-west-2, http://127.0.0.1:")


def test_doctor_names_each_unreachable_region_and_a_fix_that_fits_the_command_line(config_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        unused_port = probe.getsockname()[1]
    write_config(config_path, "[sso-session a]\nsso_start_url = https://a.awsapps.com/start\nsso_region = eu-west-2\n\n"
                              "[sso-session b]\nsso_start_url = https://b.awsapps.com/start\nsso_region = us-east-1\n")
    proc = run("doctor", "--json", env={**command_env(), "AWS_ENDPOINT_URL": f"http://127.0.0.1:{unused_port}"})
    endpoint = [item for item in json.loads(proc.stdout) if item["check"] == "endpoint"]
    assert [item["status"] for item in endpoint] == ["warn", "warn"]
    assert {item["message"].split(",")[0] for item in endpoint} == {
        "Cannot reach the sign-in service for eu-west-2", "Cannot reach the sign-in service for us-east-1"}
    assert all("press" not in item["fix"] for item in endpoint)


def test_doctor_fails_on_a_broken_config(config_path):
    write_config(config_path, "[profile a]\nregion = eu-west-1\nthis is not ini\n")
    proc = run("doctor", "--offline")
    assert proc.returncode == 1
    assert "[FAIL] AWS config file" in proc.stdout
    assert "check(s) failed" in proc.stderr
