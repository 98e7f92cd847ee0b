"""The App's structure (modes, services, start-up), the wizard state's edits and the home command's choice."""

from __future__ import annotations

from app import paths
from app.settings import Preset
from app.signin.portal import Account
from app.wizard_state import PortalChoice, ProfileChoice, WizardState
from helpers.wizard_app import SIZE, make_services, wait_screen


def _state(existing=False, scopes="sso:account:access"):
    state = WizardState()
    state.portal = PortalChoice("org", "https://org.awsapps.com/start", "eu-west-2", scopes, existing=existing)
    state.account = Account("012345678901", "prod", "prod@example.org")
    state.role = "ReadOnly"
    state.profile = ProfileChoice("prod-ReadOnly", "eu-west-1", "json")
    return state


def test_edits_write_the_profile_then_a_new_session():
    from app.config.edits import UpsertProfile, UpsertSsoSession

    edits = _state().edits()
    assert edits == [
        UpsertProfile(name="prod-ReadOnly", account_id="012345678901", role_name="ReadOnly", sso_session="org",
                      region="eu-west-1", output="json"),
        UpsertSsoSession(name="org", start_url="https://org.awsapps.com/start", region="eu-west-2",
                         registration_scopes="sso:account:access"),
    ]
    assert len(_state(existing=True).edits()) == 1


def test_target_keeps_the_raw_scopes_of_an_existing_session():
    target = _state(existing=True, scopes=None).target()
    assert target.session_name == "org" and target.scopes == () and target.registration_scopes is None
    target = _state(scopes="sso:account:access, codewhisperer:completions").target()
    assert target.scopes == ("sso:account:access", "codewhisperer:completions")


def test_another_profile_keeps_the_portal_and_marks_the_session_written():
    state = _state()
    state.accounts = [state.account]
    state.auto_chosen = {"accounts", "signin"}
    state.start_another_profile()
    assert state.account is None and state.role is None and state.profile is None
    assert state.accounts and state.portal.existing
    assert state.auto_chosen == {"signin"}


def test_home_opens_the_wizard_without_sso_profiles(config_path):
    from app.commands.home import choose_mode

    assert choose_mode() == "wizard"  # no config at all
    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = eu-west-1\n")
    assert choose_mode() == "wizard"
    config_path.write_text("[profile a]\nsso_session = s\nsso_account_id = 012345678901\nsso_role_name = R\n"
                           "[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n")
    assert choose_mode() == "profiles"
    config_path.write_text("[profile a\nbroken")
    assert choose_mode() == "wizard"  # the wizard's checks explain a broken file


async def test_modes_and_steps_are_registered():
    from app.tui import MODE_SCREENS, STEPS, WizardApp, load_object

    app = WizardApp(make_services())
    async with app.run_test(size=SIZE):
        assert {"wizard", "profiles"} <= set(app._modes)  # the start mode too, once it exists
    assert [s[0] for s in STEPS] == ["checks", "portal", "signin", "accounts", "roles", "profile", "review", "done"]
    for _, _, spec in STEPS:
        load_object(spec)
    for spec in MODE_SCREENS.values():
        load_object(spec)


async def test_first_frame_is_the_first_step_and_boto3_waits(emulator):
    from app.tui import WizardApp

    app = WizardApp(make_services(preset=Preset(display_name="Test Org")), typeahead_grace=0)
    async with app.run_test(size=SIZE) as pilot:
        assert type(app.screen).__name__ == "ChecksScreen"  # pushed before the first frame
        assert "Test Org" in str(app.screen.query_one(".top-bar").content)
        await wait_screen(pilot, "ChecksScreen")


async def test_a_keys_table_in_the_settings_rebinds_a_wizard_key(emulator):
    from app.tui import WizardApp

    settings = paths.settings_path()
    settings.parent.mkdir(parents=True)
    settings.write_text('[keys]\n"wizard.back" = "f2"\n')
    app = WizardApp(make_services(), first_step="portal", typeahead_grace=0)
    async with app.run_test(size=SIZE) as pilot:
        portal = await wait_screen(pilot, "PortalScreen")
        back = {b.binding.id: b.binding.key for b in portal.active_bindings.values()}
        assert back.get("wizard.back") == "f2"
        await pilot.press("escape")  # no longer Back
        await pilot.pause(0.1)
        assert app.screen is portal
        await pilot.press("f2")
        await wait_screen(pilot, "ChecksScreen")
