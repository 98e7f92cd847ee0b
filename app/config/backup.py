"""Timestamped backups of the AWS config file, kept beside it.

A backup is named ``<file>.bak-YYYYmmdd-HHMMSS`` (local time), with ``-N`` added when that
name is taken or would not sort after the newest backup (many writes in one second, or a
clock that went back), so names are unique and their order is the order of the writes.
Only the newest :data:`KEEP` are kept.

The config writer replaces the file atomically, so the old file's inode never changes after
the replace: a hard link to it is a byte-exact backup that costs no copying. Where links are
not possible the file is copied to a temporary name and renamed into place, so a half-made
copy never carries a backup name.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

KEEP = 20
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True, order=True)
class BackupName:
    stamp: str
    counter: int

    def filename(self, base: str) -> str:
        suffix = f"-{self.counter}" if self.counter else ""
        return f"{base}.bak-{self.stamp}{suffix}"


def _pattern(base: str) -> re.Pattern[str]:
    return re.compile(re.escape(base) + r"\.bak-(\d{8}-\d{6})(?:-(\d+))?")


def list_backups(directory: Path, base: str) -> list[tuple[BackupName, Path]]:
    """Backups of ``base`` in ``directory``, oldest first."""
    pattern = _pattern(base)
    found: list[tuple[BackupName, Path]] = []
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    for name in names:
        match = pattern.fullmatch(name)
        if match:
            found.append((BackupName(match.group(1), int(match.group(2) or 0)), directory / name))
    found.sort()
    return found


def next_name(existing: list[tuple[BackupName, Path]], now: float | None = None) -> BackupName:
    """A name that sorts after every existing backup."""
    stamp = time.strftime(_STAMP, time.localtime(time.time() if now is None else now))
    candidate = BackupName(stamp, 0)
    if existing and existing[-1][0] >= candidate:
        newest = existing[-1][0]
        candidate = BackupName(newest.stamp, newest.counter + 1)
    return candidate


def make_backup(source: Path, directory: Path, base: str) -> Path:
    """Back up ``source`` (the real file) as the newest backup of ``base`` in ``directory``.

    Call it while holding the config lock: names are chosen from what is on disk.
    """
    existing = list_backups(directory, base)
    name = next_name(existing)
    while True:
        target = directory / name.filename(base)
        try:
            os.link(source, target)
            return target
        except FileExistsError:
            name = BackupName(name.stamp, name.counter + 1)
            continue
        except OSError:
            return _copy_backup(source, directory, base, name)


def _copy_backup(source: Path, directory: Path, base: str, name: BackupName) -> Path:
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{base}.bak.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(source, tmp)
        while True:
            target = directory / name.filename(base)
            if not target.exists():
                os.replace(tmp, target)
                return target
            name = BackupName(name.stamp, name.counter + 1)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def prune_backups(directory: Path, base: str, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was deleted. Best effort."""
    removed: list[Path] = []
    backups = list_backups(directory, base)
    for _, path in backups[: max(0, len(backups) - keep)]:
        try:
            os.unlink(path)
            removed.append(path)
        except FileNotFoundError:
            continue
        except OSError:
            continue
    return removed


def discard_backup(path: Path) -> None:
    """Remove a backup made for a write that did not happen."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
