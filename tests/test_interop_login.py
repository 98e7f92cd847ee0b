"""One login serves the AWS CLI, boto3 and this app, in both directions.

With a temporary HOME and the config written through the config writer, after signing in through our
login service against the emulator:
(a) boto3 in a subprocess gets the caller identity for the profile without signing in itself;
(b) the AWS CLI (awscli from PyPI) ``aws sts get-caller-identity --profile p`` works;
(c) botocore refreshes our token when it is inside the 15-minute window and writes it back;
(d) a token file written by the CLI's rules shows as signed in here;
(e) after our logout, botocore fails with its token / "session has expired" errors.
Both flows end to end: PKCE with a BROWSER that follows the redirect, and the device code with approval.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.config.edits import UpsertProfile, UpsertSsoSession
from app.config.writer import ConfigWriter
from app.emulator import DEMO_REGION, DEMO_START_URL
from app.signin.browser import NoBrowser
from app.signin.login import LoginService
from app.signin.portal import SsoClient
from app.signin.state import TokenState
from helpers.commands import command_env
from helpers.sso import LEGACY, SESSION, Approver, token_path, use_following_browser, write_cli_token

pytestmark = pytest.mark.interop

ACCOUNT = "012345678901"
ROLE = "ReadOnly"
AWS = str(Path(sys.executable).parent / "aws")

_BOTO3 = """
import json, sys
import boto3
from botocore.exceptions import BotoCoreError, ClientError
try:
    identity = boto3.Session(profile_name=sys.argv[1]).client("sts").get_caller_identity()
except (BotoCoreError, ClientError) as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
else:
    print(json.dumps({"Account": identity["Account"], "Arn": identity["Arn"]}))
"""


def _write_config() -> None:
    writer = ConfigWriter()
    writer.apply(
        writer.plan(
            [
                UpsertSsoSession(SESSION.session_name, DEMO_START_URL, DEMO_REGION, "sso:account:access"),
                UpsertProfile("p", ACCOUNT, ROLE, sso_session=SESSION.session_name, region=DEMO_REGION, output="json"),
                UpsertProfile(
                    "legacy-p", ACCOUNT, ROLE, region=DEMO_REGION, output="json", legacy=True,
                    start_url=DEMO_START_URL, sso_region=DEMO_REGION,
                ),
            ]
        )
    )


def boto3_identity(profile: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _BOTO3, profile], env=command_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def aws_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([AWS, *args], env=command_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def configured(home):
    _write_config()
    text = (home / ".aws" / "config").read_text()
    assert "[sso-session demo]" in text and "[profile p]" in text
    return home


def test_pkce_login_serves_boto3_and_the_aws_cli(emulator_factory, monkeypatch, configured):
    emu = emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    status = LoginService().login(SESSION)
    assert status.state is TokenState.VALID
    emu.clear_calls()

    # (a) boto3 uses our token as is: no sign-in of its own
    identity = boto3_identity("p")
    assert identity["Account"] == ACCOUNT and "/AWSReservedSSO_ReadOnly_" in identity["Arn"]
    assert [c.operation for c in emu.calls] == ["GetRoleCredentials", "GetCallerIdentity"]

    # (b) the AWS CLI too
    done = aws_cli("sts", "get-caller-identity", "--profile", "p", "--output", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == ACCOUNT
    assert "CreateToken" not in [c.operation for c in emu.calls]


def test_device_login_serves_a_legacy_profile(emulator_factory, configured):
    emu = emulator_factory()
    approver = Approver(emu)
    status = LoginService(browser=NoBrowser()).login(LEGACY, method="device", on_prompt=approver)
    assert status.state is TokenState.VALID and approver.prompts[0].method == "device"
    assert boto3_identity("legacy-p")["Account"] == ACCOUNT
    done = aws_cli("sts", "get-caller-identity", "--profile", "legacy-p")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == ACCOUNT


def test_device_login_serves_a_session_profile(emulator_factory, configured):
    emu = emulator_factory()
    LoginService(browser=NoBrowser()).login(SESSION, method="device", on_prompt=Approver(emu))
    assert boto3_identity("p")["Account"] == ACCOUNT


def test_botocore_refreshes_our_token_and_we_read_it_back(emulator_factory, monkeypatch, configured):
    """(c) a 10-minute token is inside botocore's 15-minute window: it refreshes and writes back."""
    emu = emulator_factory(auto_approve=True, access_token_ttl=600)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION)
    before = json.loads(token_path(configured, SESSION).read_text())
    emu.clear_calls()

    assert boto3_identity("p")["Account"] == ACCOUNT
    assert emu.calls[0].operation == "CreateToken"  # botocore's refresh
    raw = token_path(configured, SESSION).read_text()
    after = json.loads(raw)
    assert after["accessToken"] != before["accessToken"]
    assert after["refreshToken"] != before["refreshToken"]
    assert list(after) == list(before)  # botocore writes the same keys in the same order
    assert after["registrationExpiresAt"] == before["registrationExpiresAt"]
    assert raw == json.dumps(after)

    # and we take botocore's write-back as ours: still renewable, and our refresh works on it
    after_status = service.status(SESSION)
    assert after_status.state is TokenState.EXPIRING and after_status.renewable
    emu.access_token_ttl = 3600
    assert service.refresh(SESSION).state is TokenState.VALID
    assert boto3_identity("p")["Account"] == ACCOUNT  # and botocore reads ours back


def test_cli_written_token_counts_as_signed_in(emulator, configured):
    """(d) a token file written by hand exactly as `aws sso login` writes it."""
    signed = emulator.issue_token(start_url=DEMO_START_URL)
    write_cli_token(
        configured,
        SESSION,
        access_token=signed.access_token,
        refresh_token=signed.refresh_token,
        client_id=signed.client_id,
        client_secret=signed.client_secret,
        expires_in=timedelta(seconds=signed.expires_in),
    )
    service = LoginService()
    assert service.status(SESSION).state is TokenState.VALID
    assert SsoClient(service, SESSION).whoami(ACCOUNT, ROLE).account == ACCOUNT
    assert boto3_identity("p")["Account"] == ACCOUNT


def test_after_our_logout_botocore_fails(emulator_factory, monkeypatch, configured):
    """(e) our logout removes the token and ends the session at the service."""
    emulator_factory(auto_approve=True)
    use_following_browser(monkeypatch)
    service = LoginService()
    service.login(SESSION)
    kept = token_path(configured, SESSION).read_text()  # what a stale copy would hold
    assert boto3_identity("p")["Account"] == ACCOUNT

    result = service.logout(SESSION, role_pairs=[(ACCOUNT, ROLE)])
    assert result.server_ok

    failed = boto3_identity("p")
    assert failed == {"error": "SSOTokenLoadError", "message": "Error loading SSO Token: Token for demo does not exist"}

    done = aws_cli("sts", "get-caller-identity", "--profile", "p")
    assert done.returncode != 0 and "SSO Token" in done.stderr

    # even a copy of the old token no longer works: the session really ended at the service
    token_path(configured, SESSION).write_text(kept)
    failed = boto3_identity("p")
    assert failed["error"] == "UnauthorizedSSOTokenError"
    assert failed["message"].startswith("The SSO session associated with this profile has expired or is otherwise invalid.")
