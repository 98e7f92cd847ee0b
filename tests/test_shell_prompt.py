"""``aws-sso-wizard prompt``: one short status of $AWS_PROFILE for every state, read offline from
the config and the token file, agreeing with the login service, without boto3, botocore or
Textual; nothing at all when no profile is set."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.profiles.duration import duration_text
from app.profiles.status import time_left
from app.shell import prompt
from app.signin.login import LoginService
from app.signin.state import EXPIRY_WINDOW, TokenState
from app.signin.target import SsoTarget
from helpers.commands import command_env, run_wizard
from helpers.profile_fixtures import write_config
from helpers.sso import write_cli_token

START_URL = "https://my-org.awsapps.com/start"
LEGACY_URL = "https://legacy-org.awsapps.com/start"
CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile prod]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[profile old]
sso_start_url = {LEGACY_URL}
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = Admin

[profile keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[profile broken]
sso_session = nowhere
"""
SESSION = SsoTarget(START_URL, "eu-west-1", "corp")
LEGACY = SsoTarget(LEGACY_URL, "eu-west-1")


@pytest.fixture(autouse=True)
def config(config_path: Path) -> Path:
    return write_config(config_path, CONFIG)


def shown(profile: str | None) -> str:
    env = command_env()
    env.pop("AWS_PROFILE", None)
    if profile is not None:
        env["AWS_PROFILE"] = profile
    proc = run_wizard("prompt", env=env)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def test_signed_in_shows_the_name_and_the_time_left(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=7, minutes=12, seconds=30))
    assert shown("prod") == "prod 7h 12m\n"


@pytest.mark.parametrize("refresh, expected", [(True, "prod renews\n"), (False, "prod expiring\n")])
def test_less_than_fifteen_minutes_left(home, refresh, expected):
    write_cli_token(home, SESSION, expires_in=timedelta(minutes=9), refresh_token="aor-x" if refresh else None)
    assert shown("prod") == expected


def test_an_expired_token_that_a_refresh_token_renews_is_never_expired(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=-3))
    assert shown("prod") == "prod renews\n"


def test_expired_without_a_way_to_renew(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=-3), refresh_token=None)
    assert shown("prod") == "prod expired\n"
    write_cli_token(home, SESSION, expires_in=timedelta(hours=-3), registration_expires_in=timedelta(days=-1))
    assert shown("prod") == "prod expired\n"


def test_a_legacy_profile_never_renews_itself(home):
    write_cli_token(home, LEGACY, expires_in=timedelta(minutes=-5))  # botocore refreshes sso-session tokens only
    assert shown("old") == "old expired\n"


def test_signed_out(home):
    assert shown("prod") == "prod signed out\n"
    assert shown("old") == "old signed out\n"


def test_no_profile_prints_nothing():
    assert shown(None) == ""
    assert shown("") == ""


def test_profiles_without_a_sign_in_show_their_name_and_unknown_ones_say_so():
    assert shown("keys") == "keys\n"
    assert shown("nope") == "nope not found\n"
    assert shown("broken") == "broken not found\n"


def test_profile_option_and_help(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=2, minutes=5, seconds=30))
    assert run_wizard("prompt", "--profile", "prod").stdout == "prod 2h 05m\n"
    assert run_wizard("prompt", "--profile=prod").stdout == "prod 2h 05m\n"
    helped = run_wizard("prompt", "--help")
    assert helped.returncode == 0 and "--profile PROFILE" in helped.stdout


def test_a_name_with_terminal_escapes_is_shown_harmlessly(config_path):
    write_config(config_path, CONFIG + "\n[profile evil\x1b[2J]\nregion = x\n")
    assert shown("evil\x1b[2J") == "evil\\x1b[2J\n"


