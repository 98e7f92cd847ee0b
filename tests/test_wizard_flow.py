"""The wizard end to end through Pilot, with the real services against the in-process emulator:
real token cache, real config writer, real botocore on the wire."""

from __future__ import annotations

import pytest

from app import paths
from app.emulator import DEMO_REGION, DEMO_START_URL
from helpers.wizard_app import (
    SIZE,
    FollowingBrowser,
    make_app,
    make_services,
    screen_text,
    wait_for,
    wait_screen,
)

PROFILE = "preservation-prod-ReadOnly"

EXPECTED_CONFIG = f"""[profile {PROFILE}]
sso_session = demo-archive
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = {DEMO_REGION}
output = json

[sso-session demo-archive]
sso_start_url = {DEMO_START_URL}
sso_region = {DEMO_REGION}
sso_registration_scopes = sso:account:access
"""


# -- steps -----------------------------------------------------------------------------------


async def pass_checks(pilot):
    screen = await wait_screen(pilot, "ChecksScreen")
    await wait_for(pilot, lambda: not screen.running, what="checks")
    assert not screen.blocking
    await pilot.press("enter")


async def fill_portal(pilot, url: str = DEMO_START_URL, region: str = DEMO_REGION, *, type_it: bool = False):
    """Enter the start URL and pick the region (typed key by key with ``type_it``; Pilot waits for
    the app to go idle after every key, so typing is slow and used only where it matters)."""
    screen = await wait_screen(pilot, "PortalScreen")
    await wait_for(pilot, lambda: screen.loaded, what="portal loaded")
    from textual.widgets import Input

    url_input = screen.query_one("#start-url", Input)
    url_input.value = ""
    url_input.focus()
    if type_it:
        await pilot.press(*url)
    else:
        url_input.value = url
    await pilot.pause()
    assert screen.query_one("#session-name", Input).value == "demo-archive"  # suggested from the URL
    regions = screen.query_one(".region-list")
    regions.filter_input.focus()
    if type_it:
        await pilot.press(*region)
    else:
        regions.set_filter(region)
    await wait_for(pilot, lambda: regions.highlighted == region, what="region filtered")
    await pilot.press("enter")
    return screen


async def approve_device_code(pilot, emulator):
    screen = await wait_screen(pilot, "SignInScreen")
    await wait_for(pilot, lambda: screen.prompt is not None, what="device code shown")
    code = screen.prompt.user_code
    assert code and code.replace("-", "").isalnum()
    text = screen_text(screen)
    assert " ".join(code) in text  # the code, large and spaced out
    assert screen.prompt.url in text
    emulator.approve(code)
    return screen


async def pick_from_list(pilot, screen_name: str, typed: str, expected_count: str | None = None, *,
                         type_it: bool = False):
    screen = await wait_screen(pilot, screen_name)
    await wait_for(pilot, lambda: not screen.is_loading and screen.query_one(".picker-list").display,
                   what=f"{screen_name} list")
    filter_list = screen.query_one(".picker-list")
    if type_it:
        await pilot.press(*typed)
    else:
        filter_list.filter_input.value = typed  # the same Input.Changed path as typing
    await wait_for(pilot, lambda: filter_list.highlighted is not None and len(filter_list.visible_items) >= 1,
                   what="filtered")
    await pilot.pause(0.15)
    if expected_count:
        assert expected_count in screen_text(screen)
    chosen = filter_list.highlighted
    await pilot.press("enter")
    return screen, chosen


async def accept_profile(pilot):
    screen = await wait_screen(pilot, "ProfileScreen")
    await wait_for(pilot, lambda: screen.loaded is not None, what="profile defaults")
    await pilot.pause()
    await pilot.press("enter")
    return screen


async def write_review(pilot):
    screen = await wait_screen(pilot, "ReviewScreen")
    await wait_for(pilot, lambda: screen.plan is not None and screen.keys_armed, what="plan")
    diff = screen.plan.diff
    await pilot.press("enter")
    return screen, diff


async def to_accounts(pilot, emulator, *, device=True):
    await fill_portal(pilot)
    if device:
        await approve_device_code(pilot, emulator)


# -- the happy paths -------------------------------------------------------------------------


async def test_happy_path_with_a_device_code(emulator, config_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pass_checks(pilot)
        await fill_portal(pilot, type_it=True)
        await approve_device_code(pilot, emulator)
        accounts, account = await pick_from_list(pilot, "AccountScreen", "012345678901", "1 of 12 accounts",
                                                 type_it=True)
        assert account.account_name == "preservation-prod"
        roles, role = await pick_from_list(pilot, "RoleScreen", "read", "1 of 3 roles")
        assert role == "ReadOnly"
        await accept_profile(pilot)
        review, diff = await write_review(pilot)
        assert f"+[profile {PROFILE}]" in diff
        done = await wait_screen(pilot, "DoneScreen")
        assert f"export AWS_PROFILE={PROFILE}" in screen_text(done)
        await pilot.press("v")
        await wait_for(pilot, lambda: app.state.identity is not None, what="who am I")
        assert app.state.identity.account == "012345678901"
        assert "AWSReservedSSO_ReadOnly_" in app.state.identity.arn
        assert "012345678901" in screen_text(done)
        await pilot.press("c")
        assert app.clipboard == f"export AWS_PROFILE={PROFILE}"
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_value == "quit", what="exit")
    assert config_path.read_text() == EXPECTED_CONFIG
    settings = paths.settings_path().read_text()
    assert f'start_url = "{DEMO_START_URL}"' in settings
    assert 'login_method = "device"' in settings
    assert app.state.written_names == [PROFILE]


