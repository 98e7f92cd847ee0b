"""Suggested profile names: readable, sanitised, preset patterns, free-name suffixes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, strategies as st

from app.config.naming import DEFAULT_PATTERN, check_pattern, next_free_name, sanitise, suggest_profile_name


@dataclass(frozen=True)
class Acct:  # the shape of app.signin.portal.Account
    account_id: str
    account_name: str | None = None
    email: str | None = None


def test_default_is_account_then_role():
    assert suggest_profile_name(Acct("111122223333", "preservation-prod"), "ReadOnly") == "preservation-prod-ReadOnly"


def test_spaces_brackets_and_quotes_are_sanitised():
    acct = Acct("111122223333", "Digital Archive (Prod) [EU]", "x@example.org")
    assert suggest_profile_name(acct, "Admin's Role") == "Digital-Archive-Prod-EU-Admin-s-Role"


def test_missing_account_name_falls_back_to_id():
    assert suggest_profile_name(Acct("111122223333"), "Dev") == "111122223333-Dev"


def test_preset_pattern_with_lower_and_email():
    acct = Acct("111122223333", "Library Prod", "lib-prod@example.org")
    assert suggest_profile_name(acct, "ReadOnly", "{account_email}.{role_name:lower}") == "lib-prod.readonly"
    assert suggest_profile_name(acct, "ReadOnly", "{role_name}-{account_id}") == "ReadOnly-111122223333"
    assert suggest_profile_name(acct, "ReadOnly", "{session}-{account_name:lower}", session="org") == "org-library-prod"


def test_bad_pattern_falls_back_to_default():
    acct = Acct("111122223333", "prod")
    assert suggest_profile_name(acct, "R", "{nope}") == "prod-R"


@pytest.mark.parametrize(
    "pattern, ok",
    [(DEFAULT_PATTERN, True), ("{role_name:lower}_{account_id}", True), ("static", False),
     ("{unknown}", False), ("{role_name:upper}", False), ("{role_name", False), ("{role_name!r}", False)],
)
def test_check_pattern(pattern, ok):
    assert (check_pattern(pattern) is None) is ok


def test_sanitise_collapses_and_trims():
    assert sanitise("  --a  b__c..d--  ") == "a-b_c.d"
    assert len(sanitise("x" * 200)) == 64


def test_next_free_name():
    assert next_free_name("prod-Admin", []) == "prod-Admin"
    assert next_free_name("prod-Admin", ["prod-Admin"]) == "prod-Admin-2"
    assert next_free_name("prod-Admin", ["prod-Admin", "prod-Admin-2"]) == "prod-Admin-3"


@given(st.text(max_size=80), st.text(max_size=80), st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_suggestion_is_always_a_safe_nonempty_name(name, role, account_id):
    result = suggest_profile_name(Acct(account_id, name), role)
    assert result
    assert len(result) <= 64
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in result)
    assert result[0] not in "-._" and result[-1] not in "-._"