def test_it_imports_neither_boto3_botocore_nor_textual(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=1, seconds=30))
    code = ("import sys; from app.cli import main; main(['prompt', '--profile', 'prod']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'textual', 'rich')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=command_env())
    assert proc.stdout.splitlines() == ["prod 1h 00m", "[]"], proc.stderr


def test_it_reads_no_network_and_writes_nothing(home):
    path = write_cli_token(home, SESSION, expires_in=timedelta(hours=-1))
    before = path.read_bytes()
    env = {**command_env(), "AWS_PROFILE": "prod", "AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:9"}
    assert run_wizard("prompt", env=env).stdout == "prod renews\n"
    assert path.read_bytes() == before


# -- one vocabulary with the login service -----------------------------------------------------------

CASES = [
    (SESSION, timedelta(hours=5), True), (SESSION, EXPIRY_WINDOW + timedelta(seconds=5), False),
    (SESSION, timedelta(minutes=3), True), (SESSION, timedelta(minutes=3), False),
    (SESSION, timedelta(minutes=-3), True), (SESSION, timedelta(minutes=-3), False),
    (LEGACY, timedelta(hours=2), True), (LEGACY, timedelta(minutes=4), True), (LEGACY, timedelta(minutes=-4), True),
]


@pytest.mark.parametrize("target, expires_in, refresh", CASES)
def test_the_prompt_and_the_login_service_agree(home, target, expires_in, refresh):
    now = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
    write_cli_token(home, target, expires_in=expires_in, refresh_token="aor-x" if refresh else None, now=now)
    service = LoginService(clock=lambda: now)
    expected = service.status(target)
    got = prompt.status_of("prod" if target is SESSION else "old", now=now.timestamp())
    assert got.state == expected.state.value
    assert got.renewable == expected.renewable
    assert TokenState(got.state) is expected.state


def test_the_expiry_window_is_the_login_service_s():
    assert prompt.EXPIRY_WINDOW_SECONDS == EXPIRY_WINDOW.total_seconds()


def test_odd_timestamps_are_read_as_the_token_cache_reads_them(home):
    now = datetime.now(timezone.utc)
    write_cli_token(home, SESSION, expires_in=timedelta(hours=1),
                    extra={"expiresAt": (now + timedelta(hours=3, seconds=40)).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")})
    assert shown("prod") == "prod 3h 00m\n"


@pytest.mark.parametrize("seconds", [0, 1, 59, 60, 3599, 3600, 7 * 3600 + 12 * 60, 47 * 3600, 49 * 3600, 367 * 86400, 400 * 86400, -5])
def test_one_duration_format_everywhere(seconds):
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    assert time_left(now + timedelta(seconds=seconds), now) == duration_text(seconds)


@pytest.mark.parametrize("moment", ["1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2024-03-01T00:00:00Z",
                                    "2026-12-31T12:34:56Z", "2100-02-28T01:02:03Z", "1969-12-31T23:59:59Z",
                                    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_cache_timestamps_are_read_as_the_token_cache_reads_them(moment):
    from app.signin.token_cache import parse_timestamp

    assert prompt._epoch(moment) == parse_timestamp(moment).timestamp()


# -- the README's prompt lines work as written -------------------------------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_line(prefix: str) -> str:
    return next(line.split("  #")[0].strip() for line in README.read_text().splitlines() if line.startswith(prefix))


def test_the_readme_bash_and_zsh_prompts_show_the_status(home):
    from helpers.shells import run_shell

    write_cli_token(home, SESSION, expires_in=timedelta(hours=7, minutes=12, seconds=30))
    env = {**command_env(), "AWS_PROFILE": "prod"}
    bash = run_shell("bash", f"{_readme_line('PS1=')}\ncd /\nprintf '%s\\n' \"${{PS1@P}}\"", hook=False, env=env)
    assert bash.stdout.startswith("prod 7h 12m / "), bash.stderr
    zsh = run_shell("zsh", f"setopt prompt_subst\n{_readme_line('PROMPT=')}\ncd /\nprint -rP -- \"$PROMPT\"",
                    hook=False, env=env)
    assert zsh.stdout.startswith("prod 7h 12m / "), zsh.stderr


def test_the_readme_starship_module_runs_the_prompt(home):
    import tomlkit

    text = README.read_text()
    block = text.split("[custom.aws_sso]", 1)[1].split("```", 1)[0]
    module = tomlkit.parse("[custom.aws_sso]" + block)["custom"]["aws_sso"]
    write_cli_token(home, SESSION, expires_in=timedelta(minutes=5))
    env = {**command_env(), "AWS_PROFILE": "prod"}
    proc = subprocess.run(["sh", "-c", f"{module['when']} && {module['command']}"], capture_output=True, text=True,
                          env=env)
    assert proc.stdout == "prod renews\n"


def test_a_bug_in_the_prompt_is_one_line_not_a_traceback(monkeypatch, capsys):
    from app import cli

    def broken(name, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(prompt, "status_of", broken)
    assert cli.main(["prompt", "--profile", "prod"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected error (RuntimeError): boom" in err


def test_a_fifo_in_place_of_the_config_or_the_token_never_hangs_the_prompt(config_path, home):
    import os

    path = write_cli_token(home, SESSION, expires_in=timedelta(hours=1))
    path.unlink()
    os.mkfifo(path)
    assert run_wizard("prompt", "--profile", "prod", timeout=10).stdout == "prod signed out\n"
    config_path.unlink()
    os.mkfifo(config_path)
    assert run_wizard("prompt", "--profile", "prod", timeout=10).stdout == "prod not found\n"


def _session_started(hours_ago: float) -> None:
    from app.signin.session_end import SessionStarts

    slack = timedelta(seconds=30)  # the minute shown is not cut by the time the test takes
    SessionStarts().record("corp", START_URL, datetime.now(timezone.utc) - timedelta(hours=hours_ago) + slack)


def test_a_renewing_sign_in_counts_down_to_the_session_end(home):
    """The token renews itself, so what ends the work is the session: 8 h (approximate) from its start."""
    write_cli_token(home, SESSION, expires_in=timedelta(minutes=50, seconds=30))
    _session_started(hours_ago=2)
    assert shown("prod") == "prod ~6h 00m\n"


def test_the_last_half_hour_of_the_session_is_marked(home):
    write_cli_token(home, SESSION, expires_in=timedelta(minutes=50))
    _session_started(hours_ago=7.6)
    assert shown("prod") == "prod ends in 24m\n"


def test_a_session_that_has_ended_says_so(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=-1))  # a refresh token, but the session is over
    _session_started(hours_ago=9)
    assert shown("prod") == "prod session ended\n"


def test_the_session_end_is_read_without_the_preset_or_the_session_module(home):
    write_cli_token(home, SESSION, expires_in=timedelta(hours=1))
    _session_started(hours_ago=1)
    code = ("import sys; from app.shell.prompt import status_of; print(status_of('prod').text()); "
            "print(sorted(m for m in ('app.signin.session_end', 'app.settings', 'tomlkit', 'datetime') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=command_env(), check=True)
    assert proc.stdout.splitlines() == ["prod ~7h 00m", "[]"]


def test_a_profile_on_a_critical_account_is_marked_once_the_app_has_read_the_preset(home, tmp_path, monkeypatch):
    from app.settings import Settings, find_preset

    write_cli_token(home, SESSION, expires_in=timedelta(hours=7, minutes=12, seconds=30))
    preset = tmp_path / "org.toml"
    preset.write_text('[guard]\ncritical_accounts = ["*-masters"]\n')
    monkeypatch.setenv("AWS_SSO_WIZARD_PRESET", str(preset))
    from app.signin.account_names import AccountNames

    AccountNames().remember({"111122223333": "audio-masters"})
    assert shown("prod") == "prod 7h 12m\n"  # the app has not read this preset yet: no claim either way
    find_preset(None, Settings.load())  # any command that uses the preset (browser, setup, use)
    assert shown("prod") == "‼ prod 7h 12m\n"
    assert shown("keys") == "keys\n"  # no account: never critical
    preset.write_text('[guard]\ncritical_accounts = ["999999999999"]\n')  # changed since: not trusted
    assert shown("prod") == "prod 7h 12m\n"
    find_preset(None, Settings.load())
    assert shown("prod") == "prod 7h 12m\n"


def test_the_marker_costs_no_toml_reading(home, tmp_path, monkeypatch):
    from app.settings import Settings, find_preset

    preset = tmp_path / "org.toml"
    preset.write_text('[guard]\ncritical_accounts = ["111122223333"]\n')
    monkeypatch.setenv("AWS_SSO_WIZARD_PRESET", str(preset))
    find_preset(None, Settings.load())
    write_cli_token(home, SESSION, expires_in=timedelta(hours=2, seconds=30))
    code = ("import sys; from app.shell.prompt import status_of; print(status_of('prod').text()); "
            "print(sorted(m for m in ('tomlkit', 'tomllib', 'app.settings', 'dataclasses', 'typing') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=command_env(), check=True)
    assert proc.stdout.splitlines() == ["‼ prod 2h 00m", "[]"]


@pytest.mark.parametrize("text", [
    '{"a": 1, "b": [true, false, null], "c": "é\\u00e9", "d": -1.5e3}', '  [1, 2]\n', '"x"', "{}",
])
def test_the_prompt_reads_json_as_the_json_module_does(text):
    import json

    from app.quickjson import json_loads

    assert json_loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ["", "{", '{"a": 1} x', "[1,]", "{'a': 1}", "nul"])
def test_and_refuses_what_it_refuses(text):
    from app.quickjson import json_loads

    with pytest.raises(ValueError):
        json_loads(text)
