"""The emulator serves botocore's own SSO machinery and the AWS CLI (awscli v1 from PyPI), reached only
through the standard endpoint overrides: a token file written by the CLI's rules is used, refreshed
and written back by botocore, and ``aws sts get-caller-identity --profile`` answers with the SSO role."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.signin.target import SsoTarget
from helpers.sso import write_issued_token

pytestmark = pytest.mark.interop

ACCOUNT = "223344556677"  # preservation-dev
ROLE = "ReadOnly"


def write_config(home: Path, legacy: bool = False) -> None:
    aws = home / ".aws"
    aws.mkdir(exist_ok=True)
    if legacy:
        text = (
            f"[profile p]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n"
            f"sso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\nregion = {DEMO_REGION}\n"
        )
    else:
        text = (
            f"[profile p]\nsso_session = demo\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
            f"region = {DEMO_REGION}\n[sso-session demo]\nsso_start_url = {DEMO_START_URL}\n"
            f"sso_region = {DEMO_REGION}\nsso_registration_scopes = sso:account:access\n"
        )
    (aws / "config").write_text(text)


def write_token(home: Path, signed_in, *, expires_in: float, legacy: bool = False) -> Path:
    """A token file exactly as the AWS CLI writes one (interop §4); legacy tokens never refresh."""
    target = SsoTarget(DEMO_START_URL, DEMO_REGION, None if legacy else "demo")
    return write_issued_token(home, target, signed_in, expires_in=timedelta(seconds=expires_in), refresh=not legacy)


_WHOAMI = """
import json, sys
import boto3
from botocore.exceptions import BotoCoreError, ClientError
try:
    identity = boto3.session.Session(profile_name="p").client("sts").get_caller_identity()
except (BotoCoreError, ClientError) as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
else:
    identity.pop("ResponseMetadata")
    print(json.dumps(identity))
"""


def whoami() -> dict:
    """boto3 in a subprocess: botocore fixes its SSO cache directory from HOME when it is imported."""
    proc = subprocess.run([sys.executable, "-c", _WHOAMI], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("legacy", [False, True])
def test_boto3_profile_gets_the_sso_role_identity(emulator, home, legacy):
    write_config(home, legacy)
    write_token(home, emulator.issue_token(), expires_in=3600, legacy=legacy)
    identity = whoami()
    account = emulator.org.account(ACCOUNT)
    assert identity["Account"] == ACCOUNT
    role = account.reserved_role_name(ROLE)
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/archivist@example.org"
    assert [c.operation for c in emulator.calls] == ["GetRoleCredentials", "GetCallerIdentity"]


def test_botocore_refreshes_a_token_inside_the_window_and_writes_it_back(emulator, home):
    write_config(home)
    signed_in = emulator.issue_token()
    path = write_token(home, signed_in, expires_in=300)
    assert whoami()["Account"] == ACCOUNT
    assert emulator.call_count("CreateToken") == 1
    saved = json.loads(path.read_text())
    assert saved["accessToken"] != signed_in.access_token
    assert saved["refreshToken"] != signed_in.refresh_token
    assert saved["clientId"] == signed_in.client_id


def test_after_the_session_ends_botocore_reports_an_expired_session(emulator, home):
    write_config(home)
    write_token(home, emulator.issue_token(), expires_in=3600)
    emulator.end_sessions()
    answer = whoami()
    assert answer["error"] == "UnauthorizedSSOTokenError"
    assert "expired or is otherwise invalid" in answer["message"]
    # A token that needs refreshing cannot be refreshed any more either.
    write_token(home, emulator.issue_token(), expires_in=-10)
    emulator.end_sessions()
    answer = whoami()
    assert answer["error"] == "TokenRetrievalError"
    assert "Token has expired and refresh failed" in answer["message"]


@pytest.mark.slow
def test_aws_cli_get_caller_identity_with_an_sso_profile(emulator, home):
    write_config(home)
    write_token(home, emulator.issue_token(), expires_in=3600)
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--profile", "p", "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    identity = json.loads(proc.stdout)
    assert identity["Account"] == ACCOUNT
    assert identity["UserId"].endswith(":archivist@example.org")
