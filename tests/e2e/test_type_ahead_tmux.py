"""Type-ahead and paste in a real terminal (tmux): in the profile browser, text that follows ``/``
in one burst (``send-keys -l``, a paste) is the filter's, and a confirmation ignores keys that came
before it was on screen. Ctrl+C quits at once with exit code 130.

These tests FAIL (not skip) without tmux: `python3 app/bootstrap.py test` installs it.
"""

from __future__ import annotations

import pytest

from screens.dialogs.arming import ARMING_HINT
from tests.e2e.demo_flow import CLI, ROOT, demo_env, settle
from tests.e2e.test_profiles_tmux import SANDBOX_CONFIG, row
from tests.e2e.tmux import Tmux

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def filter_line(screen: str) -> str:
    """The filter box's line (the one above the table's title row)."""
    lines = screen.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip("▎▊ ").startswith("Profile ") and "Status" in line:
            return "\n".join(lines[max(0, index - 3):index])
    raise AssertionError(f"no table on screen:\n{screen}")


def test_typed_ahead_and_pasted_text_goes_to_the_filter(tmp_path):
    sandbox = tmp_path / "sandbox"
    config = sandbox / ".aws" / "config"
    config.parent.mkdir(parents=True)
    config.write_text(SANDBOX_CONFIG)

    with Tmux(width=140, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        t.wait_for("3 profiles", timeout=30)
        row(t.wait_for("preservation-prod"), "preservation-prod")
        settle()

        # typed ahead in one burst: x would delete, y would confirm it
        t.type("/x-ray")
        screen = t.wait_for("x-ray", timeout=10)
        assert "x-ray" in filter_line(screen)
        settle()
        screen = t.capture()
        assert "Delete the profile" not in screen and "0 match" in screen
        assert config.read_text() == SANDBOX_CONFIG

        # Escape clears; then / and a paste right behind it
        t.escape()
        t.wait_for("3 profiles ·", timeout=10)
        t.wait_gone("x-ray", timeout=10)
        t.keys("/")
        t.paste("prod-ready")
        screen = t.wait_for("prod-ready", timeout=10)
        assert "prod-ready" in filter_line(screen)
        settle()
        assert "Sign out of" not in t.capture() and "Delete the profile" not in t.capture()
        t.escape()
        t.wait_gone("prod-ready", timeout=10)

        # a confirmation: the y typed with x is dropped, the dialog waits, a later n cancels
        t.keys("Down")
        settle()
        t.type("xy")
        screen = t.wait_for("Delete the profile", timeout=10)
        t.wait_armed("Delete (y)", ARMING_HINT, timeout=10)
        settle()
        assert "Delete the profile" in t.capture()
        assert config.read_text() == SANDBOX_CONFIG
        assert "Delete (y)" in t.capture()
        t.keys("n")
        t.wait_gone("Delete the profile", timeout=10)
        assert config.read_text() == SANDBOX_CONFIG

        # Ctrl+C quits at once, as a cancelled command: 130
        t.keys("C-c")
        t.wait_for("EXIT-CODE:130", timeout=15)
    assert config.read_text() == SANDBOX_CONFIG


def test_keys_typed_while_the_browser_is_busy_go_to_the_filter(tmp_path):
    """Typed the moment the table appears, while the app still reads thousands of profiles."""
    from helpers.profile_fixtures import many_profiles_config

    sandbox = tmp_path / "sandbox"
    config = sandbox / ".aws" / "config"
    config.parent.mkdir(parents=True)
    text = many_profiles_config(4000)
    config.write_text(text)

    with Tmux(width=140, height=36) as t:
        t.start([CLI, "demo", "--keep", str(sandbox)], env=demo_env(tmp_path), cwd=str(ROOT))
        t.wait_for("team0000-", timeout=60)
        t.type("/x-ray")
        screen = t.wait_for("x-ray", timeout=20)
        assert "x-ray" in filter_line(screen)
        t.wait_for("0 match", timeout=20)
        settle()
        assert "Delete the profile" not in t.capture()
        t.keys("C-q")
        t.wait_for("EXIT-CODE:", timeout=15)
    assert config.read_text() == text
