"""Edits: the lines they write, where they write them, and what they leave alone."""

from __future__ import annotations

import pytest

from app.config.document import ConfigDocument
from app.config.edits import (
    DeleteProfile,
    EditError,
    RenameProfile,
    SetDefaultProfile,
    UpsertProfile,
    UpsertSsoSession,
    apply_edits,
    validate_profile_name,
    validate_session_name,
)
from app.config.verify import verify

SESSION = UpsertSsoSession("my-sso", "https://my-sso-portal.awsapps.com/start", "us-east-1")
READONLY = UpsertProfile(
    "ReadOnly-123456789012", "123456789012", "ReadOnly", sso_session="my-sso", region="us-west-2", output="json"
)


def edit(text: str, *edits) -> str:
    """Apply edits and verify the result with botocore, as the writer does."""
    outcome = apply_edits(ConfigDocument.parse(text), edits)
    new_text = outcome.render()
    if outcome.changed:
        verify(outcome, new_text)
    return new_text


def test_new_file_matches_configure_sso_with_one_blank_line_between_sections():
    # interop §1.3: the CLI's exact lines and order; we add one blank line between sections.
    assert edit("", READONLY, SESSION) == (
        "[profile ReadOnly-123456789012]\n"
        "sso_session = my-sso\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = ReadOnly\n"
        "region = us-west-2\n"
        "output = json\n"
        "\n"
        "[sso-session my-sso]\n"
        "sso_start_url = https://my-sso-portal.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n"
    )


def test_legacy_form_matches_configure_sso():
    legacy = UpsertProfile(
        "ReadOnly-123456789012", "123456789012", "ReadOnly", region="us-west-2", output="json",
        legacy=True, start_url="https://my-sso-portal.awsapps.com/start", sso_region="us-east-1",
    )
    assert edit("", legacy) == (
        "[profile ReadOnly-123456789012]\n"
        "sso_start_url = https://my-sso-portal.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = ReadOnly\n"
        "region = us-west-2\n"
        "output = json\n"
    )


def test_append_adds_exactly_one_blank_line():
    assert edit("[default]\nregion = x\n", SESSION).startswith("[default]\nregion = x\n\n[sso-session my-sso]\n")
    # Already ends with a blank line: no second one.
    assert edit("[default]\nregion = x\n\n", SESSION).startswith("[default]\nregion = x\n\n[sso-session my-sso]\n")
    # Ends with several blank lines: left as they are.
    assert edit("[default]\nregion = x\n\n\n", SESSION).startswith("[default]\nregion = x\n\n\n[sso-session my-sso]\n")
    # Only comments: one blank line after them.
    assert edit("# mine\n", SESSION).startswith("# mine\n\n[sso-session my-sso]\n")


def test_missing_final_newline_is_added_in_the_files_style():
    assert edit("[default]\r\nregion = x", SESSION) == (
        "[default]\r\nregion = x\r\n\r\n[sso-session my-sso]\r\n"
        "sso_start_url = https://my-sso-portal.awsapps.com/start\r\nsso_region = us-east-1\r\n"
        "sso_registration_scopes = sso:account:access\r\n"
    )
    assert edit("# just a comment", SESSION).startswith("# just a comment\n\n[sso-session")


def test_crlf_file_gets_crlf_lines_everywhere():
    text = "[profile dev]\r\nregion = eu-west-1\r\n"
    out = edit(text, UpsertProfile("dev", "1", "R", sso_session="my-sso"), SESSION)
    assert "\n" not in out.replace("\r\n", "")
    assert out.startswith("[profile dev]\r\nregion = eu-west-1\r\nsso_session = my-sso\r\n")


def test_existing_keys_change_in_place_and_missing_ones_follow_the_last_key():
    text = (
        "[profile dev]\n"
        "region=eu-west-1\n"
        "# the role we use\n"
        "sso_role_name: Old\n"
        "s3 =\n"
        "  addressing_style = path\n"
        "# trailing comment stays\n"
        "\n"
        "[profile other]\n"
        "region = x\n"
    )
    out = edit(text, UpsertProfile("dev", "1", "New", sso_session="my-sso", region="eu-west-1"), SESSION)
    assert out.startswith(
        "[profile dev]\n"
        "region=eu-west-1\n"  # same value: untouched, spacing kept
        "# the role we use\n"
        "sso_role_name = New\n"  # changed: rewritten in the CLI's format
        "s3 =\n"
        "  addressing_style = path\n"
        "sso_session = my-sso\n"  # missing keys after the last option, CLI order
        "sso_account_id = 1\n"
        "# trailing comment stays\n"
        "\n"
        "[profile other]\n"
        "region = x\n"
    )


