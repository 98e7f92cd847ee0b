"""The change to the config in words and as added / changed / removed lines (what the review shows)."""

from __future__ import annotations

from app.config.diff import (
    DiffLine,
    SectionChange,
    change_lines,
    change_summary,
    describe_change,
    describe_diff,
    full_unified_diff,
    section_changes,
)

PROFILE = """[profile preservation-prod-ReadOnly]
sso_session = demo-archive
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = eu-west-2
"""
SESSION = """[sso-session demo-archive]
sso_start_url = https://demo-archive.awsapps.com/start
sso_region = eu-west-2
"""


def _diff(old: str, new: str) -> str:
    return full_unified_diff(old.splitlines(True), new.splitlines(True), "a", "b")


def test_a_first_profile_adds_a_profile_and_a_sign_in_portal():
    assert describe_change("", PROFILE + "\n" + SESSION) == "adds 1 profile and 1 sign-in portal"


def test_changes_and_removals_are_counted_by_kind():
    old = PROFILE + "[profile old]\nregion = us-east-1\n[default]\nregion = us-east-1\n" + SESSION
    new = PROFILE.replace("eu-west-2", "eu-west-1") + SESSION + "[profile new]\nregion = us-east-1\n"
    assert section_changes(old, new) == [
        SectionChange("profile", "preservation-prod-ReadOnly", "changed"),
        SectionChange("profile", "new", "added"),
        SectionChange("profile", "old", "removed"),
        SectionChange("profile", "default", "removed"),
    ]
    assert describe_change(old, new) == "adds 1 profile; changes 1 profile; removes 2 profiles"


def test_comments_and_blank_lines_are_not_a_change():
    assert describe_change(PROFILE, "# mine\n" + PROFILE + "\n\n") == "changes nothing"
    assert change_summary([]) == "changes nothing"


def test_a_new_value_for_a_key_is_one_changed_line():
    old = PROFILE
    new = PROFILE.replace("region = eu-west-2", "region = eu-west-1\noutput = json")
    lines = change_lines(_diff(old, new))
    assert [line for line in lines if line.kind != "context"] == [
        DiffLine("changed", "region = eu-west-1", was="eu-west-2"),
        DiffLine("added", "output = json"),
    ]
    assert DiffLine("context", "sso_role_name = ReadOnly") in lines


def test_added_and_removed_sections_read_as_such_with_gaps_between_hunks():
    old = PROFILE + "\n" + "".join(f"[profile p{i}]\nregion = us-east-1\n" for i in range(6)) + SESSION
    new = PROFILE.replace("ReadOnly]", "ReadOnly-2]") + "\n" + old.split("\n\n", 1)[1].replace(
        SESSION, "") + "[profile extra]\nregion = eu-west-1\n"
    lines = change_lines(_diff(old, new))
    kinds = [line.kind for line in lines]
    assert "gap" in kinds
    assert DiffLine("removed", "[profile preservation-prod-ReadOnly]") in lines
    assert DiffLine("added", "[profile preservation-prod-ReadOnly-2]") in lines
    assert DiffLine("added", "[profile extra]") in lines
    assert DiffLine("removed", "sso_start_url = https://demo-archive.awsapps.com/start") in lines
    assert not any(line.text.startswith(("--- ", "+++ ", "@@")) for line in lines)


def test_a_diff_alone_is_described_by_the_sections_it_touches():
    old = PROFILE + "\n" + SESSION
    new = PROFILE.replace("demo-archive", "other") + "\n" + SESSION + "\n[profile new]\nregion = us-east-1\n"
    assert describe_diff(_diff("", PROFILE + "\n" + SESSION)) == "adds 1 profile and 1 sign-in portal"
    assert describe_diff(_diff(old, new)) == "adds 1 profile; changes 1 profile"
    assert describe_diff(_diff(old, SESSION)) == "removes 1 profile"
    # a line further from its header than the diff's context shows: counted as a line
    assert describe_diff(_diff(PROFILE, PROFILE.replace("eu-west-2", "eu-west-1"))) == "changes 1 line"
