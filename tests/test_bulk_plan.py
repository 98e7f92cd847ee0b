"""Naming many profiles from a template and planning them (the model behind `populate` and the
wizard's multi-select): clashes, existing profiles, the marker, pruning."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.bulk import (
    ADD,
    KEEP,
    REMOVE,
    UPDATE,
    BulkError,
    Pair,
    existing_for_session,
    name_pairs,
    plan_profiles,
    profile_edits,
    select_pairs,
)
from app.config.document import ConfigDocument
from app.config.edits import DeleteProfile, UpsertProfile
from app.config.model import build_config

SESSION = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n"

PAIRS = [
    Pair("111111111111", "ReadOnly", "prod"),
    Pair("111111111111", "Admin", "prod"),
    Pair("222222222222", "ReadOnly", "dev"),
]


def config(text: str = ""):
    return build_config(ConfigDocument.parse(SESSION + text, Path("config")), Path("config"))


def names(pairs=PAIRS, template="{account_name}-{role_name}", text=""):
    cfg = config(text)
    return name_pairs(pairs, template, taken=cfg.profiles, existing=existing_for_session(cfg, "corp"), session="corp")


def test_every_pair_is_named_from_the_template_and_cleaned():
    naming = names(template="{account_name} [{role_name:lower}]")
    assert [row.name for row in naming.rows] == ["prod-readonly", "prod-admin", "dev-readonly"]
    assert naming.ok


def test_a_name_taken_by_an_existing_profile_gets_the_account_id():
    naming = names(text="[profile prod-ReadOnly]\nregion = eu-west-1\n")
    row = naming.rows[0]
    assert (row.name, row.clash, row.rule) == ("prod-ReadOnly-111111111111", "a profile prod-ReadOnly already exists",
                                               "the account id appended")
    assert naming.ok and naming.clashes == 1


def test_two_accounts_given_one_name_are_told_apart_by_account_id():
    naming = names(template="{role_name}")
    assert [row.name for row in naming.rows] == ["ReadOnly-111111111111", "Admin", "ReadOnly-222222222222"]
    assert naming.ok


def test_two_roles_of_one_account_given_one_name_stop_until_the_template_changes():
    naming = names(template="{account_name}")
    assert not naming.ok
    assert "put {role_name} in the template" in naming.problem
    assert naming.rows[0].problem and not naming.rows[2].problem
    with pytest.raises(BulkError):
        plan_profiles(config(), "corp", naming)


def test_an_unknown_placeholder_is_refused():
    naming = names(template="{account}-{role_name}")
    assert not naming.ok and "unknown placeholder {account}" in naming.problem


def test_a_pair_with_a_profile_of_this_session_keeps_it_and_its_name():
    text = "[profile mine]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
    naming = names(text=text)
    assert naming.rows[0].name == "mine" and naming.rows[0].existing
    plan = plan_profiles(config(text), "corp", naming, region="eu-west-2")
    assert [(i.name, i.action) for i in plan.items] == [("mine", KEEP), ("prod-Admin", ADD), ("dev-ReadOnly", ADD)]
    assert plan.items[0].note == "written by hand: left as it is"
    edits = profile_edits(plan)
    assert [e.name for e in edits] == ["prod-Admin", "dev-ReadOnly"]
    assert all(isinstance(e, UpsertProfile) and e.generated_from == "corp" for e in edits)


def test_a_generated_profile_with_another_region_is_updated():
    text = ("[profile prod-ReadOnly]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
            "region = eu-west-1\nsso_wizard_generated = corp\n")
    plan = plan_profiles(config(text), "corp", names(PAIRS[:1], text=text), region="eu-west-2")
    assert [(i.name, i.action) for i in plan.items] == [("prod-ReadOnly", UPDATE)]


def test_prune_removes_only_marked_profiles_of_this_session():
    text = ("[profile gone]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Old\n"
            "sso_wizard_generated = corp\n\n"
            "[profile by-hand]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Old\n\n"
            "[profile other]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Old\n"
            "sso_wizard_generated = elsewhere\n")
    plan = plan_profiles(config(text), "corp", names(PAIRS[:1], text=text), assigned=[p.key for p in PAIRS])
    assert [(i.name, i.action) for i in plan.items] == [("prod-ReadOnly", ADD), ("gone", REMOVE)]
    assert profile_edits(plan)[-1] == DeleteProfile("gone")


def test_patterns_are_case_insensitive_globs_on_account_id_or_name_and_role():
    assert select_pairs(PAIRS, accounts=["PROD"], roles=["read*"]) == [PAIRS[0]]
    assert select_pairs(PAIRS, accounts=["2222*"]) == [PAIRS[2]]
    assert select_pairs(PAIRS) == PAIRS
    with pytest.raises(BulkError, match="--role Nope matches none"):
        select_pairs(PAIRS, roles=["Nope"])
