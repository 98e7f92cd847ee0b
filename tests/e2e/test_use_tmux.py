"""The profile in this shell, in a real terminal (tmux) running a real interactive bash with the
hook of ``shell-init``: ``use`` without a name opens the profile browser in pick mode and Enter hands
the profile back to the shell; Escape leaves it as it was; in the everyday browser ``e`` hands the
highlighted profile back when the app ends.

These tests FAIL (not skip) without tmux: `python3 app/bootstrap.py test` installs it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from screens.profiles import PICK_TITLE
from tests.e2e.demo_flow import BIN, demo_env
from tests.e2e.tmux import Tmux

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PICK_TITLE_START = PICK_TITLE[:40]

CONFIG = """\
[sso-session corp]
sso_start_url = https://my-org.awsapps.com/start
sso_region = eu-west-1

[profile alpha-keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[profile beta-keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[profile gamma-sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
"""


def shell(home: Path) -> Tmux:
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(CONFIG)
    t = Tmux(width=140, height=36)
    t.start(["bash", "--norc", "--noprofile", "-i"], env={**demo_env(home), "SHELL": "/bin/bash"})
    t.wait_for("bash-", timeout=15)
    ask(t, "PS1='READY''$ '", "READY$")
    ask(t, f'eval "$({BIN}/aws-sso-wizard shell-init bash)"; echo LOADED', "\nLOADED")
    return t


def ask(t: Tmux, line: str, wanted: str, timeout: float = 15) -> str:
    t.type(line)
    t.keys("Enter")
    return t.wait_for(wanted, timeout=timeout)


def test_use_without_a_name_picks_in_the_browser_and_the_shell_gets_it(tmp_path):
    t = shell(tmp_path / "home")
    try:
        t.type("aws-sso-wizard use")
        t.keys("Enter")
        t.wait_for(PICK_TITLE_START, timeout=30)
        t.wait_for("signed out", timeout=30)  # the real read is in: the rows will not be replaced
        time.sleep(0.5)
        t.keys("Down")
        time.sleep(0.3)
        t.keys("Enter")
        t.wait_for("AWS_PROFILE=beta-keys in this shell.", timeout=20)
        screen = ask(t, 'echo "P=$AWS_PROFILE"', "P=beta-keys")
        assert "Traceback" not in screen
    finally:
        t.close()


def test_escape_in_pick_mode_leaves_the_shell_as_it_was(tmp_path):
    t = shell(tmp_path / "home")
    try:
        ask(t, "export AWS_PROFILE=alpha-keys", "READY$")
        t.type("aws-sso-wizard use")
        t.keys("Enter")
        t.wait_for(PICK_TITLE_START, timeout=30)
        t.wait_for("signed out", timeout=30)  # the real read is in: the rows will not be replaced
        time.sleep(0.5)
        t.escape()
        t.wait_for("No profile picked; AWS_PROFILE is unchanged.", timeout=15)
        ask(t, 'echo "P=$AWS_PROFILE"', "P=alpha-keys")
    finally:
        t.close()


def test_e_in_the_browser_hands_the_profile_to_the_shell_when_it_ends(tmp_path):
    t = shell(tmp_path / "home")
    try:
        t.type("aws-sso-wizard; echo APP-ENDED")
        t.keys("Enter")
        t.wait_for("signed out", timeout=30)  # the real read is in: the rows will not be replaced
        time.sleep(0.5)
        t.keys("Down")
        time.sleep(0.3)
        t.keys("e")
        screen = t.wait_for("Your shell gets", timeout=15)  # a notification, wrapped to its width
        assert "AWS_PROFILE=beta-keys" in screen
        t.keys("C-q")
        t.wait_for("APP-ENDED", timeout=15)
        ask(t, 'echo "P=$AWS_PROFILE"', "P=beta-keys")
    finally:
        t.close()
