"""Adding the ``shell-init`` line to a shell's start-up file: plan (the diff), then a write that
backs the file up beside it (``.bashrc.bak-…``, as the config writer does) and replaces it
atomically, through a symlink when the file is one (dotfile managers)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from app.shell.scripts import rc_file, rc_line

MARK = "# aws-sso-wizard: AWS_PROFILE in this shell, completion and `aws-sso-wizard use` (shell-init)"
RC_FILE_MODE = 0o644


@dataclass(frozen=True)
class RcPlan:
    """What ``shell-init --install`` would change in one start-up file."""

    shell: str
    path: Path
    old: str | None  # None: the file does not exist yet
    new: str

    @property
    def needed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        old = (self.old or "").splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        shown = str(self.path)
        return "".join(difflib.unified_diff(old, new, shown if self.old is not None else "/dev/null", shown))


def plan_install(shell: str, path: str | Path | None = None) -> RcPlan:
    """The start-up file with the line added at its end (unchanged when it has the line already)."""
    target = Path(path) if path is not None else Path(rc_file(shell))
    line = rc_line(shell)
    try:
        old: str | None = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    text = old or ""
    if any(existing.strip() == line for existing in text.splitlines()):
        return RcPlan(shell, target, old, text)
    if text and not text.endswith("\n"):
        text += "\n"
    if text:
        text += "\n"
    return RcPlan(shell, target, old, f"{text}{MARK}\n{line}\n")


def apply(plan: RcPlan) -> Path | None:
    """Write the plan; the backup made of the old file (None when there was no file). Raises
    OSError, with the old file untouched, when the file changed since the plan or cannot be written."""
    from app.config.backup import make_backup
    from app.fsutil import atomic_write_text

    backup: list[Path] = []

    def before_replace(target: Path) -> None:
        try:
            now = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            now = None
        if now != plan.old:
            raise FileExistsError(f"{plan.path} changed while this ran; nothing was written")
        if now is not None:
            backup.append(make_backup(target, target.parent, target.name))

    atomic_write_text(plan.path, plan.new, new_file_mode=RC_FILE_MODE, new_dir_mode=0o755,
                      before_replace=before_replace)
    return backup[0] if backup else None