def test_an_unchanged_upsert_changes_nothing():
    text = edit("", READONLY, SESSION)
    outcome = apply_edits(ConfigDocument.parse(text), [READONLY, SESSION])
    assert not outcome.changed
    assert outcome.render() == text


@pytest.mark.parametrize("name", ["dev", "default"])
def test_a_profile_added_deleted_and_added_again_in_one_change_is_written_as_last_asked(name):
    text = edit(
        "[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\n",
        UpsertProfile(name, "111111111111", "Dev", sso_session="my-sso"),
        DeleteProfile(name),
        UpsertProfile(name, "333333333333", "Admin", sso_session="my-sso"),
    )
    assert text.count("sso_account_id") == 1 and "sso_account_id = 333333333333" in text


def test_multiline_value_is_replaced_whole():
    text = "[profile dev]\nregion = a\n  b\n\n  c\noutput = json\n"
    assert edit(text, UpsertProfile("dev", "1", "R", sso_session="my-sso", region="z"), SESSION).startswith(
        "[profile dev]\nregion = z\noutput = json\nsso_session = my-sso\n"
    )


def test_indented_options_keep_their_indentation():
    text = "[profile dev]\n  region = a\n  output = json\n"
    out = edit(text, UpsertProfile("dev", "1", "R", sso_session="my-sso", region="b"), SESSION)
    assert out.startswith("[profile dev]\n  region = b\n  output = json\n  sso_session = my-sso\n")


def test_converting_legacy_to_session_removes_inline_start_url_and_region():
    text = (
        "[profile dev]\n"
        "sso_start_url = https://old.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
        "sso_account_id = 1\n"
        "sso_role_name = R\n"
    )
    out = edit(text, UpsertProfile("dev", "1", "R", sso_session="my-sso"), SESSION)
    assert out.startswith("[profile dev]\nsso_account_id = 1\nsso_role_name = R\nsso_session = my-sso\n\n")
    assert "old.awsapps.com" not in out


def test_converting_session_to_legacy_removes_the_session_reference():
    text = edit("", READONLY, SESSION)
    legacy = UpsertProfile("ReadOnly-123456789012", "123456789012", "ReadOnly", legacy=True,
                           start_url="https://x.awsapps.com/start", sso_region="us-east-1")
    out = edit(text, legacy)
    assert "sso_session = my-sso" not in out
    assert "[sso-session my-sso]" in out  # the session itself stays


def test_default_means_the_default_section():
    out = edit("", UpsertProfile("default", "1", "R", sso_session="my-sso"), SESSION)
    assert out.startswith("[default]\nsso_session = my-sso\n")


def test_stale_profile_default_that_would_win_is_consolidated():
    """aws/aws-cli#9484: [default] is written but a later [profile default] silently wins.
    We edit the section botocore uses, rename it [default] and drop the shadowed one."""
    text = "[default]\nregion = stale\n\n[profile dev]\nregion = x\n\n[profile default]\nregion = live\noutput = text\n"
    outcome = apply_edits(ConfigDocument.parse(text), [UpsertProfile("default", "1", "R", sso_session="my-sso"), SESSION])
    out = outcome.render()
    verify(outcome, out)
    assert out.startswith("[profile dev]\nregion = x\n\n[default]\nregion = live\noutput = text\nsso_session = my-sso\n")
    assert "stale" not in out and "[profile default]" not in out
    assert any("Removed the section [default] (line 1)" in note for note in outcome.notes)
    assert any("Renamed [profile default] to [default]" in note for note in outcome.notes)


def test_earlier_shadowed_profile_default_is_removed_too():
    text = "[profile default]\nregion = stale\n\n[default]\nregion = live\n"
    out = edit(text, UpsertProfile("default", "1", "R", sso_session="my-sso"), SESSION)
    assert out.startswith("[default]\nregion = live\nsso_session = my-sso\n")
    assert "stale" not in out


