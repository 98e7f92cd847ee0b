"""The portal step takes a start URL as people type it: without ``https://`` it is completed, an
identity store ID gets the portal address it probably means."""

from __future__ import annotations

from app.emulator import DEMO_REGION, DEMO_START_URL
from helpers.wizard_app import SIZE, make_app, wait_for, wait_screen


async def _portal(pilot, url: str):
    from textual.widgets import Input

    screen = await wait_screen(pilot, "PortalScreen")
    await wait_for(pilot, lambda: screen.loaded, what="portal loaded")
    url_input = screen.query_one("#start-url", Input)
    url_input.focus()
    url_input.value = url
    await pilot.pause()
    return screen


def _url_error(screen) -> str:
    return str(screen.query_one("#url-error").render())


async def test_a_start_url_without_https_is_completed_not_refused(emulator):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portal(pilot, DEMO_START_URL.removeprefix("https://"))
        assert _url_error(screen).strip() == ""
        regions = screen.query_one(".region-list")
        regions.set_filter(DEMO_REGION)
        await wait_for(pilot, lambda: regions.highlighted == DEMO_REGION, what="region filtered")
        await pilot.press("enter")
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+q")
    assert app.state.portal.start_url == DEMO_START_URL


async def test_an_identity_store_id_suggests_the_portal_address(emulator):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portal(pilot, "d-1234567890")
        assert "your start URL is probably https://d-1234567890.awsapps.com/start" in _url_error(screen)
        await pilot.press("ctrl+q")
