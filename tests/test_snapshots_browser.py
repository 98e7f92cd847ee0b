"""SVG snapshots of the profile browser at 80×24, the default terminal: the footer keeps help and
quit, the status line is whole, and its dialogs fit.

The AWS side is the small fake of tests/test_snapshots.py (fixed data). Update after eyeballing:
`pytest tests/test_snapshots_browser.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio

from helpers.snapshots import browser_app

SIZE = (80, 24)


def loaded(screen) -> bool:
    from screens.profiles import ProfilesScreen
    from screens.widgets.fast_table import FastTable

    if not isinstance(screen, ProfilesScreen) or screen.model.provisional:
        return False
    rows = screen.query_one(FastTable).rows
    return bool(rows) and all(row.cells[1] != "…" for row in rows)


async def until(pilot, predicate, what: str) -> None:
    """Wait until ``predicate(top screen)``, then for the screen to settle."""
    for _ in range(500):
        try:
            if predicate(pilot.app.screen):
                break
        except Exception:
            pass
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(f"never saw {what}")
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def browser_ready(pilot) -> None:
    await until(pilot, loaded, "the profiles")


def test_browser_at_80x24(snap_compare, config_path):
    """Every profile, the whole status line, and a footer with help and quit."""
    assert snap_compare(browser_app(config_path), terminal_size=SIZE, run_before=browser_ready)


def test_browser_details_at_80x24(snap_compare, config_path):
    """Enter: the details instead of the table (Enter or Escape goes back)."""
    async def run_before(pilot):
        await browser_ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda screen: screen.details_shown() == "full", "the details")

    assert snap_compare(browser_app(config_path), terminal_size=SIZE, run_before=run_before)


def test_browser_delete_question_at_80x24(snap_compare, config_path):
    """x: the change, and buttons that name the action, once readable."""
    from screens.dialogs import ConfirmDialog

    async def run_before(pilot):
        await browser_ready(pilot)
        await pilot.press("x")
        await until(pilot, lambda screen: isinstance(screen, ConfirmDialog) and screen.keys_armed, "the question")

    assert snap_compare(browser_app(config_path), terminal_size=SIZE, run_before=run_before)


def test_browser_sign_in_at_80x24(snap_compare, config_path):
    """l without a browser: the link with the code filled in, and the code."""
    from screens.dialogs import LoginDialog

    async def run_before(pilot):
        await browser_ready(pilot)
        await pilot.press("l")
        await until(pilot, lambda screen: isinstance(screen, LoginDialog) and screen.shown_url, "the link")

    assert snap_compare(browser_app(config_path), terminal_size=SIZE, run_before=run_before)


def test_browser_help_at_80x24(snap_compare, config_path):
    """?: every key, and how to close the help."""
    from screens.dialogs import ProfilesHelp

    async def run_before(pilot):
        await browser_ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda screen: isinstance(screen, ProfilesHelp), "the help")

    assert snap_compare(browser_app(config_path), terminal_size=SIZE, run_before=run_before)
