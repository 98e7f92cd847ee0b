"""Type-ahead and paste never run one-key commands or answer a question nobody has read.

Keys are sent in one burst (all read before the app handles the first), as a paste or keys queued
while the app was busy arrive. The real-terminal proof is in tests/e2e/test_type_ahead_tmux.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.emulator.org import DEMO_REGION, DEMO_START_URL
from helpers.pilot import burst, wait_confirm
from helpers.profile_app import DEMO_CONFIG, make_app, screen_of, table_rows, wait_for
from helpers.profile_fixtures import write_config, write_token
from screens.dialogs import ConfirmDialog
from screens.dialogs.arming import ARM_DELAY, ARMING_HINT

SIZE = (150, 40)


@pytest.fixture
def demo_config(config_path: Path) -> Path:
    return write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: screen_of(pilot.app).model.loaded and not screen_of(pilot.app).model.provisional
                   and table_rows(pilot.app), what="the profiles")


def filter_text(app) -> str:
    return screen_of(app).query_one("#profiles-filter").value


@pytest.mark.parametrize("box_ready", [False, True], ids=["right-after-start", "filter-box-ready"])
async def test_what_follows_slash_goes_to_the_filter_however_fast(demo_config, box_ready):
    original = demo_config.read_text()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        if box_ready:
            await wait_for(pilot, lambda: screen_of(app)._filter_box() is not None, what="the filter box")
            await pilot.pause()
        burst(pilot, *"/x-ray")  # x would delete, y would confirm it
        await wait_for(pilot, lambda: screen_of(app)._filter_box() is not None and filter_text(app) == "x-ray",
                       what="x-ray in the filter")
        await pilot.pause(ARM_DELAY * 2)
        assert app.screen is screen_of(app), f"{type(app.screen).__name__} opened"
        assert screen_of(app).query_one("#profiles-filter").has_focus
    assert demo_config.read_text() == original


async def test_slash_then_sign_out_and_yes_does_not_sign_out(demo_config, home):
    token = write_token(home, "archive", expires_in=timedelta(hours=2))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: screen_of(app).check_action("logout", ()), what="signed in")
        burst(pilot, *"/prod-ready")  # o would sign out, y would confirm it
        await wait_for(pilot, lambda: screen_of(app)._filter_box() is not None
                       and filter_text(app) == "prod-ready", what="prod-ready in the filter")
        await pilot.pause(ARM_DELAY * 2)
        assert app.screen is screen_of(app)
    assert token.exists()


@pytest.mark.parametrize("command", ["x", "d"], ids=["delete", "make-default"])
async def test_a_confirmation_ignores_keys_read_before_it_was_readable(demo_config, command):
    original = demo_config.read_text()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        burst(pilot, command, "y", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        dialog = app.screen
        assert not dialog.keys_armed and str(dialog.query_one("#confirm-arming").render()) == ARMING_HINT
        await wait_confirm(pilot)
        await pilot.pause()
        assert app.screen is dialog  # y and Enter came before it was readable: dropped
        assert demo_config.read_text() == original
        assert not dialog.query_one("#confirm-arming").display
        await pilot.press("y")  # read after it was on screen: answers
        await wait_for(pilot, lambda: demo_config.read_text() != original, what="the change written")


async def test_sign_out_ignores_a_yes_typed_ahead(demo_config, home):
    token = write_token(home, "archive", expires_in=timedelta(hours=2))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: screen_of(app).check_action("logout", ()), what="signed in")
        burst(pilot, "o", "y")
        dialog = await wait_confirm(pilot)
        await pilot.pause()
        assert app.screen is dialog and token.exists()
        assert str(dialog.query_one("#yes").label) == "Sign out (y)"


@pytest.mark.parametrize("command, label", [("x", "Delete (y)"), ("d", "Make default (y)")])
async def test_confirm_buttons_name_the_action(demo_config, command, label):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press(command)
        dialog = await wait_confirm(pilot)
        assert str(dialog.query_one("#yes").label) == label
        assert str(dialog.query_one("#no").label) == "Cancel (n)"


async def test_the_wizards_review_ignores_an_enter_typed_ahead(emulator_factory, config_path):
    """A double Enter on the profile step opens the review; the second Enter must not write."""
    from helpers.wizard_app import make_app as make_wizard, wait_screen
    from tests.test_wizard_flow import fill_portal, pick_from_list

    emulator_factory(auto_approve=True)
    app = make_wizard(first_step="portal")  # no type-ahead grace: only the review's arming guards it
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        profile = await wait_screen(pilot, "ProfileScreen")
        await wait_for(pilot, lambda: profile.loaded is not None, what="profile defaults")
        await pilot.pause()
        burst(pilot, "enter", "enter", "enter")
        review = await wait_screen(pilot, "ReviewScreen")
        await wait_for(pilot, lambda: review.plan is not None and review.keys_armed, what="the change shown")
        await pilot.pause(0.2)
        assert app.screen is review and not config_path.exists()
        await pilot.press("enter")
        await wait_screen(pilot, "DoneScreen")
    assert config_path.exists()
