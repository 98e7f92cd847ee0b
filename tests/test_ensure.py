"""``ensure --for``: a sign-in that lasts long enough for a job, against the emulator, whose clock
moves and whose portal keeps a session (and its end) until sso:Logout."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.profiles.duration import parse_duration
from app.signin.ensure import ALREADY, RENEWED, SessionTooShort, ensure_lasting
from app.signin.login import LoginService
from app.signin.session_end import SessionStarts, session_end
from helpers.commands import run_wizard
from helpers.profile_fixtures import write_config
from helpers.sso import SESSION, NoBrowser, emulator_clock


@pytest.mark.parametrize(("text", "seconds"), [
    ("90m", 5400), ("6h", 21600), ("1h30m", 5400), ("1h 30m", 5400), ("2d", 172800), ("45", 2700), ("30s", 30),
])
def test_durations_as_people_write_them(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "six hours", "6x", "h", "-1h"])
def test_what_is_not_a_duration(text):
    assert parse_duration(text) is None


def test_a_session_with_enough_left_needs_nothing(emu, service):
    service.login(SESSION, method="device")
    emu.clear_calls()
    lasting = ensure_lasting(service, SESSION, timedelta(hours=6), method="device")
    assert lasting.action == ALREADY and lasting.approximate  # 8 h, AWS's default
    assert emu.calls == []  # no network at all


def test_a_session_ending_too_soon_is_renewed_so_the_job_fits(emu, service):
    service.login(SESSION, method="device")
    first = session_end("demo")
    emu.advance(4 * 3600)  # 4 h into an 8 h session: 6 h no longer fit
    emu.clear_calls()
    notices: list[str] = []
    lasting = ensure_lasting(service, SESSION, timedelta(hours=6), method="device", on_notice=notices.append)
    assert lasting.action == RENEWED
    operations = [call.operation for call in emu.calls]
    assert operations.index("Logout") < operations.index("StartDeviceAuthorization")  # renewed for real
    renewed = session_end("demo")
    assert renewed is not None and first is not None and renewed.ends_at - first.ends_at >= timedelta(hours=4) - timedelta(seconds=2)
    assert lasting.ends_at - service.now() >= timedelta(hours=6)
    assert any("ends in 3h 59m" in n or "ends in 4h 00m" in n for n in notices), notices


def test_signed_out_signs_in_once(emu, service):
    lasting = ensure_lasting(service, SESSION, timedelta(hours=2), method="device")
    assert lasting.action == RENEWED and service.status(SESSION).signed_in


def test_a_job_longer_than_any_session_is_refused_before_asking_anyone(emu, service):
    emu.clear_calls()
    with pytest.raises(SessionTooShort) as raised:
        ensure_lasting(service, SESSION, timedelta(hours=10), method="device")
    assert "last 8h 00m" in str(raised.value) and "10h 00m" in str(raised.value)
    assert "session_hours" in str(raised.value)
    assert emu.calls == []


def test_the_preset_session_length_decides(emu, emulator_factory, home):
    starts = SessionStarts(preset_length=lambda url: timedelta(hours=12))
    service = LoginService(browser=NoBrowser(), clock=emulator_clock(emu), session_starts=starts)
    lasting = ensure_lasting(service, SESSION, timedelta(hours=10), method="device")
    assert lasting.action == RENEWED and not lasting.approximate


def test_the_command_says_so_and_exits_by_the_outcome(emu, config_path, home):
    write_config(config_path, f"[sso-session archive]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n"
                              "sso_registration_scopes = sso:account:access\n\n[profile preservation-prod]\n"
                              "sso_session = archive\nsso_account_id = 012345678901\nsso_role_name = ReadOnly\n")
    first = run_wizard("ensure", "preservation-prod", "--for", "2h", "--device-code")
    assert first.returncode == 0, first.stderr
    assert "a new session, signed in until ~" in first.stdout
    again = run_wizard("ensure", "preservation-prod", "--for", "90m")
    assert again.returncode == 0 and "long enough for 90m" in again.stdout
    too_long = run_wizard("ensure", "preservation-prod", "--for", "9h")
    assert too_long.returncode == 1 and "less than the 9h 00m asked for" in too_long.stderr
    wrong = run_wizard("ensure", "preservation-prod", "--for", "all day")
    assert wrong.returncode == 2 and "'all day' is not a duration" in wrong.stderr


def test_run_for_renews_first_when_the_session_would_end_during_the_job(emu, config_path, home):
    import sys

    write_config(config_path, f"[sso-session archive]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n"
                              "sso_registration_scopes = sso:account:access\n\n[profile preservation-prod]\n"
                              "sso_session = archive\nsso_account_id = 012345678901\nsso_role_name = ReadOnly\n")
    assert run_wizard("login", "preservation-prod", "--device-code").returncode == 0
    from datetime import datetime, timezone

    # as if it had begun 5 h ago: 3 h of the default 8 h are left (the command runs on the real clock)
    SessionStarts().record("archive", DEMO_START_URL, datetime.now(timezone.utc) - timedelta(hours=5))
    first = session_end("archive")
    job = [sys.executable, "-c", "import os; print(os.environ['AWS_ACCESS_KEY_ID'][:4])"]
    proc = run_wizard("run", "preservation-prod", "--for", "4h", "--", *job)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ASIA\n" and "A new session: signed in until ~" in proc.stderr
    renewed = session_end("archive")
    assert renewed is not None and first is not None and renewed.started_at > first.started_at
    again = run_wizard("run", "preservation-prod", "--for=2h", "--", *job)
    assert again.returncode == 0 and "new session" not in again.stderr  # long enough now: nothing asked
    too_long = run_wizard("run", "preservation-prod", "--for", "12h", "--", *job)
    assert too_long.returncode == 1 and too_long.stdout == ""  # the job never started
