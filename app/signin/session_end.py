"""When an IAM Identity Center session ends.

The access token renews itself, but the session behind it has a fixed end set by the organisation:
re-authenticating without signing out keeps that end; only a sign-out (sso:Logout) and a new
sign-in move it. So the start of each session is recorded here, per sso-session (or legacy start
URL), in ``sessions.json`` under the app's settings folder: times only, never a token.

The length comes from the organisation preset (``[sso] session_hours``), else from what was learnt
(a renewal refused a known time after the start: the session cannot be longer than that), else
:data:`DEFAULT_SESSION` (8 hours, AWS's default), which is shown as approximate.

Cheap and offline: the standard library only (the preset is read only when a start is known), so
``prompt`` can call :func:`session_end` on every shell prompt.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from app import paths

SESSIONS_FILE = paths.SESSIONS_FILE
DEFAULT_SESSION = timedelta(hours=8)
WARN_BEFORE = timedelta(minutes=30)
"""The browser warns this long before a session ends."""

PRESET, LEARNT, DEFAULT = "preset", "learnt", "default"
_VERSION = 1
_LOCK_TIMEOUT = 2.0


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc)


def _format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SessionEnd:
    """A session's start, its end, and where its length came from (``preset``, ``learnt`` or
    ``default``; only the default is approximate)."""

    started_at: datetime
    ends_at: datetime
    source: str

    @property
    def approximate(self) -> bool:
        return self.source == DEFAULT

    def left(self, now: datetime | None = None) -> timedelta:
        return self.ends_at - (now or _utc_now())

    def ended(self, now: datetime | None = None) -> bool:
        return self.left(now) <= timedelta(0)

    def ending_soon(self, now: datetime | None = None) -> bool:
        """Less than :data:`WARN_BEFORE` left, not ended yet."""
        return timedelta(0) < self.left(now) <= WARN_BEFORE

    @cached_property
    def iso(self) -> str:
        """The end as ISO 8601 UTC (``…Z``), as ``profiles --json`` gives it (made once: every
        profile of a session shares it)."""
        return _format_time(self.ends_at)

    def local_time(self) -> str:
        """``17:30`` (local time), with ``~`` in front when approximate."""
        return ("~" if self.approximate else "") + self.ends_at.astimezone().strftime("%H:%M")

    def describe(self) -> str:
        """The details pane's sentence: when, in local time, and how it is known."""
        when = self.ends_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
        if self.source == PRESET:
            how = "the session length in the organisation preset"
        elif self.source == LEARNT:
            how = "learnt from a renewal AWS refused"
        else:
            how = f"approximate: {int(DEFAULT_SESSION.total_seconds() // 3600)} hours, AWS's default length"
        return f"{when} ({how})"


def sessions_path() -> Path:
    return paths.settings_dir() / SESSIONS_FILE


_PRESET_CACHE: dict[object, tuple[tuple[float | None, str | None], str | None, object]] = {}


