"""Rows and sign-in status for the profile browser and `profiles --json` (app/profiles/status.py)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.profiles import status as ps
from app.signin.login import LoginService
from app.signin.state import TokenState, format_timestamp
from helpers.profile_fixtures import LEGACY_URL, MIXED_CONFIG, PROFILE_JSON_KEYS, token_file, write_config, write_token


class CountingLogin(LoginService):
    """The real login service, counting status() calls (to prove one read per token)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status_calls: list[str] = []

    def status(self, target):
        self.status_calls.append(target.label)
        return super().status(target)


@pytest.fixture
def config(config_path: Path) -> Path:
    return write_config(config_path)


def by_name(rows):
    return {row["name"]: row for row in rows}


def test_every_profile_is_listed_in_file_order_with_its_kind(config):
    snapshot = ps.ProfileStatusService().snapshot()
    data = snapshot.to_json()
    assert [r["name"] for r in data] == ["default", "prod-admin", "dev-readonly", "old-style", "keys", "jump", "proc"]
    for row in data:
        assert set(row) == PROFILE_JSON_KEYS
    rows = by_name(data)
    assert rows["prod-admin"]["kind"] == "sso"
    assert rows["old-style"]["kind"] == "sso-legacy"
    assert {rows[n]["kind"] for n in ("default", "keys", "jump", "proc")} == {"other"}
    assert rows["prod-admin"] == {
        "name": "prod-admin", "kind": "sso", "sso_session": "my-sso",
        "sso_start_url": "https://my-org.awsapps.com/start", "sso_region": "us-east-1",
        "account_id": "111122223333", "role_name": "AdministratorAccess", "region": "eu-west-1",
        "output": "json", "status": "signed-out", "expires_at": None, "session_ends_at": None,
        "problem": None,
    }
    assert rows["old-style"]["sso_start_url"] == LEGACY_URL
    assert rows["old-style"]["sso_session"] is None
    for name in ("default", "keys", "jump", "proc"):
        assert rows[name]["status"] == "n/a" and rows[name]["expires_at"] is None
        assert rows[name]["account_id"] is None and rows[name]["sso_start_url"] is None
    assert rows["keys"]["region"] == "us-east-1"


@pytest.mark.parametrize(
    "expires_in, refresh, expected",
    [
        (timedelta(hours=8), False, "valid"),
        (timedelta(hours=8), True, "valid"),
        (timedelta(minutes=10), False, "expiring"),
        (timedelta(minutes=10), True, "expiring"),  # not expired: expiring, renewable or not
        (timedelta(minutes=-5), True, "refreshable"),
        (timedelta(minutes=-5), False, "expired"),
    ],
)
def test_status_of_a_session_token_written_by_the_cli(config, home, expires_in, refresh, expected):
    path = write_token(home, "my-sso", expires_in=expires_in, refresh=refresh)
    rows = by_name(ps.ProfileStatusService().snapshot().to_json())
    assert rows["prod-admin"]["status"] == expected
    assert rows["dev-readonly"]["status"] == expected  # one token serves both
    assert rows["old-style"]["status"] == "signed-out"
    written = json.loads(path.read_text())["expiresAt"]
    assert rows["prod-admin"]["expires_at"] == written
    assert rows["prod-admin"]["expires_at"].endswith("Z")


def test_legacy_profiles_use_the_start_url_token_and_never_refresh(config, home):
    write_token(home, LEGACY_URL, expires_in=timedelta(minutes=-1), refresh=True, start_url=LEGACY_URL,
                region="eu-central-1")
    rows = by_name(ps.ProfileStatusService().snapshot().to_json())
    assert rows["old-style"]["status"] == "expired"
    write_token(home, LEGACY_URL, expires_in=timedelta(hours=1), start_url=LEGACY_URL, region="eu-central-1")
    rows = by_name(ps.ProfileStatusService().snapshot().to_json())
    assert rows["old-style"]["status"] == "valid"
    assert rows["prod-admin"]["status"] == "signed-out"


def test_token_path_is_the_cli_cache_file(config, home):
    service = ps.ProfileStatusService()
    snapshot = service.snapshot()
    session = snapshot.sessions["my-sso"]
    assert session.token_path == token_file(home, "my-sso")
    assert session.label == "sso-session my-sso"
    assert snapshot.sessions[LEGACY_URL].token_path == token_file(home, LEGACY_URL)


