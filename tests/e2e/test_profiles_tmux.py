"""The profile browser in a real terminal (tmux), in the demo: `aws-sso-wizard demo --keep DIR`
with a sandbox that already has profiles opens the browser. Press l, approve (the demo's pretend
AWS approves the code after a few polls), and the row shows signed in, the token file has the
AWS CLI's name and `aws sts get-caller-identity --profile NAME` (awscli from PyPI) works; press o,
confirm, and the row shows signed out, the file is gone and the same command fails.

These tests FAIL (not skip) without tmux: `python3 app/bootstrap.py test` installs it.
"""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from screens.dialogs.arming import ARMING_HINT
from tests.e2e.demo_flow import CLI, ROOT, demo_env, run_aws_cli, settle
from tests.e2e.tmux import Tmux

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSION = "demo-archive"
SANDBOX_CONFIG = f"""\
# made before the demo, as if by an earlier run of the wizard
[sso-session {SESSION}]
sso_start_url = https://demo-archive.awsapps.com/start
sso_region = eu-west-2
sso_registration_scopes = sso:account:access

[profile preservation-prod]
sso_session = {SESSION}
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = eu-west-2
output = json

[profile shared-admin]
sso_session = {SESSION}
sso_account_id = 210987654321
sso_role_name = Administrator
region = eu-west-2

[profile build-keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
"""


def row(screen: str, name: str) -> str:
    for line in screen.splitlines():
        if line.strip().startswith(name + " "):
            return line
    raise AssertionError(f"no row for {name} on screen:\n{screen}")


def wait_row(t: Tmux, name: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = t.capture()
        try:
            if text in row(screen, name):
                return screen
        except AssertionError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"row {name!r} never showed {text!r}; the terminal shows:\n{screen}")


def stale_token(path) -> None:
    """A token file as an earlier demo run leaves it: an hour left, the CLI's format."""
    from datetime import datetime, timedelta, timezone

    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "startUrl": "https://demo-archive.awsapps.com/start", "region": "eu-west-2",
        "accessToken": "issued-by-the-previous-run", "expiresAt": expires,
    }))


def test_sign_in_and_out_from_the_browser_in_a_real_terminal(tmp_path):
    sandbox = tmp_path / "sandbox"
    (sandbox / ".aws").mkdir(parents=True)
    (sandbox / ".aws" / "config").write_text(SANDBOX_CONFIG)
    token = sandbox / ".aws" / "sso" / "cache" / f"{hashlib.sha1(SESSION.encode()).hexdigest()}.json"
    # An earlier demo run left a sign-in that looks valid; this run's pretend AWS does not know it.
    stale_token(token)

    with Tmux(width=140, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        t.wait_for("3 profiles", timeout=30)
        screen = wait_row(t, "preservation-prod", "signed out", timeout=10)  # the status follows the rows
        assert "starts afresh" in t.wait_for("starts afresh", timeout=5)  # and says why
        assert not token.exists()
        assert "static keys (not SSO)" in row(screen, "build-keys")
        assert "wJalrXUtnFEMI" not in screen

        # l: sign in with a code (no browser in this terminal); the demo approves it
        settle()
        t.keys("l")
        screen = t.wait_for("enter this code", timeout=15)
        assert f"Signing in to sso-session {SESSION}" in screen and "/device" in screen
        screen = wait_row(t, "preservation-prod", "signed in ·", timeout=60)
        assert "signed in ·" in row(screen, "shared-admin")  # the same sign-in
        assert token.exists()
        document = json.loads(token.read_text())
        assert document["startUrl"] == "https://demo-archive.awsapps.com/start"
        assert document["expiresAt"].endswith("Z")

        # the AWS CLI (v1, through botocore) uses that sign-in
        proc = run_aws_cli(sandbox, "sts", "get-caller-identity", "--profile", "preservation-prod")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["Account"] == "012345678901"

        # e: the export line goes to the clipboard (tmux keeps OSC 52 copies as buffers)
        settle()
        t.keys("e")
        t.wait_for("export AWS_PROFILE=preservation-prod", timeout=10)
        assert "export AWS_PROFILE=preservation-prod" in t.buffers()

        # o: asks first, naming every profile of that sign-in, then signs out
        settle()
        t.keys("o")
        screen = t.wait_for(f"Sign out of sso-session {SESSION}?", timeout=10)
        assert "preservation-prod, shared-admin" in screen
        t.wait_armed("Sign out (y)", ARMING_HINT)  # keys count once the question has been on screen a moment
        t.keys("y")
        screen = wait_row(t, "shared-admin", "signed out", timeout=20)
        assert "signed out" in row(screen, "preservation-prod")
        assert not token.exists()

        proc = run_aws_cli(sandbox, "sts", "get-caller-identity", "--profile", "preservation-prod")
        assert proc.returncode != 0
        assert "Token" in proc.stderr or "SSO" in proc.stderr

        t.keys("C-q")
        t.wait_for("EXIT-CODE:0", timeout=15)


def test_a_sign_in_by_another_program_shows_up(tmp_path):
    """`aws sso login` in another terminal writes the token file: the browser notices on its own."""
    from datetime import datetime, timedelta, timezone

    sandbox = tmp_path / "sandbox"
    (sandbox / ".aws").mkdir(parents=True)
    (sandbox / ".aws" / "config").write_text(SANDBOX_CONFIG)
    token = sandbox / ".aws" / "sso" / "cache" / f"{hashlib.sha1(SESSION.encode()).hexdigest()}.json"

    with Tmux(width=140, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        wait_row(t, "preservation-prod", "signed out", timeout=30)
        expires = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        token.parent.mkdir(parents=True, exist_ok=True)
        token.write_text(json.dumps({
            "startUrl": "https://demo-archive.awsapps.com/start", "region": "eu-west-2",
            "accessToken": "written-by-another-program", "expiresAt": expires,
        }))
        wait_row(t, "preservation-prod", "signed in · 1h 59m left", timeout=10)
        token.unlink()
        wait_row(t, "preservation-prod", "signed out", timeout=10)
        t.keys("C-q")
        t.wait_for("EXIT-CODE:0", timeout=15)


def test_export_in_a_tmux_that_drops_copies_shows_the_line(tmp_path):
    """tmux's default set-clipboard (external) ignores a program's copies: say so, show the line."""
    sandbox = tmp_path / "sandbox"
    (sandbox / ".aws").mkdir(parents=True)
    (sandbox / ".aws" / "config").write_text(SANDBOX_CONFIG)

    with Tmux(width=140, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        t._run("set-option", "-s", "set-clipboard", "external")
        wait_row(t, "preservation-prod", "signed out", timeout=30)
        settle()
        t.keys("e")
        screen = t.wait_for("could not be copied here", timeout=10)
        assert "tmux has set-clipboard external" in screen
        assert "export AWS_PROFILE=preservation-prod" in screen
        assert "Copied" not in screen
        assert "export AWS_PROFILE" not in t.buffers()
        settle()
        t.keys("Enter")
        t.wait_gone("could not be copied here", timeout=10)
        t.keys("C-q")
        t.wait_for("EXIT-CODE:0", timeout=15)
