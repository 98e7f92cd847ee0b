"""When an Identity Center session ends, and renewing it for real: against the emulator, whose clock
moves (``emu.advance``) and whose portal keeps a session across re-authentication until sso:Logout."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from app.cli import main
from app.emulator import DEMO_START_URL
from app.settings import SettingsError, parse_preset
from app.signin.errors import SessionExpired
from app.signin.login import LoginService
from app.signin.session_end import DEFAULT_SESSION, SessionStarts, session_end, sessions_path
from helpers.sso import SESSION, NoBrowser, emulator_clock, token_path as sso_token_path


def portal_end(emu) -> float:
    return emu.store.portal_sessions[DEMO_START_URL].ends_at


def old_token_works(emu, access_token: str) -> bool:
    sso = boto3.client("sso", region_name=SESSION.region, endpoint_url=emu.base_url)
    try:
        sso.list_accounts(accessToken=access_token)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "UnauthorizedException"
        return False
    return True


def test_a_sign_in_records_its_start_and_the_default_end_is_approximate(emu, service, home):
    service.login(SESSION, method="device")
    started = datetime.fromtimestamp(emu.now(), timezone.utc)
    end = session_end("demo")
    assert end is not None and end.source == "default" and end.approximate
    assert abs((end.started_at - started).total_seconds()) <= 2
    assert end.ends_at - end.started_at == DEFAULT_SESSION
    assert end.local_time().startswith("~")
    text = sessions_path().read_text()
    token = json.loads(sso_token_path(home, SESSION).read_text())
    assert token["accessToken"] not in text and token["refreshToken"] not in text and "clientSecret" not in text


def test_no_recorded_start_means_no_known_end(home):
    assert session_end("demo") is None


def test_signing_in_again_without_signing_out_keeps_the_session_end(emu, service):
    service.login(SESSION, method="device")
    first, server_end = session_end("demo"), portal_end(emu)
    emu.advance(3600)
    service.login(SESSION, method="device", force=True)
    assert portal_end(emu) == server_end  # AWS kept the session, and with it its end
    assert session_end("demo") == first


def test_renew_logs_out_then_signs_in_so_the_end_moves(emu, service, home):
    service.login(SESSION, method="device")
    old = json.loads(sso_token_path(home, SESSION).read_text())["accessToken"]
    first, server_end = session_end("demo"), portal_end(emu)
    emu.advance(2 * 3600)
    emu.clear_calls()
    service.renew(SESSION, method="device")
    operations = [call.operation for call in emu.calls]
    assert operations.index("Logout") < operations.index("StartDeviceAuthorization")
    assert not old_token_works(emu, old)
    renewed = session_end("demo")
    assert renewed is not None and first is not None
    assert renewed.ends_at - first.ends_at >= timedelta(hours=2) - timedelta(seconds=2)
    assert portal_end(emu) >= server_end + 2 * 3600 - 2
    new = json.loads(sso_token_path(home, SESSION).read_text())["accessToken"]
    assert old_token_works(emu, new)


def test_renew_that_cannot_reach_aws_changes_nothing(emu, service, home):
    service.login(SESSION, method="device")
    before = sso_token_path(home, SESSION).read_text()
    first = session_end("demo")
    emu.fail_next("Logout", "InvalidRequestException")
    with pytest.raises(Exception) as raised:
        service.renew(SESSION, method="device")
    assert "would keep the old end" in str(raised.value)
    assert sso_token_path(home, SESSION).read_text() == before
    assert session_end("demo") == first


def test_sign_out_forgets_the_start(emu, service):
    service.login(SESSION, method="device")
    service.logout(SESSION)
    assert session_end("demo") is None


def test_sign_out_of_everything_forgets_every_start(emu, service):
    from helpers.sso import SESSION_NO_SCOPES

    service.login(SESSION, method="device")
    service.login(SESSION_NO_SCOPES, method="device")
    assert session_end("demo") is not None and session_end("plain") is not None
    service.logout_all()
    assert session_end("demo") is None and session_end("plain") is None


def test_a_refused_renewal_teaches_the_session_length(emulator_factory, home):
    emu = emulator_factory(auto_approve=True, session_ttl=2 * 3600)
    service = LoginService(browser=NoBrowser(), clock=emulator_clock(emu))
    service.login(SESSION, method="device")
    emu.advance(3 * 3600)  # the session ended an hour ago; the access token too
    with pytest.raises(SessionExpired):
        service.refresh(SESSION)
    end = session_end("demo")
    assert end is not None and end.source == "learnt" and not end.approximate
    assert timedelta(hours=3) - timedelta(seconds=5) <= end.ends_at - end.started_at <= timedelta(hours=3, seconds=5)


def test_the_preset_session_length_comes_first(emu, service, tmp_path, monkeypatch):
    preset = tmp_path / "preset.toml"
    preset.write_text(f'[sso]\nstart_url = "{DEMO_START_URL}"\nregion = "eu-west-2"\nsession_hours = 12\n')
    monkeypatch.setenv("AWS_SSO_WIZARD_PRESET", str(preset))
    service.login(SESSION, method="device")
    end = session_end("demo", DEMO_START_URL)
    assert end is not None and end.source == "preset" and end.ends_at - end.started_at == timedelta(hours=12)
    assert session_end("demo", "https://other.awsapps.com/start").source == "default"  # another portal
    preset.write_text(f'[sso]\nstart_url = "{DEMO_START_URL}"\nregion = "eu-west-2"\nsession_hours = 10.5\n')
    changed = session_end("demo", DEMO_START_URL)
    assert changed is not None and changed.ends_at - changed.started_at == timedelta(hours=10, minutes=30)


def test_a_session_length_that_is_not_a_number_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError) as raised:
        parse_preset('[sso]\nsession_hours = "eight"\n', tmp_path / "p.toml")
    assert "(line 2)" in raised.value.message and "number of hours" in raised.value.message
    assert parse_preset("[sso]\nsession_hours = 10\n", tmp_path / "p.toml").session_hours == 10


def test_the_example_preset_documents_session_hours():
    example = Path(__file__).resolve().parent.parent / "assets" / "preset.example.toml"
    preset = parse_preset(example.read_text(), example)
    assert preset.session_hours == 8 and "session_hours" in example.read_text()


def test_ending_soon_is_the_last_half_hour():
    starts = SessionStarts(preset_length=lambda url: None)
    started = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    starts.record("demo", DEMO_START_URL, started)
    end = starts.end_of("demo")
    assert end is not None
    assert not end.ending_soon(started + timedelta(hours=7, minutes=29))
    assert end.ending_soon(started + timedelta(hours=7, minutes=31))
    assert not end.ending_soon(started + timedelta(hours=8)) and end.ended(started + timedelta(hours=8))


# -- the command line ------------------------------------------------------------------------------

CONFIG = f"""\
[sso-session demo]
sso_start_url = {SESSION.start_url}
sso_region = {SESSION.region}
sso_registration_scopes = sso:account:access