def test_status_is_read_once_per_token_and_again_only_when_the_file_changes(config_path, home):
    from helpers.profile_fixtures import many_profiles_config

    write_config(config_path, many_profiles_config(400, sessions=2))
    login = CountingLogin()
    service = ps.ProfileStatusService(login)
    snapshot = service.snapshot()
    assert len(snapshot.rows) == 400
    assert sorted(login.status_calls) == ["sso-session org0", "sso-session org1"]
    login.status_calls.clear()
    service.snapshot()
    assert login.status_calls == []  # nothing changed: nothing read
    path = write_token(home, "org1", expires_in=timedelta(hours=2))
    snapshot = service.snapshot()
    assert login.status_calls == ["sso-session org1"]
    assert snapshot.sessions["org1"].status == "valid"
    login.status_calls.clear()
    path.unlink()
    snapshot = service.snapshot()
    assert login.status_calls == ["sso-session org1"]
    assert snapshot.sessions["org1"].status == "signed-out"


def test_status_changes_with_the_clock_without_a_file_change(config, home):
    now = [datetime.now(timezone.utc)]
    login = CountingLogin(clock=lambda: now[0])
    service = ps.ProfileStatusService(login, clock=lambda: now[0])
    write_token(home, "my-sso", expires_in=timedelta(minutes=20), now=now[0])
    assert service.snapshot().sessions["my-sso"].status == "valid"
    now[0] += timedelta(minutes=6)  # 14 minutes left: expiring
    assert service.snapshot().sessions["my-sso"].status == "expiring"
    now[0] += timedelta(minutes=15)  # past the end
    assert service.snapshot().sessions["my-sso"].status == "expired"


def test_config_is_parsed_again_only_when_it_changes(config):
    service = ps.ProfileStatusService()
    first = service.config()
    assert service.config() is first
    rows = service.rows()
    assert service.rows() is rows
    text = config.read_text() + "\n[profile added]\nregion = eu-north-1\n"
    config.write_text(text)
    os.utime(config, ns=(1, 1))
    assert service.config() is not first
    assert "added" in [r.name for r in service.rows()]


def test_missing_config_is_an_empty_list(config_path):
    assert not config_path.exists()
    snapshot = ps.ProfileStatusService().snapshot()
    assert snapshot.rows == () and snapshot.to_json() == []


def test_unreadable_config_raises_a_parse_error_with_its_line(config_path):
    from app.errors import WizardError

    write_config(config_path, "[profile ok]\nregion = eu-west-1\nthis line is not ini\n")
    with pytest.raises(WizardError) as info:
        ps.ProfileStatusService().snapshot()
    assert "3" in str(info.value)


def test_account_names_from_the_cache_show_in_rows(config):
    service = ps.ProfileStatusService()
    rows = {r.name: r for r in service.rows()}
    assert rows["prod-admin"].account_label == "111122223333"
    service.account_names.remember({"111122223333": "preservation-prod"})
    rows = {r.name: r for r in service.rows()}
    assert rows["prod-admin"].account_name == "preservation-prod"
    assert rows["prod-admin"].account_label == "preservation-prod (111122223333)"
    assert ps.matches(rows["prod-admin"], "preservation")
    assert ps.matches(rows["prod-admin"], "PROD eu-west")
    assert not ps.matches(rows["dev-readonly"], "preservation")


def test_filter_matches_name_account_role_region_and_session(config):
    rows = {r.name: r for r in ps.ProfileStatusService().rows()}
    assert ps.matches(rows["dev-readonly"], "012345678901")
    assert ps.matches(rows["dev-readonly"], "readonly")
    assert ps.matches(rows["dev-readonly"], "us-west-2")
    assert ps.matches(rows["dev-readonly"], "my-sso")
    assert ps.matches(rows["dev-readonly"], "")
    assert not ps.matches(rows["dev-readonly"], "admin")