def test_names_with_spaces_are_quoted_like_the_cli():
    out = edit("", UpsertProfile("my prof", "1", "R", sso_session="my sso"),
               UpsertSsoSession("my sso", "https://x.awsapps.com/start", "us-east-1"))
    assert "[profile 'my prof']\n" in out and "[sso-session 'my sso']\n" in out
    # ...and found again by name on the next edit (no duplicate section).
    again = edit(out, UpsertProfile("my prof", "2", "R", sso_session="my sso"))
    assert again.count("[profile 'my prof']") == 1 and "sso_account_id = 2" in again


def test_quoted_headers_written_by_hand_are_found():
    text = '[profile "my prof"]\nregion = a\n'
    out = edit(text, UpsertProfile("my prof", "1", "R", sso_session="my-sso"), SESSION)
    assert out.startswith('[profile "my prof"]\nregion = a\nsso_session = my-sso\n')


# --- delete ---------------------------------------------------------------------------------------

DELETE_CASES = [
    # (before, after) for DeleteProfile("a")
    ("[profile a]\nx = 1\n\n[profile b]\ny = 2\n", "[profile b]\ny = 2\n"),
    # Comments directly above the next header belong to the next section.
    ("[profile a]\nx = 1\n# about b\n[profile b]\ny = 2\n", "# about b\n[profile b]\ny = 2\n"),
    # Comments under a's keys followed by a blank line are a's; what follows the blank is b's.
    ("[profile a]\nx = 1\n# a's note\n\n# b's heading\n\n# b's note\n[profile b]\n",
     "# b's heading\n\n# b's note\n[profile b]\n"),
    # Comments inside the section go with it.
    ("[profile a]\n# inside\nx = 1\n  continued\n\n[profile b]\n", "[profile b]\n"),
    # A's own heading comment above its header stays (it is not part of the section).
    ("# heading of a\n[profile a]\nx = 1\n\n[profile b]\n", "# heading of a\n[profile b]\n"),
    # The last section: everything down to the end goes, except comments after a blank line.
    ("[profile b]\ny = 2\n\n[profile a]\nx = 1\n# a's tail\n", "[profile b]\ny = 2\n\n"),
    ("[profile b]\ny = 2\n\n[profile a]\nx = 1\n\n# end of file\n", "[profile b]\ny = 2\n\n# end of file\n"),
    # No blank line before the next section and no comments.
    ("[profile a]\nx = 1\n[profile b]\n", "[profile b]\n"),
    # Both sections botocore maps to "a" go.
    ("[profile a]\nx = 1\n\n[profiles a]\nx = 2\n\n[profile b]\n", "[profile b]\n"),
]


@pytest.mark.parametrize("before, after", DELETE_CASES)
def test_delete_removes_the_section_and_its_own_trailing_blank_lines_only(before, after):
    assert edit(before, DeleteProfile("a")) == after


def test_delete_of_a_missing_profile_is_a_noted_no_op():
    outcome = apply_edits(ConfigDocument.parse("[profile b]\n"), [DeleteProfile("a")])
    assert not outcome.changed and "nothing to delete" in outcome.notes[0]


def test_delete_default_removes_both_forms():
    assert edit("[default]\nx = 1\n\n[profile default]\nx = 2\n\n[profile b]\n", DeleteProfile("default")) == "[profile b]\n"


# --- rename -----------------------------------------------------------------------------------------


def test_rename_keeps_lines_comments_and_position():
    text = "[profile a] # my note\n# inside\nregion=x\n\n[profile b]\n"
    assert edit(text, RenameProfile("a", "new name")) == "[profile 'new name'] # my note\n# inside\nregion=x\n\n[profile b]\n"


def test_rename_to_default_and_back():
    out = edit("[profile a]\nregion = x\n", RenameProfile("a", "default"))
    assert out == "[default]\nregion = x\n"
    assert edit(out, RenameProfile("default", "a")) == "[profile a]\nregion = x\n"


def test_rename_refuses_missing_source_and_existing_target():
    doc = ConfigDocument.parse("[profile a]\n[profile b]\n")
    with pytest.raises(EditError, match="already exists"):
        apply_edits(doc, [RenameProfile("a", "b")])
    with pytest.raises(EditError, match="no profile c"):
        apply_edits(doc, [RenameProfile("c", "d")])


# --- set default ----------------------------------------------------------------------------------


