"""The steps of many profiles in one go at 80×24: the account list with its ticks, the (account,
role) pairs, the naming template with its live preview and a clash, the review and the done step.

The fixed world of :mod:`helpers.snapshots`. Update after eyeballing:
`pytest tests/test_snapshots_many.py --snapshot-update`.
"""

from __future__ import annotations

from app.config.bulk import Pair
from app.wizard_state import BulkChoice
from helpers.snapshots import ACCOUNTS, ROLES, FakeServices, all_of, list_shown, named, until, wizard_at, wizard_state

SMALL = (80, 24)

PAIRS = [Pair(a.account_id, role, a.account_name, a.email) for a in ACCOUNTS[1:3] for role in ROLES]

TAKEN = "[profile catalogue-dev-ReadOnly]\nregion = eu-west-1\n"


def many_state(**overrides):
    state = wizard_state(account=None, role=None, profile=None)
    state.ticked = list(ACCOUNTS[1:3])
    for key, value in overrides.items():
        setattr(state, key, value)
    return state


def test_accounts_with_ticks_at_80x24(snap_compare):
    state = wizard_state(account=None, role=None, profile=None)
    state.ticked = [ACCOUNTS[1], ACCOUNTS[2]]
    app = wizard_at(FakeServices(), "accounts", state)
    ready = until(all_of(named("AccountScreen"), list_shown))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    text = "\n".join(ready.rows)
    assert "2 of 7 ticked" in text and "[x] catalogue-dev" in text and "[ ] archive-storage" in text
    assert "^q Quit" in ready.rows[-1]


def test_pairs_at_80x24(snap_compare, config_path):
    config_path.parent.mkdir()
    config_path.write_text("[profile mine]\nsso_session = example-library\nsso_account_id = 222222222222\n"
                           "sso_role_name = ReadOnly\n\n[sso-session example-library]\nsso_start_url = "
                           "https://example-library.awsapps.com/start\nsso_region = eu-west-2\n")
    app = wizard_at(FakeServices(), "roles", many_state())
    ready = until(all_of(named("PairScreen"), list_shown))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    text = "\n".join(ready.rows)
    assert "5 of 6 ticked" in text and "has profile mine" in text
    assert "^q Quit" in ready.rows[-1]


def test_naming_at_80x24_marks_a_clash_and_its_rule(snap_compare, config_path):
    config_path.parent.mkdir()
    config_path.write_text(TAKEN)
    app = wizard_at(FakeServices(), "profile", many_state(pairs=PAIRS))
    ready = until(all_of(named("NamingScreen"), lambda s: s.naming is not None))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    text = "\n".join(ready.rows)
    assert "{account_name}-{role_name}" in text
    assert "catalogue-dev-ReadOnly-2222222" in text  # the clash, resolved
    assert "the account id appended" in text or "account id is appended" in text
    assert "^q Quit" in ready.rows[-1]


def test_naming_at_80x24_refuses_an_unknown_placeholder(snap_compare):
    app = wizard_at(FakeServices(), "profile", many_state(pairs=PAIRS, bulk=BulkChoice("{acount}", "eu-west-2", "json")))
    ready = until(all_of(named("NamingScreen"), lambda s: s.naming is not None))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    assert "unknown placeholder {acount}" in "".join(line.strip() for line in ready.rows)


def test_review_of_many_at_80x24(snap_compare):
    state = many_state(pairs=PAIRS, bulk=BulkChoice("{account_name}-{role_name:lower}", "eu-west-2", "json"))
    app = wizard_at(FakeServices(), "review", state)
    ready = until(all_of(named("ReviewScreen"), lambda s: s.plan is not None))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    text = "\n".join(ready.rows)
    assert "6 to add, 0 to update, 0 kept" in text and "[profile catalogue-dev-administrator]" in text
    assert "^q Quit" in ready.rows[-1]


def test_done_of_many_at_80x24(snap_compare, home):
    from app.config.bulk import BulkPlan, Planned
    from app.config.writer import WriteResult

    state = many_state(pairs=PAIRS, bulk=BulkChoice("{account_name}-{role_name}", "eu-west-2", "json"))
    state.bulk_plan = BulkPlan("example-library", tuple(
        Planned(f"{p.account_name}-{p.role_name}", p.account_id, p.account_name, p.role_name, "add") for p in PAIRS))
    state.last_write = WriteResult(path=home / ".aws" / "config", backup_path=None, reapplied=False, diff="")
    state.written_names = [item.name for item in state.bulk_plan.items]
    app = wizard_at(FakeServices(), "done", state)
    ready = until(named("DoneScreen"))
    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
    text = "\n".join(ready.rows)
    assert "6 profiles are ready" in text and "catalogue-dev-Administrator" in text
    assert "^q Quit" in ready.rows[-1]