def test_secrets_are_never_displayed():
    assert ps.display_value("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG") == "•••••••• (hidden)"
    assert ps.display_value("aws_session_token", "IQoJb3JpZ2luX2VjE") == "•••••••• (hidden)"
    assert ps.display_value("aws_security_token", "x") == "•••••••• (hidden)"
    assert ps.display_value("my_password", "x") == "•••••••• (hidden)"
    assert ps.display_value("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE") == "AKIA…MPLE"
    assert ps.display_value("region", "eu-west-1") == "eu-west-1"
    assert ps.display_value("sso_start_url", "https://x.awsapps.com/start") == "https://x.awsapps.com/start"


def test_time_left_and_status_text():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert ps.time_left(now + timedelta(hours=7, minutes=59, seconds=30), now) == "7h 59m"
    assert ps.time_left(now + timedelta(minutes=14, seconds=5), now) == "14m"
    assert ps.time_left(now + timedelta(seconds=42), now) == "42s"
    assert ps.time_left(now + timedelta(days=3, hours=2), now) == "3d 2h"
    assert ps.time_left(now - timedelta(seconds=1), now) == ""
    assert ps.time_left(None, now) == ""
    assert ps.status_text("valid", now + timedelta(hours=1), now) == "signed in · 1h 00m left"
    assert ps.status_text("expiring", now + timedelta(minutes=3), now) == "expiring · 3m left"
    assert ps.status_text("refreshable", now - timedelta(minutes=3), now) == "expired · refreshable"
    assert ps.status_text("expired", now - timedelta(minutes=3), now) == "expired"
    assert ps.status_text("signed-out", None, now) == "signed out"
    assert format_timestamp(datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))) == "2026-01-01T12:00:00Z"
    assert format_timestamp(None) is None


def test_change_watcher_notices_other_programs(config, home):
    watcher = ps.ChangeWatcher()
    assert watcher.poll() == set()  # baseline
    assert watcher.poll() == set()
    path = write_token(home, "my-sso", expires_in=timedelta(hours=1))
    assert watcher.poll() == {"tokens"}
    # the AWS CLI rewrites the file in place (truncate + write): same name, new content
    with open(path, "r+") as handle:
        handle.seek(0)
        handle.write(path.read_text().replace("aoa-", "aob-"))
    os.utime(path, ns=(5, 5))
    assert watcher.poll() == {"tokens"}
    path.unlink()
    assert watcher.poll() == {"tokens"}
    config.write_text(MIXED_CONFIG + "\n[profile more]\nregion = eu-west-1\n")
    os.utime(config, ns=(7, 7))
    assert watcher.poll() == {"config"}
    from app.signin.account_names import AccountNames

    AccountNames().remember({"111122223333": "prod"})
    assert watcher.poll() == {"names"}
    assert watcher.poll() == set()


def test_change_watcher_follows_aws_config_file(config_path, tmp_path, monkeypatch):
    other = write_config(tmp_path / "other-config")
    watcher = ps.ChangeWatcher()
    watcher.poll()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(other))
    assert watcher.poll() == {"config"}


# -- the row cache (the browser's fast first frame) ------------------------------------------------


def test_row_cache_round_trip_keeps_no_secret(config, home):
    service = ps.ProfileStatusService()
    service.snapshot()
    assert service.save_row_cache({"widths": [10, 20]}) is True
    assert service.save_row_cache({"widths": [10, 20]}) is False  # already kept for this version of the file
    text = ps.row_cache_path().read_text()
    assert "wJalrXUtnFEMI" not in text and "AKIAIOSFODNN7EXAMPLE" not in text
    cached = ps.read_row_cache(config)
    real = service.rows()
    assert cached is not None and len(cached.rows) == len(real) == cached.total == 7
    assert cached.has_sso is True and cached.hints == {"widths": [10, 20]}
    for a, b in zip(cached.rows, real):
        assert (a.name, a.kind, a.sso_session, a.start_url, a.sso_region, a.account_id, a.role_name, a.region,
                a.output, a.session_key, a.problem, a.search_text) == \
               (b.name, b.kind, b.sso_session, b.start_url, b.sso_region, b.account_id, b.role_name, b.region,
                b.output, b.session_key, b.problem, b.search_text)
        assert a.profile is None and a.display_values() == b.display_values()
    keys = dict(next(r for r in cached.rows if r.name == "keys").display_values()[0])
    assert keys["aws_secret_access_key"] == "•••••••• (hidden)"
    prod = next(r for r in cached.rows if r.name == "prod-admin").display_values()
    assert ("sso_start_url", "https://my-org.awsapps.com/start") in prod[1]
    assert service.statuses(cached.rows) == {}  # cached rows are for showing, not for asking
    assert service.save_row_cache({"widths": [11, 20]}) is True  # new hints: kept again
    snapshot = service.cached_snapshot()
    assert snapshot is not None and snapshot.config is None and snapshot.total == 7
    assert snapshot.hints == {"widths": [11, 20]} and snapshot.sessions == {}


