"""``env`` for a signed-out profile in a real terminal (tmux): it offers to sign in, signs in with a
code (the emulator approves it), then prints the keys; stdout, redirected to a file as in
``eval "$(aws-sso-wizard env NAME)"``, gets nothing but the keys. Declining leaves stdout empty, exit 1.
``companion`` on a terminal shows the change and writes it after a yes.

These tests FAIL (not skip) without tmux: `python3 app/bootstrap.py test` installs it.
"""

from __future__ import annotations

import json
import os

import pytest

from helpers.commands import WIZARD
from helpers.role_keys import PROD, PROD_ACCOUNT, role_cache_file
from tests.e2e.tmux import Tmux

pytestmark = [pytest.mark.e2e, pytest.mark.interop]


def _env_of(home, emulator) -> dict[str, str]:
    return {"HOME": str(home), "PATH": os.environ["PATH"], "NO_PROXY": "127.0.0.1,localhost",
            "AWS_EC2_METADATA_DISABLED": "true", **emulator.endpoint_env()}


@pytest.fixture
def emulator(emulator_factory):
    """The person approves the code on their phone a moment after it is shown."""
    return emulator_factory(auto_approve_after=2)


@pytest.fixture
def signed_out(config_path, home, emulator):
    from app.emulator import DEMO_REGION, DEMO_START_URL
    from helpers.profile_app import DEMO_CONFIG
    from helpers.profile_fixtures import write_config

    write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))
    return home


def test_a_signed_out_env_on_a_terminal_offers_to_sign_in_then_prints_the_keys(signed_out, emulator, tmp_path):
    out = tmp_path / "keys.json"
    with Tmux(width=120, height=30) as t:
        t.start(f"{WIZARD} env {PROD} --format json > {out}", env=_env_of(signed_out, emulator))
        t.wait_for("Sign in to sso-session archive now? [Y/n]")
        assert "You are not signed in to sso-session archive." in t.capture()
        t.keys("Enter")
        t.wait_for("EXIT-CODE:0", timeout=60)
        screen = t.capture()
    keys = json.loads(out.read_text())
    assert keys["AWS_ACCESS_KEY_ID"] == json.loads(role_cache_file(signed_out).read_text())["Credentials"]["AccessKeyId"]
    assert keys["AWS_SECRET_ACCESS_KEY"] not in screen
    assert "enter the code" in screen
    assert json.loads(role_cache_file(signed_out).read_text())["Credentials"]["AccountId"] == PROD_ACCOUNT


def test_declining_the_sign_in_prints_nothing_and_exits_1(signed_out, emulator, tmp_path):
    out = tmp_path / "keys.sh"
    with Tmux(width=120, height=30) as t:
        t.start(f"{WIZARD} env {PROD} > {out}", env=_env_of(signed_out, emulator))
        t.wait_for("now? [Y/n]")
        t.type("n")
        t.keys("Enter")
        t.wait_for("EXIT-CODE:1", timeout=30)
        assert "Sign in first: aws-sso-wizard login --sso-session archive" in t.capture()
    assert out.read_text() == ""


def test_companion_on_a_terminal_shows_the_change_and_writes_it_after_a_yes(signed_out, emulator, config_path):
    with Tmux(width=120, height=30) as t:
        t.start(f"{WIZARD} companion {PROD}", env=_env_of(signed_out, emulator))
        t.wait_for(f"Write the profile {PROD}-process to")
        assert f"+[profile {PROD}-process]" in t.capture()
        assert f"[profile {PROD}-process]" not in config_path.read_text()
        t.keys("Enter")
        t.wait_for("EXIT-CODE:0", timeout=30)
        assert "backup:" in t.capture()
    assert f"[profile {PROD}-process]" in config_path.read_text()
