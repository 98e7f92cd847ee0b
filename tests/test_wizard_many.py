"""Many profiles in one go through the wizard (Pilot, real services against the emulator): ticking
accounts, one list of (account, role) pairs, the naming template's live preview and its clashes,
one review and one write."""

from __future__ import annotations

from app.wizard_state import PortalChoice, WizardState
from helpers.wizard_app import HAND_WRITTEN, SIZE, listed, make_services, screen_text, wait_for, wait_screen


def signed_in_app(config_path, text=HAND_WRITTEN):
    from app.config.model import load_aws_config
    from app.signin.target import SsoTarget
    from app.tui import WizardApp

    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(text)
    services = make_services()
    session = load_aws_config().sso_sessions["demo-archive"]
    services.login.login(SsoTarget.from_session(session), method="device", open_browser=False)
    state = WizardState(portal=PortalChoice.of_session(session))
    return WizardApp(services, state=state, first_step="accounts", typeahead_grace=0)


async def test_tick_accounts_and_roles_name_them_and_write_them_in_one_edit(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = signed_in_app(config_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        accounts, account_list = await listed(pilot, "AccountScreen")
        account_list.filter_input.value = "preservation"
        await wait_for(pilot, lambda: len(account_list.visible_items) == 3, what="filtered")
        await pilot.press("tab", "a")  # every account the filter shows
        assert "3 of 12 ticked" in screen_text(accounts)
        await pilot.press("space")  # the highlighted one again
        assert "2 of 12 ticked" in screen_text(accounts)
        await pilot.press("A")
        assert "0 of 12 ticked" in screen_text(accounts)
        await pilot.press("a", "x")  # a letter in the list goes back to the filter
        assert account_list.filter_input.has_focus and account_list.filter_input.value == "preservationx"
        account_list.filter_input.value = "preservation"
        await pilot.pause(0.15)
        await pilot.press("enter")

        pairs, pair_list = await listed(pilot, "PairScreen")
        assert len(pair_list.items) == 9  # every role of the three accounts
        existing = [p for p in pair_list.items if p.account_id == "012345678901" and p.role_name == "ReadOnly"]
        assert existing and existing[0] not in pair_list.ticked  # it has a profile: not ticked
        assert "has profile mine" in str(pair_list.query_one("OptionList").get_option_at_index(
            pair_list.visible_items.index(existing[0])).prompt)
        assert len(pair_list.ticked) == 8
        await pilot.press("tab", "A")
        pair_list.filter_input.value = "readonly"
        await wait_for(pilot, lambda: len(pair_list.visible_items) == 3, what="filtered pairs")
        assert pair_list.query_one("OptionList").has_focus  # still in the list
        await pilot.press("a", "enter")

        naming = await wait_screen(pilot, "NamingScreen")
        await wait_for(pilot, lambda: naming.naming is not None, what="names")
        rows = {row.pair.account_id: row for row in naming.naming.rows}
        assert rows["012345678901"].name == "mine" and rows["012345678901"].existing
        assert rows["334455667788"].name == "preservation-qa-ReadOnly"
        template = naming.query_one("#template")
        template.value = ""
        await pilot.press(*"{account_name}-{role_name:lower}")  # typed: the preview follows each key
        dev = next(row for row in naming.naming.rows if row.pair.account_id == "223344556677")
        assert dev.name == "preservation-dev-readonly-223344556677" and dev.rule == "the account id appended"
        assert "taken: the account id is appended" in screen_text(naming)
        template.value = "{acount_name}"
        await pilot.pause()
        assert "unknown placeholder {acount_name}" in screen_text(naming)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is naming  # refused until the template is changed
        template.value = "{account_name}-{role_name:lower}"
        await pilot.pause()
        await pilot.press("enter")

        review = await wait_screen(pilot, "ReviewScreen")
        await wait_for(pilot, lambda: review.plan is not None and review.keys_armed, what="plan")
        assert "+[profile preservation-qa-readonly]" in review.plan.diff
        assert "+[profile preservation-dev-readonly-223344556677]" in review.plan.diff
        assert "2 to add, 0 to update, 1 kept" in screen_text(review)
        await pilot.press("enter")

        done = await wait_screen(pilot, "DoneScreen")
        text = screen_text(done)
        assert "3 profiles are ready" in text and "preservation-qa-readonly" in text
    written = config_path.read_text()
    assert written.startswith(HAND_WRITTEN.split("[sso-session")[0])  # hand-written lines untouched
    assert written.count("sso_wizard_generated = demo-archive") == 2
    assert len(list(config_path.parent.glob("config.bak-*"))) == 1  # one write, one backup


async def test_enter_with_nothing_ticked_keeps_the_one_profile_path(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = signed_in_app(config_path)
    async with app.run_test(size=SIZE) as pilot:
        _, account_list = await listed(pilot, "AccountScreen")
        account_list.filter_input.value = "billing"
        await wait_for(pilot, lambda: len(account_list.visible_items) == 1, what="filtered")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ in ("RoleScreen", "ProfileScreen"), what="next step")
        assert not app.state.many and app.state.account.account_name == "billing"


async def test_roles_load_with_progress_and_escape_cancels(emulator_factory, config_path):
    emulator = emulator_factory(auto_approve=True, accounts=40, latency_ms=150)
    app = signed_in_app(config_path, HAND_WRITTEN)
    async with app.run_test(size=SIZE) as pilot:
        accounts, account_list = await listed(pilot, "AccountScreen")
        await pilot.press("tab", "a", "enter")
        pairs = await wait_screen(pilot, "PairScreen")
        from textual.widgets import ProgressBar

        bar = pairs.query_one(ProgressBar)
        await wait_for(pilot, lambda: bar.total == 40 and 0 < bar.progress < 40, what="progress")
        assert "of 40 accounts. Escape cancels." in screen_text(pairs)
        await pilot.press("escape")
        await wait_screen(pilot, "AccountScreen")
        calls = emulator.call_count("ListAccountRoles")
        await pilot.pause(1.0)
        assert emulator.call_count("ListAccountRoles") <= calls + 16  # in-flight ones at most, then nothing


async def test_a_warm_cache_opens_the_accounts_at_once_then_says_what_changed(emulator_factory, config_path,
                                                                             monkeypatch):
    from app.emulator.org import DemoOrg
    from app.signin.discovery_cache import DiscoveryCache
    from app.signin.portal import Account

    emulator = emulator_factory(auto_approve=True)
    app = signed_in_app(config_path)
    seen = [Account(a.account_id, a.name, a.email) for a in emulator.org.accounts]
    DiscoveryCache().save("demo-archive", seen)
    emulator.org = DemoOrg(emulator.org.accounts[:11])  # one account is gone since then
    emulator.clear_calls()
    from screens.accounts import AccountScreen

    at_first_paint: list[int] = []
    mount = AccountScreen.on_mount

    def on_mount(screen):
        screen.call_after_refresh(lambda: at_first_paint.append(
            (emulator.call_count("ListAccounts"), len(screen.query_one(".picker-list").items))))
        mount(screen)

    monkeypatch.setattr(AccountScreen, "on_mount", on_mount)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        accounts = await wait_screen(pilot, "AccountScreen")
        account_list = accounts.query_one(".picker-list")
        assert at_first_paint == [(0, 12)]  # the cached list on the first frame, before any request
        await wait_for(pilot, lambda: len(account_list.items) == 11, what="refreshed")
        assert emulator.call_count("ListAccounts") == 1
        await wait_for(pilot, lambda: any("Accounts gone: sandbox-archivist" in n.message for n in app._notifications),
                       what="changes said")
    assert [a.account_id for a in DiscoveryCache().load("demo-archive").accounts] == [a.account_id for a in
                                                                                      account_list.items]


async def test_looking_for_a_role_that_is_not_there_says_it_may_come_later(emulator_factory, config_path):
    emulator_factory(auto_approve=True)
    app = signed_in_app(config_path)
    async with app.run_test(size=SIZE) as pilot:
        _, account_list = await listed(pilot, "AccountScreen")
        account_list.filter_input.value = "456789012345"  # catalogue-prod: ReadOnly and PowerUser
        await wait_for(pilot, lambda: len(account_list.visible_items) == 1, what="filtered")
        await pilot.press("tab", "space", "enter")
        pairs, pair_list = await listed(pilot, "PairScreen")
        pair_list.filter_input.value = "DataScientist"
        await wait_for(pilot, lambda: "can take a few minutes to appear" in screen_text(pairs), what="note")


async def test_r_in_the_role_list_looks_again_and_says_what_changed(emulator_factory, config_path):
    from app.emulator.org import DemoOrg

    emulator = emulator_factory(auto_approve=True)
    app = signed_in_app(config_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        _, account_list = await listed(pilot, "AccountScreen")
        account_list.filter_input.value = "456789012345"  # catalogue-prod: ReadOnly and PowerUser
        await wait_for(pilot, lambda: len(account_list.visible_items) == 1, what="filtered")
        await pilot.press("tab", "space", "enter")
        _, pair_list = await listed(pilot, "PairScreen")
        assert len(pair_list.items) == 2
        emulator.org = DemoOrg(tuple(type(a)(a.account_id, a.name, a.email, a.roles + ("DataScientist",))
                                     if a.account_id == "456789012345" else a for a in emulator.org.accounts))
        await pilot.press("tab", "r")
        await wait_for(pilot, lambda: len(pair_list.items) == 3, what="refreshed")
        await wait_for(pilot, lambda: any("New roles: DataScientist in catalogue-prod" in n.message
                                          for n in app._notifications), what="changes said")


async def test_an_account_whose_roles_cannot_be_listed_is_named_and_the_rest_shown(emulator_factory, config_path):
    from app.emulator.faults import PortalFaults

    emulator = emulator_factory(auto_approve=True)
    emulator.faults = PortalFaults(failing_accounts=frozenset({"456789012345"}))  # catalogue-prod
    app = signed_in_app(config_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        _, account_list = await listed(pilot, "AccountScreen")
        await pilot.press("tab", "a", "enter")
        _, pair_list = await listed(pilot, "PairScreen")
        assert pair_list.items and all(pair.account_id != "456789012345" for pair in pair_list.items)
        await wait_for(pilot, lambda: any("Left out 1 of" in n.message and "catalogue-prod" in n.message
                                          and "Press r" in n.message for n in app._notifications),
                       what="the account left out, named", timeout=30)
