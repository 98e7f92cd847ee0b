"""Critical accounts: the organisation's list of accounts where a write by mistake is the accident
it fears most (the master copies), and the roles on them that can only read.

The preset names them in ``[guard]`` (see ``assets/preset.example.toml``)::

    [guard]
    critical_accounts = ["111122223333", "*-masters", "Preservation Prod"]
    read_only_roles = ["ReadOnly*", "ViewOnly*"]

An entry of ``critical_accounts`` that is a 12-digit account id matches that account; any other
entry is a case-insensitive glob on the account's name (and its id). ``read_only_roles`` are
case-insensitive globs on role names. A profile *needs care* when it reaches a critical account
with a role that is not read-only: the wizard asks for its name to be typed, the commands that
use it warn, and ``setup --yes`` writes one only with ``--allow-critical``.
"""

from __future__ import annotations

import fnmatch
import re

TYPE_CHECKING = False  # typing and dataclasses cost ~15 ms: the shell prompt imports this module
if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path
    from typing import Any

#: Role-name globs that count as read-only when the preset does not list its own.
DEFAULT_READ_ONLY_ROLES = ("ReadOnly*", "ViewOnly*")

#: The marker shown beside a critical account or profile, in every output (it survives NO_COLOR).
CRITICAL_MARKER = "‼"
#: The word that goes with it where there is room.
CRITICAL_WORD = "critical"

#: The option of ``setup``/``populate`` that allows writing a profile that needs care.
ALLOW_OPTION = "--allow-critical"

_ACCOUNT_ID = re.compile(r"^\d{12}$")


class GuardError(ValueError):
    """A ``[guard]`` table that cannot be read (the message names the key)."""


class Guard:
    """What the organisation marks as critical; an empty guard marks nothing. (Immutable.)"""

    __slots__ = ("critical_accounts", "read_only_roles")

    critical_accounts: tuple[str, ...]
    read_only_roles: tuple[str, ...]

    def __init__(self, critical_accounts: tuple[str, ...] = (),
                 read_only_roles: tuple[str, ...] = DEFAULT_READ_ONLY_ROLES) -> None:
        object.__setattr__(self, "critical_accounts", tuple(critical_accounts))
        object.__setattr__(self, "read_only_roles", tuple(read_only_roles))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Guard cannot be changed")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Guard) and (self.critical_accounts, self.read_only_roles) == (
            other.critical_accounts, other.read_only_roles)

    def __hash__(self) -> int:
        return hash((self.critical_accounts, self.read_only_roles))

    def __repr__(self) -> str:
        return f"Guard(critical_accounts={self.critical_accounts!r}, read_only_roles={self.read_only_roles!r})"

    def __bool__(self) -> bool:
        return bool(self.critical_accounts)

    @property
    def names_matter(self) -> bool:
        """Whether an entry is a pattern on names (so the account's name must be looked up)."""
        return any(not _ACCOUNT_ID.match(entry) for entry in self.critical_accounts)

    def is_critical(self, account_id: str | None, account_name: str | None = None) -> bool:
        for entry in self.critical_accounts:
            if _ACCOUNT_ID.match(entry):
                if entry == account_id:
                    return True
                continue
            pattern = entry.casefold()
            if any(value and fnmatch.fnmatchcase(value.casefold(), pattern) for value in (account_name, account_id)):
                return True
        return False

    def is_read_only(self, role_name: str | None) -> bool:
        if not role_name:
            return False
        role = role_name.casefold()
        return any(fnmatch.fnmatchcase(role, pattern.casefold()) for pattern in self.read_only_roles)

    def needs_care(self, account_id: str | None, account_name: str | None, role_name: str | None) -> bool:
        """A critical account with a role that is not read-only."""
        return self.is_critical(account_id, account_name) and not self.is_read_only(role_name)


NO_GUARD = Guard()


def parse_guard(table: Any, where: str = "[guard]") -> Guard:
    """The ``[guard]`` table of a preset (already parsed from TOML); raises :class:`GuardError`."""
    if table is None:
        return NO_GUARD
    if not isinstance(table, dict):
        raise GuardError(f"{where} must be a table with critical_accounts and read_only_roles.")
    unknown = sorted(set(table) - {"critical_accounts", "read_only_roles"})
    if unknown:
        raise GuardError(f"unknown key {where} {unknown[0]!r}; known keys: critical_accounts, read_only_roles.")
    accounts = _strings(table.get("critical_accounts", ()), f"{where} critical_accounts")
    roles = _strings(table.get("read_only_roles", DEFAULT_READ_ONLY_ROLES), f"{where} read_only_roles")
    return Guard(critical_accounts=accounts, read_only_roles=roles)


