"""The demo wizard in a real terminal (tmux), typed like a person: fast double Enters, Escape
followed at once by a key, Back, filtering; then the AWS CLI uses the new profile.

These tests FAIL (not skip) without tmux: `python3 app/bootstrap.py test` installs it.
"""

from __future__ import annotations

import pytest

from tests.e2e.demo_flow import PROFILE, drive_demo, run_aws_cli
from tests.e2e.tmux import Tmux, tmux_path

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_tmux_is_installed():
    assert tmux_path()


def test_demo_end_to_end_in_a_real_terminal(tmp_path):
    sandbox = tmp_path / "sandbox"
    with Tmux(width=120, height=36) as t:  # 120: the profile browser at the end shows every column whole
        run = drive_demo(t, sandbox)

    # The profile is in the sandbox config, in the sso-session form the AWS CLI writes.
    config = (sandbox / ".aws" / "config").read_text()
    assert f"[profile {PROFILE}]\nsso_session = demo-archive\nsso_account_id = 012345678901\n" \
           "sso_role_name = ReadOnly\n" in config
    assert "[sso-session demo-archive]\nsso_start_url = https://demo-archive.awsapps.com/start\n" in config

    # The sandbox's config is named as the sandbox's (the person's HOME here is tmp_path): on
    # screen, ~/.aws/config would mean the real one.
    assert "Written to ~/sandbox/.aws/config." in run.screens["done"], run.screens["done"]

    # The AWS CLI (v1 from PyPI, through botocore) used the profile and the demo's token cache.
    identity = run.caller_identity
    assert identity["Account"] == "012345678901"
    assert "AWSReservedSSO_ReadOnly_" in identity["Arn"]

    # The wizard's own "who am I" said the same.
    assert "012345678901" in run.screens["verified"]

    # Finishing opened the profile browser: the new profile, signed in, with its account's name
    # (learnt on the account step) and id, and every column on screen.
    browser = run.screens["profiles"]
    row = next(line for line in browser.splitlines() if line.strip().startswith(PROFILE))
    assert "signed in ·" in row and "preservation-prod (012345678901)" in row, browser
    assert "ReadOnly" in row.split("(012345678901)")[1] and row.rstrip().endswith("demo-archive"), browser

    # The device code was shown large, with its link (no browser in this terminal).
    assert "Your code" in run.screens["signin"]
    assert "/device" in run.screens["signin"] or "user_code" in run.screens["signin"]

    # Settings remembered the portal, in the sandbox (never the real ~/.config).
    settings = (sandbox / ".config" / "aws-sso-wizard" / "settings.toml").read_text()
    assert 'start_url = "https://demo-archive.awsapps.com/start"' in settings

    # After the demo, the emulator is gone: the CLI cannot reach the pretend AWS any more.
    assert run_aws_cli(sandbox, "sts", "get-caller-identity", "--profile", PROFILE).returncode != 0


def test_ctrl_q_mid_flow_writes_nothing(tmp_path):
    from tests.e2e.demo_flow import CLI, ROOT, demo_env, settle

    sandbox = tmp_path / "sandbox"
    with Tmux(width=110, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        t.wait_for("Press Enter to continue", timeout=30)
        settle()
        t.keys("Enter")
        t.wait_for("Step 2 of 8")
        t.wait_for("demo-archive.awsapps.com")
        settle()
        t.keys("Enter")
        t.wait_for("Step 4 of 8", timeout=30)
        t.wait_for("12 accounts")
        t.keys("C-q")
        screen = t.wait_for("EXIT-CODE:130", timeout=20)
    assert "Cancelled: nothing was written to" in screen
    assert not (sandbox / ".aws" / "config").exists()


@pytest.mark.parametrize("step", ["portal", "accounts"])
def test_ctrl_c_quits_the_wizard_at_once_writing_nothing(tmp_path, step):
    """As `aws configure sso`: Ctrl+C ends it there and then, exit code 130, nothing written."""
    from tests.e2e.demo_flow import CLI, ROOT, demo_env, settle

    sandbox = tmp_path / "sandbox"
    with Tmux(width=110, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        t.wait_for("Press Enter to continue", timeout=30)
        settle()
        t.keys("Enter")
        t.wait_for("demo-archive.awsapps.com")
        if step == "accounts":
            settle()
            t.keys("Enter")
            t.wait_for("12 accounts", timeout=30)
        t.keys("C-c")
        screen = t.wait_for("EXIT-CODE:", timeout=10)
    assert "EXIT-CODE:130" in screen, screen
    assert "Cancelled: nothing was written to" in screen
    assert not (sandbox / ".aws" / "config").exists()
