"""Helpers for the wizard's Pilot tests: real services (pointed at the in-process emulator by the
``emulator`` fixtures), a browser that really follows the sign-in URL over HTTP, and waits that
poll a condition instead of sleeping."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

from app.emulator import DEMO_REGION, DEMO_START_URL
from app.services import Services
from app.settings import Preset, Settings
from app.signin.browser import Browser
from app.tui import WizardApp
from helpers.pilot import RecordingBrowser, wait_for  # noqa: F401 - wait_for is used through here

SIZE = (110, 36)


class FollowingBrowser(Browser):
    """A person's browser when IAM Identity Center already knows them: it GETs the URL and follows
    the redirects (the emulator's ``auto_approve`` sends /authorize straight back to the app's
    loopback callback). Runs in its own thread, like a real browser process."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def likely(self) -> bool:
        return True

    def open(self, url: str) -> bool:
        self.opened.append(url)

        def fetch() -> None:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            try:
                with opener.open(url, timeout=30) as response:
                    response.read()
            except (urllib.error.URLError, OSError):
                pass

        threading.Thread(target=fetch, daemon=True).start()
        return True


def make_services(*, browser: Browser | None = None, preset: Preset | None = None) -> Services:
    return Services(settings=Settings.load(), preset=preset, browser=browser or RecordingBrowser(likely=False))  # an SSH session: a code


def make_app(*, first_step: str = "checks", **kwargs) -> WizardApp:
    """The App as the wizard, from ``first_step``, with real services (``kwargs``: make_services)."""
    return WizardApp(make_services(**kwargs), first_step=first_step, typeahead_grace=0)


async def wait_screen(pilot, name: str, *, timeout: float = 15.0):
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == name, timeout=timeout, what=name)
    await pilot.pause()
    return pilot.app.screen


def screen_text(screen) -> str:
    """All Static text on the screen (for assertions on what a person reads)."""
    from textual.widgets import Static

    parts = []
    for widget in screen.query(Static):
        content = widget.content
        if isinstance(content, str):
            parts.append(content)
        elif hasattr(content, "plain"):
            parts.append(content.plain)
    return "\n".join(parts)


#: A config with an sso-session of the demo portal and a hand-written profile (for the multi-profile steps).
HAND_WRITTEN = (
    "[profile mine]\nsso_session = demo-archive\nsso_account_id = 012345678901\nsso_role_name = ReadOnly\n\n"
    "[profile preservation-dev-readonly]\nregion = eu-west-1\n\n"
    "[sso-session demo-archive]\nsso_start_url = " + DEMO_START_URL + "\nsso_region = " + DEMO_REGION + "\n"
    "sso_registration_scopes = sso:account:access\n"
)


async def listed(pilot, name):
    """The picker step ``name`` once its list is shown: (screen, its FilterList)."""
    screen = await wait_screen(pilot, name)
    await wait_for(pilot, lambda: not screen.is_loading and screen.query_one(".picker-list").display, what=name)
    return screen, screen.query_one(".picker-list")
