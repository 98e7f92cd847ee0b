"""The accounts and roles each sso-session was last seen to have, and what a refresh changed."""

from __future__ import annotations

import json

from app.signin.discovery_cache import DiscoveryCache
from app.signin.portal import Account

PROD, DEV, QA = Account("111111111111", "prod"), Account("222222222222", "dev"), Account("333333333333", "qa")


def test_a_first_discovery_is_kept_and_reports_no_changes(home):
    cache = DiscoveryCache()
    changes = cache.save("corp", [PROD, DEV], {"111111111111": ["ReadOnly", "Admin"]})
    assert changes.empty
    snapshot = cache.load("corp")
    assert snapshot.accounts == (PROD, DEV) and snapshot.roles == {"111111111111": ("ReadOnly", "Admin")}
    assert cache.load("other") is None


def test_a_refresh_says_which_accounts_and_roles_came_and_went(home):
    cache = DiscoveryCache()
    cache.save("corp", [PROD, DEV], {"111111111111": ["ReadOnly", "Admin"], "222222222222": ["ReadOnly"]})
    changes = cache.save("corp", [PROD, QA], {"111111111111": ["ReadOnly", "Billing"]})
    assert changes.accounts_added == ("333333333333",) and changes.accounts_removed == ("222222222222",)
    assert changes.roles_added == (("111111111111", "Billing"),)
    assert set(changes.roles_removed) == {("111111111111", "Admin"), ("222222222222", "ReadOnly")}
    assert changes.lines() == [
        "New accounts: qa (333333333333)", "Accounts gone: dev (222222222222)",
        "New roles: Billing in prod (111111111111)",
        "Roles gone: Admin in prod (111111111111), ReadOnly in dev (222222222222)"]
    assert cache.load("corp").roles == {"111111111111": ("ReadOnly", "Billing")}  # dev's roles went with it


def test_listing_accounts_alone_keeps_the_roles_seen_before(home):
    cache = DiscoveryCache()
    cache.save("corp", [PROD], {"111111111111": ["ReadOnly"]})
    assert cache.save("corp", [PROD, DEV]).accounts_added == ("222222222222",)
    assert cache.load("corp").roles == {"111111111111": ("ReadOnly",)}


def test_a_damaged_file_counts_as_no_cache_and_holds_no_secrets(home):
    cache = DiscoveryCache()
    cache.save("corp", [PROD], {"111111111111": ["ReadOnly"]})
    (path,) = cache.folder.glob("*.json")
    assert set(json.loads(path.read_text())) == {"version", "session", "updated_at", "accounts", "roles"}
    assert not list(cache.folder.glob("*.tmp*"))  # written atomically, nothing left beside it
    path.write_text("{not json")
    assert cache.load("corp") is None
    assert cache.save("corp", [PROD]).empty  # rewritten by the next discovery


def test_the_profile_browser_marks_generated_profiles_whose_role_is_gone_as_stale(home, config_path):
    from app.profiles import browser as model, status as ps

    config_path.parent.mkdir(parents=True, exist_ok=True)
    session = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n"
    profile = "[profile {name}]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = {role}\n{extra}\n"
    config_path.write_text(session
                           + profile.format(name="gone", role="Admin", extra="sso_wizard_generated = corp\n")
                           + profile.format(name="kept", role="ReadOnly", extra="sso_wizard_generated = corp\n")
                           + profile.format(name="by-hand", role="Admin", extra=""))
    browser = model.ProfileBrowser()
    browser.load(ps.ProfileStatusService().snapshot())
    assert browser.stale == set()  # no discovery seen yet: nothing is known to be gone
    DiscoveryCache().save("corp", [PROD], {"111111111111": ["ReadOnly"]})
    browser.load(ps.ProfileStatusService().snapshot())
    assert browser.stale == {"gone"}  # the hand-written one is never stale
    assert browser.status_cell(browser.by_name["gone"]) == (model.STALE, model.WARN)
    assert browser.status_cell(browser.by_name["kept"])[0] != model.STALE