def _stamp(path: Path | str | None) -> tuple[int, int, int] | None:
    """A file's version (an atomic write makes a new inode), or None when it is missing."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _preset_hours() -> tuple[float | None, str | None]:
    """(``session_hours``, ``start_url``) of the preset in use, read again only when the settings
    file, ``AWS_SSO_WIZARD_PRESET`` or the preset file changed."""
    from app.settings import PRESET_ENV

    settings_file = paths.settings_path()
    env = os.environ.get(PRESET_ENV, "").strip()
    key = (str(settings_file), _stamp(settings_file), env, _stamp(os.path.expanduser(env)))
    cached = _PRESET_CACHE.get(key)
    if cached is not None and (cached[1] is None or _stamp(cached[1]) == cached[2]):
        return cached[0]
    named: str | None = None
    try:
        from app.settings import Settings, find_preset

        settings = Settings.load()
        preset = find_preset(None, settings)
        found = (preset.session_hours, preset.start_url) if preset is not None else (None, None)
        if not env and settings.preset_path is not None:  # the file the settings name may change too
            named = str(settings.preset_path)
    except Exception:  # a broken preset is reported where it is used; here it only means "unknown"
        found = (None, None)
    if len(_PRESET_CACHE) > 8:
        _PRESET_CACHE.clear()
    _PRESET_CACHE[key] = (found, named, _stamp(named))
    return found


def preset_session_length(start_url: str | None) -> timedelta | None:
    """``[sso] session_hours`` of the organisation preset in use, when it applies to ``start_url``
    (a preset without a start URL applies to every portal). None when unset or unreadable."""
    hours, preset_url = _preset_hours()
    if hours is None:
        return None
    if preset_url and start_url and preset_url.rstrip("/") != start_url.rstrip("/"):
        return None
    return timedelta(hours=hours)


class SessionStarts:
    """The recorded starts (and learnt lengths) of sessions, in :func:`sessions_path`.

    Writes are atomic and serialised by a lock file; they are best effort: a settings folder that
    cannot be written only means the end is not known."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        preset_length: Callable[[str | None], timedelta | None] = preset_session_length,
    ) -> None:
        self._path = path
        self._preset_length = preset_length
        self._cached: tuple[tuple[str, tuple[int, int, int]], dict[str, dict[str, Any]]] | None = None

    @property
    def path(self) -> Path:
        return self._path if self._path is not None else sessions_path()

    def _read(self) -> dict[str, dict[str, Any]]:
        """The recorded sessions (parsed again only when the file changed)."""
        path = self.path
        stamp = _stamp(path)
        if stamp is None:
            return {}
        if self._cached is not None and self._cached[0] == (str(path), stamp):
            return {key: dict(value) for key, value in self._cached[1].items()}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION or not isinstance(data.get("sessions"), dict):
            return {}
        sessions = {key: value for key, value in data["sessions"].items() if isinstance(value, dict)}
        self._cached = ((str(path), stamp), sessions)
        return {key: dict(value) for key, value in sessions.items()}

    def _update(self, change: Callable[[dict[str, dict[str, Any]]], None]) -> None:
        from app.fsutil import atomic_write_text, exclusive_lock

        lock = paths.settings_dir() / "locks" / "sessions.lock"
        try:
            with exclusive_lock(lock, timeout=_LOCK_TIMEOUT):
                sessions = self._read()
                change(sessions)
                document = {"version": _VERSION, "sessions": sessions}
                atomic_write_text(self.path, json.dumps(document, indent=1, sort_keys=True) + "\n")
        except Exception as error:
            import logging  # only on this path: the prompt reads ends on every shell prompt

            logging.getLogger(__name__).info("could not record the session start (%s)", type(error).__name__)

    def record(self, key: str, start_url: str | None, at: datetime) -> None:
        """A session for ``key`` began at ``at``."""

        def change(sessions: dict[str, dict[str, Any]]) -> None:
            entry = sessions.setdefault(key, {})
            entry["started_at"] = _format_time(at)
            entry["start_url"] = start_url
            self._note_end(entry)

        self._update(change)

    def _note_end(self, entry: dict[str, Any]) -> None:
        """Keep the end as known now in the entry (``ends_at``, ``approximate``): the shell
        prompt reads it as it is, without the preset, whose reading is too slow for a prompt."""
        end = self._end(entry, None)
        if end is None:
            entry.pop("ends_at", None)
            entry.pop("approximate", None)
        else:
            entry["ends_at"] = _format_time(end.ends_at)
            entry["approximate"] = end.approximate

    def signed_in(self, key: str, start_url: str | None, at: datetime, *, had_token: bool) -> None:
        """A browser or code sign-in for ``key`` finished at ``at``. Without a sign-out since, AWS
        keeps the session (and its end) that is still running: its start stays. ``had_token``: a
        token was cached before (no sign-out removed it)."""
        current = self.end_of(key, start_url)
        if had_token and current is not None and not current.ended(at):
            return
        self.record(key, start_url, at)

    def forget(self, key: str) -> None:
        """The session was ended (sign-out): its start is no longer known; what was learnt stays."""
        if key not in self._read():
            return

        def change(sessions: dict[str, dict[str, Any]]) -> None:
            entry = sessions.get(key)
            if entry is not None:
                entry.pop("started_at", None)
                self._note_end(entry)

        self._update(change)

    def forget_all(self) -> None:
        """Every session was ended (sign-out of everything)."""
        if not any("started_at" in entry for entry in self._read().values()):
            return

        def change(sessions: dict[str, dict[str, Any]]) -> None:
            for entry in sessions.values():
                entry.pop("started_at", None)
                self._note_end(entry)

        self._update(change)

    def refused(self, key: str, at: datetime) -> None:
        """AWS refused to renew ``key``'s token at ``at``: the session lasted at most that long."""
        entry = self._read().get(key) or {}
        started = _parse_time(entry.get("started_at"))
        if started is None or at <= started:
            return
        seconds = int((at - started).total_seconds())
        learnt = entry.get("learnt_seconds")
        if isinstance(learnt, int) and learnt <= seconds:
            return

        def change(sessions: dict[str, dict[str, Any]]) -> None:
            entry = sessions.setdefault(key, {})
            entry["learnt_seconds"] = seconds
            self._note_end(entry)

        self._update(change)

    def end_of(self, key: str, start_url: str | None = None) -> SessionEnd | None:
        """When ``key``'s session ends; None when its start is not known."""
        entry = self._read().get(key)
        if entry is None:
            return None
        return self._end(entry, start_url)

    def length_of(self, key: str, start_url: str | None = None) -> tuple[timedelta, str]:
        """How long a session of ``key`` lasts and how that is known (``preset``, ``learnt`` or
        ``default``), whether or not one is running."""
        return self._length(self._read().get(key) or {}, start_url)

    def _length(self, entry: dict[str, Any], start_url: str | None) -> tuple[timedelta, str]:
        url = start_url if start_url is not None else entry.get("start_url")
        preset = self._preset_length(url if isinstance(url, str) else None)
        learnt = entry.get("learnt_seconds")
        if preset is not None:
            return preset, PRESET
        if isinstance(learnt, int) and learnt > 0:
            return timedelta(seconds=learnt), LEARNT
        return DEFAULT_SESSION, DEFAULT

    def _end(self, entry: dict[str, Any], start_url: str | None) -> SessionEnd | None:
        started = _parse_time(entry.get("started_at"))
        if started is None:
            return None
        length, source = self._length(entry, start_url)
        return SessionEnd(started, started + length, source)


def session_end(key: str, start_url: str | None = None) -> SessionEnd | None:
    """When the session of ``key`` (an sso-session name, or a legacy profile's start URL) ends, from
    the recorded start alone: offline, no boto3 or botocore. None when unknown."""
    return SessionStarts().end_of(key, start_url)
