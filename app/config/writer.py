"""Plan, then apply: every write to the AWS config file goes through here.

``plan(edits)`` reads the file, applies the edits in memory, verifies the result with
botocore's own loader (:mod:`app.config.verify`) and returns the new text with a unified
diff; nothing on disk changes. ``apply(plan)``:

1. takes an exclusive advisory lock on the sidecar ``<config>.lock`` (left in place);
2. re-reads the file under the lock; if it changed since the plan, re-applies the edits to
   the fresh text and verifies again (``reapplied=True``);
3. writes the new text to a temporary file beside the config and fsyncs it;
4. backs up the current file (a hard link to it, or a copy) as ``<config>.bak-YYYYmmdd-HHMMSS``;
5. checks that nobody (``aws configure set`` takes no lock and writes in place) changed the
   file since step 2, else goes back to step 2 with the fresh text (``reapplied=True``);
6. atomically replaces the config, fsyncs the directory, keeps the newest 20 backups (pruned
   before the new backup too, so a crash never leaves more).

Only a regular file (or a symlink to one) is replaced, and only when its mode bits allow
writing; temporary files left by a killed writer are removed by the next write, under the lock.

A failure or Ctrl+C before step 5 leaves the old file as it was, removes the temporary file
and the backup of this attempt. The file keeps its permission bits; a new config is created
0600 in a 0700 directory. ``AWS_CONFIG_FILE`` is honoured (through :mod:`app.paths`).
"""

from __future__ import annotations

import bisect
import errno
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from app.config.backup import KEEP, discard_backup, make_backup, prune_backups
from app.config.diff import opcodes_for, unified_diff
from app.config.document import ConfigDocument
from app.config.edits import Edit, EditOutcome, Kept, apply_edits
from app.config.model import read_config_text
from app.config.verify import verify
from app.errors import WizardError
from app.fsutil import (
    NotARegularFile,
    ReadOnlyFile,
    atomic_write_text,
    check_replaceable,
    exclusive_lock,
    read_regular_bytes,
    remove_stale_temps,
)

LOCK_TIMEOUT = 30.0
MAX_REAPPLY = 50
"""How often a write starts over because another program changed the file meanwhile."""


class _ChangedMeanwhile(Exception):
    """The file changed between the re-read and the replace; the write starts over."""


class ConfigWriteError(WizardError):
    """The config file could not be written; it is unchanged."""


@dataclass(frozen=True)
class WritePlan:
    path: Path
    edits: tuple
    old_text: str
    new_text: str
    diff: str
    changed: bool
    backup_dir: Path
    notes: tuple[str, ...] = ()
    existed: bool = True  # whether the file existed when planned


@dataclass(frozen=True)
class WriteResult:
    path: Path
    backup_path: Path | None
    reapplied: bool
    diff: str
    notes: tuple[str, ...] = field(default=())


def lock_path_for(path: Path) -> Path:
    """The sidecar lock beside the real file (a config reached through a symlink and by its own
    path takes one lock)."""
    real = Path(os.path.realpath(path))
    return real.with_name(real.name + ".lock")