async def test_the_demo_suggests_a_first_command_that_works_in_the_demo(emulator_factory, config_path, cli_env,
                                                                         tmp_path):
    """The demo's pretend AWS has no S3: the "Try it" line is one it answers, and it does."""
    import shlex
    import subprocess

    from app.services import DemoInfo, Services
    from app.settings import Settings

    emulator = emulator_factory(auto_approve=True)
    env_file = tmp_path / "env.sh"
    env_file.write_text("")
    services = Services(settings=Settings.load(), browser=FollowingBrowser(),
                        demo=DemoInfo(sandbox=tmp_path, base_url=emulator.base_url, env_file=env_file))
    from app.tui import WizardApp

    app = WizardApp(services, first_step="portal", typeahead_grace=0)
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        await write_review(pilot)
        done = await wait_screen(pilot, "DoneScreen")
        text = screen_text(done)
        await pilot.press("ctrl+q")
    try_it = next(line for line in text.splitlines() if line.startswith("Try it")).removeprefix("Try it").strip()
    assert try_it == f"aws sts get-caller-identity --profile {PROFILE}"
    assert "s3" not in text
    assert str(env_file) in text
    proc = subprocess.run(shlex.split(try_it), env=cli_env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert '"Account": "012345678901"' in proc.stdout


async def test_the_review_shows_the_change_in_words_and_lines_and_the_raw_diff_on_d(emulator_factory):
    from screens.widgets.diff_view import DiffView

    emulator_factory(auto_approve=True)
    app = make_app(first_step="portal", browser=FollowingBrowser())
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        review = await wait_screen(pilot, "ReviewScreen")
        await wait_for(pilot, lambda: review.plan is not None, what="plan")
        await pilot.pause()
        view = review.query_one(DiffView)
        assert view.summary == "adds 1 profile and 1 sign-in portal"
        assert "This change adds 1 profile and 1 sign-in portal" in str(view.border_title)
        assert f"+ [profile {PROFILE}]" in view.shown_text
        assert "@@" not in view.shown_text
        await pilot.press("d")
        assert "@@ -0,0 +1,11 @@" in view.shown_text
        await pilot.press("d")
        assert "@@" not in view.shown_text
        await pilot.press("ctrl+q")


async def test_happy_path_with_the_browser(emulator_factory, config_path):
    emulator = emulator_factory(auto_approve=True)
    browser = FollowingBrowser()
    app = make_app(browser=browser, first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "shared")
        await pick_from_list(pilot, "RoleScreen", "admin")
        await accept_profile(pilot)
        await write_review(pilot)
        await wait_screen(pilot, "DoneScreen")
    assert len(browser.opened) == 1 and "/authorize" in browser.opened[0]
    assert emulator.call_count("CreateToken") == 1
    text = config_path.read_text()
    assert "[profile shared-services-Administrator]\nsso_session = demo-archive\nsso_account_id = 210987654321\n" in text


# -- going back --------------------------------------------------------------------------------


async def test_back_from_every_step_keeps_the_answers(emulator, config_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pass_checks(pilot)
        await fill_portal(pilot)
        await approve_device_code(pilot, emulator)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        await wait_screen(pilot, "ReviewScreen")
        seen = []
        for expected in ("ProfileScreen", "RoleScreen", "AccountScreen", "PortalScreen", "ChecksScreen"):
            await pilot.press("escape")
            screen = await wait_screen(pilot, expected)
            seen.append(type(screen).__name__)
        assert seen == ["ProfileScreen", "RoleScreen", "AccountScreen", "PortalScreen", "ChecksScreen"]
        # Escape on the first step stays there.
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "ChecksScreen"
        # Forward again: everything is remembered, and the sign-in is not asked again.
        await pass_checks(pilot)
        portal = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: portal.loaded)
        assert portal.query_one("#start-url").value == DEMO_START_URL
        await pilot.press("enter")
        accounts = await wait_screen(pilot, "AccountScreen")
        await wait_for(pilot, lambda: accounts.query_one(".picker-list").display)
        assert accounts.query_one(".picker-list").highlighted.account_name == "preservation-prod"
        await pilot.press("enter")
        roles = await wait_screen(pilot, "RoleScreen")
        await wait_for(pilot, lambda: roles.query_one(".picker-list").display)
        assert roles.query_one(".picker-list").highlighted == "ReadOnly"
        await pilot.press("enter")
        await accept_profile(pilot)
        await write_review(pilot)
        await wait_screen(pilot, "DoneScreen")
    assert config_path.read_text() == EXPECTED_CONFIG
    assert emulator.call_count("ListAccounts") == 1  # the list was kept, not fetched again


async def test_a_single_account_is_chosen_with_a_note(emulator_factory, config_path):
    emulator_factory(accounts=1, auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await fill_portal(pilot)
        roles = await wait_screen(pilot, "RoleScreen")
        assert "the only account available to you" in screen_text(roles)
        assert any("the only AWS account" in n.message for n in app._notifications)
        # Back skips the automatic account step (and the sign-in) and lands on the portal.
        await pilot.press("escape")
        await wait_screen(pilot, "PortalScreen")


# -- lists -----------------------------------------------------------------------------------------


async def test_the_role_list_offers_read_only_first_and_marks_administrator_roles(emulator_factory):
    """preservation-dev has Administrator, Billing, PowerUser and ReadOnly: Enter takes ReadOnly."""
    emulator_factory(auto_approve=True)
    app = make_app(first_step="portal", browser=FollowingBrowser())
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-dev")
        roles = await wait_screen(pilot, "RoleScreen")
        filter_list = roles.query_one(".picker-list")
        await wait_for(pilot, lambda: filter_list.display and not roles.is_loading, what="the roles")
        assert filter_list.visible_items == ["ReadOnly", "Billing", "Administrator", "PowerUser"]
        text = screen_text(roles)
        assert "Your IT team can tell you which one to use" in text
        options = roles.query_one(".filter-options")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0].startswith("ReadOnly") and "read-only" in labels[0]
        assert [label.split()[0] for label in labels if "administrator-like" in label] == ["Administrator",
                                                                                          "PowerUser"]
        await pilot.press("enter")
        await wait_screen(pilot, "ProfileScreen")
        await pilot.press("ctrl+q")
    assert app.state.role == "ReadOnly"


async def test_filtering_1200_accounts_by_name_id_and_email(emulator_factory):
    emulator = emulator_factory(accounts=1200, auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "AccountScreen")
        filter_list = screen.query_one(".picker-list")
        await wait_for(pilot, lambda: filter_list.display, what="accounts")
        assert "1,200 accounts" in screen_text(screen)
        assert emulator.call_count("ListAccounts") == 12  # 100 per page
        accounts = filter_list.items
        names = [a.account_name or a.email or a.account_id for a in accounts]
        assert names == sorted(names, key=str.lower)  # the CLI's order
        target = accounts[777]
        for typed in (target.account_id, target.account_name, target.email.split("@")[0]):
            filter_list.filter_input.value = typed
            await wait_for(pilot, lambda: target in filter_list.visible_items and len(filter_list.visible_items) <= 5,
                           what=f"filter {typed}")
        filter_list.filter_input.value = "zz-no-such"
        await pilot.press(*"-account")  # typed: debounced with this many accounts
        await wait_for(pilot, lambda: not filter_list.visible_items)
        await pilot.pause(0.1)
        assert "No accounts match" in screen_text(screen)
        await pilot.press("enter")  # nothing to choose: stays
        assert type(app.screen).__name__ == "AccountScreen"


async def test_account_filter_takes_abbreviations_and_words_in_any_order(emulator_factory):
    emulator_factory(auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "AccountScreen")
        filter_list = screen.query_one(".picker-list")
        await wait_for(pilot, lambda: filter_list.display, what="accounts")
        filter_list.filter_input.focus()
        for typed in ("presprod", "prod pres", "PRES PROD"):
            filter_list.filter_input.value = ""
            await pilot.press(*["space" if c == " " else c for c in typed])
            await pilot.pause()
            shown = [a.account_name for a in filter_list.visible_items]
            assert shown == ["preservation-prod"], (typed, shown)
            assert "1 of 12 accounts" in screen_text(screen)
        filter_list.filter_input.value = "prod"  # three end in -prod: the CLI's order among them
        await pilot.pause()
        assert [a.account_name for a in filter_list.visible_items] == [
            "catalogue-prod", "digitisation-prod", "preservation-prod"]
        await pilot.press("enter")
        await wait_screen(pilot, "RoleScreen")
        assert app.state.account.account_name == "catalogue-prod"


async def test_throttled_listing_is_retried(emulator_factory):
    emulator = emulator_factory(auto_approve=True)
    emulator.fail_next("ListAccounts", "TooManyRequestsException", count=3)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "AccountScreen")
        await wait_for(pilot, lambda: screen.query_one(".picker-list").display, timeout=30, what="accounts")
        assert "12 accounts" in screen_text(screen)
    assert sum(1 for e in emulator.errors if e.code == "TooManyRequestsException") == 3