def test_set_default_copies_the_source_settings_exactly():
    text = (
        "[default]\nregion = old\naws_access_key_id = AKIAOLD\n# keep me\n\n"
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 1\nsso_role_name = R\nregion = eu\n"
        "s3 =\n  addressing_style = path\n\n"
        "[sso-session my-sso]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
    )
    out = edit(text, SetDefaultProfile("dev"))
    assert out.startswith(
        "[default]\nregion = eu\nsso_session = my-sso\nsso_account_id = 1\nsso_role_name = R\n"
        "s3 =\n    addressing_style = path\n# keep me\n\n[profile dev]\n"
    )
    assert "AKIAOLD" not in out


def test_set_default_creates_default_when_missing():
    out = edit("[profile dev]\nregion = eu\n", SetDefaultProfile("dev"))
    assert out == "[profile dev]\nregion = eu\n\n[default]\nregion = eu\n"


def test_set_default_refuses_a_missing_source():
    with pytest.raises(EditError, match="no profile dev"):
        apply_edits(ConfigDocument.parse(""), [SetDefaultProfile("dev")])


# --- refusals ---------------------------------------------------------------------------------------


def test_profile_pointing_at_a_missing_session_is_refused():
    with pytest.raises(EditError, match='sso-session "nope", which does not exist'):
        apply_edits(ConfigDocument.parse(""), [UpsertProfile("dev", "1", "R", sso_session="nope")])


def test_profile_inheriting_an_inconsistent_default_is_refused():
    text = "[DEFAULT]\nsso_region = eu-west-1\n"
    with pytest.raises(EditError, match="differs from the one in sso-session"):
        apply_edits(ConfigDocument.parse(text), [UpsertProfile("dev", "1", "R", sso_session="my-sso"), SESSION])


def test_upsert_into_an_assume_role_profile_is_refused():
    with pytest.raises(EditError, match="role_arn"):
        apply_edits(ConfigDocument.parse("[profile dev]\nrole_arn = arn:x\nsource_profile = b\n"),
                    [UpsertProfile("dev", "1", "R", sso_session="my-sso"), SESSION])


@pytest.mark.parametrize("value", [" 1", "1\n2", "a\rb", "x\x00"])
def test_values_with_spaces_or_line_breaks_are_refused(value):
    with pytest.raises(EditError):
        apply_edits(ConfigDocument.parse(""), [UpsertProfile("dev", value, "R", sso_session="my-sso"), SESSION])


@pytest.mark.parametrize(
    "name, words",
    [
        ("", "empty"),
        (" dev", "start or end with a space"),
        ("dev ", "start or end with a space"),
        ("a[b", "[ or ]"),
        ("a]b", "[ or ]"),
        ("a\nb", "line break"),
        ("a\rb", "line break"),
        ("it's", "quotes"),
        ('a"b', "quotes"),
        ("a\\b", "backslash"),
        ("a\x07b", "control"),
    ],
)
def test_bad_names_are_refused_with_a_reason(name, words):
    assert words in validate_profile_name(name)
    assert words in validate_session_name(name)
    with pytest.raises(EditError):
        apply_edits(ConfigDocument.parse(""), [UpsertProfile(name, "1", "R", sso_session="my-sso"), SESSION])


@pytest.mark.parametrize("name", ["dev", "my prof", "default", "Ä-team_1.x", "tab\there", "#hash", "a=b:c"])
def test_good_names_are_accepted(name):
    assert validate_profile_name(name) is None
    out = edit("", UpsertProfile(name, "1", "R", sso_session="my-sso"), SESSION)
    from pathlib import Path

    from app.config.model import build_config

    config = build_config(ConfigDocument.parse(out), Path("config"))
    assert config.profiles[name].problem is None


def test_scopes_are_stored_raw_and_must_be_comma_separated():
    scopes = "sso:account:access, codewhisperer:completions"
    out = edit("", UpsertSsoSession("s", "https://x.awsapps.com/start", "us-east-1", scopes))
    assert f"sso_registration_scopes = {scopes}\n" in out
    with pytest.raises(EditError, match="separated by commas"):
        apply_edits(ConfigDocument.parse(""), [UpsertSsoSession("s", "https://x", "us-east-1", "a b")])
    # No scopes: the key goes away.
    assert "sso_registration_scopes" not in edit(out, UpsertSsoSession("s", "https://x.awsapps.com/start", "us-east-1", None))
