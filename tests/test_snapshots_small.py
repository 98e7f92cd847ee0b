"""Every wizard step in the default terminal, 80×24, and the sign-in at 60×20: what one must act on
is on screen (the region list, the whole change or a hint to scroll it, the install link, the
sign-in link and code), and so are how to quit and how to get help (the footer).

The same fixed world as :mod:`test_snapshots` (:mod:`helpers.snapshots`). Update after eyeballing:
`pytest tests/test_snapshots_small.py --snapshot-update`.
"""

from __future__ import annotations

from app.checks import Check
from app.wizard_state import WizardState
from helpers.snapshots import (
    GOOD_CHECKS,
    FakeServices,
    all_of,
    list_shown,
    named,
    until,
    wizard_at,
    wizard_state,
)

SMALL = (80, 24)
TINY = (60, 20)

INSTALL_CHECKS = [
    Check("aws-cli", "AWS command line (aws)", "warn", "The AWS CLI v2 is not installed.",
          "Install it from https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"),
] + [check for check in GOOD_CHECKS if check.id != "aws-cli"]


def test_checks_at_80x24_show_the_whole_install_link(snap_compare):
    app = wizard_at(FakeServices(checks=INSTALL_CHECKS), "checks")
    ready = until(all_of(named("ChecksScreen"), lambda s: not s.running))
    assert snap_compare(app, terminal_size=SMALL,
                        run_before=ready)
    text = "".join(line.strip() for line in ready.rows)
    assert "getting-started-install.html" in text
    assert "^q Quit" in ready.rows[-1] and "f1 Help" in ready.rows[-1]


def test_portal_at_80x24_shows_the_region_list(snap_compare):
    app = wizard_at(FakeServices(preset=None), "portal", WizardState())
    ready = until(all_of(named("PortalScreen"), lambda s: s.loaded))
    assert snap_compare(app, terminal_size=SMALL,
                        run_before=ready)
    assert any(line.rstrip().endswith("us-east-1 — US East (N. Virginia)") for line in ready.rows)
    assert sum(" — " in line for line in ready.rows[12:]) >= 5  # a list to choose from, not one row
    assert "^q Quit" in ready.rows[-1]


def test_signin_at_80x24(snap_compare):
    app = wizard_at(FakeServices(), "signin")
    ready = until(all_of(named("SignInScreen"), lambda s: s.prompt is not None))
    assert snap_compare(app, terminal_size=SMALL,
                        run_before=ready)
    assert "^q Quit" in ready.rows[-1]


def test_signin_at_60x20_shows_the_link_and_the_code(snap_compare):
    app = wizard_at(FakeServices(), "signin")
    ready = until(all_of(named("SignInScreen"), lambda s: s.prompt is not None))
    assert snap_compare(app, terminal_size=TINY,
                        run_before=ready)
    text = "\n".join(ready.rows)
    assert "W D K X - Q B T M" in text
    assert "https://device.sso.eu-west-2.amazonaws.com/?user_code=WDKX-QBTM" in text.replace("\n", "").replace(" ", "")


def test_accounts_at_80x24(snap_compare):
    app = wizard_at(FakeServices(), "accounts", wizard_state(account=None, role=None, profile=None))
    ready = until(all_of(named("AccountScreen"), list_shown))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    assert "^q Quit" in ready.rows[-1]


def test_roles_at_80x24(snap_compare):
    app = wizard_at(FakeServices(), "roles", wizard_state(role=None, profile=None))
    ready = until(all_of(named("RoleScreen"), list_shown))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    assert any("Administrator" in line for line in ready.rows)
    assert "^q Quit" in ready.rows[-1]


def test_profile_at_80x24(snap_compare):
    app = wizard_at(FakeServices(), "profile", wizard_state(profile=None))
    ready = until(all_of(named("ProfileScreen"), lambda s: s.loaded is not None))
    assert snap_compare(app, terminal_size=SMALL,
                        run_before=ready)
    assert any("eu-west-2 — Europe (London)" in line for line in ready.rows)
    assert "^q Quit" in ready.rows[-1]


def test_review_at_80x24_shows_the_whole_change(snap_compare):
    app = wizard_at(FakeServices(), "review")
    ready = until(all_of(named("ReviewScreen"), lambda s: s.plan is not None))
    assert snap_compare(app, terminal_size=SMALL,
                        run_before=ready)
    text = "\n".join(ready.rows)
    assert "This change adds 1 profile and 1 sign-in portal" in text
    for line in ("[profile preservation-prod-ReadOnly]", "output = json", "[sso-session example-library]",
                 "sso_registration_scopes = sso:account:access"):
        assert line in text
    assert "^q Quit" in ready.rows[-1]


def test_review_at_80x24_says_when_there_is_more_to_scroll(snap_compare, config_path):
    config_path.parent.mkdir()
    config_path.write_text("".join(f"[profile p{i}]\nregion = us-east-1\n" for i in range(12)))
    app = wizard_at(FakeServices(), "review", wizard_state(profile=wizard_state().profile))
    ready = until(all_of(named("ReviewScreen"), lambda s: s.plan is not None))
    assert snap_compare(app, terminal_size=(80, 18),
                        run_before=ready)
    assert any("more lines (PgDn)" in line for line in ready.rows)


def test_done_at_80x24_keeps_its_footer(snap_compare, home):
    from app.config.writer import WriteResult

    state = wizard_state()
    state.last_write = WriteResult(path=home / ".aws" / "config", backup_path=home / ".aws" / "config.bak",
                                   reapplied=False, diff="")
    state.written_names = ["preservation-prod-ReadOnly"]
    app = wizard_at(FakeServices(), "done", state)
    ready = until(named("DoneScreen"))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    footer = ready.rows[-1]
    assert "Another profile" in footer and "Finish" in footer and "^q Quit" in footer and "f1 Help" in footer