async def test_ended_session_while_listing_offers_to_sign_in_again(emulator_factory):
    emulator = emulator_factory(auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        accounts = await wait_screen(pilot, "AccountScreen")
        await wait_for(pilot, lambda: accounts.query_one(".picker-list").display)
        accounts.query_one(".picker-list").filter_input.value = "preservation-prod"
        await pilot.pause(0.1)
        await pilot.press("enter")
        await wait_screen(pilot, "RoleScreen")
        await pilot.press("escape")
        await wait_screen(pilot, "AccountScreen")
        emulator.end_sessions()  # the Identity Center session ends: the cached token is refused
        await pilot.press("f5")
        accounts = app.screen
        await wait_for(pilot, lambda: accounts.error is not None, what="error shown")
        assert "sign in again" in screen_text(accounts).lower()
        tokens = emulator.call_count("CreateToken")
        await pilot.press("enter")  # sign in again (the emulator approves at once), then the list again
        await wait_for(pilot, lambda: app.screen is not accounts and type(app.screen).__name__ == "AccountScreen"
                       and app.screen.query_one(".picker-list").display, timeout=20, what="accounts again")
        assert emulator.call_count("CreateToken") == tokens + 1
        assert not app.state.force_login


# -- sign-in problems ------------------------------------------------------------------------


async def test_denied_sign_in_can_be_tried_again(emulator):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: screen.prompt is not None)
        emulator.deny(screen.prompt.user_code)
        await wait_for(pilot, lambda: screen.failed is not None, what="denied")
        assert "did not finish" in screen_text(screen)
        assert type(screen.failed).__name__ == "LoginDenied"
        await pilot.press("enter")  # try again: a new code
        await wait_for(pilot, lambda: screen.prompt is not None and screen.failed is None, what="new code")
        emulator.approve(screen.prompt.user_code)
        await wait_screen(pilot, "AccountScreen")


