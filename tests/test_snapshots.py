"""SVG snapshots of each wizard step: its main state and its main error state; the profile
browser at two widths.

The screens alone are under test here, so the AWS side is a small fake with fixed data (a real
sign-in would put a random code and a random port on screen). Config reading, planning and
settings are real. Update after eyeballing: `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.checks import Check
from app.errors import Cancelled
from app.services import Services
from app.settings import Preset, Settings
from app.signin.portal import Account, Identity
from app.wizard_state import PortalChoice, ProfileChoice, WizardState

SIZE = (110, 36)
START_URL = "https://example-library.awsapps.com/start"

PRESET = Preset(display_name="Example University Library", start_url=START_URL, sso_region="eu-west-2",
                session_name="example-library", default_region="eu-west-2", output="json")

ACCOUNTS = [
    Account("111111111111", "archive-storage", "archive-storage@example.org"),
    Account("222222222222", "catalogue-dev", "catalogue-dev@example.org"),
    Account("333333333333", "catalogue-prod", "catalogue-prod@example.org"),
    Account("444444444444", "digitisation-prod", "digitisation@example.org"),
    Account("012345678901", "preservation-prod", "preservation-prod@example.org"),
    Account("555555555555", "preservation-qa", "preservation-qa@example.org"),
    Account("666666666666", "shared-services", "shared-services@example.org"),
]
ROLES = ["Administrator", "PowerUser", "ReadOnly"]


class FakeLogin:
    """Signed out; a sign-in shows a fixed device code and then waits (or fails with ``error``)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    def status(self, target):
        from app.signin.state import TokenState, TokenStatus

        return TokenStatus(state=TokenState.SIGNED_OUT, expires_at=None, token_path=Path("/nonexistent"))

    def login(self, target, *, method="pkce", open_browser=True, force=False, on_prompt=None, on_notice=None, cancel=None):
        from app.signin.login import LoginPrompt

        if on_prompt:
            on_prompt(LoginPrompt(
                method="device",
                url="https://device.sso.eu-west-2.amazonaws.com/?user_code=WDKX-QBTM",
                verification_uri="https://device.sso.eu-west-2.amazonaws.com/",
                user_code="WDKX-QBTM",
                expires_at=datetime.now(timezone.utc) + timedelta(seconds=600),
                browser_opened=False,
            ))
        if self.error is not None:
            raise self.error
        (cancel.wait() if cancel else threading.Event().wait(60))
        raise Cancelled()

    def ensure_signed_in(self, target, *, on_sign_in=None, **options):
        if on_sign_in:
            on_sign_in()
        return self.login(target, **options)

    def access_token(self, target, *, cancel=None):
        raise AssertionError("not used")


class FakeSso:
    def __init__(self, error: Exception | None = None, roles: list[str] | None = None) -> None:
        self.error = error
        self.roles = ROLES if roles is None else roles

    def list_accounts(self, *, cancel=None):
        if self.error:
            raise self.error
        return list(ACCOUNTS)

    def list_account_roles(self, account_id, *, cancel=None):
        if self.error:
            raise self.error
        return list(self.roles)


class FakeServices(Services):
    def __init__(self, *, login=None, sso=None, checks=None, preset=PRESET) -> None:
        super().__init__(settings=Settings.load(), preset=preset)
        self._fake_login = login or FakeLogin()
        self._fake_sso = sso or FakeSso()
        self._checks = checks

    @property
    def login(self):
        return self._fake_login

    def sso(self, target):
        return self._fake_sso

    def browser_likely(self) -> bool:
        return False

    def open_browser(self, url: str) -> bool:
        return False

    def whoami_profile(self, name: str):
        return Identity(account="012345678901",
                        arn="arn:aws:sts::012345678901:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/"
                            "archivist@example.org", user_id="AROAEXAMPLE:archivist@example.org")

    def iter_checks(self, region):
        yield from self._checks

    def can_install_aws_cli(self) -> bool:
        return False

    def prewarm(self, region=None, on_done=None) -> None:
        pass


GOOD_CHECKS = [
    Check("config", "AWS config file", "ok", "~/.aws/config does not exist yet; the wizard will create it."),
    Check("folders", "Can write the AWS folders", "ok", "~/.aws will be created and is writable."),
    Check("aws-cli", "AWS command line (aws)", "ok", "Version 2.27.1 (/usr/local/bin/aws)."),
    Check("browser", "Web browser", "warn",
          "No browser here (an SSH session or no display): you will sign in with a code instead.",
          "Open the link shown on another device (phone or laptop) and enter the code."),
    Check("endpoint", "Sign-in service reachable (eu-west-2)", "ok", "https://oidc.eu-west-2.amazonaws.com answers."),
]
BAD_CHECKS = [
    Check("config", "AWS config file", "fail",
          "The AWS config file ~/.aws/config has a line botocore cannot read (line 7: 'region eu-west-1').",
          "Fix line 7 of ~/.aws/config, or move the file aside."),
] + GOOD_CHECKS[1:]


def _state(**overrides) -> WizardState:
    state = WizardState(preset=PRESET)
    state.portal = PortalChoice("example-library", START_URL, "eu-west-2")
    state.account = ACCOUNTS[4]
    state.role = "ReadOnly"
    state.profile = ProfileChoice("preservation-prod-ReadOnly", "eu-west-2", "json")
    for key, value in overrides.items():
        setattr(state, key, value)
    return state


def _app(services, step, state=None):
    from app.tui import WizardApp

    return WizardApp(services, state=state or _state(), first_step=step, typeahead_grace=0)


def _until(predicate, *, hide_loading=True):
    async def run_before(pilot):
        import asyncio

        from textual.widgets import Input, LoadingIndicator

        for _ in range(500):
            try:
                if predicate(pilot.app.screen):
                    break
            except Exception:
                pass
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the screen never reached the state to snapshot")
        await pilot.pause()
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        if hide_loading:
            for widget in pilot.app.screen.query(LoadingIndicator):
                widget.display = False
        await pilot.pause()

    return run_before


def _named(name):
    return lambda screen: type(screen).__name__ == name


def _and(*preds):
    return lambda screen: all(p(screen) for p in preds)


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
        await pilot.pause()

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
                        run_before=_until(_and(_named("SignInScreen"), lambda s: s.failed is not None)))


# -- 4/5 accounts and roles -----------------------------------------------------------------------


def _list_shown(screen):
    return screen.query_one(".picker-list").display and not screen.is_loading


def test_accounts_filtered(snap_compare):
    app = _app(FakeServices(), "accounts", _state(account=None, role=None, profile=None))

    async def run_before(pilot):
        await _until(_and(_named("AccountScreen"), _list_shown))(pilot)
        await pilot.press(*"prod")
        await pilot.pause(0.2)

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

BROWSER_CONFIG = """\
[sso-session example-library]
sso_start_url = https://example-library.awsapps.com/start
sso_region = eu-west-2
sso_registration_scopes = sso:account:access

[profile preservation-prod-ReadOnly]
sso_session = example-library
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = eu-west-2
output = json

[profile shared-services-Administrator]
sso_session = example-library
sso_account_id = 666666666666
sso_role_name = Administrator
region = eu-west-1

[profile build-keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
"""


def _browser(config_path):
    """The browser on a small config, signed out, with account names learnt earlier."""
    from app.signin.account_names import AccountNames
    from app.tui import WizardApp

    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(BROWSER_CONFIG)
    AccountNames().remember({a.account_id: a.account_name for a in ACCOUNTS})
    return WizardApp(FakeServices(), mode="profiles", typeahead_grace=0)


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
