"""The profile browser's model (app/profiles/browser.py), driven without Textual: sort, filter,
status cells, which actions apply to each kind of row, the details and the status line."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from app.profiles import browser as model, status as ps
from app.signin.state import TokenState
from helpers.profile_fixtures import write_config, write_token

FILE_ORDER = ["default", "prod-admin", "dev-readonly", "old-style", "keys", "jump", "proc"]


@pytest.fixture
def snapshot(config_path: Path, home: Path) -> ps.Snapshot:
    write_config(config_path)
    write_token(home, "my-sso", expires_in=timedelta(hours=3))
    return ps.ProfileStatusService().snapshot()


@pytest.fixture
def browser(snapshot: ps.Snapshot) -> model.ProfileBrowser:
    browser = model.ProfileBrowser()
    browser.load(snapshot)
    return browser


def names(rows) -> list[str]:
    return [row.name for row in rows]


def with_status(browser: model.ProfileBrowser, key: str, status) -> tuple[set[str], list[str]]:
    """The sign-in ``key`` as if its status had just been read as ``status``."""
    session = dataclasses.replace(browser.sessions[key], status=status, expires_at=None)
    return browser.update_sessions({key: session})


# -- rows and sort ---------------------------------------------------------------------------


def test_rows_come_in_file_order(browser):
    assert names(browser.rows) == FILE_ORDER
    assert browser.sort_key is None and browser.loaded and not browser.provisional
    assert browser.by_name["prod-admin"].session_key == "my-sso"


def test_sort_by_name_then_reversed(browser):
    browser.set_sort("name")
    assert names(browser.rows) == sorted(FILE_ORDER)
    browser.sort_flip()
    assert names(browser.rows) == sorted(FILE_ORDER, reverse=True)


def test_s_cycles_through_the_columns(browser):
    titles = [browser.sort_next() for _ in model.SORT_ORDER]
    assert titles == [title for _, title in model.COLUMN_TITLES]
    assert browser.sort_next() == "Profile"  # round again
    assert browser.sort_reverse is False


def test_a_column_title_clicked_twice_reverses(browser):
    browser.sort_by_column("region")
    assert (browser.sort_key, browser.sort_reverse) == ("region", False)
    browser.sort_by_column("region")
    assert (browser.sort_key, browser.sort_reverse) == ("region", True)
    browser.sort_by_column("name")
    assert (browser.sort_key, browser.sort_reverse) == ("name", False)


def test_sort_flip_before_any_sort_sorts_by_name(browser):
    browser.sort_flip()
    assert (browser.sort_key, browser.sort_reverse) == ("name", True)


def test_by_status_signed_in_first_then_others_by_name(browser):
    browser.set_sort("status")
    signed_in = ["dev-readonly", "prod-admin"]  # both on my-sso, valid; ties by name
    assert names(browser.rows)[:2] == signed_in
    assert names(browser.rows)[2] == "old-style"  # signed out
    assert names(browser.rows)[3:] == ["default", "jump", "keys", "proc"]  # not SSO


def test_a_status_change_resorts_when_sorted_by_status(browser):
    browser.set_sort("status")
    version = browser.version
    changed, newly = with_status(browser, "my-sso", TokenState.EXPIRED)
    assert changed == {"my-sso"} and newly == [] and browser.version > version
    assert names(browser.rows)[:3] == ["dev-readonly", "prod-admin", "old-style"]  # expired before signed out
    changed, newly = with_status(browser, "my-sso", TokenState.VALID)
    assert newly == ["my-sso"]  # signed in again: account names can be asked for


# -- filter ----------------------------------------------------------------------------------


def test_no_filter_shows_every_row(browser):
    assert browser.visible_indices() is None
    assert names(browser.visible()) == FILE_ORDER
    browser.query = "   "
    assert browser.visible_indices() is None


def test_the_filter_matches_names_accounts_and_roles(browser):
    browser.query = "prod"
    assert names(browser.visible()) == ["prod-admin"]
    browser.query = "readonly"
    assert names(browser.visible()) == ["dev-readonly"]
    browser.query = "111122223333"
    assert names(browser.visible()) == ["prod-admin"]
    browser.query = "nothing-like-this"
    assert browser.visible() == []


def test_the_filter_follows_a_new_order(browser):
    browser.query = "o"
    before = names(browser.visible())
    browser.set_sort("name", reverse=True)
    after = names(browser.visible())
    assert sorted(before) == sorted(after) and len(after) > 1
    assert [browser.rows[i].name for i in browser.visible_indices()] == after


# -- status cells ----------------------------------------------------------------------------


def test_status_cells_by_kind_and_status(browser):
    text, tone = browser.status_cell(browser.by_name["prod-admin"])
    assert text.startswith("signed in") and tone == model.GOOD
    assert browser.status_cell(browser.by_name["old-style"]) == ("signed out", model.MUTED)
    text, tone = browser.status_cell(browser.by_name["keys"])
    assert text.endswith("(not SSO)") and tone == model.MUTED
    with_status(browser, "my-sso", TokenState.EXPIRED)
    assert browser.status_cell(browser.by_name["prod-admin"]) == ("expired", model.BAD)


def test_a_sign_in_under_way_shows_in_every_profile_that_shares_it(browser):
    assert browser.set_signing_in("my-sso", True) is True
    for name in ("prod-admin", "dev-readonly"):
        assert browser.status_cell(browser.by_name[name])[0] == "signing in…"
    assert browser.set_signing_in("my-sso", True) is False  # no change
    assert browser.set_signing_in("my-sso", False) is True
    assert browser.status_cell(browser.by_name["prod-admin"])[0].startswith("signed in")


def test_cells_of_a_row(browser):
    row = browser.by_name["old-style"]
    assert browser.cells_of(row, "x") == ("old-style", "x", "444455556666", "PowerUser", "eu-central-1", "(legacy)")
    assert browser.cells_of(browser.by_name["keys"], "y")[5] == "—"


# -- which actions apply ---------------------------------------------------------------------


def applying(browser, name: str | None) -> set[str]:
    row = browser.by_name[name] if name else None
    return {action for action, yes in zip(model.ROW_ACTIONS, browser.applicable(row)) if yes}


def test_actions_on_a_signed_in_sso_profile(browser):
    assert applying(browser, "prod-admin") == set(model.ROW_ACTIONS)


def test_actions_on_a_signed_out_sso_profile_without_a_token(browser):
    # no "who am I" while signed out: the footer dims w, and l signs in
    assert applying(browser, "old-style") == {
        model.SIGN_IN, model.CONSOLE, model.EXPORT, model.DELETE, model.MAKE_DEFAULT,
    }


def test_a_sign_in_problem_is_shown_with_the_browsers_keys():
    from app.signin.errors import NotSignedIn, SessionExpired

    command = "Sign in first: aws-sso-wizard login --sso-session my-sso"
    shown = model.in_app_error(NotSignedIn("You are not signed in to sso-session my-sso.", hint=command))
    assert str(shown) == "You are not signed in to sso-session my-sso. Press l to sign in."
    ended = model.in_app_error(SessionExpired("Your sign-in to sso-session my-sso has expired.", hint=command))
    assert str(ended).endswith("Press L to sign in again.")
    other = ValueError("boom")
    assert model.in_app_error(other) is other


def test_actions_on_profiles_that_are_not_sso(browser):
    assert applying(browser, "keys") == {model.WHOAMI, model.EXPORT, model.DELETE, model.MAKE_DEFAULT}
    assert applying(browser, "default") == {model.WHOAMI, model.EXPORT, model.DELETE}  # already the default


def test_no_row_no_row_actions(browser):
    assert applying(browser, None) == set()
    assert browser.applies("filter", None) is True  # not a row action


def test_sign_out_waits_while_signing_in(browser):
    browser.set_signing_in("my-sso", True)
    assert model.SIGN_OUT not in applying(browser, "prod-admin")
    assert model.SIGN_IN in applying(browser, "prod-admin")


def test_rows_from_the_row_cache_allow_only_harmless_actions(snapshot):
    browser = model.ProfileBrowser()
    browser.load(snapshot, provisional=True)
    assert applying(browser, "prod-admin") == {model.CONSOLE, model.EXPORT}


def test_a_sign_in_with_a_config_problem_offers_no_sign_in(browser):
    session = dataclasses.replace(browser.sessions["my-sso"], problem="sso_region is missing")
    browser.update_sessions({"my-sso": session})
    assert applying(browser, "prod-admin") == {model.EXPORT, model.DELETE, model.MAKE_DEFAULT}
    assert browser.status_cell(browser.by_name["prod-admin"]) == ("config problem", model.MUTED)


# -- details and status line -----------------------------------------------------------------


def facts(details: model.Details) -> dict[str, str]:
    return {fact.label: fact.value for fact in details.facts}


def test_details_of_an_sso_profile(browser):
    details = browser.details(browser.by_name["prod-admin"])
    assert details.title == "prod-admin"
    found = facts(details)
    assert found["Sign-in"].startswith("signed in")
    assert "Expires" in found and "Token file" in found
    assert found["Shares this sign-in with"] == "dev-readonly"
    own, shared = details.sections
    assert own.title == "Keys in the config"
    assert ("sso_role_name", "AdministratorAccess") in [(f.label, f.value) for f in own.fields]
    assert shared.title == "[sso-session my-sso]"
    assert all(f.separator == " = " for f in own.fields + shared.fields)


def test_details_of_a_static_keys_profile_mask_the_secret(browser):
    details = browser.details(browser.by_name["keys"])
    assert facts(details) == {}
    (own,) = details.sections
    values = {f.label: f.value for f in own.fields}
    assert "wJalrXUtnFEMI" not in values["aws_secret_access_key"]


def test_details_show_who_am_i(browser):
    from app.signin.state import utc_now

    browser.verified["keys"] = model.Verified("777788889999", "arn:aws:iam::777788889999:user/me", utc_now())
    assert facts(browser.details(browser.by_name["keys"]))["Verified"].startswith("arn:aws:iam::777788889999:user/me")


def test_sharing_and_role_pairs(browser):
    assert browser.sharing("my-sso") == ["prod-admin", "dev-readonly"]
    assert browser.role_pairs("my-sso") == [("012345678901", "ReadOnly"), ("111122223333", "AdministratorAccess")]


def test_status_line(browser):
    assert browser.status_line(7, "~/.aws/config") == "7 profiles · signed in to 1 of 2 portals · ~/.aws/config"
    browser.query = "prod"
    assert browser.status_line(1, "") == "7 profiles · 1 match “prod” · signed in to 1 of 2 portals"


def test_the_status_line_counts_only_sso_sessions_that_exist(config_path, home):
    write_config(config_path, "[profile lost]\nsso_session = nowhere\nsso_account_id = 111122223333\n"
                              "sso_role_name = ReadOnly\n\n"
                              "[sso-session here]\nsso_start_url = https://here.awsapps.com/start\n"
                              "sso_region = eu-west-2\n\n"
                              "[profile found]\nsso_session = here\nsso_account_id = 111122223333\n"
                              "sso_role_name = ReadOnly\n")
    browser = model.ProfileBrowser()
    browser.load(ps.ProfileStatusService().snapshot())
    assert len(browser.sessions) == 2  # the missing one still has a row and a status cell
    assert browser.status_line(2, "") == "2 profiles · not signed in"
    write_token(home, "here", expires_in=timedelta(hours=1), start_url="https://here.awsapps.com/start")
    browser.load(ps.ProfileStatusService().snapshot())
    assert browser.status_line(2, "") == "2 profiles · signed in"


def test_account_names_are_wanted_once_per_signed_in_sign_in(browser):
    wanted = browser.names_wanted(set())
    assert [row.session_key for row in wanted] == ["my-sso"]
    assert browser.names_wanted({"my-sso"}) == []


def test_a_config_that_cannot_be_read_leaves_no_rows(browser):
    browser.fail(ValueError("line 3"))
    assert browser.rows == [] and browser.by_name == {} and browser.loaded
    assert browser.status_line(0, "") == "0 profiles · signed in to 1 of 2 portals"


def test_short_list():
    assert model.short_list(["a", "b"]) == "a, b"
    assert model.short_list([str(i) for i in range(10)], 8) == "0, 1, 2, 3, 4, 5, 6, 7 and 2 more"


def test_the_details_name_a_sign_in_problem_once(browser):
    session = dataclasses.replace(browser.sessions["my-sso"], problem="sso_region is missing")
    browser.update_sessions({"my-sso": session})
    details = browser.details(browser.by_name["prod-admin"])
    texts = [fact.value for fact in details.facts]
    assert sum("sso_region is missing" in text for text in texts) == 1
    (problem,) = [fact for fact in details.facts if fact.problem]
    assert problem.label == "Problem" and problem.value == "sso_region is missing"


def test_profiles_on_a_critical_account_are_marked_and_say_what_the_role_can_do(snapshot):
    from app.guard import CRITICAL_MARKER, Guard

    browser = model.ProfileBrowser(Guard(critical_accounts=("111122223333", "012345678901")))
    browser.load(snapshot)
    admin, readonly = browser.by_name["prod-admin"], browser.by_name["dev-readonly"]
    assert browser.cells_of(admin, "signed in")[0] == f"{CRITICAL_MARKER} prod-admin"
    assert browser.cells_of(readonly, "signed in")[0] == f"{CRITICAL_MARKER} dev-readonly"
    assert browser.cells_of(browser.by_name["keys"], "n/a")[0] == "keys"  # no account: never critical
    (admin_fact,) = [f for f in browser.details(admin).facts if f.label == "Critical account"]
    assert admin_fact.problem and "AdministratorAccess can change it" in admin_fact.value
    (readonly_fact,) = [f for f in browser.details(readonly).facts if f.label == "Critical account"]
    assert "a read-only role" in readonly_fact.value


def test_without_a_guard_nothing_is_marked(browser):
    assert all(not browser.cells_of(row, "")[0].startswith("‼") for row in browser.rows)