async def test_expired_code_can_be_tried_again(emulator_factory):
    emulator = emulator_factory(device_code_ttl=600)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: screen.prompt is not None)
        emulator.advance(601)  # the code's ten minutes pass
        await wait_for(pilot, lambda: screen.failed is not None, timeout=20, what="expired")
        assert type(screen.failed).__name__ == "LoginExpired"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.prompt is not None and screen.failed is None)
        emulator.approve(screen.prompt.user_code)
        await wait_screen(pilot, "AccountScreen")


async def test_cancel_during_sign_in_goes_back_and_stops_the_flow(emulator):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: screen.prompt is not None)
        code = screen.prompt.user_code
        await pilot.press("escape")
        await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: not [w for w in app.workers if w.group == "login" and w.is_running],
                       what="login worker stopped")
        polls = emulator.call_count("CreateToken")
        await pilot.pause(2.5)
        assert emulator.call_count("CreateToken") == polls  # nobody polls for the abandoned code
        emulator.approve(code)  # approving the old code later signs nobody in
        status = app.services.login.status(app.state.target())
        assert status.state.value == "signed-out"
        # Continue again, switching to the browser on the way: m toggles the method.
        await pilot.press("enter")
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: screen.prompt is not None)
        assert screen.method == "device"
        new_code = screen.prompt.user_code
        assert new_code != code
        emulator.approve(new_code)
        await wait_screen(pilot, "AccountScreen")


async def test_switching_to_the_browser_and_copying_the_link(emulator_factory):
    emulator = emulator_factory(auto_approve=False)
    browser = FollowingBrowser()
    app = make_app(browser=browser, first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: screen.prompt is not None)
        assert screen.method == "pkce"
        await pilot.press("c")
        assert app.clipboard == screen.prompt.url
        await pilot.press("m")
        await wait_for(pilot, lambda: screen.prompt is not None and screen.prompt.method == "device")
        emulator.approve(screen.prompt.user_code)
        await wait_screen(pilot, "AccountScreen")


# -- names, quitting ---------------------------------------------------------------------------------


EXISTING = """# my profiles
[profile preservation-prod-ReadOnly]
sso_session = demo-archive
sso_account_id = 334455667788
sso_role_name = ReadOnly
region = us-east-1
[sso-session demo-archive]
sso_start_url = {url}
sso_region = {region}
sso_registration_scopes = sso:account:access
"""


@pytest.mark.parametrize("replace", [False, True])
async def test_name_conflict_asks_with_the_diff(emulator_factory, config_path, replace):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    config_path.write_text(EXISTING.format(url=DEMO_START_URL, region=DEMO_REGION))
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        portal = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: portal.loaded)
        assert portal.query_one(".session-list").display  # the existing portal is offered
        await pilot.press("enter")
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        profile = await wait_screen(pilot, "ProfileScreen")
        await wait_for(pilot, lambda: profile.loaded is not None)
        await pilot.pause()
        assert "already exists" in screen_text(profile)
        await pilot.press("enter")
        dialog = await wait_screen(pilot, "ConfirmDialog")
        await wait_for(pilot, lambda: dialog.keys_armed, what="the question readable")
        assert "-sso_account_id = 334455667788" in dialog.diff
        assert "+sso_account_id = 012345678901" in dialog.diff
        await pilot.press("y" if replace else "n")
        if replace:
            review, diff = await write_review(pilot)
        else:
            await wait_screen(pilot, "ProfileScreen")
            await pilot.pause()
            assert profile.query_one("#profile-name").value == "preservation-prod-ReadOnly-2"
            await pilot.press("enter")
            review, diff = await write_review(pilot)
        await wait_screen(pilot, "DoneScreen")
    text = config_path.read_text()
    assert text.startswith("# my profiles\n")
    if replace:
        assert "334455667788" not in text
        assert text.count("[profile ") == 1
    else:
        assert "[profile preservation-prod-ReadOnly-2]" in text and "334455667788" in text
    assert text.count("[sso-session demo-archive]") == 1


