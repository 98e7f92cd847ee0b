"""The writer: plan then apply, diff, verification, lock, re-apply, backups, modes."""

from __future__ import annotations

import difflib
import os
import stat
import time
from pathlib import Path

import pytest

import app.config.edits as config_edits
from app.config.backup import KEEP, list_backups, next_name
from app.config.diff import full_unified_diff
from app.config.document import ConfigParseError, split_lines
from app.config.edits import DeleteProfile, EditError, RenameProfile, UpsertProfile, UpsertSsoSession
from app.config.model import load_aws_config
from app.config.verify import VerificationError
from app.config.writer import ConfigWriter, lock_path_for

SESSION = UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1")


def dev(account: str = "111111111111", **kw) -> UpsertProfile:
    return UpsertProfile("dev", account, "Developer", sso_session="corp", **kw)


def backups(path: Path) -> list[Path]:
    return [p for _, p in list_backups(path.parent, path.name)]


def test_plan_touches_nothing_on_disk(config_path):
    plan = ConfigWriter(config_path).plan([dev(), SESSION])
    assert plan.changed and plan.old_text == "" and not plan.existed
    assert not config_path.parent.exists()
    assert plan.diff.startswith(f"--- /dev/null\n+++ {config_path}\n@@ -0,0 +1,")


def test_first_write_creates_private_file_and_directory(config_path):
    writer = ConfigWriter(config_path)
    result = writer.apply(writer.plan([dev(), SESSION]))
    assert result.backup_path is None and not result.reapplied
    assert stat.S_IMODE(os.stat(config_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(config_path.parent).st_mode) == 0o700
    assert load_aws_config(config_path).profiles["dev"].start_url == "https://corp.awsapps.com/start"
    assert lock_path_for(config_path).exists()  # the sidecar lock stays


def test_existing_mode_is_kept(config_path):
    config_path.parent.mkdir(mode=0o700)
    config_path.write_text("[default]\nregion = x\n")
    os.chmod(config_path, 0o640)
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan([dev(), SESSION]))
    assert stat.S_IMODE(os.stat(config_path).st_mode) == 0o640


def test_default_path_follows_aws_config_file(monkeypatch, tmp_path):
    target = tmp_path / "elsewhere" / "cfg"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(target))
    writer = ConfigWriter()
    writer.apply(writer.plan([dev(), SESSION]))
    assert target.exists() and "[profile dev]" in target.read_text()


def test_symlinked_config_is_written_through(config_path, tmp_path):
    real = tmp_path / "dotfiles" / "aws-config"
    real.parent.mkdir()
    real.write_text("[default]\nregion = x\n")
    config_path.parent.mkdir()
    config_path.symlink_to(real)
    writer = ConfigWriter(config_path)
    result = writer.apply(writer.plan([dev(), SESSION]))
    assert config_path.is_symlink() and "[profile dev]" in real.read_text()
    assert result.backup_path.parent == config_path.parent
    assert result.backup_path.read_text() == "[default]\nregion = x\n"
    # one lock for the file, whichever path leads to it
    assert lock_path_for(config_path) == lock_path_for(real) == real.with_name("aws-config.lock")


def apply_unified_diff(old: list[str], diff: str) -> list[str]:
    """A minimal patch(1): apply a unified diff to lines (endings ignored) and return them."""
    import re

    result: list[str] = []
    cursor = 0
    lines = diff.splitlines()[2:]
    index = 0
    while index < len(lines):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", lines[index])
        assert header, lines[index]
        start = int(header.group(1)) - (0 if header.group(2) == "0" else 1)
        result.extend(old[cursor:start])
        cursor = start
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            tag, body = lines[index][:1], lines[index][1:]
            if tag == " ":
                assert old[cursor] == body
                result.append(body)
                cursor += 1
            elif tag == "-":
                assert old[cursor] == body
                cursor += 1
            elif tag == "+":
                result.append(body)
            index += 1
    result.extend(old[cursor:])
    return result


