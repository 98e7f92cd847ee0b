"""Profiles made by ``aws login`` (``login_session``): their own kind, with their status read from
``~/.aws/login/cache`` (botocore's file layout), and a note that Identity Center users sign in with
their SSO profiles."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.cli import main
from app.config.model import ProfileKind, load_aws_config
from app.profiles.browser import ProfileBrowser
from app.profiles.status import ProfileStatusService

SESSION_ARN = "arn:aws:sts::123456789012:assumed-role/Admin/archivist"
CONFIG = f"""\
[profile console]
login_session = {SESSION_ARN}
region = eu-west-2

[profile keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


def write_login_cache(home: Path, *, expires_in: timedelta) -> Path:
    """A cache file as `aws login` leaves it: sha256 of the session, keys under accessToken."""
    path = home / ".aws" / "login" / "cache" / f"{hashlib.sha256(SESSION_ARN.encode()).hexdigest()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    expires = (datetime.now(timezone.utc) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps({
        "accessToken": {"accessKeyId": "ASIAEXAMPLEEXAMPLE", "secretAccessKey": "secret-login-key",
                        "sessionToken": "session-login-token", "accountId": "123456789012", "expiresAt": expires},
        "tokenType": "urn:aws:params:oauth:token-type:access_token_sigv4",
        "refreshToken": "refresh-login-token", "clientId": "arn:aws:signin:::devtools/same-device",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n",
    }))
    return path


def _config(config_path: Path) -> None:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(CONFIG)


def test_a_login_session_profile_is_its_own_kind(config_path):
    _config(config_path)
    assert load_aws_config(config_path).profiles["console"].kind is ProfileKind.LOGIN


def test_profiles_json_gives_kind_login_and_the_cache_status(config_path, home, capsys):
    _config(config_path)
    assert main(["profiles", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["console"]["kind"] == "login" and rows["console"]["status"] == "signed-out"
    assert rows["keys"]["kind"] == "other"
    write_login_cache(home, expires_in=timedelta(minutes=12))
    assert main(["profiles", "--json"]) == 0
    out = capsys.readouterr().out
    console = {row["name"]: row for row in json.loads(out)}["console"]
    assert console["status"] == "valid" and console["expires_at"].endswith("Z")
    assert "secret-login-key" not in out and "refresh-login-token" not in out


def test_profiles_table_shows_the_status_and_the_note(config_path, home, capsys):
    _config(config_path)
    write_login_cache(home, expires_in=-timedelta(minutes=1))
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("console"))
    assert "aws login · expired · refreshable" in line
    assert "console: This profile signs in with `aws login`" in out and "sign in with their SSO profiles" in out


def test_the_browser_shows_the_kind_status_and_note(config_path, home):
    _config(config_path)
    write_login_cache(home, expires_in=timedelta(minutes=10))
    browser = ProfileBrowser()
    browser.load(ProfileStatusService().snapshot())
    row = browser.by_name["console"]
    text, _tone = browser.status_cell(row)
    assert text == "aws login · signed in · 10m left" or text == "aws login · signed in · 9m left"
    details = browser.details(row)
    assert details.kind == "aws login"
    facts = {fact.label: fact.value for fact in details.facts}
    assert "sign in with their SSO profiles" in facts["Note"]
    assert not browser.applies("login", row) and not browser.applies("logout", row)
    assert "portals" not in browser.status_line(2, "") and "signed in" not in browser.status_line(2, "")