async def test_the_same_profile_again_is_not_offered_as_a_replacement(emulator_factory, config_path):
    """The profile already exists with exactly these settings: no "Replace it?", a note, and on."""
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    before = EXPECTED_CONFIG
    config_path.write_text(before)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        portal = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: portal.loaded)
        await pilot.press("enter")
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        profile = await accept_profile(pilot)
        review = await wait_screen(pilot, "ReviewScreen")
        assert not profile.query("ConfirmDialog") and not app.query("ConfirmDialog")
        assert any("already exists with exactly these settings" in n.message for n in app._notifications)
        await wait_for(pilot, lambda: review.plan is not None and review.keys_armed, what="plan")
        assert not review.plan.changed
        await pilot.press("enter")
        await wait_screen(pilot, "DoneScreen")
    assert config_path.read_text() == before


async def test_a_typed_space_becomes_a_dash_and_brackets_say_why(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        profile = await wait_screen(pilot, "ProfileScreen")
        await wait_for(pilot, lambda: profile.loaded is not None, what="profile defaults")
        name = profile.query_one("#profile-name")
        name.value = ""
        await pilot.press(*"my prof", "[")
        await pilot.pause()
        assert name.value == "my-prof"
        assert "[ and ] cannot be part of a profile name" in screen_text(profile)
        await pilot.press("x")
        await pilot.pause()
        assert "A good name." in screen_text(profile)
        await pilot.press("enter")
        await write_review(pilot)
        await wait_screen(pilot, "DoneScreen")
    assert "[profile my-profx]" in config_path.read_text()


async def test_ctrl_q_mid_flow_leaves_the_config_untouched(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    original = "[default]\nregion = eu-west-1\n# keep me exactly\n"
    config_path.write_text(original)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await wait_screen(pilot, "ProfileScreen")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, what="exit")
    assert config_path.read_text() == original
    assert sorted(p.name for p in config_path.parent.iterdir() if not p.name.startswith("sso")) == ["config"]
    assert not paths.settings_path().exists()  # nothing remembered either


async def test_add_another_profile_reuses_the_sign_in(emulator_factory, config_path):
    emulator = emulator_factory(auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        await write_review(pilot)
        await wait_screen(pilot, "DoneScreen")
        await pilot.press("a")
        await pick_from_list(pilot, "AccountScreen", "billing")
        await wait_screen(pilot, "ProfileScreen")  # billing has one role: chosen by itself
        await pilot.pause()
        await pilot.press("enter")
        review, diff = await write_review(pilot)
        assert "sso-session" not in diff  # the session was written with the first profile
        await wait_screen(pilot, "DoneScreen")
    text = config_path.read_text()
    assert "[profile billing-Billing]" in text and f"[profile {PROFILE}]" in text
    assert text.count("[sso-session demo-archive]") == 1
    assert emulator.call_count("ListAccounts") == 1
    assert app.state.written_names == [PROFILE, "billing-Billing"]


async def test_existing_session_with_a_valid_token_skips_the_sign_in(emulator_factory, config_path):
    emulator = emulator_factory(auto_approve=True)
    config_path.parent.mkdir()
    config_path.write_text(EXISTING.format(url=DEMO_START_URL, region=DEMO_REGION))
    services = make_services()
    from app.config.model import load_aws_config
    from app.signin.target import SsoTarget

    target = SsoTarget.from_session(load_aws_config().sso_sessions["demo-archive"])
    services.login.login(target, method="device", open_browser=False)
    tokens_before = emulator.call_count("CreateToken")
    from app.tui import WizardApp

    app = WizardApp(services, first_step="portal", typeahead_grace=0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: app.screen.loaded)
        await pilot.press("enter")
        await wait_screen(pilot, "AccountScreen")
        assert any("already signed in" in n.message for n in app._notifications)
    assert emulator.call_count("CreateToken") == tokens_before


async def test_broken_config_blocks_at_the_checks_step(config_path):
    config_path.parent.mkdir()
    config_path.write_text("[profile a]\nregion = eu-west-1\nthis line is broken\n")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_screen(pilot, "ChecksScreen")
        await wait_for(pilot, lambda: not screen.running)
        assert [c.id for c in screen.blocking] == ["config"]
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "ChecksScreen"
        assert any("line 3" in n.message for n in app._notifications)
        config_path.write_text("[profile a]\nregion = eu-west-1\n")
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.running and "config" in screen.results)
        assert not screen.blocking
        await pilot.press("enter")
        await wait_screen(pilot, "PortalScreen")


async def test_typeahead_before_a_step_appears_is_dropped(emulator):
    from app.tui import WizardApp

    app = WizardApp(make_services(), first_step="checks", typeahead_grace=5.0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_screen(pilot, "ChecksScreen")
        await wait_for(pilot, lambda: not screen.running)
        app._screen_shown_at = 0  # the checks screen has been on show for a while
        await pilot.press("enter", "enter", "enter")
        await wait_screen(pilot, "PortalScreen")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "PortalScreen"


async def test_a_start_url_typed_ahead_of_the_portal_step_reaches_its_field(emulator):
    """Enter on the checks step, then the URL at once: the Enter is taken, the URL is not lost."""
    from textual.widgets import Input

    from app.tui import WizardApp

    app = WizardApp(make_services(), first_step="checks", typeahead_grace=5.0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_screen(pilot, "ChecksScreen")
        await wait_for(pilot, lambda: not screen.running and "config" in screen.results)
        app._screen_shown_at = 0  # the checks screen has been on show for a while
        await pilot.press("enter", *DEMO_START_URL)
        portal = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: portal.loaded, what="portal loaded")
        url_input = portal.query_one("#start-url", Input)
        await wait_for(pilot, lambda: url_input.value == DEMO_START_URL, what="the typed URL in its field")
        assert url_input.has_focus
        assert portal.query_one("#session-name", Input).value == "demo-archive"
        from textual.message import Message

        app._screen_shown_at = Message().time  # as if the step had just been shown, however slow the machine
        await pilot.press("enter")  # typed within the grace too: not taken as "continue"
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "PortalScreen"


async def test_a_different_portal_is_named_after_its_own_url(emulator, config_path):
    """A preset (or the last run) names the portal already in the config; "A different portal"
    starts from an empty form and names the new portal after the URL typed."""
    from textual.widgets import Input, OptionList

    from app.settings import Preset

    config_path.parent.mkdir()
    config_path.write_text(f"[sso-session demo-archive]\nsso_start_url = {DEMO_START_URL}\n"
                           f"sso_region = {DEMO_REGION}\nsso_registration_scopes = sso:account:access\n")
    preset = Preset(start_url=DEMO_START_URL, sso_region=DEMO_REGION, session_name="demo-archive")
    app = make_app(first_step="portal", preset=preset)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: screen.loaded, what="portal loaded")
        sessions = screen.query_one(".session-list", OptionList)
        assert sessions.highlighted_option.id == "demo-archive"
        await pilot.press("down", "enter")
        url_input = screen.query_one("#start-url", Input)
        await wait_for(pilot, lambda: url_input.has_focus, what="the new portal's form")
        assert url_input.value == ""
        url_input.value = "https://reading-room.awsapps.com/start"
        await pilot.pause()
        assert screen.query_one("#session-name", Input).value == "reading-room"
        await pilot.press("enter")
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+q")
    assert app.state.portal.session_name == "reading-room" and not app.state.portal.existing


async def test_a_new_portal_whose_suggested_name_is_taken_gets_the_next_free_one(emulator, config_path):
    from textual.widgets import Input

    config_path.parent.mkdir()
    config_path.write_text(f"[sso-session reading-room]\nsso_start_url = {DEMO_START_URL}\n"
                           f"sso_region = {DEMO_REGION}\n")
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: screen.loaded, what="portal loaded")
        await pilot.press("down", "enter")
        url_input = screen.query_one("#start-url", Input)
        await wait_for(pilot, lambda: url_input.has_focus, what="the new portal's form")
        url_input.value = "https://reading-room.awsapps.com/start"
        await pilot.pause()
        assert screen.query_one("#session-name", Input).value == "reading-room-2"