def test_diff_is_correct_minimal_and_like_difflib(config_path):
    config_path.parent.mkdir()
    text = "".join(f"[profile p{i}]\nregion = r{i}\n\n" for i in range(40))
    config_path.write_text(text)
    plan = ConfigWriter(config_path).plan([UpsertProfile("p7", "1", "R", sso_session="corp", region="new"), SESSION,
                                           DeleteProfile("p20"), RenameProfile("p30", "renamed")])
    old_lines = text.splitlines()
    assert apply_unified_diff(old_lines, plan.diff) == plan.new_text.splitlines()
    changed = [line for line in plan.diff.splitlines()[2:] if line[:1] in "+-"]
    reference = full_unified_diff(split_lines(text), split_lines(plan.new_text), "a", "b")
    assert sorted(changed) == sorted(line for line in reference.splitlines()[2:] if line[:1] in "+-")
    # Where the alignment is unambiguous the text is exactly difflib's.
    small = ConfigWriter(config_path)
    config_path.write_text("[profile a]\nregion = x\n\n[profile b]\nregion = y\n")
    plan = small.plan([RenameProfile("a", "c")])
    assert plan.diff == "".join(
        difflib.unified_diff(split_lines(config_path.read_text()), split_lines(plan.new_text), str(config_path), str(config_path))
    )


def test_diff_marks_a_missing_final_newline(config_path):
    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = x")
    plan = ConfigWriter(config_path).plan([SESSION])
    assert "-region = x\n\\ No newline at end of file\n+region = x\n" in plan.diff


def test_apply_writes_exactly_the_plan_and_backs_up_the_old_file(config_path):
    config_path.parent.mkdir()
    config_path.write_text("# mine\n[default]\nregion = x\n")
    writer = ConfigWriter(config_path)
    plan = writer.plan([dev(), SESSION])
    result = writer.apply(plan)
    assert config_path.read_text() == plan.new_text
    assert result.diff == plan.diff and not result.reapplied
    assert result.backup_path.name.startswith("config.bak-")
    assert result.backup_path.read_text() == "# mine\n[default]\nregion = x\n"


def test_apply_reapplies_when_the_file_changed_since_the_plan(config_path):
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan([SESSION]))
    plan = writer.plan([dev()])
    # Someone else (the AWS CLI, another window) edits the file meanwhile.
    with open(config_path, "a") as handle:
        handle.write("\n[profile other]\nregion = us-east-2\n")
    result = writer.apply(plan)
    assert result.reapplied
    config = load_aws_config(config_path)
    assert set(config.profiles) == {"other", "dev"}
    assert config.profiles["other"].region == "us-east-2"
    assert "[profile other]" in result.diff.replace("+[profile other]", "") or "[profile dev]" in result.diff


def test_apply_refuses_when_the_file_became_unreadable_since_the_plan(config_path):
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan([SESSION]))
    plan = writer.plan([dev()])
    broken = config_path.read_text() + "[sso-session corp]\n"
    config_path.write_text(broken)
    with pytest.raises(ConfigParseError, match="appears twice"):
        writer.apply(plan)
    assert config_path.read_text() == broken


def test_a_file_botocore_cannot_read_is_never_written(config_path):
    config_path.parent.mkdir()
    config_path.write_bytes(b"\xef\xbb\xbf[default]\nregion = x\n")
    before = config_path.read_bytes()
    with pytest.raises(ConfigParseError) as caught:
        ConfigWriter(config_path).plan([SESSION])
    assert caught.value.line == 1 and str(config_path) in str(caught.value)
    assert config_path.read_bytes() == before and not backups(config_path)


def test_unchanged_plan_writes_nothing(config_path):
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan([dev(), SESSION]))
    stat_before = os.stat(config_path)
    plan = writer.plan([dev(), SESSION])
    assert not plan.changed and plan.diff == ""
    result = writer.apply(plan)
    assert result.backup_path is None
    assert os.stat(config_path).st_ino == stat_before.st_ino


def test_verification_stops_a_wrong_edit_before_it_is_written(config_path, monkeypatch):
    """If the line engine ever wrote something botocore reads differently, nothing is written."""
    config_path.parent.mkdir()
    config_path.write_text("[profile dev]\nregion = x\n")
    real = config_edits.option_lines

    def sloppy(key, value, indent, newline):
        lines = real(key, value, indent, newline)
        if key == "sso_role_name":
            lines = [line.replace(value, value + "X") for line in lines]
        return lines

    monkeypatch.setattr(config_edits, "option_lines", sloppy)
    with pytest.raises(VerificationError, match="sso_role_name"):
        ConfigWriter(config_path).plan([dev(), SESSION])
    assert config_path.read_text() == "[profile dev]\nregion = x\n"


def test_verification_stops_an_edit_written_into_the_wrong_section(config_path, monkeypatch):
    config_path.parent.mkdir()
    config_path.write_text("[profile dev]\nregion = x\n\n[profile ops]\nregion = y\n")
    real = config_edits._Draft.consolidate

    def confused(self, kind, name):  # picks the wrong profile's section
        return real(self, kind, "ops" if name == "dev" else name)

    monkeypatch.setattr(config_edits._Draft, "consolidate", confused)
    with pytest.raises(VerificationError, match="profile (dev|ops)"):
        ConfigWriter(config_path).plan([dev(), SESSION])


