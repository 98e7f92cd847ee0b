"""SVG snapshots of each wizard step: its main state and its main error state; the profile
browser at two widths.

The screens alone are under test here, so the AWS side is a small fake with fixed data
(:mod:`helpers.snapshots`); each snapshot is taken once the screen has settled. Update after
eyeballing: `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from app.wizard_state import WizardState
from helpers.snapshots import (
    BAD_CHECKS,
    GOOD_CHECKS,
    PRESET,
    SIZE,
    START_URL,
    FakeLogin,
    FakeServices,
    FakeSso,
    all_of as _and,
    browser_app as _browser,
    list_shown as _list_shown,
    named as _named,
    settle,
    until as _until,
    wizard_at as _app,
    wizard_state as _state,
)

# -- 1 checks ------------------------------------------------------------------------------------


def test_checks(snap_compare):
    app = _app(FakeServices(checks=GOOD_CHECKS), "checks")
    assert snap_compare(app, terminal_size=SIZE, run_before=_until(_and(_named("ChecksScreen"), lambda s: not s.running)))


def test_checks_config_broken(snap_compare):
    app = _app(FakeServices(checks=BAD_CHECKS), "checks")
    assert snap_compare(app, terminal_size=SIZE, run_before=_until(_and(_named("ChecksScreen"), lambda s: not s.running)))


# -- 2 portal --------------------------------------------------------------------------------------


def test_portal_prefilled_by_preset(snap_compare):
    app = _app(FakeServices(), "portal", WizardState(preset=PRESET))
    assert snap_compare(app, terminal_size=SIZE, run_before=_until(_and(_named("PortalScreen"), lambda s: s.loaded)))


def test_portal_bad_url(snap_compare):
    app = _app(FakeServices(preset=None), "portal", WizardState())

    async def run_before(pilot):
        await _until(_and(_named("PortalScreen"), lambda s: s.loaded))(pilot)
        await pilot.press(*"http://console.aws.amazon.com", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- 3 sign in -------------------------------------------------------------------------------------


def test_signin_device_code(snap_compare):
    app = _app(FakeServices(), "signin")
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_until(_and(_named("SignInScreen"), lambda s: s.prompt is not None)))


def test_signin_denied(snap_compare):
    from app.signin.errors import LoginDenied

    error = LoginDenied("The sign-in request was denied.", hint="Sign in again, and choose Allow.")
    app = _app(FakeServices(login=FakeLogin(error=error)), "signin")
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_until(_and(_named("SignInScreen"), lambda s: s.failed is not None),
                                          text="Press Enter to try again"))


# -- 4/5 accounts and roles -----------------------------------------------------------------------


def test_accounts_filtered(snap_compare):
    app = _app(FakeServices(), "accounts", _state(account=None, role=None, profile=None))

    async def run_before(pilot):
        await _until(_and(_named("AccountScreen"), _list_shown))(pilot)
        await pilot.press(*"prod")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_accounts_throttled(snap_compare):
    from app.signin.errors import Throttled

    error = Throttled("AWS is receiving too many requests from you right now (ListAccounts).",
                      hint="Wait a minute, then try again.")
    app = _app(FakeServices(sso=FakeSso(error=error)), "accounts", _state(account=None, role=None, profile=None))
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_until(_and(_named("AccountScreen"), lambda s: s.error is not None)))


def test_roles(snap_compare):
    app = _app(FakeServices(), "roles", _state(role=None, profile=None))
    assert snap_compare(app, terminal_size=SIZE, run_before=_until(_and(_named("RoleScreen"), _list_shown)))


def test_roles_session_ended(snap_compare):
    from app.signin.errors import SessionExpired

    error = SessionExpired("Your sign-in has ended (the portal no longer accepts it).", hint="Sign in again.")
    app = _app(FakeServices(sso=FakeSso(error=error)), "roles", _state(role=None, profile=None))
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_until(_and(_named("RoleScreen"), lambda s: s.error is not None)))


# -- 6 profile ---------------------------------------------------------------------------------------


def test_profile(snap_compare):
    app = _app(FakeServices(), "profile", _state(profile=None))
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_until(_and(_named("ProfileScreen"), lambda s: s.loaded is not None)))


def test_profile_name_exists_asks_to_replace(snap_compare, config_path):
    config_path.parent.mkdir()
    config_path.write_text("[profile preservation-prod-ReadOnly]\nsso_session = example-library\n"
                           "sso_account_id = 555555555555\nsso_role_name = ReadOnly\nregion = us-east-1\n"
                           "[sso-session example-library]\nsso_start_url = " + START_URL + "\n"
                           "sso_region = eu-west-2\nsso_registration_scopes = sso:account:access\n")
    app = _app(FakeServices(), "profile", _state(profile=None))

    async def run_before(pilot):
        await _until(_and(_named("ProfileScreen"), lambda s: s.loaded is not None))(pilot)
        await pilot.press("enter")
        await _until(_named("ConfirmDialog"))(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- 7 review --------------------------------------------------------------------------------------


def test_review(snap_compare):
    app = _app(FakeServices(), "review")
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=_until(_and(_named("ReviewScreen"), lambda s: s.plan is not None)))


def test_review_config_unreadable(snap_compare, config_path):
    config_path.parent.mkdir()
    config_path.write_text("[profile a]\nregion = eu-west-1\nthis line is broken\n")
    app = _app(FakeServices(), "review")
    assert snap_compare(app, terminal_size=SIZE, run_before=_until(_named("ErrorModal")))


# -- 8 done ------------------------------------------------------------------------------------------


def test_done_verified(snap_compare, home):
    from app.config.writer import WriteResult

    state = _state()
    state.last_write = WriteResult(path=home / ".aws" / "config", backup_path=None, reapplied=False, diff="")
    state.written_names = ["preservation-prod-ReadOnly"]
    app = _app(FakeServices(), "done", state)

    async def run_before(pilot):
        await _until(_named("DoneScreen"))(pilot)
        await pilot.press("v")
        await _until(lambda s: s.state.identity is not None)(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_error_modal_can_be_read_and_copied(snap_compare):
    from screens.dialogs import ErrorModal

    app = _app(FakeServices(checks=GOOD_CHECKS), "checks")

    async def run_before(pilot):
        await _until(_and(_named("ChecksScreen"), lambda s: not s.running))(pilot)
        app.push_screen(ErrorModal("Could not write the AWS config file",
                                   "Permission denied: /home/archivist/.aws/config [errno 13] (a [bracket] stays)",
                                   details="Copy this text (c) and report it."))
        await _until(_named("ErrorModal"))(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- the profile browser ---------------------------------------------------------------------------

def _browser_loaded(screen) -> bool:
    from screens.widgets.fast_table import FastTable

    rows = screen.query_one(FastTable).rows
    return bool(rows) and all(row.cells[1] != "…" for row in rows)


def test_profiles_at_120_columns_table_first(snap_compare, config_path):
    """Every column whole, names and ids; the details pane waits for i."""
    app = _browser(config_path)
    assert snap_compare(app, terminal_size=(120, 24), run_before=_until(_and(_named("ProfilesScreen"), _browser_loaded)))


def test_profiles_at_170_columns_with_details(snap_compare, config_path):
    """Room for the details pane beside the table: the highlighted profile's keys, long values wrapped."""
    app = _browser(config_path)
    assert snap_compare(app, terminal_size=(170, 24), run_before=_until(_and(_named("ProfilesScreen"), _browser_loaded)))