async def test_ctrl_q_while_waiting_for_sign_in_stops_the_login_thread(emulator, config_path):
    import asyncio
    import time

    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: screen.prompt is not None)
        await wait_for(pilot, lambda: emulator.call_count("CreateToken") >= 2, what="polling")
        await pilot.press("ctrl+q")
        quit_at = time.monotonic()
        await wait_for(pilot, lambda: not app.is_running, what="exit")
    # Leaving run_test waited for the worker threads: a login still waiting would have held it.
    assert time.monotonic() - quit_at < 5
    polls = emulator.call_count("CreateToken")
    await asyncio.sleep(2.5)  # the device flow polls every second; nobody polls any more
    assert emulator.call_count("CreateToken") == polls
    assert not config_path.exists()


async def test_installing_the_aws_cli_streams_and_can_be_stopped(tmp_path, monkeypatch):
    """macOS with Homebrew: `i` runs the installer in the checks step (here a stand-in script on PATH)."""
    from app import checks as checks_module

    script = tmp_path / "brew"
    script.write_text('#!/bin/sh\necho "==> Downloading awscli"\necho "==> Pouring awscli"\nexec sleep 30\n')
    script.chmod(0o755)
    services = make_services()
    monkeypatch.setattr(type(services), "can_install_aws_cli", lambda self: True)
    monkeypatch.setattr(type(services), "install_aws_cli",
                        lambda self, cancel: checks_module.install_aws_cli(cancel=cancel, command=[str(script)]))
    from app.tui import WizardApp

    app = WizardApp(services, typeahead_grace=0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await wait_screen(pilot, "ChecksScreen")
        await wait_for(pilot, lambda: not screen.running)
        if screen.results["aws-cli"].status == "ok":
            pytest.skip("an AWS CLI v2 is installed on this machine")
        await pilot.press("i")
        await wait_for(pilot, lambda: screen.query(".install-log") and
                       "Pouring awscli" in "\n".join(screen.query_one(".install-log").lines), what="output streamed")
        await pilot.press("enter")  # Continue is refused while installing
        assert type(app.screen).__name__ == "ChecksScreen"
        await pilot.press("escape")  # stops the installer
        await wait_for(pilot, lambda: screen._install_cancel is None, timeout=10, what="stopped")
        assert "Stopped." in "\n".join(screen.query_one(".install-log").lines)
        assert any("Installation stopped" in n.message for n in app._notifications)


async def test_config_changed_during_review_is_reapplied_and_said(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        review = await wait_screen(pilot, "ReviewScreen")
        await wait_for(pilot, lambda: review.plan is not None and review.keys_armed)
        # Meanwhile another tool writes the file.
        config_path.parent.mkdir(exist_ok=True)
        config_path.write_text("[profile other]\nregion = us-west-2\n")
        await pilot.press("enter")
        await wait_screen(pilot, "DoneScreen")
        assert any("changed while you were here" in n.message for n in app._notifications)
    text = config_path.read_text()
    assert text.startswith("[profile other]\nregion = us-west-2\n")
    assert f"[profile {PROFILE}]" in text
    assert app.state.last_write.reapplied


async def test_help_opens_and_closes(emulator):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_screen(pilot, "ChecksScreen")
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, "HelpScreen")
        assert "Ctrl+Q" in help_screen.query_one("Markdown").source
        await pilot.press("escape")
        await wait_screen(pilot, "ChecksScreen")


async def test_account_names_learnt_by_the_wizard_show_in_the_browser_at_once(emulator_factory, config_path):
    """The account step's sso:ListAccounts fills the shared name cache: the profile browser opened
    afterwards shows name and id in its first frame, with no network call (the pretend AWS is gone)."""
    from helpers.profile_app import ACCOUNT, RecordingWizardApp, table_rows

    emulator = emulator_factory(auto_approve=True)
    app = make_app(browser=FollowingBrowser(), first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        await write_review(pilot)
        await wait_screen(pilot, "DoneScreen")
    assert emulator.call_count("ListAccounts") == 1
    emulator.stop()

    browser = RecordingWizardApp(make_services())
    async with browser.run_test(size=(160, 36)) as pilot:
        first_frame = table_rows(browser)
        await pilot.pause()
    assert first_frame[PROFILE][ACCOUNT] == "preservation-prod (012345678901)"


async def test_finishing_opens_the_profile_browser_when_asked(emulator_factory, config_path):
    """`aws-sso-wizard` and `demo` finish in the profile browser (it has the new profile now);
    Ctrl+Q still quits from there. (`setup` ends the App: see the happy paths.)"""
    from app.tui import WizardApp
    from helpers.profile_app import ACCOUNT, table_rows

    emulator_factory(auto_approve=True)
    app = WizardApp(make_services(browser=FollowingBrowser()), first_step="portal", typeahead_grace=0,
                    then="profiles")
    async with app.run_test(size=SIZE) as pilot:
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        await write_review(pilot)
        done = await wait_screen(pilot, "DoneScreen")
        keys = {b.binding.id: b.binding.description for b in done.active_bindings.values() if b.enabled}
        assert keys.get("done.profiles") == "Your profiles" and "done.finish" not in keys
        await pilot.press("escape")
        await wait_screen(pilot, "ProfilesScreen")
        assert app.return_value is None and app.current_mode == "profiles"
        await wait_for(pilot, lambda: PROFILE in table_rows(app), what="the new profile listed")
        assert table_rows(app)[PROFILE][ACCOUNT] == "preservation-prod (012345678901)"
        await wait_for(pilot, lambda: table_rows(app)[PROFILE][1].startswith("signed in"), what="its status")
        # n: a new profile, not the one just made
        await pilot.press("n")
        await wait_screen(pilot, "ChecksScreen")
        assert app.state.profile is None and app.state.account is None and app.state.portal.existing
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code == 0, what="Ctrl+Q quits")



# -- vanity start URLs ---------------------------------------------------------------------------

VANITY_ROUTES = {
    "/start": (302, "https://d-9067ab12cd.portal.eu-west-1.app.aws/start"),
    "/old": (302, "https://my-corp.awsapps.com/start"),
    "/gone": (404, None),
}


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    from helpers.vanity import make_tls_files

    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def vanity(tls_files, monkeypatch):
    """A vanity start-URL host on localhost (HTTPS, trusted through AWS_CA_BUNDLE as the CLI does)."""
    from helpers.vanity import VanityServer

    key, cert = tls_files
    server = VanityServer(key, cert, VANITY_ROUTES)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(cert))
    yield server
    server.close()


