"""The profile browser's keys for tools that cannot read SSO profiles, with Pilot and the real
services against the emulator: ``p`` adds a companion profile, ``k`` keeps a profile's keys in the
AWS CLI's cache (stored in the settings) and fetches them again before they expire."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from app.settings import Settings
from helpers.pilot import wait_confirm
from helpers.profile_app import STATUS, make_app, screen_of, table_rows, wait_for
from helpers.role_keys import PROD, demo_signed_in, role_cache_file

SIZE = (150, 40)


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch):
    monkeypatch.setattr("screens.profiles.POLL_SECONDS", 0.25)
    monkeypatch.setattr("app.credentials.warm.CHECK_EVERY", 0.3)


def notes_text(app) -> str:
    return "\n".join(text for _, text in app.notes)


def details_of(app) -> str:
    return str(screen_of(app).query_one("#profiles-details-text").render()).replace(":\n  ", ": ")


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: screen_of(pilot.app).model.loaded and table_rows(pilot.app)
                   and all(cells[STATUS] != "…" for cells in table_rows(pilot.app).values()),
                   what="rows with their status")


async def test_k_keeps_the_keys_warm_and_fetches_them_again_before_they_expire(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("k")
        path = role_cache_file(home)
        await wait_for(pilot, path.exists, what="the keys cached")
        await wait_for(pilot, lambda: "Keeping the keys of preservation-prod" in notes_text(app), what="the note")
        assert Settings.load().keep_warm == (PROD,)
        await wait_for(pilot, lambda: "Kept warm: keys until" in details_of(app), what="the mark in the details")
        document = json.loads(path.read_text())
        soon = (datetime.now(timezone.utc) + timedelta(minutes=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
        document["Credentials"]["Expiration"] = soon
        path.write_text(json.dumps(document))
        await wait_for(pilot, lambda: json.loads(path.read_text())["Credentials"]["Expiration"] != soon,
                       what="the keys fetched again", timeout=10)
        assert emulator.call_count("GetRoleCredentials") == 2
        await pilot.press("k")
        await wait_for(pilot, lambda: "No longer keeping the keys of preservation-prod" in notes_text(app),
                       what="unmarked")
        assert Settings.load().keep_warm == ()
        assert "Kept warm" not in details_of(app)


async def test_k_on_a_profile_without_a_role_says_so(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("down", "down", "k")  # the static-keys profile
        await wait_for(pilot, lambda: "has no SSO role" in notes_text(app), what="the note")
        assert Settings.load().keep_warm == ()


async def test_p_adds_the_companion_profile_after_showing_the_change(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("p")
        await wait_confirm(pilot, what="review")
        assert "+[profile preservation-prod-process]" in app.screen.diff
        await pilot.press("y")
        await wait_for(pilot, lambda: "preservation-prod-process" in table_rows(app), what="the new row")
        assert "credential_process = " in config_path.read_text()
        assert "Added preservation-prod-process" in notes_text(app)


async def test_k_while_signed_out_says_so_in_the_apps_own_keys(config_path, home, emulator):
    demo_signed_in(config_path, home, emulator)
    for token in (home / ".aws" / "sso" / "cache").glob("*.json"):
        token.unlink()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("k")
        await wait_for(pilot, lambda: "Cannot keep preservation-prod warm" in notes_text(app), what="the warning")
        assert "Press l to sign in." in notes_text(app) and "aws-sso-wizard login" not in notes_text(app)
        await wait_for(pilot, lambda: "Kept warm: You are not signed in" in details_of(app), what="the details")
        assert Settings.load().keep_warm == (PROD,)  # kept marked: warmed once signed in
        await pilot.pause(1.0)  # a few more looks at it
        assert notes_text(app).count("Cannot keep preservation-prod warm") == 1  # said once, not every minute