def test_row_cache_keeps_only_the_first_screenful(config_path):
    from helpers.profile_fixtures import many_profiles_config

    write_config(config_path, many_profiles_config(1000))
    service = ps.ProfileStatusService()
    service.snapshot()
    service.save_row_cache()
    cached = ps.read_row_cache(config_path)
    assert cached.total == 1000 and len(cached.rows) == ps.ROW_CACHE_ROWS
    assert [r.name for r in cached.rows] == [r.name for r in service.rows()[: ps.ROW_CACHE_ROWS]]


def test_row_cache_is_ignored_once_the_config_changes(config, home):
    service = ps.ProfileStatusService()
    service.snapshot()
    service.save_row_cache()
    config.write_text(config.read_text() + "\n[profile later]\nregion = eu-west-1\n")
    os.utime(config, ns=(9, 9))
    assert ps.read_row_cache(config) is None
    assert ps.ProfileStatusService().cached_snapshot() is None
    other = config.parent / "other"
    other.write_text(config.read_text())
    assert ps.read_row_cache(other) is None
    ps.row_cache_path().write_text("{broken")
    assert ps.read_row_cache(config) is None


def test_config_has_sso_profile(config_path):
    assert ps.config_has_sso_profile() is False  # no file
    write_config(config_path, "[profile k]\naws_access_key_id = A\naws_secret_access_key = B\n")
    assert ps.config_has_sso_profile() is False
    write_config(config_path, MIXED_CONFIG)
    os.utime(config_path, ns=(3, 3))
    assert ps.config_has_sso_profile() is True
    service = ps.ProfileStatusService()
    service.snapshot()
    service.save_row_cache()
    assert ps.config_has_sso_profile() is True  # now answered from the row cache
    from app.errors import WizardError

    write_config(config_path, "[profile a]\nnot ini\n")
    with pytest.raises(WizardError):
        ps.config_has_sso_profile()


def test_expiring_tokens_say_whether_they_renew_themselves(config, home):
    """Issue 3/5's five states: a token with minutes left is "expiring" whether or not it can be
    renewed, and the text says which; "refreshable" is only for an expired token that renews."""
    now = datetime.now(timezone.utc)
    write_token(home, "my-sso", expires_in=timedelta(minutes=9, seconds=30), refresh=True, now=now)
    session = ps.ProfileStatusService(clock=lambda: now).statuses()["my-sso"]
    assert (session.status, session.renewable) == (TokenState.EXPIRING, True)
    assert session.text(now) == "expiring · 9m left (renews itself)"
    assert session.long_text(now) == "signed in, expiring in 9m (renews itself when used)"

    write_token(home, "my-sso", expires_in=timedelta(minutes=9, seconds=30), refresh=False, now=now)
    session = ps.ProfileStatusService(clock=lambda: now).statuses()["my-sso"]
    assert (session.status, session.renewable) == (TokenState.EXPIRING, False)
    assert session.text(now) == "expiring · 9m left"
    assert session.long_text(now) == "signed in, expiring in 9m — press l to sign in again"

    write_token(home, "my-sso", expires_in=-timedelta(minutes=9), refresh=True, now=now)
    session = ps.ProfileStatusService(clock=lambda: now).statuses()["my-sso"]
    assert (session.status, session.renewable) == (TokenState.REFRESHABLE, True)
    assert session.text(now) == "expired · refreshable"
    assert session.long_text(now) == "expired, but renews itself when used (refresh token)"
    assert ps.long_status_text(TokenState.EXPIRED, None) == "expired — press l to sign in again"
    assert ps.long_status_text(TokenState.SIGNED_OUT, None) == "signed out — press l to sign in"
    assert ps.long_status_text(None, None, problem="No sso_region.") == "cannot tell (No sso_region.)"