async def portal_with_url(pilot, url: str):
    from textual.widgets import Input

    screen = await wait_screen(pilot, "PortalScreen")
    await wait_for(pilot, lambda: screen.loaded, what="portal loaded")
    url_input = screen.query_one("#start-url", Input)
    url_input.focus()
    url_input.value = url
    return screen


def region_help(screen) -> str:
    return str(screen.query_one("#region-help").render())


async def test_the_sso_region_is_found_by_its_place_name(emulator):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await portal_with_url(pilot, "https://reading-room.awsapps.com/start")
        regions = screen.query_one(".region-list")
        regions.filter_input.focus()
        await pilot.press(*"london")
        await wait_for(pilot, lambda: regions.highlighted == "eu-west-2", what="London")
        assert "eu-west-2 — Europe (London)" in screen_text(screen)
        options = screen.query_one(".region-list .filter-options")
        assert str(options.get_option_at_index(0).prompt) == "eu-west-2 — Europe (London)"
        await pilot.press("enter")
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+q")
    assert app.state.portal.sso_region == "eu-west-2"


async def test_a_vanity_url_is_looked_up_and_its_region_preselected(vanity):
    app = make_app(first_step="portal")
    url = f"{vanity.base_url}/start"
    async with app.run_test(size=SIZE) as pilot:
        screen = await portal_with_url(pilot, url)
        regions = screen.query_one(".region-list")
        assert regions.highlighted == "us-east-1"
        await wait_for(pilot, lambda: "From the portal" in region_help(screen), what="the looked-up region")
        assert regions.highlighted == "eu-west-1"
        assert "d-9067ab12cd.portal.eu-west-1.app.aws" in region_help(screen)
        assert vanity.seen == ["HEAD /start"]  # one request, after typing paused
        await pilot.press("enter")
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+q")
    assert app.state.portal.start_url == url  # the configured URL stays the vanity one, as the CLI keeps it
    assert app.state.portal.sso_region == "eu-west-1"


