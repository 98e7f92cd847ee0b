"""The profile browser driven with Pilot, with the real services against the emulator."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.emulator.org import DEMO_REGION, DEMO_START_URL
from helpers.pilot import wait_confirm
from helpers.profile_app import (
    ACCOUNT,
    DEMO_CONFIG,
    REGION,
    ROLE,
    SESSION,
    STATUS,
    RecordingBrowser,
    make_app,
    screen_of,
    status_of,
    table_rows,
    wait_for,
)
from helpers.profile_fixtures import MIXED_CONFIG, token_file, write_config, write_token

SIZE = (150, 40)


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch):
    """Look for changes on disk four times a second (the app does it every second)."""
    monkeypatch.setattr("screens.profiles.POLL_SECONDS", 0.25)


@pytest.fixture
def demo_config(config_path: Path) -> Path:
    return write_config(config_path, DEMO_CONFIG.format(start_url=DEMO_START_URL, region=DEMO_REGION))


def details_of(app) -> str:
    """The details pane's text, with values that were wrapped under their label joined back
    (``label:\n  value`` -> ``label: value``)."""
    return str(screen_of(app).query_one("#profiles-details-text").render()).replace(":\n  ", ": ")


def top(app):
    return app.screen


def notes_text(app) -> str:
    return "\n".join(text for _, text in app.notes)


async def loaded(pilot) -> None:
    """Rows on screen, each with its sign-in status (which follows the first frame)."""
    await wait_for(
        pilot,
        lambda: screen_of(pilot.app).model.loaded and table_rows(pilot.app)
        and all(cells[STATUS] != "…" for cells in table_rows(pilot.app).values()),
        what="rows with their status",
    )


async def sign_in_with_code(pilot, emulator) -> None:
    """Press l, wait for the device code dialog, approve it in the emulator."""
    from screens.dialogs import LoginDialog

    await pilot.press("l")
    await wait_for(pilot, lambda: isinstance(top(pilot.app), LoginDialog), what="login dialog")
    await wait_for(pilot, lambda: emulator.pending_user_codes(), what="a device code")
    dialog = top(pilot.app)
    code = emulator.pending_user_codes()[0]
    await wait_for(pilot, lambda: code in str(dialog.query_one("#login-code").render()), what="the code shown")
    emulator.approve(code)
    await wait_for(pilot, lambda: not isinstance(top(pilot.app), LoginDialog), what="dialog to close")
    await wait_for(pilot, lambda: status_of(pilot.app, "preservation-prod").startswith("signed in"),
                   what="the row signed in")


# -- status of each kind --------------------------------------------------------------------------


async def test_every_kind_of_profile_shows_its_status(config_path, home):
    write_config(config_path, MIXED_CONFIG)
    write_token(home, "my-sso", expires_in=timedelta(hours=3))
    from helpers.profile_fixtures import LEGACY_URL

    write_token(home, LEGACY_URL, expires_in=timedelta(minutes=-2), start_url=LEGACY_URL, region="eu-central-1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        rows = table_rows(app)
        assert list(rows) == ["default", "prod-admin", "dev-readonly", "old-style", "keys", "jump", "proc"]
        assert rows["prod-admin"][STATUS] in ("signed in · 2h 59m left", "signed in · 3h 00m left")
        assert rows["dev-readonly"][STATUS] == rows["prod-admin"][STATUS]
        assert rows["prod-admin"][SESSION] == "my-sso" and rows["prod-admin"][ACCOUNT] == "111122223333"
        assert rows["prod-admin"][ROLE] == "AdministratorAccess" and rows["prod-admin"][REGION] == "eu-west-1"
        assert rows["old-style"][STATUS] == "expired" and rows["old-style"][SESSION] == "(legacy)"
        assert rows["keys"][STATUS] == "static keys (not SSO)"
        assert rows["jump"][STATUS] == "assume role (not SSO)"
        assert rows["proc"][STATUS] == "credential process (not SSO)"
        screen = screen_of(app)
        # sign-in keys do not apply to a non-SSO profile; export and delete do
        from screens.widgets.fast_table import FastTable

        screen.query_one(FastTable).move_to("keys")
        await pilot.pause()
        assert screen.check_action("login", ()) is None
        assert screen.check_action("logout", ()) is None
        assert screen.check_action("console", ()) is None
        assert screen.check_action("export", ()) is True
        assert screen.check_action("delete", ()) is True
        details = str(screen.query_one("#profiles-details-text").render())
        assert "wJalrXUtnFEMI" not in details and "(hidden)" in details
        assert "AKIA…MPLE" in details
        screen.query_one(FastTable).move_to("prod-admin")
        await pilot.pause()
        assert screen.check_action("login", ()) is True
        assert screen.check_action("logout", ()) is True
        details = details_of(app)
        assert "Token file: ~/.aws/sso/cache/" in details
        assert token_file(home, "my-sso").name in details.replace("\n  ", "")  # folded in the narrow pane
        assert "Shares this sign-in with: dev-readonly" in details


async def test_expiring_and_refreshable_statuses(config_path, home):
    write_config(config_path, MIXED_CONFIG)
    write_token(home, "my-sso", expires_in=timedelta(minutes=9))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert status_of(app, "prod-admin") == "expiring · 8m left" or status_of(app, "prod-admin") == "expiring · 9m left"
        write_token(home, "my-sso", expires_in=timedelta(minutes=-9), refresh=True)
        await wait_for(pilot, lambda: status_of(app, "prod-admin") == "expired · refreshable", what="refreshable")


async def test_empty_config_offers_the_wizard(config_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: screen_of(app).model.loaded, what="load")
        screen = screen_of(app)
        empty = str(screen.query_one("#profiles-empty").render())
        assert "no profiles" in empty and "Press n" in empty
        assert screen.check_action("login", ()) is None
        await pilot.press("n")
        await wait_for(pilot, lambda: app.current_mode == "wizard", what="the wizard")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChecksScreen", what="its first step")


def test_the_filter_box_timer_does_nothing_once_the_screen_has_left_the_app(demo_config):
    from app.profiles.status import ProfileStatusService
    from app.services import Services
    from screens.profiles import ProfilesScreen

    screen = ProfilesScreen(Services(browser=RecordingBrowser(likely=False)), ProfileStatusService())
    screen._prepare_filter_box_early()  # the one-second timer, firing after the screen left (a quick quit)
    assert not screen.query("#profiles-filter")


async def test_escape_on_the_wizards_first_step_returns_to_the_browser(demo_config, emulator):
    """`n` opens the wizard; its first step says Escape goes back to the profiles, and it does,
    writing nothing (also after a step forward and back)."""
    before = demo_config.read_text()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChecksScreen", what="the wizard")
        checks = app.screen
        footer = {b.binding.id: b.binding.description for b in checks.active_bindings.values() if b.enabled}
        assert footer.get("wizard.leave") == "Back to profiles"
        await wait_for(pilot, lambda: not checks.running, what="checks")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PortalScreen", what="step 2")
        assert "wizard.leave" not in {b.binding.id for b in app.screen.active_bindings.values()}
        await pilot.press("escape")  # step 2: back to step 1, not out
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChecksScreen", what="step 1 again")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen_of(app), what="the browser again")
        assert app.return_value is None  # still running
        await pilot.press("n")  # and the wizard opens again
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChecksScreen", what="the wizard again")
    assert demo_config.read_text() == before


async def test_a_broken_config_shows_its_line_and_recovers(config_path):
    write_config(config_path, "[profile a]\nregion = eu-west-1\nnot ini at all\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: screen_of(app).model.loaded, what="load")
        text = str(screen_of(app).query_one("#profiles-empty").render())
        assert "cannot be read" in text and "3" in text
        write_config(config_path, MIXED_CONFIG)
        await pilot.press("r")
        await wait_for(pilot, lambda: "prod-admin" in table_rows(app), what="rows after fix")


# -- l / L ------------------------------------------------------------------------------------------


async def test_the_sign_in_dialog_shows_what_arrived_before_it_was_on_screen(demo_config):
    from screens.dialogs import LoginDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        dialog = LoginDialog("sso-session archive", on_cancel=lambda: None)
        dialog.show_notice("Waiting for the other window.")
        app.push_screen(dialog)
        await wait_for(pilot, lambda: "Waiting for the other window." in str(dialog.query_one("#login-how").render()),
                       what="the early notice")


async def test_quitting_during_a_sign_in_stops_it(demo_config, emulator):
    """A device code polls for up to ten minutes: leaving the app must not wait for it."""
    import time

    from screens.dialogs import LoginDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(top(app), LoginDialog) and top(app)._url, what="the code")
        tokens = list(screen_of(app)._logins.values())
        workers = [w for w in app.workers if w.name.startswith("login:")]
        assert tokens and workers
    started = time.monotonic()
    while any(w.is_running for w in workers) and time.monotonic() - started < 5:
        time.sleep(0.05)
    assert all(token.cancelled for token in tokens)
    assert not any(w.is_running for w in workers)


async def test_l_signs_in_with_a_device_code_without_freezing(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert status_of(app, "preservation-prod") == "signed out"
        await sign_in_with_code(pilot, emulator)
        await wait_for(pilot, lambda: status_of(app, "preservation-prod").startswith("signed in"), what="signed in")
        assert status_of(app, "shared-admin").startswith("signed in")  # same sso-session
        path = token_file(home, "archive")
        document = json.loads(path.read_text())
        assert document["startUrl"] == DEMO_START_URL and document["expiresAt"].endswith("Z")
        assert "Signed in to sso-session archive" in notes_text(app)
        # account names were learnt (ListAccounts) and are shown and cached
        await wait_for(pilot, lambda: "preservation-prod (012345678901)" in table_rows(app)["preservation-prod"][ACCOUNT],
                       what="account name")
        # the wider Account column does not make the details pane go away under the person's eyes
        await pilot.pause(0.3)
        assert screen_of(app).details_shown() == "side"


async def test_l_while_another_window_signs_in_says_so_and_takes_that_sign_in(demo_config, home, emulator):
    from app.config.model import load_aws_config
    from app.signin.login import LoginService
    from app.signin.target import SsoTarget
    from helpers.sso import OtherWindow
    from screens.dialogs import LoginDialog

    target = SsoTarget.from_session(load_aws_config(demo_config).sso_sessions["archive"])
    other = OtherWindow(LoginService().lock_path(target))
    try:
        app = make_app()
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot)
            await pilot.press("l")
            await wait_for(pilot, lambda: isinstance(top(app), LoginDialog)
                           and "already under way in another window" in str(top(app).query_one("#login-how").render()),
                           what="the notice in the sign-in dialog")
            other.finish(home, target)
            await wait_for(pilot, lambda: status_of(app, "preservation-prod").startswith("signed in"),
                           what="the other window's sign-in")
    finally:
        other.kill()
    assert emulator.calls == [] or all(c.operation != "CreateToken" for c in emulator.calls)


async def test_l_when_signed_in_says_so_and_L_renews_after_asking(demo_config, home, emulator):
    from screens.dialogs import ConfirmDialog, LoginDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await sign_in_with_code(pilot, emulator)
        await wait_for(pilot, lambda: status_of(app, "preservation-prod").startswith("signed in"), what="signed in")
        before = emulator.call_count("StartDeviceAuthorization")
        await pilot.press("l")
        await pilot.pause()
        assert "Already signed in to sso-session archive" in notes_text(app)
        assert not isinstance(top(app), LoginDialog)
        assert emulator.call_count("StartDeviceAuthorization") == before
        await pilot.press("L")
        dialog = await wait_confirm(pilot, what="the renew question")
        assert isinstance(dialog, ConfirmDialog) and "signs out at AWS" in dialog.question
        assert emulator.call_count("Logout") == 0  # nothing happens before the answer
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(top(app), LoginDialog), what="renewing login dialog")
        await wait_for(pilot, lambda: emulator.pending_user_codes(), what="code")
        assert emulator.call_count("Logout") == 1
        assert emulator.call_count("StartDeviceAuthorization") == before + 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(top(app), LoginDialog), what="cancel")


async def test_escape_cancels_a_sign_in(demo_config, home, emulator):
    from screens.dialogs import LoginDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: emulator.pending_user_codes(), what="code")
        await wait_for(pilot, lambda: isinstance(top(app), LoginDialog), what="dialog")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(top(app), LoginDialog), what="dialog closed")
        await wait_for(pilot, lambda: "cancel" in notes_text(app).lower(), what="cancel note")
        await wait_for(pilot, lambda: status_of(app, "preservation-prod") == "signed out", what="signed out")
        assert not token_file(home, "archive").exists()
        assert screen_of(app)._logins == {}


async def test_a_denied_sign_in_is_reported(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: emulator.pending_user_codes(), what="code")
        emulator.deny(emulator.pending_user_codes()[0])
        await wait_for(pilot, lambda: any(sev == "error" for sev, _ in app.notes), what="error note")
        assert not token_file(home, "archive").exists()


async def test_pkce_sign_in_opens_the_browser(demo_config, home, emulator):
    """With a browser likely, l uses the PKCE flow; a browser that follows the link completes it."""
    import threading
    import urllib.request

    class FollowingBrowser(RecordingBrowser):
        def open(self, url: str) -> bool:
            self.opened.append(url)

            def follow():
                try:
                    urllib.request.urlopen(url, timeout=10).read()
                except Exception:
                    pass

            threading.Thread(target=follow, daemon=True).start()
            return True

    emulator.auto_approve = True
    browser = FollowingBrowser(likely=True)
    app = make_app(browser=browser)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: status_of(app, "preservation-prod").startswith("signed in"), what="signed in")
        assert browser.opened and "/authorize" in browser.opened[0]
        assert token_file(home, "archive").exists()


# -- o ------------------------------------------------------------------------------------------------


async def test_o_asks_first_naming_every_sharing_profile_then_signs_out(demo_config, home, emulator):

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert screen_of(app).check_action("logout", ()) is None  # nothing to sign out of yet
        await sign_in_with_code(pilot, emulator)
        await wait_for(pilot, lambda: status_of(app, "preservation-prod").startswith("signed in"), what="signed in")
        await pilot.press("o")
        await wait_confirm(pilot, what="confirm")
        question = top(app).question
        assert "preservation-prod" in question and "shared-admin" in question and "static" not in question
        await pilot.press("n")  # not yet
        await pilot.pause()
        assert token_file(home, "archive").exists()
        await pilot.press("o")
        await wait_confirm(pilot, what="confirm again")
        await pilot.press("y")
        await wait_for(pilot, lambda: status_of(app, "shared-admin") == "signed out", what="signed out")
        assert not token_file(home, "archive").exists()
        assert emulator.call_count("Logout") == 1
        assert "Signed out of sso-session archive" in notes_text(app)


# -- w --------------------------------------------------------------------------------------------------


async def test_w_shows_account_and_arn(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await sign_in_with_code(pilot, emulator)
        await pilot.press("w")
        await wait_for(pilot, lambda: "Who am I" in notes_text(app), what="identity")
        assert "arn:aws:sts::012345678901:assumed-role/AWSReservedSSO_ReadOnly_" in notes_text(app)
        assert "Verified: arn:aws:sts::012345678901" in details_of(app)


async def test_w_is_dimmed_while_signed_out(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = screen_of(app)
        assert screen.check_action("whoami", ()) is None  # dimmed in the footer
        assert screen.check_action("login", ()) is True
        await pilot.press("w")
        await pilot.pause(0.2)
        assert not app.notes
        assert emulator.call_count("GetRoleCredentials") == 0
        await sign_in_with_code(pilot, emulator)
        await wait_for(pilot, lambda: screen.check_action("whoami", ()) is True, what="w lit once signed in")


async def test_a_sign_in_problem_names_the_apps_key_not_a_command(demo_config, home):
    from app.signin.errors import NotSignedIn

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen_of(app)._show_error(NotSignedIn("You are not signed in to sso-session archive.",
                                               hint="Sign in first: aws-sso-wizard login --sso-session archive"))
        await pilot.pause()
        assert "You are not signed in to sso-session archive. Press l to sign in." in notes_text(app)
        assert "aws-sso-wizard" not in notes_text(app)


async def test_w_after_the_session_ended_is_reported(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await sign_in_with_code(pilot, emulator)
        emulator.end_sessions()
        await pilot.press("w")
        await wait_for(pilot, lambda: any(sev == "error" for sev, _ in app.notes), what="error")
        assert "Who am I" not in notes_text(app)
        assert "Press L to sign in again." in notes_text(app) and "aws-sso-wizard login" not in notes_text(app)


async def test_w_when_throttled_is_reported(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await sign_in_with_code(pilot, emulator)
        emulator.fail_next("GetRoleCredentials", "TooManyRequestsException", count=50)
        await pilot.press("w")
        await wait_for(pilot, lambda: any(sev == "error" for sev, _ in app.notes), timeout=60, what="error")
        assert "Who am I" not in notes_text(app)


async def test_network_down_is_reported_not_fatal(demo_config, home, emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await sign_in_with_code(pilot, emulator)
        emulator.stop()
        await pilot.press("w")
        await wait_for(pilot, lambda: any(sev == "error" for sev, _ in app.notes), timeout=60, what="error")
        await pilot.press("l")  # still signed in locally: says so
        await pilot.pause()
        assert app.is_running


# -- e / c -----------------------------------------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch):
    """The terminal the app believes it runs in: ``terminal({"TERM": "linux"})``."""
    from screens.dialogs.clipboard import copy_problem

    def use(env: dict[str, str]) -> None:
        for name in ("TMUX", "STY", "TERM_PROGRAM", "KITTY_WINDOW_ID", "WEZTERM_PANE", "ALACRITTY_WINDOW_ID",
                     "WT_SESSION", "GHOSTTY_RESOURCES_DIR", "VTE_VERSION"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        copy_problem.cache_clear()

    yield use
    copy_problem.cache_clear()


async def test_e_copies_the_export_line(demo_config, terminal):
    terminal({"TERM": "xterm-kitty"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("down")
        await pilot.press("e")
        await pilot.pause()
        assert app.clipboard == "export AWS_PROFILE=shared-admin"
        assert "Copied to the clipboard:\nexport AWS_PROFILE=shared-admin" in notes_text(app)


async def test_e_where_copies_cannot_reach_the_clipboard_shows_the_line(demo_config, terminal):
    from screens.dialogs.clipboard import CopyDialog

    terminal({"TERM": "linux"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(top(app), CopyDialog), what="the line to copy")
        dialog = top(app)
        assert str(dialog.query_one("#copy-text").render()) == "export AWS_PROFILE=preservation-prod"
        assert "could not be copied here (the Linux console has no clipboard)" in dialog.note
        assert "Copied" not in notes_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: top(app) is screen_of(app), what="closed")


async def test_c_opens_the_portal_console_link(demo_config):
    browser = RecordingBrowser(likely=True)
    app = make_app(browser=browser)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: browser.opened, what="browser")
        assert browser.opened == [f"{DEMO_START_URL}/#/console?account_id=012345678901&role_name=ReadOnly"]


async def test_c_without_a_browser_shows_the_link_in_a_dialog_that_stays(demo_config, terminal):
    from screens.dialogs.clipboard import CopyDialog

    terminal({"TERM": "xterm-kitty"})
    link = f"{DEMO_START_URL}/#/console?account_id=012345678901&role_name=ReadOnly"
    app = make_app(browser=RecordingBrowser(likely=False))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(top(app), CopyDialog), what="the link")
        assert app.clipboard == link
        await pilot.pause(0.5)
        dialog = top(app)
        assert isinstance(dialog, CopyDialog)  # it stays until closed
        assert str(dialog.query_one("#copy-text").render()) == link
        assert dialog.lead.startswith("No browser here.") and "was copied to the clipboard" in dialog.note


# -- x / d -----------------------------------------------------------------------------------------------


async def test_x_shows_the_diff_and_deletes_with_a_backup(demo_config):

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("down", "x")
        await wait_confirm(pilot, what="review")
        diff = top(app).diff
        assert "-[profile shared-admin]" in diff
        await pilot.press("escape")
        await pilot.pause()
        assert "[profile shared-admin]" in demo_config.read_text()
        await pilot.press("x")
        await wait_confirm(pilot, what="review again")
        await pilot.press("y")
        await wait_for(pilot, lambda: "shared-admin" not in table_rows(app), what="row gone")
        assert "[profile shared-admin]" not in demo_config.read_text()
        assert "[profile preservation-prod]" in demo_config.read_text()
        backups = [p for p in demo_config.parent.iterdir() if p.name.startswith("config.bak")]
        assert backups and "[profile shared-admin]" in backups[0].read_text()
        assert "Backup:" in notes_text(app)


async def test_the_change_preview_of_a_static_keys_profile_hides_its_secret(config_path):
    from screens.dialogs import ConfirmDialog
    from screens.widgets.fast_table import FastTable

    write_config(config_path, MIXED_CONFIG)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        for key in ("x", "d"):
            screen_of(app).query_one(FastTable).move_to("keys")
            await pilot.pause()
            await pilot.press(key)
            await wait_confirm(pilot, what="the change preview")
            await pilot.pause()
            shown = str(top(app).query_one(".diff-body").render())
            assert "aws_secret_access_key = •••••••• (hidden)" in shown
            assert "wJalrXUtnFEMI" not in shown and "AKIAIOSFODNN7EXAMPLE" in shown
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(top(app), ConfirmDialog), what="closed")
    assert "wJalrXUtnFEMI" in config_path.read_text()  # the file itself keeps every byte


async def test_d_makes_the_profile_the_default(demo_config):

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("d")
        await wait_confirm(pilot, what="review")
        assert "+[default]" in top(app).diff
        await pilot.press("y")
        await wait_for(pilot, lambda: "default" in table_rows(app), what="default row")
        assert "[default]" in demo_config.read_text()
        from app.config.model import load_aws_config

        default = load_aws_config(demo_config).profiles["default"]
        assert default.account_id == "012345678901" and default.role_name == "ReadOnly"


# -- filter, sort -----------------------------------------------------------------------------------


async def test_slash_filters_as_you_type_and_escape_clears(config_path):
    from helpers.profile_fixtures import many_profiles_config

    write_config(config_path, many_profiles_config(200))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert len(table_rows(app)) == 200
        await pilot.press("slash")
        await pilot.press(*"billing")
        assert len(table_rows(app)) == 50
        await pilot.press("space", *"team0003")
        assert list(table_rows(app)) == ["team0003-billing-00015"]
        await pilot.press("enter")  # keeps the filter, back to the table
        assert len(table_rows(app)) == 1
        await pilot.press("escape")
        assert len(table_rows(app)) == 200
        await pilot.press("slash", *"ap-southeast")
        assert len(table_rows(app)) == 50
        await pilot.press("slash", *"zzz-nothing")
        status = str(screen_of(app).query_one("#profiles-status").render())
        assert "0 match" in status


async def test_filter_takes_abbreviations_and_ranks_prefixes_first(demo_config):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"presprod")
        assert list(table_rows(app)) == ["preservation-prod"]
        await pilot.press(*["backspace"] * 8, *"admin")
        assert list(table_rows(app)) == ["shared-admin"]  # its role is Administrator
        await pilot.press(*["backspace"] * 5, *"eu west")
        assert list(table_rows(app)) == ["preservation-prod", "shared-admin"]
        await pilot.press(*["backspace"] * 7, "s")  # every row has an s; names starting with s first
        assert list(table_rows(app)) == ["shared-admin", "static", "preservation-prod"]


async def test_sorting_by_column(config_path):
    write_config(config_path, MIXED_CONFIG)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("s")  # by name
        names = list(table_rows(app))
        assert names == sorted(names, key=str.lower)
        await pilot.press("S")
        assert list(table_rows(app)) == sorted(names, key=str.lower, reverse=True)
        await pilot.press("s", "s", "s")  # status, account, role
        roles = [cells[ROLE] for cells in table_rows(app).values()]
        assert roles == sorted(roles, key=str.lower)
        await pilot.click("#profiles-table", offset=(3, 0))  # the header: sort by name
        await pilot.pause()
        assert list(table_rows(app)) == sorted(names, key=str.lower)
        # by status, ties by name, and the same order after the file is read again
        await pilot.press("s")
        by_status = list(table_rows(app))
        non_sso = [name for name in by_status if table_rows(app)[name][STATUS].endswith("(not SSO)")]
        assert non_sso == sorted(non_sso, key=str.lower) and len(non_sso) == 4
        write_config(config_path, MIXED_CONFIG + "\n# touched\n")
        await pilot.press("r")
        await pilot.pause(0.5)
        assert list(table_rows(app)) == by_status


# -- changes by other programs -------------------------------------------------------------------


def _other_process(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


async def test_changes_by_other_programs_show_up(config_path, home):
    write_config(config_path, MIXED_CONFIG)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert status_of(app, "prod-admin") == "signed out"
        # `aws sso login` in another terminal: a token file appears
        token = token_file(home, "my-sso")
        body = json.dumps({
            "startUrl": "https://my-org.awsapps.com/start", "region": "us-east-1",
            "accessToken": "aoa-other-process", "expiresAt": "2099-01-01T00:00:00Z",
        })
        _other_process(
            f"import os; p={str(token)!r}; os.makedirs(os.path.dirname(p), exist_ok=True); open(p,'w').write({body!r})"
        )
        await wait_for(pilot, lambda: status_of(app, "prod-admin").startswith("signed in"), timeout=5, what="login seen")
        # `aws sso logout` elsewhere: the file goes away
        _other_process(f"import os; os.remove({str(token)!r})")
        await wait_for(pilot, lambda: status_of(app, "dev-readonly") == "signed out", timeout=5, what="logout seen")
        # an editor adds a profile
        _other_process(
            f"open({str(config_path)!r}, 'a').write('\\n[profile from-editor]\\nregion = eu-north-1\\n')"
        )
        await wait_for(pilot, lambda: "from-editor" in table_rows(app), timeout=5, what="new profile seen")


async def test_time_left_counts_down(config_path, home):
    write_config(config_path, MIXED_CONFIG)
    write_token(home, "my-sso", expires_in=timedelta(seconds=4))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        first = status_of(app, "prod-admin")
        assert first.startswith("expiring · ") and first.endswith("s left")
        await wait_for(pilot, lambda: status_of(app, "prod-admin") != first, timeout=3, what="a second less")
        await wait_for(pilot, lambda: status_of(app, "prod-admin") == "expired", timeout=8, what="expired")


async def test_help_lists_the_keys(demo_config):
    from screens.dialogs import ProfilesHelp
    from screens.dialogs.help import HELP_CLOSES

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(top(app), ProfilesHelp), what="help")
        from rich.console import Console
        from textual.widgets import Static

        console = Console(width=100, record=True, file=open("/dev/null", "w"))
        console.print(top(app).query_one(".dialog-body Static", Static).content)
        shown = console.export_text()
        assert "Make it the [default] profile" in shown  # text, not markup
        keys = set()
        for line in shown.splitlines():
            part = line.split("  ")[0].strip()  # the key column ("s / S", "i / Enter", "/")
            keys.add(part)
            keys.update(part.replace(" / ", " ").split())
        for binding in screen_of(app).BINDINGS:  # every key of the browser is explained
            key = {"slash": "/", "question_mark": "?", "escape": "Escape", "enter": "Enter"}.get(binding.key, binding.key)
            assert key in keys, binding.key
        assert str(top(app).query_one("#profiles-help-closes", Static).render()) == HELP_CLOSES  # below the scroll
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(top(app), ProfilesHelp), what="help closed")


async def test_a_second_start_shows_the_rows_kept_from_the_last_run(config_path, home):
    """The first frame of an unchanged config comes from the row cache; the real read follows and
    takes over, and sign-in keys wait for it."""
    from app.profiles import status as ps

    write_config(config_path, MIXED_CONFIG)
    write_token(home, "my-sso", expires_in=timedelta(hours=3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: ps.row_cache_path().exists(), what="the row cache")
    app = make_app()
    seen = {}

    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        seen["provisional"] = screen.model.provisional
        seen["rows"] = list(table_rows(app))
        from screens.widgets.fast_table import FastTable

        screen.query_one(FastTable).move_to("prod-admin")
        seen["login"] = screen.check_action("login", ())
        await loaded(pilot)
        assert screen.model.provisional is False
        assert status_of(app, "prod-admin").startswith("signed in")
        assert screen.check_action("login", ()) is True
    assert seen["provisional"] is True
    assert seen["rows"] == ["default", "prod-admin", "dev-readonly", "old-style", "keys", "jump", "proc"]
    assert seen["login"] is None


@pytest.mark.parametrize(
    ("width", "shown", "cut"),
    [
        (80, None, True),  # every column, some cut; details on request, instead of the table
        (100, None, False),  # the table needs the room: no details beside it
        (120, None, False),
        (160, "side", False),  # room for both
    ],
)
async def test_the_table_comes_first_and_details_fit_around_it(demo_config, width, shown, cut):
    """Issue 5's table at common widths: Profile and Status always whole, every column on screen
    (the less important ones cut first when needed), the details pane only where it fits or on i."""
    from screens.widgets.fast_table import FastTable

    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await loaded(pilot)
        screen = screen_of(app)
        table = screen.query_one(FastTable)
        await pilot.pause()
        assert screen.details_shown() == shown
        assert table.region.right <= width and table.virtual_size.width <= table.scrollable_content_region.width
        assert table.widths[:2] == table.natural_widths[:2]  # name and status never cut
        assert (table.widths != table.natural_widths) == cut
        row = table.rows[0].cells
        assert row[0] == "preservation-prod"
        await pilot.press("i")  # i toggles the details: beside the table when it keeps a useful width
        await pilot.pause()
        assert screen.details_shown() == (None if shown else ("full" if width <= 100 else "side"))
        if screen.details_shown():
            assert "preservation-prod" in details_of(app)
        await pilot.press("i")
        await pilot.pause()
        assert screen.details_shown() == shown


async def test_enter_shows_the_details_on_a_narrow_terminal_and_enter_or_escape_goes_back(demo_config):
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await loaded(pilot)
        screen = screen_of(app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.details_shown() == "full"
        assert screen.query_one("#profiles-details").region.width == 80
        details = details_of(app)
        assert "sso_start_url = https://" in details  # 80 columns: key and value on one line
        await pilot.press("escape")
        await pilot.pause()
        assert screen.details_shown() is None
        assert screen.query_one("#profiles-table").region.width == 80
        await pilot.press("enter")
        await pilot.pause()
        assert screen.details_shown() == "full"
        await pilot.press("enter")  # Enter again: back to the list, where Enter opens them again
        await pilot.pause()
        assert screen.details_shown() is None and screen.query_one("#profiles-table").has_focus


async def test_long_values_wrap_under_their_label_in_the_pane(demo_config, home):
    from helpers.profile_fixtures import write_token

    write_token(home, "archive", expires_in=timedelta(hours=1), start_url=DEMO_START_URL, region=DEMO_REGION)
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await loaded(pilot)
        raw = str(screen_of(app).query_one("#profiles-details-text").render())
        lines = raw.splitlines()
        width = screen_of(app).query_one("#profiles-details").scrollable_content_region.width
        assert max(len(line) for line in lines) <= width
        assert "Token file:" in lines and "  ~/.aws/sso/cache/" in lines  # broken after a slash
        assert token_file(home, "archive").name in raw.replace("\n  ", "")  # longer than a line: folded
        assert "region = eu-west-2" in lines  # short pairs stay on one line


async def test_deleting_keeps_the_cursor_in_place(demo_config):
    from screens.widgets.fast_table import FastTable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("down")  # shared-admin, the second row
        await pilot.press("x")
        await wait_confirm(pilot, what="review")
        await pilot.press("y")
        await wait_for(pilot, lambda: "shared-admin" not in table_rows(app), what="row gone")
        assert screen_of(app).query_one(FastTable).cursor_key == "static"


def test_the_help_is_built_from_the_bindings_and_their_ids_follow_one_scheme():
    from textual.binding import Binding

    from screens.dialogs.help import key_rows
    from screens.profiles import ProfilesScreen

    bindings = [b for b in ProfilesScreen.BINDINGS if isinstance(b, Binding)]
    assert all(b.id and b.id.startswith("profiles.") and b.id == b.id.lower() and "_" not in b.id for b in bindings)
    rows = key_rows(bindings)
    assert [what for _, what in rows] == [b.tooltip for b in bindings if b.tooltip]
    assert ("/", bindings[0].tooltip) == rows[0]


# -- quitting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_dialog", [False, True], ids=["table", "question-open"])
async def test_ctrl_c_quits_at_once_with_exit_code_130(demo_config, with_dialog):
    original = demo_config.read_text()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        if with_dialog:
            await pilot.press("x")
            await wait_confirm(pilot)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, what="exit")
    assert app.return_code == 130
    assert app.exit_note == "Cancelled: nothing was written to ~/.aws/config."
    assert not any("ctrl+q" in text for _, text in app.notes)
    assert demo_config.read_text() == original


async def test_ctrl_q_quits_the_browser_normally(demo_config):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, what="exit")
    assert app.return_code == 0
