"""The organisation's critical accounts and read-only roles (the preset's ``[guard]``)."""

from __future__ import annotations

import pytest

from app.guard import DEFAULT_READ_ONLY_ROLES, NO_GUARD, Guard, GuardError, parse_guard
from app.settings import SettingsError, parse_preset

GUARD = Guard(critical_accounts=("111122223333", "*-masters", "Preservation Prod"))


@pytest.mark.parametrize(
    ("account_id", "account_name", "critical"),
    [
        ("111122223333", "anything", True),  # an id matches that account only
        ("111122223334", "anything", False),
        ("999999999999", "audio-masters", True),  # a glob on the name
        ("999999999999", "AUDIO-Masters", True),  # in any case
        ("999999999999", "preservation prod", True),
        ("999999999999", "masters-audio", False),
        ("999999999999", None, False),
    ],
)
def test_critical_accounts_by_id_or_name_glob(account_id, account_name, critical):
    assert GUARD.is_critical(account_id, account_name) is critical


def test_a_role_that_can_write_on_a_critical_account_needs_care():
    assert GUARD.needs_care("111122223333", None, "AdministratorAccess")
    assert not GUARD.needs_care("111122223333", None, "ReadOnlyAccess")
    assert not GUARD.needs_care("111122223333", None, "viewonly")  # the default globs, any case
    assert not GUARD.needs_care("222222222222", "catalogue", "AdministratorAccess")  # not critical
    assert GUARD.read_only_roles == DEFAULT_READ_ONLY_ROLES


def test_no_guard_marks_nothing():
    assert not NO_GUARD and not NO_GUARD.needs_care("111122223333", "x-masters", "Admin")


def test_the_preset_guard_table():
    preset = parse_preset('[guard]\ncritical_accounts = ["111122223333"]\nread_only_roles = ["Audit*"]\n', None)
    assert preset.guard == Guard(critical_accounts=("111122223333",), read_only_roles=("Audit*",))
    assert parse_preset('display_name = "Lib"\n', None).guard is NO_GUARD


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('critical_accounts = "111122223333"', "must be a list of strings"),
        ("critical_accounts = [1]", "non-empty strings"),
        ('critical = ["x"]', "unknown key [guard] 'critical'"),
    ],
)
def test_a_broken_guard_names_the_key_and_line(table, message, tmp_path):
    path = tmp_path / "org.toml"
    with pytest.raises(SettingsError) as raised:
        parse_preset(f'display_name = "Lib"\n\n[guard]\n{table}\n', path)
    assert message in str(raised.value) and str(path) in str(raised.value)
    assert raised.value.line in (3, 4)


def test_parse_guard_refuses_a_value_that_is_not_a_table():
    with pytest.raises(GuardError):
        parse_guard(["111122223333"])


GUARDED_CONFIG = """\
[sso-session corp]
sso_start_url = https://my-org.awsapps.com/start
sso_region = eu-west-1

[profile masters-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess

[profile masters-ro]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess

[profile dev]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = AdministratorAccess
"""


@pytest.fixture
def guarded(config_path, home, tmp_path, monkeypatch):
    from app.signin.target import SsoTarget
    from helpers.profile_fixtures import write_config
    from helpers.sso import write_cli_token

    write_config(config_path, GUARDED_CONFIG)
    write_cli_token(home, SsoTarget("https://my-org.awsapps.com/start", "eu-west-1", "corp"))
    preset = tmp_path / "org.toml"
    preset.write_text('[guard]\ncritical_accounts = ["111122223333"]\n')
    monkeypatch.setenv("AWS_SSO_WIZARD_PRESET", str(preset))
    return preset


@pytest.mark.parametrize(
    ("profile", "warning"),
    [
        ("masters-admin", "‼ masters-admin can change the critical account 111122223333: check before you write"),
        ("masters-ro", "‼ masters-ro reaches the critical account 111122223333 (read-only role ReadOnlyAccess)."),
        ("dev", None),
    ],
)
def test_use_warns_on_stderr_for_a_profile_on_a_critical_account(guarded, profile, warning):
    from helpers.commands import run_wizard

    proc = run_wizard("use", profile)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"export AWS_PROFILE={profile}"  # stdout stays what a shell evaluates
    if warning is None:
        assert "‼" not in proc.stderr
    else:
        assert proc.stderr.splitlines()[0].startswith(warning)


def test_a_broken_preset_does_not_stop_use(guarded):
    from helpers.commands import run_wizard

    guarded.write_text("[guard]\ncritical_accounts = 3\n")
    proc = run_wizard("use", "masters-admin")
    assert proc.returncode == 0 and "export AWS_PROFILE=masters-admin" in proc.stdout