async def test_enter_right_after_a_vanity_url_waits_for_the_look_up(vanity):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        await portal_with_url(pilot, f"{vanity.base_url}/start")
        await pilot.press("enter")  # before the pause that starts the look-up
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+q")
    assert app.state.portal.sso_region == "eu-west-1"


async def test_a_failed_look_up_says_why_and_leaves_the_list(vanity):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await portal_with_url(pilot, f"{vanity.base_url}/gone")
        await wait_for(pilot, lambda: "list" in region_help(screen) and "Looking" not in region_help(screen),
                       what="the look-up to fail")
        error = str(screen.query_one("#url-error").render())
        assert "Could not find the portal's region" in error and "HTTP 404" in error
        regions = screen.query_one(".region-list")
        regions.filter_input.focus()
        regions.set_filter("eu-central-1")
        await wait_for(pilot, lambda: regions.highlighted == "eu-central-1", what="a region chosen")
        await pilot.press("enter")  # the person's choice goes
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+q")
    assert app.state.portal.sso_region == "eu-central-1"


async def test_a_vanity_url_leading_to_awsapps_asks_for_the_region(vanity):
    app = make_app(first_step="portal")
    async with app.run_test(size=SIZE) as pilot:
        screen = await portal_with_url(pilot, f"{vanity.base_url}/old")
        await wait_for(pilot, lambda: "my-corp.awsapps.com" in region_help(screen), what="the look-up")
        assert "does not name its region" in region_help(screen)
        assert str(screen.query_one("#url-error").render()).strip() == ""


async def test_leaving_a_wizard_opened_from_the_browser_keeps_unwritten_answers(emulator_factory, config_path):
    """Back out of a wizard (opened with n) from its review: nothing is written, and the next n
    still knows the portal is new (its [sso-session] is written with the profile)."""
    from helpers.profile_app import RecordingWizardApp, screen_of

    emulator_factory(auto_approve=True)
    app = RecordingWizardApp(make_services(browser=FollowingBrowser()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: screen_of(app).model.loaded, what="the (empty) profile list")
        await pilot.press("n")
        await pass_checks(pilot)
        await fill_portal(pilot)
        await pick_from_list(pilot, "AccountScreen", "preservation-prod")
        await pick_from_list(pilot, "RoleScreen", "ReadOnly")
        await accept_profile(pilot)
        await wait_screen(pilot, "ReviewScreen")
        for step in ("ProfileScreen", "RoleScreen", "AccountScreen", "PortalScreen", "ChecksScreen"):
            await pilot.press("escape")
            await wait_screen(pilot, step)
            await pilot.pause(0.1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen_of(app), what="back in the profile list")
        await pilot.press("n")
        await pass_checks(pilot)
        portal = await wait_screen(pilot, "PortalScreen")
        await wait_for(pilot, lambda: portal.loaded, what="portal")
        assert app.state.portal is not None and not app.state.portal.existing
        assert app.state.account is not None and app.state.account.account_name == "preservation-prod"
        await pilot.press("ctrl+q")
    assert not config_path.exists()
