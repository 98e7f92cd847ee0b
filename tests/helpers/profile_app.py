"""A harness for Pilot tests of the profile browser: the real App in "profiles" mode (or a small
stand-in while that mode is not registered), real services, notifications recorded."""

from __future__ import annotations

from textual.app import App

from app.profiles.status import ProfileStatusService
from app.services import BrowserServices, Services
from app.signin.browser import Browser
from app.tui import WizardApp
from assets import asset_path
from helpers.pilot import RecordingBrowser, wait_for  # noqa: F401 - used through here
from screens.profiles import ProfilesScreen

DEMO_CONFIG = """\
[sso-session archive]
sso_start_url = {start_url}
sso_region = {region}
sso_registration_scopes = sso:account:access

[profile preservation-prod]
sso_session = archive
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = eu-west-2
output = json

[profile shared-admin]
sso_session = archive
sso_account_id = 210987654321
sso_role_name = Administrator
region = eu-west-1

[profile static]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1
"""


class RecordsNotes:
    """Keeps every notification as (severity, "title: message") in ``notes``."""

    notes: list[tuple[str, str]]

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True) -> None:
        self.notes.append((severity, f"{title}: {message}" if title else str(message)))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def browser_screen(services: BrowserServices, *, poll_seconds: float | None = None) -> ProfilesScreen:
    """A profile browser with its own status service, as the App builds it."""
    status = ProfileStatusService(login_provider=lambda: services.login, account_names=services.account_names)
    return ProfilesScreen(services, status, poll_seconds=poll_seconds)


class BrowserTestApp(RecordsNotes, App):
    """The profile browser on its own, with its stylesheets; records notifications."""

    CSS_PATH = [asset_path("app.tcss"), asset_path("profiles.tcss")]

    def __init__(self, services: Services, *, poll_seconds: float = 0.2) -> None:
        super().__init__()
        self.services = services
        self.poll_seconds = poll_seconds
        self.notes: list[tuple[str, str]] = []
        self.new_profile_requests = 0

    def on_mount(self) -> None:
        self.push_screen(browser_screen(self.services, poll_seconds=self.poll_seconds))

    def on_profiles_screen_new_profile_requested(self, message) -> None:
        self.new_profile_requests += 1


class RecordingWizardApp(RecordsNotes, WizardApp):
    """The real App, started in its "profiles" mode, recording notifications."""

    def __init__(self, services: Services) -> None:
        super().__init__(services, mode="profiles", typeahead_grace=0)
        self.notes: list[tuple[str, str]] = []


def make_app(*, browser: Browser | None = None, poll_seconds: float = 0.25, standalone: bool = False):
    """The real App in "profiles" mode (``standalone``: the screen alone in a small App). The App's
    browser polls every ``screens.profiles.POLL_SECONDS`` (tests patch it)."""
    services = Services(browser=browser or RecordingBrowser(likely=False))
    if standalone:
        return BrowserTestApp(services, poll_seconds=poll_seconds)
    return RecordingWizardApp(services)


def screen_of(app) -> ProfilesScreen:
    for screen in app.screen_stack:
        if isinstance(screen, ProfilesScreen):
            return screen
    raise AssertionError("no profile browser on the screen stack")


def table_rows(app) -> dict[str, tuple[str, ...]]:
    from screens.widgets.fast_table import FastTable

    table = screen_of(app).query_one(FastTable)
    return {row.key: row.cells for row in table.rows}


# cell positions in a row of the profile table
NAME, STATUS, ACCOUNT, ROLE, REGION, SESSION = range(6)


def status_of(app, name: str) -> str:
    return table_rows(app)[name][STATUS]
