"""Fault injection at every step of a write: the config is always entirely old or entirely
new, no temporary file stays behind, and a backup exists exactly when the file changed.

The file system is real; only the single call under test is made to fail (mocks stand in
where nothing else can make fsync or rename fail on demand)."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest

import app.config.backup as config_backup
import app.config.writer as config_writer
import app.fsutil as fsutil
from app.config.backup import list_backups
from app.config.edits import UpsertProfile, UpsertSsoSession
from app.config.writer import ConfigWriteError, ConfigWriter

OLD = "# my hand-made config\n[default]\nregion = eu-west-1\n"
EDITS = [
    UpsertProfile("dev", "111111111111", "Developer", sso_session="corp"),
    UpsertSsoSession("corp", "https://corp.awsapps.com/start", "eu-west-1"),
]


@pytest.fixture
def planned(config_path):
    config_path.parent.mkdir(mode=0o700)
    config_path.write_text(OLD)
    os.chmod(config_path, 0o600)
    writer = ConfigWriter(config_path)
    plan = writer.plan(EDITS)
    # One earlier backup, so "no backup counted for a failed write" is visible.
    (config_path.parent / "config.bak-20000101-000000").write_text("[old]\n")
    return writer, plan


def fail_on_call(monkeypatch, owner, name: str, error: BaseException, nth: int = 1):
    """Make the nth call of owner.name raise ``error`` (earlier and later calls work)."""
    real = getattr(owner, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def assert_consistent(config_path, new_text: str) -> str:
    """The file is the old or the new text; no temp files; backups match what happened."""
    current = config_path.read_text()
    assert current in (OLD, new_text)
    leftovers = [p.name for p in config_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    found = [p for _, p in list_backups(config_path.parent, config_path.name)]
    if current == OLD:
        assert [p.name for p in found] == ["config.bak-20000101-000000"]
    else:
        assert len(found) == 2 and found[-1].read_text() == OLD
    assert oct(os.stat(config_path).st_mode & 0o777) == "0o600"
    return current


STEPS = [
    # (owner, attribute, nth call) for every step of apply(), in order
    ("fsutil", "exclusive_lock", 1),
    ("writer", "read_config_text", 1),
    ("tempfile", "mkstemp", 1),
    ("os", "write", 1),
    ("os", "fsync", 1),
    ("backup", "prune_backups", 1),
    ("backup", "make_backup", 1),
    ("os", "link", 1),
    ("os", "fchmod", 1),
    ("os", "replace", 1),
    ("fsutil", "fsync_dir", 1),
    ("backup", "prune_backups", 2),
]
OWNERS = {"os": os, "tempfile": tempfile, "fsutil": fsutil, "backup": config_backup, "writer": config_writer}


def _patch_target(owner_name: str, name: str):
    # The writer imported some helpers by name; patch them where they are looked up.
    if owner_name == "fsutil" and name == "exclusive_lock":
        return config_writer, name
    if owner_name == "backup" and name in ("make_backup", "prune_backups"):
        return config_writer, name
    if owner_name == "fsutil" and name == "fsync_dir":
        return fsutil, name
    return OWNERS[owner_name], name


@pytest.mark.parametrize("owner_name, name, nth", STEPS, ids=[f"{o}.{n}.{k}" for o, n, k in STEPS])
def test_ctrl_c_at_every_step_leaves_old_or_new_never_half(planned, config_path, monkeypatch, owner_name, name, nth):
    writer, plan = planned
    owner, attribute = _patch_target(owner_name, name)
    calls = fail_on_call(monkeypatch, owner, attribute, KeyboardInterrupt(), nth)
    with pytest.raises(KeyboardInterrupt):
        writer.apply(plan)
    assert calls["n"] >= nth, "the step under test was never reached"
    monkeypatch.undo()
    current = assert_consistent(config_path, plan.new_text)
    # Only an interruption after the rename may leave the new file.
    after_replace = name == "fsync_dir" or (name == "prune_backups" and nth == 2)
    assert (current == plan.new_text) == after_replace


@pytest.mark.parametrize(
    "owner_name, name, error",
    [
        ("tempfile", "mkstemp", OSError(errno.EACCES, "Permission denied")),
        ("os", "write", OSError(errno.ENOSPC, "No space left on device")),
        ("os", "fsync", OSError(errno.EIO, "Input/output error")),
        ("os", "fchmod", OSError(errno.EPERM, "Operation not permitted")),
        ("os", "replace", OSError(errno.EXDEV, "Invalid cross-device link")),
    ],
    ids=["mkstemp", "write-ENOSPC", "fsync-EIO", "fchmod", "replace"],
)
def test_failures_leave_the_old_file_and_say_so(planned, config_path, monkeypatch, owner_name, name, error):
    writer, plan = planned
    fail_on_call(monkeypatch, OWNERS[owner_name], name, error)
    with pytest.raises(ConfigWriteError) as caught:
        writer.apply(plan)
    monkeypatch.undo()
    assert str(config_path) in caught.value.message and "nothing was changed" in str(caught.value).lower()
    if error.errno == errno.ENOSPC:
        assert "disk space" in caught.value.hint
    assert assert_consistent(config_path, plan.new_text) == OLD


def test_failing_directory_fsync_after_the_rename_is_not_an_error(planned, config_path, monkeypatch):
    writer, plan = planned
    fail_on_call(monkeypatch, os, "fsync", OSError(errno.EINVAL, "Invalid argument"), nth=2)  # 1: data, 2: dir
    result = writer.apply(plan)
    monkeypatch.undo()
    assert assert_consistent(config_path, plan.new_text) == plan.new_text
    assert result.backup_path.read_text() == OLD


def test_copy_backup_interrupted_leaves_no_half_backup(planned, config_path, monkeypatch):
    writer, plan = planned
    monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EPERM, "no links")))
    import shutil

    fail_on_call(monkeypatch, shutil, "copyfileobj", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        writer.apply(plan)
    monkeypatch.undo()
    assert assert_consistent(config_path, plan.new_text) == OLD


def test_a_failed_write_can_simply_be_retried(planned, config_path, monkeypatch):
    writer, plan = planned
    fail_on_call(monkeypatch, os, "replace", OSError(errno.EBUSY, "Device or resource busy"))
    with pytest.raises(ConfigWriteError):
        writer.apply(plan)
    monkeypatch.undo()
    result = writer.apply(plan)
    assert config_path.read_text() == plan.new_text and result.backup_path.read_text() == OLD


def test_the_check_before_writing_leaves_nothing_in_the_temp_folder(config_path, tmp_path, monkeypatch):
    """botocore reads the planned text from an in-memory file (Linux): a static key in the config
    never lands in the temp folder, and a temp folder that cannot be written does not matter."""
    config_path.parent.mkdir(mode=0o700)
    config_path.write_text("[profile keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = abc\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    writer = ConfigWriter(config_path)
    writer.apply(writer.plan(EDITS))
    assert "[profile dev]" in config_path.read_text()
    if hasattr(os, "memfd_create"):
        assert list(scratch.iterdir()) == []
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
        assert writer.plan([UpsertProfile("dev", "222222222222", "Developer", sso_session="corp")]).changed


def test_no_scratch_file_for_the_check_is_a_plain_error(config_path, tmp_path, monkeypatch):
    from app.errors import WizardError

    config_path.parent.mkdir(mode=0o700)
    config_path.write_text(OLD)
    monkeypatch.delattr(os, "memfd_create", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    with pytest.raises(WizardError, match="could not be checked before writing") as caught:
        ConfigWriter(config_path).plan(EDITS)
    assert "TMPDIR" in caught.value.hint and config_path.read_text() == OLD


@pytest.mark.slow
def test_writers_killed_at_random_points_leave_a_whole_file_and_the_next_write_cleans_up(config_path):
    from helpers.config_races import crash_run

    run = crash_run(config_path, 12)
    assert run.failures == []
    assert run.temps_after_next_write == 0
    assert run.most_backups <= config_backup.KEEP
