"""Critical accounts in the wizard (Pilot, real services against the emulator): the pickers mark
them, and a role that is not read-only there is written only after its profile's name is typed."""

from __future__ import annotations

from textual.widgets import Input

from app.config.model import load_aws_config
from app.guard import CRITICAL_MARKER, Guard
from app.settings import Preset
from app.signin.target import SsoTarget
from app.wizard_state import PortalChoice, WizardState
from helpers.pilot import burst
from helpers.wizard_app import HAND_WRITTEN, SIZE, listed, make_services, wait_for, wait_screen

PRESET = Preset(guard=Guard(critical_accounts=("preservation-prod",)))


def guarded_app(config_path):
    from app.tui import WizardApp

    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(HAND_WRITTEN)
    services = make_services(preset=PRESET)
    session = load_aws_config().sso_sessions["demo-archive"]
    services.login.login(SsoTarget.from_session(session), method="device", open_browser=False)
    state = WizardState(preset=PRESET, portal=PortalChoice.of_session(session))
    return WizardApp(services, state=state, first_step="accounts", typeahead_grace=0)


async def to_review(pilot, app, role: str):
    accounts, account_list = await listed(pilot, "AccountScreen")
    marked = [str(accounts.label(a)) for a in account_list.items if a.account_name == "preservation-prod"]
    assert marked and marked[0].startswith(CRITICAL_MARKER)  # marked in the picker
    account_list.filter_input.value = "preservation-prod"
    await wait_for(pilot, lambda: len(account_list.visible_items) == 1, what="filtered")
    await pilot.press("enter")
    roles, role_list = await listed(pilot, "RoleScreen")
    assert "can change a critical account" in str(roles.label("Administrator"))
    assert "critical" not in str(roles.label("ReadOnly"))
    role_list.filter_input.value = role
    await wait_for(pilot, lambda: len(role_list.visible_items) == 1, what="role filtered")
    await pilot.press("enter")
    await wait_screen(pilot, "ProfileScreen")
    await pilot.press("enter")
    review = await wait_screen(pilot, "ReviewScreen")
    await wait_for(pilot, lambda: review.plan is not None and review.keys_armed, what="the change")
    return review


async def test_a_write_capable_role_on_a_critical_account_is_written_after_its_name_is_typed(emulator_factory,
                                                                                          config_path):
    from screens.dialogs.typed import TypedConfirmDialog

    emulator_factory(auto_approve=True)
    app = guarded_app(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_review(pilot, app, "Administrator")
        name = app.state.profile.name
        burst(pilot, "enter", *name, "enter")  # typed ahead of the question: never answers it
        dialog = await wait_screen(pilot, "TypedConfirmDialog")
        await pilot.pause(0.4)
        assert isinstance(app.screen, TypedConfirmDialog) and f"[profile {name}]" not in config_path.read_text()
        await wait_for(pilot, lambda: dialog.keys_armed, what="armed")
        field = dialog.query_one(Input)
        assert field.value == ""
        await pilot.press(*"wrong-name", "enter")
        assert isinstance(app.screen, TypedConfirmDialog)
        field.value = ""
        await pilot.press(*name, "enter")
        await wait_screen(pilot, "DoneScreen")
        assert f"[profile {name}]" in config_path.read_text()


async def test_escape_leaves_the_critical_profile_unwritten(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = guarded_app(config_path)
    async with app.run_test(size=SIZE) as pilot:
        review = await to_review(pilot, app, "Administrator")
        await pilot.press("enter")
        dialog = await wait_screen(pilot, "TypedConfirmDialog")
        await wait_for(pilot, lambda: dialog.keys_armed, what="armed")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is review, what="back on the review")
        assert "[profile preservation-prod-Administrator]" not in config_path.read_text()


async def test_a_read_only_role_on_a_critical_account_asks_nothing_more(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = guarded_app(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_review(pilot, app, "ReadOnly")
        await pilot.press("enter")
        await wait_screen(pilot, "DoneScreen")
