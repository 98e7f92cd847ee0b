"""`aws-sso-wizard populate` end to end in a subprocess against the emulator: the plan, JSON, dry
run, an idempotent second run, pruning after the directory changed, hand-written profiles kept,
and bad input that writes nothing."""

from __future__ import annotations

import json
import subprocess

import pytest

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.emulator.org import DemoOrg
from helpers.commands import interrupt_when

pytestmark = pytest.mark.interop

NEW = ["--sso-session", "demo", "--start-url", DEMO_START_URL, "--sso-region", DEMO_REGION, "--device-code"]

HAND_WRITTEN = (
    "# my own profiles\n"
    "[profile mine]\nsso_session = demo\nsso_account_id = 012345678901\nsso_role_name = ReadOnly\nregion = us-west-2\n\n"
    "[sso-session demo]\nsso_start_url = " + DEMO_START_URL + "\nsso_region = " + DEMO_REGION + "\n"
    "sso_registration_scopes = sso:account:access\n"
)


def populate(cli_env, *args, timeout=60):
    return subprocess.run(["aws-sso-wizard", "populate", *args], capture_output=True, text=True, env=cli_env,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def backups(config_path):
    return sorted(config_path.parent.glob("config.bak-*"))


def test_dry_run_prints_the_plan_and_the_diff_and_writes_nothing(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    proc = populate(cli_env, *NEW, "--account", "preservation-*", "--role", "readonly", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    plan = [line.split() for line in proc.stdout.splitlines() if line.startswith("preservation-")]
    assert [(row[0], row[-1]) for row in plan] == [
        ("preservation-dev-ReadOnly", "add"), ("preservation-prod-ReadOnly", "add"), ("preservation-qa-ReadOnly", "add")]
    assert "+[profile preservation-prod-ReadOnly]" in proc.stdout and "+[sso-session demo]" in proc.stdout
    assert "Finding roles: 12/12 accounts" in proc.stderr  # progress, on stderr
    assert "Dry run: nothing was written." in proc.stderr
    assert not config_path.exists()


def test_writes_with_yes_and_a_second_run_changes_nothing(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    first = populate(cli_env, *NEW, "--role", "ReadOnly", "--yes")
    assert first.returncode == 0, first.stderr
    text = config_path.read_text()
    assert text.count("[profile ") == 10  # every account with a ReadOnly role
    assert text.count("sso_wizard_generated = demo") == 10
    before = config_path.read_bytes()
    again = populate(cli_env, "--sso-session", "demo", "--role", "ReadOnly", "--yes", "--json")
    assert again.returncode == 0, again.stderr
    plan = json.loads(again.stdout)
    assert len(plan) == 10 and {item["action"] for item in plan} == {"keep"}
    assert set(plan[0]) == {"name", "account_id", "account_name", "role_name", "action"}
    assert config_path.read_bytes() == before
    assert backups(config_path) == []  # the first write made the file; the second did not write


def test_json_plan_lists_every_pair_with_its_action(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    proc = populate(cli_env, *NEW, "--account", "012345678901", "--json", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        {"name": f"preservation-prod-{role}", "account_id": "012345678901", "account_name": "preservation-prod",
         "role_name": role, "action": "add"} for role in ("Administrator", "PowerUser", "ReadOnly")]


def test_hand_written_profiles_are_kept_and_never_marked(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(HAND_WRITTEN)
    proc = populate(cli_env, "--sso-session", "demo", "--device-code", "--account", "preservation-prod",
                    "--region", "eu-west-1", "--yes", "--json")
    assert proc.returncode == 0, proc.stderr
    actions = {item["name"]: item["action"] for item in json.loads(proc.stdout)}
    assert actions == {"mine": "keep", "preservation-prod-Administrator": "add", "preservation-prod-PowerUser": "add"}
    text = config_path.read_text()
    assert text.startswith(HAND_WRITTEN.split("[sso-session")[0])  # the hand-written profile, byte for byte
    assert text.count("sso_wizard_generated") == 2
    assert len(backups(config_path)) == 1  # one edit, one backup


def test_a_clash_with_an_existing_name_appends_the_account_id(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text("[profile billing-Billing]\nregion = eu-west-1\n\n" + HAND_WRITTEN)
    proc = populate(cli_env, "--sso-session", "demo", "--device-code", "--account", "billing", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "billing-Billing-998877665544" in proc.stdout and "account id appended" in proc.stdout
    text = config_path.read_text()
    assert text.startswith("[profile billing-Billing]\nregion = eu-west-1\n\n")  # never overwritten
    assert "[profile billing-Billing-998877665544]" in text


def test_prune_removes_generated_profiles_whose_assignment_is_gone(emulator_factory, cli_env, config_path):
    emulator = emulator_factory(auto_approve=True)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(HAND_WRITTEN)
    assert populate(cli_env, "--sso-session", "demo", "--device-code", "--role", "Billing", "--yes").returncode == 0
    assert config_path.read_text().count("sso_wizard_generated = demo") == 4
    # the administrator takes the Billing role away in two accounts, and the ReadOnly one of "mine"
    emulator.org = DemoOrg(tuple(
        type(a)(a.account_id, a.name, a.email, tuple(r for r in a.roles if not (
            (r == "Billing" and a.name in ("billing", "archive-storage")) or (r == "ReadOnly" and a.account_id == "012345678901"))))
        for a in emulator.org.accounts))
    kept = populate(cli_env, "--sso-session", "demo", "--role", "Billing", "--json", "--dry-run")
    assert {item["action"] for item in json.loads(kept.stdout)} == {"keep"}  # without --prune nothing goes
    assert "Since the last discovery: Roles gone: " in kept.stderr and "Billing in billing (998877665544)" in kept.stderr
    proc = populate(cli_env, "--sso-session", "demo", "--role", "Billing", "--prune", "--yes")
    assert proc.returncode == 0, proc.stderr
    removed = [line.split()[0] for line in proc.stdout.splitlines() if "remove" in line.split()]
    assert sorted(removed) == ["archive-storage-Billing", "billing-Billing"]
    assert "-[profile billing-Billing]" in proc.stdout
    text = config_path.read_text()
    assert "[profile billing-Billing]" not in text and "[profile archive-storage-Billing]" not in text
    assert "[profile preservation-dev-Billing]" in text and "[profile sandbox-archivist-Billing]" in text
    assert "[profile mine]" in text  # its role is gone too, but it was written by hand


def test_prune_leaves_generated_profiles_of_another_session(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    other = ("[profile old-thing]\nsso_session = other\nsso_account_id = 111111111111\nsso_role_name = Gone\n"
             "sso_wizard_generated = other\n\n[sso-session other]\nsso_start_url = " + DEMO_START_URL + "\n"
             "sso_region = " + DEMO_REGION + "\n\n")
    config_path.write_text(other + HAND_WRITTEN)
    proc = populate(cli_env, "--sso-session", "demo", "--device-code", "--account", "billing", "--prune", "--yes",
                    "--json")
    assert proc.returncode == 0, proc.stderr
    assert "remove" not in {item["action"] for item in json.loads(proc.stdout)}
    assert config_path.read_text().startswith(other)


@pytest.mark.parametrize("args, message", [
    (["--account", "no-such-*"], "--account no-such-* matches none of your 12 accounts"),
    (["--role", "Nope"], "--role Nope matches none of your roles"),
])
def test_a_pattern_that_matches_nothing_says_so_and_writes_nothing(emulator_factory, cli_env, config_path, args,
                                                                   message):
    emulator_factory(auto_approve=True)
    proc = populate(cli_env, *NEW, *args, "--yes")
    assert proc.returncode == 1
    assert message in proc.stderr
    assert not config_path.exists()


def test_unknown_placeholder_is_a_usage_error(cli_env, config_path):
    proc = populate(cli_env, *NEW, "--name-pattern", "{account}-{role_name}", "--yes")
    assert proc.returncode == 2
    assert "--name-pattern: unknown placeholder {account}" in proc.stderr
    assert not config_path.exists()


def test_unknown_session_without_start_url_says_how_to_create_it(cli_env, config_path):
    proc = populate(cli_env, "--sso-session", "nope", "--yes")
    assert proc.returncode == 2
    assert "There is no sso-session 'nope'" in proc.stderr and "--start-url" in proc.stderr


def test_a_config_botocore_cannot_read_is_reported_and_left_alone(cli_env, config_path):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text("[profile broken\nregion eu-west-1\n")
    proc = populate(cli_env, *NEW, "--yes")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) <= 2
    assert config_path.read_text() == "[profile broken\nregion eu-west-1\n"


def test_without_yes_and_without_a_terminal_nothing_is_written(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    proc = populate(cli_env, *NEW, "--account", "billing")
    assert proc.returncode == 0, proc.stderr
    assert "add --yes" in proc.stderr
    assert not config_path.exists()


def test_ctrl_c_during_discovery_writes_nothing(emulator_factory, cli_env, config_path):
    emulator = emulator_factory(auto_approve=True, accounts=60, latency_ms=200)
    proc = interrupt_when(["populate", *NEW, "--yes"], lambda: emulator.call_count("ListAccountRoles") >= 3,
                          env=cli_env)
    assert proc.returncode == 130
    assert not config_path.exists()


def test_botocore_and_the_aws_cli_ignore_the_marker(emulator_factory, cli_env, config_path):
    emulator_factory(auto_approve=True)
    assert populate(cli_env, *NEW, "--account", "preservation-prod", "--role", "ReadOnly", "--yes").returncode == 0
    assert "sso_wizard_generated = demo" in config_path.read_text()
    aws = subprocess.run(["aws", "sts", "get-caller-identity", "--profile", "preservation-prod-ReadOnly",
                          "--output", "json"], capture_output=True, text=True, env=cli_env, timeout=60)
    assert aws.returncode == 0, aws.stderr
    assert json.loads(aws.stdout)["Account"] == "012345678901"
    listed = subprocess.run(["aws", "configure", "list", "--profile", "preservation-prod-ReadOnly"],
                            capture_output=True, text=True, env=cli_env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    import botocore.session

    session = botocore.session.Session(profile="preservation-prod-ReadOnly")
    credentials = session.get_credentials()
    assert credentials is not None and credentials.method == "sso"


def test_an_account_left_out_keeps_its_profiles_even_with_prune(emulator_factory, cli_env, config_path):
    from app.emulator.faults import PortalFaults

    emulator = emulator_factory(auto_approve=True)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(HAND_WRITTEN)
    assert populate(cli_env, "--sso-session", "demo", "--device-code", "--role", "Billing", "--yes").returncode == 0
    before = config_path.read_text()
    emulator.faults = PortalFaults(failing_accounts=frozenset({"998877665544"}))  # "billing" cannot be listed now
    proc = populate(cli_env, "--sso-session", "demo", "--role", "Billing", "--prune", "--yes")
    assert proc.returncode == 3, proc.stderr  # partly done, and said so
    assert "Left out 1 of" in proc.stderr and "billing" in proc.stderr
    assert "[profile billing-Billing]" in config_path.read_text()  # not pruned: its roles were not seen
    assert config_path.read_text() == before


def _guarded(tmp_path, cli_env):
    preset = tmp_path / "org.toml"
    preset.write_text('[guard]\ncritical_accounts = ["preservation-*"]\n')
    return {**cli_env, "AWS_SSO_WIZARD_PRESET": str(preset)}


def test_write_capable_roles_on_critical_accounts_need_allow_critical(emulator_factory, cli_env, config_path, tmp_path):
    emulator_factory(auto_approve=True)
    env = _guarded(tmp_path, cli_env)
    args = [*NEW, "--account", "preservation-prod", "--yes"]
    refused = populate(env, *args)
    assert refused.returncode == 1
    assert "‼ preservation-prod-Administrator can change the critical account preservation-prod" in refused.stderr
    assert "--allow-critical" in refused.stderr.splitlines()[-1]
    assert not config_path.exists()
    assert "‼ preservation-prod (012345678901)" in refused.stdout  # marked in the plan
    read_only = populate(env, *args, "--role", "ReadOnly")
    assert read_only.returncode == 0, read_only.stderr
    allowed = populate(env, *args, "--allow-critical")
    assert allowed.returncode == 0, allowed.stderr
    assert "[profile preservation-prod-Administrator]" in config_path.read_text()