def _strings(value: Any, shown: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise GuardError(f'{shown} must be a list of strings in quotes, such as ["111122223333", "*-prod"].')
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise GuardError(f"{shown} must list non-empty strings in quotes, not {item!r}.")
        items.append(item.strip())
    return tuple(items)


def account_text(account_id: str | None, account_name: str | None) -> str:
    """``name (id)``, or whichever of the two is known."""
    if account_name and account_id:
        return f"{account_name} ({account_id})"
    return account_name or account_id or "an unknown account"


def warning_line(profile: str, account_id: str | None, account_name: str | None = None) -> str:
    """The one line the commands that use a profile that needs care print on stderr."""
    return (f"{CRITICAL_MARKER} {profile} can change the critical account {account_text(account_id, account_name)}: "
            "check before you write anything.")


def guard_of(preset: Any) -> Guard:
    """The guard of a :class:`app.settings.Preset` (or none)."""
    guard = getattr(preset, "guard", None)
    return guard if isinstance(guard, Guard) else NO_GUARD


def load_guard(preset_path: str | Path | None = None) -> Guard:
    """The guard of the preset in use (``--preset``, ``AWS_SSO_WIZARD_PRESET`` or the settings);
    none when there is no preset. A broken preset raises its :class:`app.settings.SettingsError`."""
    from app.settings import Settings, find_preset

    return guard_of(find_preset(preset_path, Settings.load()))


def use_warning(profile: str, account_id: str | None, role_name: str | None, guard: Guard | None = None) -> str | None:
    """The warning line for using ``profile`` (on ``account_id`` with ``role_name``) when it reaches a
    critical account, else None. Without ``guard``: the one the app noted for the preset in use
    (cheap), else the preset read now; a preset that cannot be read gives no warning here (the
    wizard and ``setup`` report it)."""
    if not account_id:
        return None
    if guard is None:
        guard = prompt_guard()
    if guard is None:
        try:
            guard = load_guard()
        except Exception:  # noqa: BLE001 - a broken preset is reported where it is used to write
            return None
    if not guard:
        return None
    account_name = prompt_account_name(account_id)
    if not guard.is_critical(account_id, account_name):
        return None
    if guard.is_read_only(role_name):
        return (f"{CRITICAL_MARKER} {profile} reaches the critical account "
                f"{account_text(account_id, account_name)} (read-only role {role_name}).")
    return warning_line(profile, account_id, account_name)


def warn_on_use(profile: str, account_id: str | None, role_name: str | None) -> None:
    """Print :func:`use_warning` on stderr (``use``, ``run`` and ``env``: never on stdout, which
    may be evaluated by a shell or read by a tool)."""
    import sys

    line = use_warning(profile, account_id, role_name)
    if line:
        print(line, file=sys.stderr)


# -- for the shell prompt ------------------------------------------------------------------------
# The prompt runs on every shell prompt and cannot afford to read TOML; the app keeps the guard of
# the preset in use in a small JSON file, with the versions of the files it came from, and the
# prompt uses it only while those files are unchanged.

_NOTE_VERSION = 1


def _stamp(path: object) -> list[int] | None:
    import os

    if not path:
        return None
    try:
        st = os.stat(os.path.expanduser(str(path)))
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _note_key(preset_path: object) -> dict[str, object]:
    import os

    from app import paths

    return {
        "env": os.environ.get(paths.PRESET_ENV, "").strip(),
        "settings": _stamp(os.path.join(paths.settings_dir_text(), paths.SETTINGS_FILE)),
        "preset": str(preset_path) if preset_path else None,
        "preset_stamp": _stamp(preset_path),
    }


def note_for_prompt(preset_path: object, guard: Guard) -> None:
    """Keep ``guard`` (of the preset at ``preset_path``, None: no preset) for :func:`prompt_guard`;
    an empty guard removes the note. Best effort: a settings folder that cannot be written only
    means no marker in the prompt."""
    import contextlib
    import json
    import os

    from app import paths

    path = os.path.join(paths.settings_dir_text(), paths.GUARD_FILE)
    if not guard:  # nothing to mark: no note at all, so the prompt need not even look
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    document = {"version": _NOTE_VERSION, **_note_key(preset_path),
                "critical_accounts": list(guard.critical_accounts), "read_only_roles": list(guard.read_only_roles)}
    text = json.dumps(document, sort_keys=True) + "\n"
    try:
        with open(path, encoding="utf-8") as current:
            if current.read() == text:
                return
    except (OSError, ValueError):
        pass
    try:
        from app.fsutil import atomic_write_text

        atomic_write_text(paths.settings_dir() / paths.GUARD_FILE, text)
    except Exception:  # noqa: BLE001 - only the prompt's marker depends on it
        pass


def prompt_guard() -> Guard | None:
    """The guard the app last noted, while the settings and preset files it came from (and
    ``AWS_SSO_WIZARD_PRESET``) are unchanged; None when there is none or that cannot be told."""
    import os

    from app import paths
    from app.quickjson import json_loads

    try:
        with open(os.path.join(paths.settings_dir_text(), paths.GUARD_FILE), encoding="utf-8") as file:
            document = json_loads(file.read())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("version") != _NOTE_VERSION:
        return None
    key = _note_key(document.get("preset"))
    if any(document.get(name) != value for name, value in key.items()):
        return None
    try:
        return parse_guard({k: document[k] for k in ("critical_accounts", "read_only_roles") if k in document})
    except GuardError:
        return None


def prompt_account_name(account_id: str) -> str | None:
    """The account's name as the app learnt it (``account-names.json``), read cheaply."""
    import os

    from app import paths
    from app.quickjson import json_loads

    try:
        with open(os.path.join(paths.settings_dir_text(), paths.ACCOUNT_NAMES_FILE), encoding="utf-8") as file:
            accounts = json_loads(file.read()).get("accounts", {})  # type: ignore[attr-defined]
    except (OSError, ValueError, RecursionError, AttributeError):
        return None
    name = accounts.get(account_id) if isinstance(accounts, dict) else None
    return name if isinstance(name, str) else None
