"""`aws-sso-wizard setup --yes` end to end in a subprocess against the emulator, and the
interactive commands' argument handling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.emulator import DEMO_REGION, DEMO_START_URL
from helpers.commands import interrupt_when

pytestmark = pytest.mark.interop

HELPERS = Path(__file__).resolve().parent / "helpers"


def _run(cli_env, *args, timeout=60):
    return subprocess.run(["aws-sso-wizard", "setup", *args], capture_output=True, text=True, env=cli_env,
                          timeout=timeout, stdin=subprocess.DEVNULL)


BASE = ["--yes", "--start-url", DEMO_START_URL, "--sso-region", DEMO_REGION, "--sso-session", "demo",
        "--account", "012345678901", "--role", "ReadOnly", "--profile", "archive-ro"]


def test_device_code_sign_in_then_write(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve_after=2)
    proc = _run(cli_env, *BASE, "--device-code", "--region", "eu-west-1", "--output", "table")
    assert proc.returncode == 0, proc.stderr
    assert "enter the code" in proc.stderr and "/device" in proc.stderr  # the URL and code, on stderr
    assert "+[profile archive-ro]" in proc.stdout  # the diff, on stdout
    assert config_path.read_text() == (
        "[profile archive-ro]\nsso_session = demo\nsso_account_id = 012345678901\nsso_role_name = ReadOnly\n"
        "region = eu-west-1\noutput = table\n\n[sso-session demo]\nsso_start_url = " + DEMO_START_URL + "\n"
        "sso_region = " + DEMO_REGION + "\nsso_registration_scopes = sso:account:access\n"
    )
    assert "Wrote the profile archive-ro" in proc.stderr
    # the account names it listed are kept for the profile browser
    from app.signin.account_names import AccountNames

    assert AccountNames().get("012345678901") == "preservation-prod"
    # The AWS CLI (v1, botocore) uses the new profile and the cached sign-in.
    aws = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "archive-ro", "--output", "json"],
                         capture_output=True, text=True, env=cli_env, timeout=60)
    assert aws.returncode == 0, aws.stderr
    assert '"Account": "012345678901"' in aws.stdout


def test_browser_sign_in_with_pkce(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    cli_env["BROWSER"] = f"{sys.executable} {HELPERS / 'follow_browser.py'} %s"
    proc = _run(cli_env, *BASE)
    assert proc.returncode == 0, proc.stderr
    assert "browser" in proc.stderr
    assert "[profile archive-ro]" in config_path.read_text()


def test_dry_run_prints_the_diff_and_writes_nothing(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    proc = _run(cli_env, *BASE, "--device-code", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "+[sso-session demo]" in proc.stdout
    assert "Dry run" in proc.stderr
    assert not config_path.exists()


def test_second_run_reuses_the_sign_in_and_the_session(emulator_factory, cli_env, config_path):
    emulator = emulator_factory(auto_approve=True)
    assert _run(cli_env, *BASE, "--device-code").returncode == 0
    tokens = emulator.call_count("CreateToken")
    args = [a if a != "archive-ro" else "archive-admin" for a in BASE]
    args[args.index("ReadOnly")] = "Administrator"
    proc = _run(cli_env, *args, "--device-code")
    assert proc.returncode == 0, proc.stderr
    assert emulator.call_count("CreateToken") == tokens  # still signed in
    assert "sso-session" not in proc.stdout  # the session exists: only the profile is added
    text = config_path.read_text()
    assert text.count("[sso-session demo]") == 1 and "[profile archive-admin]" in text
    again = _run(cli_env, *args, "--device-code")
    assert again.returncode == 0 and "Nothing to change" in again.stderr


def test_what_the_edit_does_beyond_the_profile_is_said(emulator_factory, cli_env, config_path):
    """[default] shadowed by a later [profile default]: setting up "default" removes the shadowed
    section, and says so next to the diff."""
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = us-east-1\n\n[profile default]\nregion = eu-west-1\n")
    args = [a if a != "archive-ro" else "default" for a in BASE]
    proc = _run(cli_env, *args, "--device-code", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "-[default]" in proc.stdout
    assert "Removed the section [default] (line 1): botocore ignored it because the later [profile default] " \
           "defines the same profile." in proc.stderr


def test_an_aws_profile_variable_naming_the_profile_to_be_made_is_fine(emulator_factory, cli_env, config_path):
    """People export AWS_PROFILE=NAME first, then create NAME: nothing may trip over the missing profile."""
    emulator_factory(auto_approve=True)
    cli_env["AWS_PROFILE"] = "archive-ro"
    proc = _run(cli_env, *BASE, "--device-code")
    assert proc.returncode == 0, proc.stderr
    assert "[profile archive-ro]" in config_path.read_text()


def test_a_broken_config_is_one_line_with_its_line_number(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    config_path.write_text("[profile a]\nregion = eu-west-1\nthis line is broken\n")
    proc = _run(cli_env, *BASE, "--device-code")
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "line 3" in lines[0] and "unexpected" not in lines[0], proc.stderr
    assert config_path.read_text() == "[profile a]\nregion = eu-west-1\nthis line is broken\n"


def test_legacy_profile(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    args = [a for a in BASE if a not in ("--sso-session", "demo")]
    proc = _run(cli_env, *args, "--legacy")
    assert proc.returncode == 0, proc.stderr
    assert config_path.read_text().startswith(
        "[profile archive-ro]\nsso_start_url = " + DEMO_START_URL + "\nsso_region = " + DEMO_REGION + "\n"
        "sso_account_id = 012345678901\nsso_role_name = ReadOnly\n"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (("--account", "111111111111"), "not available to you"),
        (("--role", "readonly"), "Did you mean ReadOnly?"),
        (("--role", "Nope"), "Your roles there:"),
    ],
)
def test_account_and_role_must_be_yours(emulator_factory, cli_env, config_path, change, message):
    emulator_factory(auto_approve=True)
    args = list(BASE)
    args[args.index(change[0]) + 1] = change[1]
    proc = _run(cli_env, *args, "--device-code")
    assert proc.returncode == 1
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr  # one clear line
    assert not config_path.exists()


def test_denied_sign_in_is_one_line_and_exit_1(emulator_factory, cli_env, config_path):
    emulator_factory(auto_deny=True)
    proc = _run(cli_env, *BASE, "--device-code")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("aws-sso-wizard:")
    assert not config_path.exists()


def test_existing_session_with_other_values_is_refused(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    config_path.write_text("[sso-session demo]\nsso_start_url = https://other.awsapps.com/start\n"
                           "sso_region = us-east-1\n")
    proc = _run(cli_env, *BASE, "--device-code")
    assert proc.returncode == 1
    assert "already has an sso-session" in proc.stderr
    assert "other.awsapps.com" in config_path.read_text()


def test_existing_session_is_the_same_portal_with_a_trailing_slash_but_other_scopes_are_refused(
        emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    original = f"[sso-session demo]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n"
    config_path.write_text(original)
    args = [a if a != DEMO_START_URL else DEMO_START_URL.upper().replace("/START", "/start") + "/" for a in BASE]
    proc = _run(cli_env, *args, "--device-code", "--scopes", "sso:account:access,codewhisperer:completions")
    assert proc.returncode == 1 and "--scopes does not change an existing sso-session" in proc.stderr, proc.stderr
    assert config_path.read_text() == original
    proc = _run(cli_env, *args, "--device-code")
    assert proc.returncode == 0, proc.stderr
    assert config_path.read_text().count("[sso-session demo]") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--yes"], "--start-url is required"),
        (["--yes", "--start-url", "http://x.awsapps.com/start"], "https://"),
        ([*BASE[:-2]], "--profile is required"),
        ([*BASE[:5], *BASE[7:]], "--sso-session is required"),
        ([a if a != "012345678901" else "12345" for a in BASE], "12-digit"),
        ([*BASE, "--region", "Europe (London)"], "--region"),
        ([*BASE, "--scopes", "a b"], "--scopes"),
        ([a if a != "archive-ro" else "bad]name" for a in BASE], "--profile"),
        (["--start-url", DEMO_START_URL], "only works with --yes"),
        ([*BASE, "--output", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(cli_env, args, message, config_path):
    proc = _run(cli_env, *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert not config_path.exists()


def test_ctrl_c_while_waiting_for_approval_exits_130(emulator, cli_env, config_path):
    proc = interrupt_when(["setup", *BASE, "--device-code"], emulator.pending_user_codes, env=cli_env)
    assert proc.returncode == 130, proc.stderr
    assert "Cancelled" in proc.stderr
    assert not config_path.exists()


def test_preset_supplies_missing_answers(emulator_factory, cli_env, config_path, tmp_path):
    emulator_factory(auto_approve=True)
    preset = tmp_path / "org.toml"
    preset.write_text(f'[sso]\nstart_url = "{DEMO_START_URL}"\nregion = "{DEMO_REGION}"\nsession_name = "org"\n'
                      '[profiles]\nregion = "eu-west-3"\noutput = "yaml"\n')
    proc = _run(cli_env, "--yes", "--preset", str(preset), "--account", "012345678901", "--role", "ReadOnly",
                "--profile", "p", "--device-code")
    assert proc.returncode == 0, proc.stderr
    text = config_path.read_text()
    assert "sso_session = org" in text and "region = eu-west-3" in text and "output = yaml" in text


def _with(base, option, value):
    args = list(base)
    args[args.index(option) + 1] = value
    return args


def test_answers_as_people_type_them_are_taken(emulator_factory, cli_env, config_path):
    """A start URL without https://, the SSO region in capitals, the account by its name in another
    case, and a profile region that has no IAM Identity Center of its own."""
    from app.signin.regions import all_regions, sso_regions

    emulator_factory(auto_approve=True)
    profile_region = next((r for r in all_regions() if r not in sso_regions()), "eu-west-1")
    args = _with(_with(_with(BASE, "--start-url", DEMO_START_URL.removeprefix("https://")),
                       "--sso-region", DEMO_REGION.upper()), "--account", "Preservation-Prod")
    proc = _run(cli_env, *args, "--device-code", "--region", profile_region)
    assert proc.returncode == 0, proc.stderr
    text = config_path.read_text()
    assert f"sso_start_url = {DEMO_START_URL}\n" in text and f"sso_region = {DEMO_REGION}\n" in text
    assert "sso_account_id = 012345678901\n" in text and f"region = {profile_region}\n" in text


def test_a_mistyped_account_name_gets_did_you_mean(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    proc = _run(cli_env, *_with(BASE, "--account", "preservaton-prod"), "--device-code")
    assert proc.returncode == 1
    assert proc.stderr.strip().endswith("Did you mean preservation-prod?")
    assert not config_path.exists()


def test_an_identity_store_id_suggests_the_start_url(cli_env, config_path):
    proc = _run(cli_env, *_with(BASE, "--start-url", "d-1234567890"))
    assert proc.returncode == 2
    assert "your start URL is probably https://d-1234567890.awsapps.com/start" in proc.stderr


def test_without_region_the_profile_gets_the_sso_region_and_says_so(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    proc = _run(cli_env, *BASE, "--device-code")
    assert proc.returncode == 0, proc.stderr
    assert f"region = {DEMO_REGION}\n" in config_path.read_text().split("[sso-session")[0]
    assert (f"No --region given: the profile's default region is {DEMO_REGION}, the region of IAM Identity Center "
            "(--region changes it).") in proc.stderr.splitlines()
    # the AWS CLI v2 needs a region for most commands: the profile has one of its own
    aws = subprocess.run(["aws", "configure", "get", "region", "--profile", "archive-ro"], capture_output=True,
                         text=True, env=cli_env, timeout=60)
    assert aws.stdout.strip() == DEMO_REGION


def test_without_region_the_preset_default_wins_and_is_named(emulator_factory, cli_env, config_path, tmp_path):
    emulator_factory(auto_approve=True)
    preset = tmp_path / "org.toml"
    preset.write_text(f'[sso]\nstart_url = "{DEMO_START_URL}"\nregion = "{DEMO_REGION}"\nsession_name = "org"\n'
                      '[profiles]\nregion = "eu-west-3"\n')
    proc = _run(cli_env, "--yes", "--preset", str(preset), "--account", "012345678901", "--role", "ReadOnly",
                "--profile", "p", "--device-code", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "+region = eu-west-3" in proc.stdout
    assert "default region is eu-west-3, the organisation preset's default" in proc.stderr


def test_a_broken_settings_file_does_not_stop_a_run_given_its_preset(emulator_factory, cli_env, config_path, tmp_path, home):
    emulator_factory(auto_approve=True)
    settings = home / ".config" / "aws-sso-wizard" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("[last]\nstart_url = \n")
    preset = tmp_path / "org.toml"
    preset.write_text(f'[sso]\nstart_url = "{DEMO_START_URL}"\nregion = "{DEMO_REGION}"\nsession_name = "org"\n')
    proc = _run(cli_env, "--yes", "--preset", str(preset), "--account", "012345678901", "--role", "ReadOnly",
                "--profile", "p", "--device-code")
    assert proc.returncode == 0, proc.stderr
    # without a preset, the settings file is read (for its preset key) and its line is named
    proc = _run(cli_env, *BASE, "--device-code")
    assert proc.returncode == 1 and "settings.toml" in proc.stderr and "line 2" in proc.stderr, proc.stderr


def test_broken_preset_is_one_line_with_its_line_number(cli_env, tmp_path):
    preset = tmp_path / "org.toml"
    preset.write_text('[sso]\nstart_url = "https://x.awsapps.com/start"\nregion = \n')
    proc = _run(cli_env, "--yes", "--preset", str(preset))
    assert proc.returncode == 1
    assert "line 3" in proc.stderr and str(preset) in proc.stderr


def test_demo_and_setup_help_are_light(cli_env):
    for command in ("setup", "demo", "home"):
        proc = subprocess.run(["aws-sso-wizard", command, "--help"], capture_output=True, text=True, env=cli_env,
                              timeout=30)
        assert proc.returncode == 0 and command in proc.stdout


def test_help_speaks_plainly(cli_env):
    proc = _run(cli_env, "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "IAM Identity Center (formerly AWS SSO)" in text
    assert "sso_registration_scopes" not in text and "{json,text,table,yaml,yaml-stream}" not in text
    assert "yaml-stream: yaml printed as it arrives" in text


def _guarded_preset(tmp_path):
    preset = tmp_path / "org.toml"
    preset.write_text(f'[sso]\nstart_url = "{DEMO_START_URL}"\nregion = "{DEMO_REGION}"\nsession_name = "org"\n'
                      '[guard]\ncritical_accounts = ["Preservation-*"]\n')
    return preset


def test_a_write_capable_role_on_a_critical_account_needs_allow_critical(emulator_factory, cli_env, config_path,
                                                                       tmp_path):
    emulator_factory(auto_approve=True)
    preset = _guarded_preset(tmp_path)
    args = ["--yes", "--preset", str(preset), "--account", "preservation-prod", "--profile", "masters",
            "--device-code"]
    refused = _run(cli_env, *args, "--role", "Administrator")
    assert refused.returncode == 1
    assert "‼ masters can change the critical account preservation-prod (012345678901)" in refused.stderr
    assert "--allow-critical" in refused.stderr.splitlines()[-1]
    assert not config_path.exists()

    dry = _run(cli_env, *args, "--role", "Administrator", "--dry-run")
    assert dry.returncode == 0 and "+[profile masters]" in dry.stdout and "‼" in dry.stderr

    allowed = _run(cli_env, *args, "--role", "Administrator", "--allow-critical")
    assert allowed.returncode == 0, allowed.stderr
    assert "[profile masters]" in config_path.read_text()


def test_a_read_only_role_on_a_critical_account_is_written_without_asking(emulator_factory, cli_env, config_path,
                                                                        tmp_path):
    emulator_factory(auto_approve=True)
    proc = _run(cli_env, "--yes", "--preset", str(_guarded_preset(tmp_path)), "--account", "012345678901",
                "--role", "ReadOnly", "--profile", "masters-ro", "--device-code")
    assert proc.returncode == 0, proc.stderr
    assert "‼" not in proc.stderr


def test_allow_critical_belongs_to_yes(cli_env, config_path):
    proc = _run(cli_env, "--allow-critical")
    assert proc.returncode == 2 and "--allow-critical only works with --yes" in proc.stderr
