"""The snapshot tests' world: the screens alone are under test, so the AWS side is a small fake
with fixed data (a real sign-in would put a random code and a random port on screen); config
reading, planning and settings are real. And a wait for the settled screen: the state asked for,
then no change on screen between two frames (workers done, layout and animations finished)."""

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

    def discover_roles(self, accounts, *, progress=None, cancel=None):
        ids = [a.account_id for a in accounts]
        if progress:
            progress(len(ids), len(ids))
        return {account_id: self.list_account_roles(account_id) for account_id in ids}


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


def wizard_state(**overrides) -> WizardState:
    """A wizard that has got as far as the profile: portal, account, role and profile chosen."""
    state = WizardState(preset=PRESET)
    state.portal = PortalChoice("example-library", START_URL, "eu-west-2")
    state.account = ACCOUNTS[4]
    state.role = "ReadOnly"
    state.profile = ProfileChoice("preservation-prod-ReadOnly", "eu-west-2", "json")
    for key, value in overrides.items():
        setattr(state, key, value)
    return state


def wizard_at(services, step, state=None):
    from app.tui import WizardApp

    return WizardApp(services, state=state or wizard_state(), first_step=step, typeahead_grace=0)


def screen_lines(app) -> list[str]:
    """The text on the active screen as it is drawn now, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def settle(pilot, *, timeout: float = 10.0) -> list[str]:
    """Wait until the screen stops changing: no animation scheduled and the same rows drawn twice
    in a row, a frame apart (a worker's last message, a relayout after a text grew). Returns them."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    previous: list | None = None
    while True:
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.05)
        drawn = [list(strip) for strip in pilot.app.screen._compositor.render_strips()]  # text and style
        if drawn == previous:
            return screen_lines(pilot.app)
        if loop.time() > deadline:
            raise AssertionError("the screen never settled")
        previous = drawn


def until(predicate, *, hide_loading=True, text: str | None = None, timeout: float = 10.0):
    """A snapshot's ``run_before``: wait for ``predicate(screen)`` (and ``text`` drawn on screen),
    stop the cursor blinking and hide loading spinners, then wait for the screen to settle. The
    settled rows are kept in ``run_before.rows`` (the App is gone once the snapshot is taken)."""

    async def run_before(pilot):
        import asyncio

        from textual.widgets import Input, LoadingIndicator

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                if predicate(pilot.app.screen) and (text is None or any(text in row for row in screen_lines(pilot.app))):
                    break
            except Exception:
                pass
            if loop.time() > deadline:
                raise AssertionError("the screen never reached the state to snapshot")
            await pilot.pause(0.02)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        if hide_loading:
            for widget in pilot.app.screen.query(LoadingIndicator):
                widget.display = False
        run_before.rows = await settle(pilot)

    run_before.rows = []
    return run_before


def named(name):
    return lambda screen: type(screen).__name__ == name


def all_of(*preds):
    return lambda screen: all(p(screen) for p in preds)


def list_shown(screen):
    return screen.query_one(".picker-list").display and not screen.is_loading


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


def browser_app(config_path):
    """The browser on a small config, signed out, with account names learnt earlier."""
    from app.signin.account_names import AccountNames
    from app.tui import WizardApp

    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(BROWSER_CONFIG)
    AccountNames().remember({a.account_id: a.account_name for a in ACCOUNTS})
    return WizardApp(FakeServices(), mode="profiles", typeahead_grace=0)
