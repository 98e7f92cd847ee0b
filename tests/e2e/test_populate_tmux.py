"""Many profiles at once in the demo, in a real terminal (tmux): tick three accounts and two roles,
change the name template, write, then the AWS CLI (from PyPI) uses one of the new profiles.

Fails (not skips) without tmux: `python3 app/bootstrap.py test` installs it.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.demo_flow import CLI, ROOT, demo_env, run_aws_cli, settle
from tests.e2e.tmux import Tmux

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def tab_to_list(t: Tmux) -> None:
    """Tab from the filter to the list; the keys after it wait until the list has the focus (its
    keys are in the footer), as a person's would."""
    t.keys("Tab")
    t.wait_for("Tick all shown")
    settle()


def test_tick_three_accounts_and_two_roles_then_use_one(tmp_path):
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
        settle()

        # Accounts: filter, then Tab to the list and tick every account shown.
        t.type("preservation")
        t.wait_for("3 of 12 accounts")
        tab_to_list(t)
        t.keys("a")
        accounts = t.wait_for("3 of 12 ticked")
        assert accounts.count("[x] preservation-") == 3, accounts
        t.keys("Enter")

        # Roles of the three accounts in one list, all ticked; clear, filter, tick two.
        t.wait_for("Step 5 of 8", timeout=30)
        t.wait_for("9 of 9 ticked", timeout=30)
        settle()
        tab_to_list(t)
        t.keys("A")
        t.wait_for("0 of 9 ticked")
        t.type("readonly")  # the first letter takes the focus back to the filter
        t.wait_for("3 of 9 roles")
        tab_to_list(t)
        t.keys("Space", "Down", "Space")
        t.wait_for("2 of 9 ticked")
        t.keys("Enter")

        # Names: a new template, the preview follows it.
        t.wait_for("Step 6 of 8")
        t.wait_for("preservation-dev-ReadOnly")
        settle()
        t.keys("C-u")
        t.type("{account_name}-{role_name:lower}")
        names = t.wait_for("preservation-prod-readonly")
        assert "preservation-dev-readonly" in names and "2 new profiles" in names, names
        t.keys("Enter")

        # One review, one write.
        review = t.wait_for("+ [profile preservation-dev-readonly]", timeout=20)
        assert "adds 2 profiles" in review, review
        settle()
        t.keys("Enter")
        done = t.wait_for("2 profiles are ready", timeout=20)
        assert "preservation-prod-readonly" in done

        proc = run_aws_cli(sandbox, "sts", "get-caller-identity", "--profile", "preservation-prod-readonly",
                           "--output", "json")
        assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
        assert json.loads(proc.stdout)["Account"] == "012345678901"
        settle()
        t.keys("q")
        t.wait_for("profiles ·", timeout=20)
        settle()
        t.keys("C-q")
        t.wait_for("EXIT-CODE:0", timeout=20)

    config = (sandbox / ".aws" / "config").read_text()
    assert config.count("sso_wizard_generated = demo-archive") == 2
    assert "[profile preservation-dev-readonly]" in config and "[profile preservation-prod-readonly]" in config