def test_verification_stops_a_duplicate_section(config_path, monkeypatch):
    config_path.parent.mkdir()
    config_path.write_text("[profile dev]\nregion = x\n\n[profile ops]\nregion = y\n")
    real = config_edits._Draft.rename_block
    monkeypatch.setattr(config_edits._Draft, "rename_block", lambda self, block, header: real(self, block, "profile ops"))
    with pytest.raises(VerificationError, match="appear twice"):
        ConfigWriter(config_path).plan([RenameProfile("dev", "new")])
    assert config_path.read_text() == "[profile dev]\nregion = x\n\n[profile ops]\nregion = y\n"


def test_indented_header_after_an_edited_section_uses_the_whole_file_check(config_path):
    """`  [b]` right after a header-only section is a header; once the section gets keys it
    would become a continuation line. The section-wise check sees the unclean boundary,
    botocore reads the whole new file, and the change is refused."""
    config_path.parent.mkdir()
    config_path.write_text("[profile a]\n  [profile b]\nregion = y\n")
    with pytest.raises(VerificationError):
        ConfigWriter(config_path).plan([UpsertProfile("a", "1", "R", sso_session="corp"), SESSION])


def test_edits_that_cannot_be_made_raise_edit_errors(config_path):
    with pytest.raises(EditError):
        ConfigWriter(config_path).plan([RenameProfile("nope", "x")])


# --- backups ------------------------------------------------------------------------------------


def test_backups_are_unique_ordered_and_the_newest_20_are_kept(config_path):
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan([SESSION]))
    made = []
    for i in range(KEEP + 5):  # many writes within the same second
        result = writer.apply(writer.plan([dev(f"{i:012d}")]))
        made.append(result.backup_path)
    kept = backups(config_path)
    assert len(kept) == KEEP
    assert kept == made[-KEEP:]  # the newest, in write order
    assert len({p.name for p in made}) == len(made)
    # Each backup holds the file as it was before its write.
    for i, path in enumerate(made[-KEEP:], start=5):
        account = f"{i - 1:012d}" if i else None
        assert f"sso_account_id = {account}" in path.read_text()


def test_backup_is_a_hard_link_to_the_old_inode(config_path):
    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = x\n")
    old_inode = os.stat(config_path).st_ino
    writer = ConfigWriter(config_path)
    result = writer.apply(writer.plan([SESSION]))
    assert os.stat(result.backup_path).st_ino == old_inode
    assert os.stat(config_path).st_ino != old_inode


def test_backup_falls_back_to_a_copy_when_links_fail(config_path, monkeypatch):
    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = x\n")
    os.chmod(config_path, 0o600)

    def no_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    writer = ConfigWriter(config_path)
    result = writer.apply(writer.plan([SESSION]))
    assert result.backup_path.read_text() == "[default]\nregion = x\n"
    assert stat.S_IMODE(os.stat(result.backup_path).st_mode) == 0o600
    assert [p.name for p in config_path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_backup_names_sort_after_the_newest_even_if_the_clock_goes_back(config_path):
    config_path.parent.mkdir()
    future = time.time() + 3600
    existing = [(next_name([], future), config_path.parent / "x")]
    name = next_name(existing)
    assert name > existing[0][0]
    assert name.filename("config").startswith("config.bak-") and name.filename("config").endswith("-1")


def test_other_files_in_the_directory_are_never_pruned(config_path):
    config_path.parent.mkdir()
    keep = [config_path.parent / n for n in ("config.bak", "config.bak-old", "credentials.bak-20200101-000000", "config.bak-2020")]
    for path in keep:
        path.write_text("x")
    writer = ConfigWriter(config_path, keep_backups=1)
    writer.apply(writer.plan([SESSION]))
    writer.apply(writer.plan([dev()]))
    assert all(path.exists() for path in keep)
    assert len(backups(config_path)) == 1


def test_apply_waits_for_the_lock_and_can_be_cancelled(config_path):
    from app.cancel import CancelToken
    from app.errors import Cancelled
    from app.fsutil import LockTimeout, exclusive_lock

    writer = ConfigWriter(config_path, lock_timeout=0.3)
    plan = writer.plan([SESSION])
    with exclusive_lock(lock_path_for(config_path)):
        with pytest.raises(LockTimeout):
            writer.apply(plan)
        token = CancelToken()
        token.cancel()
        with pytest.raises(Cancelled):
            writer.apply(plan, cancel=token)
    assert not config_path.exists()
    writer.apply(plan)
    assert config_path.exists()
