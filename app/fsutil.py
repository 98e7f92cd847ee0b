"""Crash-safe file writing and advisory locks, shared by the config writer, the token cache
and the settings file.

``atomic_write_bytes`` never leaves a half-written file: the data goes to a temporary file
in the same directory, is fsynced, and replaces the target in one ``os.replace``; then the
directory is fsynced so the rename itself survives a power cut. Any failure (including
KeyboardInterrupt) removes the temporary file and leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from app.errors import WizardError

NEW_FILE_MODE = 0o600
NEW_DIR_MODE = 0o700


class LockTimeout(WizardError):
    """Another process held the lock for too long."""


def ensure_dir(path: Path, mode: int = NEW_DIR_MODE) -> None:
    """Create ``path`` (and missing parents) with ``mode``; existing directories are untouched."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, mode)
        except FileExistsError:
            continue
        os.chmod(directory, mode)  # mkdir's mode is filtered by the umask


def resolve_target(path: Path) -> Path:
    """The real file behind ``path``: a symlinked config (dotfile managers) is written through,
    not replaced by a regular file."""
    return Path(os.path.realpath(path))


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable. Best effort: some filesystems refuse to fsync a
    directory (EINVAL), and by then the new file is already in place, so errors are ignored."""
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    new_file_mode: int = NEW_FILE_MODE,
    new_dir_mode: int = NEW_DIR_MODE,
    before_replace: Callable[[Path], None] | None = None,
) -> Path:
    """Atomically replace ``path`` with ``data`` and return the path actually written.

    The file keeps its current permission bits unless ``mode`` is given; a new file gets
    ``new_file_mode`` and missing directories ``new_dir_mode``. ``before_replace(target)`` runs
    once the new data is safely on disk, just before the old file is replaced (the config
    writer makes its backup there); if it raises, nothing is replaced.
    """
    target = resolve_target(Path(path))
    ensure_dir(target.parent, new_dir_mode)
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = new_file_mode
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
            if os.name != "nt":
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace(target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)
    return target


def atomic_write_text(path: Path, text: str, **kwargs) -> Path:
    """:func:`atomic_write_bytes` for text; encodes UTF-8 and writes newlines as given."""
    return atomic_write_bytes(path, text.encode("utf-8"), **kwargs)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, *, timeout: float = 30.0, poll: float = 0.02, cancel=None) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (a sidecar file, created 0600).

    Waits up to ``timeout`` seconds, checking ``cancel`` (a :class:`app.cancel.CancelToken`)
    between attempts. The lock file itself is left in place: deleting it would let two
    processes lock different inodes.
    """
    lock_path = Path(lock_path)
    ensure_dir(lock_path.parent)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"Another program has kept {lock_path.name} locked for {timeout:.0f} seconds.",
                    hint="Close other aws-sso-wizard windows or wait a moment, then try again.",
                )
            time.sleep(poll)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
