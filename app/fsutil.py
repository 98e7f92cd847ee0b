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


class NotARegularFile(OSError):
    """The path is a directory, device, FIFO or socket: it is never opened for reading data or replaced."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", str(path))
        self.kind = kind


class ReadOnlyFile(OSError):
    """The file's own mode bits forbid writing it (checked even for root, who may write anything)."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EACCES, "the file is read-only", str(path))


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def _require_regular(path: Path, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(path, kind_of(st.st_mode))


def owner_may_write(st: os.stat_result) -> bool:
    """Whether the mode bits let this user write the file. Root passes every permission check,
    so for root the owner's write bit decides (a 0444 file stays read-only for everybody)."""
    if os.name == "nt":
        return bool(st.st_mode & stat.S_IWRITE)
    uid = os.geteuid()
    if uid == 0:
        return bool(st.st_mode & stat.S_IWUSR)
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IWUSR)
    if st.st_gid in os.getgroups() or st.st_gid == os.getegid():
        return bool(st.st_mode & stat.S_IWGRP)
    return bool(st.st_mode & stat.S_IWOTH)


def is_read_only(path: Path) -> bool:
    """Whether ``path`` (followed through links) is an existing file its mode bits forbid writing."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return not owner_may_write(st)


def check_replaceable(path: Path, *, follow_links: bool = True, respect_read_only: bool = False) -> Path:
    """The path a safe replace would write, after refusing what must not be replaced.

    With ``follow_links`` a symlink is written through (the real file is replaced); without it,
    the link itself is replaced and its target never touched. Anything but a regular file (or a
    missing one) raises :class:`NotARegularFile`; with ``respect_read_only`` a file whose mode
    bits forbid writing raises :class:`ReadOnlyFile`.
    """
    path = Path(path)
    target = resolve_target(path) if follow_links else path
    try:
        st = os.stat(target) if follow_links else os.lstat(target)
    except FileNotFoundError:
        return target
    if not follow_links and stat.S_ISLNK(st.st_mode):
        return target
    _require_regular(path, st)
    if respect_read_only and not owner_may_write(st):
        raise ReadOnlyFile(path)
    return target


def is_null_device(st: os.stat_result) -> bool:
    """Whether ``st`` is the null device (``/dev/null``): read as empty, never replaced."""
    if not stat.S_ISCHR(st.st_mode):
        return False
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(null.st_mode) and st.st_rdev == null.st_rdev


def read_regular_bytes(path: Path) -> bytes:
    """The bytes of the regular file at ``path`` (links followed). Never blocks: the path is
    checked before it is opened, and opened non-blocking in case it changed in between. The
    null device reads as empty (as botocore reads it). FileNotFoundError when missing,
    :class:`NotARegularFile` for anything else that is not a regular file."""
    path = Path(path)
    st = os.stat(path)
    if is_null_device(st):
        return b""
    _require_regular(path, st)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _require_regular(path, os.fstat(fd))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def temp_prefix(name: str) -> str:
    """Temporary files for ``name`` are ``.<name>.<random>.tmp`` beside it."""
    return f".{name}."


def remove_stale_temps(directory: Path, name: str) -> list[Path]:
    """Delete the temporary files a killed writer of ``name`` left in ``directory``.

    Call it only while holding the lock every writer of ``name`` takes: any temporary file of
    the pattern is then left over from a writer that is gone. Best effort; returns what went."""
    prefix = temp_prefix(name)
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for entry in names:
        if not (entry.startswith(prefix) and entry.endswith(".tmp")):
            continue
        candidate = Path(directory) / entry
        try:
            if not stat.S_ISREG(os.lstat(candidate).st_mode):
                continue
            os.unlink(candidate)
            removed.append(candidate)
        except OSError:
            continue
    return removed


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
    follow_links: bool = True,
    respect_read_only: bool = False,
) -> Path:
    """Atomically replace ``path`` with ``data`` and return the path actually written.

    The file keeps its current permission bits unless ``mode`` is given; a new file gets
    ``new_file_mode`` and missing directories ``new_dir_mode``. ``before_replace(target)`` runs
    once the new data is safely on disk, just before the old file is replaced (the config
    writer makes its backup there); if it raises, nothing is replaced.

    Only a regular file is replaced (see :func:`check_replaceable` for ``follow_links`` and
    ``respect_read_only``); nothing is created when the path is refused. The temporary file is
    0600 until just before the rename, when it gets the file's mode.
    """
    target = check_replaceable(Path(path), follow_links=follow_links, respect_read_only=respect_read_only)
    ensure_dir(target.parent, new_dir_mode)
    if mode is None:
        try:
            st = os.lstat(target)
            mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else new_file_mode
        except FileNotFoundError:
            mode = new_file_mode
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=temp_prefix(target.name), suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
            if before_replace is not None:
                before_replace(target)
            if os.name != "nt":
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
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