class ConfigWriter:
    """Writes the AWS config file safely. ``path`` None means ``app.paths.aws_config_path()``
    at the time of each plan (so ``AWS_CONFIG_FILE`` is honoured)."""

    def __init__(self, path: Path | None = None, *, keep_backups: int = KEEP, lock_timeout: float = LOCK_TIMEOUT):
        self._path = Path(path) if path is not None else None
        self.keep_backups = keep_backups
        self.lock_timeout = lock_timeout

    @property
    def path(self) -> Path:
        if self._path is not None:
            return self._path
        from app.paths import aws_config_path

        return aws_config_path()

    # -- plan ------------------------------------------------------------------------------------

    def plan(self, edits: Sequence[Edit]) -> WritePlan:
        """The new text and its diff; raises ConfigParseError / EditError / VerificationError."""
        path = self.path
        text = read_config_text(path)
        plan, _ = self._plan_text(path, tuple(edits), text)
        return plan

    def _plan_text(self, path: Path, edits: tuple, text: str | None) -> tuple[WritePlan, EditOutcome]:
        existed = text is not None
        text = text or ""
        doc = ConfigDocument.parse(text, path)
        outcome = apply_edits(doc, edits)
        if outcome.changed:
            new_text = outcome.render()
            verify(outcome, new_text)
        else:
            new_text = text
        changed = new_text != text
        diff = _diff(outcome, path, existed) if changed else ""
        plan = WritePlan(
            path=path,
            edits=edits,
            old_text=text,
            new_text=new_text,
            diff=diff,
            changed=changed,
            backup_dir=path.parent,
            notes=tuple(outcome.notes),
            existed=existed,
        )
        return plan, outcome

    # -- apply -----------------------------------------------------------------------------------

    def apply(self, plan: WritePlan, *, cancel=None) -> WriteResult:
        """Write the plan (re-applied to the current text if the file changed meanwhile).

        ``cancel`` (a :class:`app.cancel.CancelToken`) stops the wait for the lock."""
        path = plan.path
        try:
            real = check_replaceable(path, respect_read_only=True)
            with exclusive_lock(lock_path_for(path), timeout=self.lock_timeout, cancel=cancel):
                remove_stale_temps(real.parent, real.name)
                reapplied = False
                for _ in range(MAX_REAPPLY):
                    current = read_config_text(path)
                    if current != (plan.old_text if plan.existed else None):
                        plan, _ = self._plan_text(path, plan.edits, current)
                        reapplied = True
                    if not plan.changed:
                        return WriteResult(path, None, reapplied, "", plan.notes)
                    try:
                        backup = self._write(path, plan.new_text, current)
                    except _ChangedMeanwhile:
                        reapplied = True
                        continue
                    return WriteResult(path, backup, reapplied, plan.diff, plan.notes)
                raise ConfigWriteError(
                    f"Could not write {path}: another program kept changing it.",
                    hint="Wait for it to finish, then try again; nothing was changed.",
                )
        except OSError as error:
            raise _write_error(path, error) from None

    def _write(self, path: Path, new_text: str, current: str | None) -> Path | None:
        made: list[Path] = []
        expected = current.encode("utf-8") if current is not None else None

        def back_up(target: Path) -> None:
            if _bytes_now(target) != expected:
                raise _ChangedMeanwhile()
            if current is not None:
                prune_backups(path.parent, path.name, self.keep_backups - 1)
                made.append(make_backup(target, path.parent, path.name))
                if _bytes_now(target) != expected:
                    discard_backup(made.pop())
                    raise _ChangedMeanwhile()

        try:
            atomic_write_text(path, new_text, before_replace=back_up, respect_read_only=True)
        except BaseException:
            # The backup only stays if the new text did land (an interruption right after
            # the rename): a backup per write that happened, none for one that did not.
            if made and not _has_text(path, new_text):
                discard_backup(made[0])
            raise
        prune_backups(path.parent, path.name, self.keep_backups)
        return made[0] if made else None


def _bytes_now(target: Path) -> bytes | None:
    """What the file holds right now (None when it is gone)."""
    try:
        return read_regular_bytes(target)
    except FileNotFoundError:
        return None


def _has_text(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def _write_error(path: Path, error: OSError) -> ConfigWriteError:
    reason = os.strerror(error.errno) if error.errno else str(error)
    hint = "Nothing was changed."
    if isinstance(error, NotARegularFile):
        return ConfigWriteError(f"Could not write {path}: it is {error.kind}, not a regular file.",
                                hint="Point AWS_CONFIG_FILE at a regular file, or move this one away; nothing was changed.")
    if isinstance(error, ReadOnlyFile):
        return ConfigWriteError(f"Could not write {path}: the file is read-only.",
                                hint=f"Make it writable with `chmod u+w {path}` and try again; nothing was changed.")
    if error.errno == errno.ENOSPC:
        hint = "Free some disk space and try again; nothing was changed."
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = f"Check that you may write to {path.parent}; nothing was changed."
    return ConfigWriteError(f"Could not write {path}: {reason}.", hint=hint)


def _diff(outcome: EditOutcome, path: Path, existed: bool) -> str:
    """A unified diff built from the changed ranges only."""
    doc = outcome.doc
    changes: list[tuple[int, int, list[str], list[str]]] = []
    new_pieces: list[tuple[int, list[str]]] = []  # (new index of the piece's first line, lines)
    new_index = 0
    for segment in outcome.segments():
        if isinstance(segment, Kept):
            new_index += segment.stop - segment.start
            continue
        origin, lines = segment
        if origin is None:
            start = stop = doc.line_count
        elif origin == -1:
            start, stop = 0, doc.preamble_end
        else:
            start, stop = doc.starts[origin], doc.section_end(origin)
        changes.append((start, stop, doc.line_slice(start, stop), lines))
        new_pieces.append((new_index, lines))
        new_index += len(lines)
    # Merge changes that share a start (several appended sections) so ranges never overlap.
    merged: list[tuple[int, int, list[str], list[str]]] = []
    for change in changes:
        if merged and merged[-1][1] == change[0] and merged[-1][0] == change[0] == change[1]:
            merged[-1][3].extend(change[3])  # a list of this function's own (copied below)
        else:
            merged.append((change[0], change[1], change[2], list(change[3])))
    ops = opcodes_for(doc.line_count, merged)
    starts = [first for first, _ in new_pieces]

    def new_line(j: int) -> str:
        at = bisect.bisect_right(starts, j) - 1
        first, lines = new_pieces[at]
        return lines[j - first]

    name = str(path)
    return unified_diff(_OldLines(doc), new_line, ops, name if existed else "/dev/null", name)


class _OldLines:
    """``doc.lines[i:j]`` for the diff's few context lines, without splitting the whole file."""

    def __init__(self, doc: ConfigDocument):
        self.doc = doc

    def __getitem__(self, item: slice) -> list[str]:
        return self.doc.line_slice(item.start, item.stop)
