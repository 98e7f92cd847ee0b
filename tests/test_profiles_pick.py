"""The profile browser and the shell: in pick mode (``use`` without a name) Enter or ``e`` ends
the App with that profile and Escape without one; in the everyday browser ``e`` hands the profile
to the shell when the hook started the app, and copies the export line when it did not."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.emulator.org import DEMO_REGION, DEMO_START_URL
from app.shell import hook
from helpers.profile_app import DEMO_CONFIG, make_app, screen_of, wait_for
from helpers.profile_fixtures import write_config

SIZE = (150, 40)


@pytest.fixture
def demo_config(config_path: Path) -> Path:
    return write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))


@pytest.fixture
def hand_back(tmp_path, monkeypatch) -> Path:
    """This run came through the shell hook: its hand-back file."""
    path = tmp_path / "hand-back"
    path.write_text("")
    monkeypatch.setenv(hook.HOOK_VARIABLE, str(path))
    return path


def notes_text(app) -> str:
    return "\n".join(text for _, text in app.notes)


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: screen_of(pilot.app).model.loaded and not screen_of(pilot.app).model.provisional,
                   what="rows")


def pick_app():
    app = make_app()
    original = app.make_mode_screen

    def make(name: str):
        screen = original(name)
        screen.pick = name == "profiles"
        return screen

    app.make_mode_screen = make
    return app


@pytest.mark.parametrize("key", ["enter", "e"])
async def test_pick_mode_ends_with_the_highlighted_profile(demo_config, key):
    app = pick_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "Pick the profile for this shell" in str(screen_of(app).query_one("#profiles-title").render())
        await pilot.press("down")
        await pilot.press(key)
        await pilot.pause()
    assert app.return_value == "shared-admin"


async def test_escape_in_pick_mode_ends_without_a_profile(demo_config):
    app = pick_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value is None


async def test_escape_in_pick_mode_clears_a_filter_first(demo_config):
    app = pick_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash", "s", "h")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_e_with_the_hook_hands_the_profile_to_the_shell(demo_config, hand_back):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("down")
        await pilot.press("e")
        await pilot.pause()
        assert hand_back.read_text() == "set\nshared-admin\n"
        assert "Your shell gets AWS_PROFILE=shared-admin when you leave the app." in notes_text(app)
        assert app.clipboard != "export AWS_PROFILE=shared-admin"


async def test_e_without_the_hook_still_copies_the_export_line(demo_config):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("down")
        await pilot.press("e")
        await pilot.pause()
        assert app.clipboard == "export AWS_PROFILE=shared-admin"