[profile archive]
sso_session = demo
sso_account_id = 012345678901
sso_role_name = ReadOnly
"""


def test_login_renew_on_the_command_line(emu, config_path, home, capsys):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(CONFIG)
    assert main(["login", "archive", "--device-code", "--no-browser"]) == 0
    first = session_end("demo")
    capsys.readouterr()
    emu.clear_calls()
    assert main(["login", "--renew", "--sso-session", "demo", "--device-code", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "Started a new session for sso-session demo; the session now ends at ~" in out
    assert emu.call_count("Logout") == 1
    renewed = session_end("demo")
    assert renewed is not None and first is not None and renewed.started_at >= first.started_at


def test_force_and_renew_say_what_they_do_to_the_session_end(capsys):
    with pytest.raises(SystemExit):
        main(["login", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--force sign in again even if still signed in; the session keeps its end" in help_text
    assert "--renew start a new session so that its end moves" in help_text
    with pytest.raises(SystemExit) as raised:
        main(["login", "--force", "--renew"])
    assert raised.value.code == 2 and "--renew: not allowed with argument --force" in capsys.readouterr().err


# -- where the end is shown ------------------------------------------------------------------------


def _signed_in_for(home, config_path, *, started_ago: timedelta) -> None:
    """The demo config, a renewable token, and a session that began ``started_ago``."""
    from app.emulator import DEMO_REGION
    from app.signin.state import utc_now
    from helpers.profile_app import DEMO_CONFIG
    from helpers.profile_fixtures import write_config, write_token

    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    write_token(home, "archive", expires_in=timedelta(hours=1), refresh=True, start_url=DEMO_START_URL,
                region=DEMO_REGION)
    SessionStarts().record("archive", DEMO_START_URL, utc_now() - started_ago)


def test_rows_show_the_end_and_warn_once_in_its_last_half_hour(config_path, home):
    from app.profiles.browser import WARN, ProfileBrowser
    from app.profiles.status import ProfileStatusService
    from app.signin.state import utc_now

    _signed_in_for(home, config_path, started_ago=timedelta(hours=1))
    moment = [utc_now()]
    snapshot = ProfileStatusService().snapshot()
    browser = ProfileBrowser(clock=lambda: moment[0])
    browser.load(snapshot)
    row = browser.by_name["preservation-prod"]
    text, _tone = browser.status_cell(row)
    assert text.startswith("signed in · until ~")  # the token renews itself: the session's end is what counts
    assert browser.take_warnings() == []
    details = {fact.label: fact.value for fact in browser.details(row).facts}
    assert "approximate: 8 hours" in details["Session ends"]

    moment[0] += timedelta(hours=6, minutes=40)  # 20 minutes before the end
    browser.refresh_cells()
    text, tone = browser.status_cell(row)
    assert text in ("signed in · session ends in 19m", "signed in · session ends in 20m") and tone == WARN
    warnings = browser.take_warnings()
    assert len(warnings) == 1 and "sso-session archive ends in" in warnings[0] and "Press L" in warnings[0]
    browser.refresh_cells()
    assert browser.take_warnings() == []  # once per session end
    assert "press L to renew" in {f.label: f.value for f in browser.details(row).facts}["Session ends"]


def test_profiles_json_and_table_give_the_session_end(config_path, home, capsys):
    _signed_in_for(home, config_path, started_ago=timedelta(hours=2))
    assert main(["profiles", "--json"]) == 0
    data = {item["name"]: item for item in json.loads(capsys.readouterr().out)}
    end = session_end("archive")
    assert end is not None
    assert data["preservation-prod"]["session_ends_at"] == end.iso and end.iso.endswith("Z")
    assert data["static"]["session_ends_at"] is None
    assert main(["profiles"]) == 0
    assert f"signed in · until {end.local_time()}" in capsys.readouterr().out


def test_profiles_json_session_end_is_null_when_signed_out(config_path, home, capsys):
    from app.emulator import DEMO_REGION
    from helpers.profile_app import DEMO_CONFIG
    from helpers.profile_fixtures import write_config

    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    SessionStarts().record("archive", DEMO_START_URL, datetime.now(timezone.utc))
    assert main(["profiles", "--json"]) == 0
    assert all(item["session_ends_at"] is None for item in json.loads(capsys.readouterr().out))


async def test_the_browser_warns_before_the_session_ends(config_path, home, monkeypatch):
    from helpers.pilot import wait_for
    from helpers.profile_app import make_app, status_of

    monkeypatch.setattr("screens.profiles.POLL_SECONDS", 0.25)
    _signed_in_for(home, config_path, started_ago=timedelta(hours=7, minutes=45))
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: status_of(app, "preservation-prod").startswith("signed in · session ends in"),
                       what="the row's warning")
        await wait_for(pilot, lambda: any("Session ends soon" in text for _, text in app.notes), what="a warning")
        warnings = [(severity, text) for severity, text in app.notes if "Session ends soon" in text]
        assert len(warnings) == 1 and warnings[0][0] == "warning"


_PROMPT_CALL = """
import sys
from datetime import datetime, timezone
from app.signin.session_end import SessionStarts, session_end
SessionStarts().record("demo", "https://x.awsapps.com/start", datetime.now(timezone.utc))
end = session_end("demo")
assert end is not None and end.approximate
heavy = sorted(name for name in ("boto3", "botocore", "textual", "rich") if name in sys.modules)
print(",".join(heavy) or "none")
"""


def test_the_session_end_is_read_offline_without_boto3_or_textual(cli_env):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _PROMPT_CALL], capture_output=True, text=True, env=cli_env,
                          cwd=Path(__file__).resolve().parent.parent, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "none"


def test_the_warning_follows_the_emulator_clock(emu, config_path, home):
    """Signed in for real; as the emulator's clock moves, the row goes from the end to the warning."""
    from app.emulator import DEMO_REGION
    from app.profiles.browser import WARN, ProfileBrowser
    from app.profiles.status import ProfileStatusService
    from app.signin.target import SsoTarget
    from helpers.profile_app import DEMO_CONFIG
    from helpers.profile_fixtures import write_config

    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    clock = emulator_clock(emu)
    login = LoginService(browser=NoBrowser(), clock=clock)
    login.login(SsoTarget(DEMO_START_URL, DEMO_REGION, "archive", scopes=("sso:account:access",),
                          registration_scopes="sso:account:access"), method="device")
    status = ProfileStatusService(login, clock=clock)
    browser = ProfileBrowser(clock=clock)
    browser.load(status.snapshot())
    row = browser.by_name["preservation-prod"]
    assert browser.status_cell(row)[0].startswith("signed in · until ~") and browser.take_warnings() == []
    emu.advance(7 * 3600 + 35 * 60)  # the access token expired long ago; it renews itself on use
    browser.update_sessions(status.statuses())
    text, tone = browser.status_cell(row)
    assert text.startswith("signed in · session ends in 2") and tone == WARN
    assert len(browser.take_warnings()) == 1
    emu.advance(30 * 60)  # past the end: AWS refuses the renewal, the row says so
    with pytest.raises(SessionExpired):
        login.refresh(SsoTarget(DEMO_START_URL, DEMO_REGION, "archive", scopes=("sso:account:access",),
                                registration_scopes="sso:account:access"))
    status.invalidate()
    browser.update_sessions(status.statuses())
    assert browser.status_cell(row) == ("expired · session ended", "bad")  # learnt: no longer "refreshable"


async def test_L_then_y_typed_ahead_does_not_renew(config_path, home, monkeypatch, emulator):
    """The renew question is armed: a "y" read before it could be seen does not answer it."""
    from helpers.pilot import burst, wait_confirm, wait_for
    from helpers.profile_app import make_app, status_of
    from screens.dialogs import ConfirmDialog

    monkeypatch.setattr("screens.profiles.POLL_SECONDS", 0.25)
    _signed_in_for(home, config_path, started_ago=timedelta(hours=1))
    app = make_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: "until ~" in status_of(app, "preservation-prod"), what="the row")
        burst(pilot, "L", "y")
        dialog = await wait_confirm(pilot, what="the renew question")
        await pilot.pause(0.3)
        assert app.screen is dialog and isinstance(dialog, ConfirmDialog)
        assert emulator.call_count("Logout") == 0
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog), what="the answer")
        assert emulator.call_count("Logout") == 0
