"""The user's settings file and organisation presets (TOML, read and written with tomlkit).

Settings live in ``$XDG_CONFIG_HOME/aws-sso-wizard/settings.toml`` (:func:`app.paths.settings_path`)::

    # my own comment survives every update
    preset = "~/org/aws-preset.toml"   # optional: the organisation preset to use
    keep_warm = ["prod-readonly"]      # profiles whose role keys stay cached for GUI tools

    [last]                             # remembered by the wizard
    start_url = "https://my-org.awsapps.com/start"
    sso_region = "eu-west-2"
    session_name = "my-org"
    login_method = "pkce"

    [keys]                             # optional: your own keys, binding id = "key[,key…]"
    "wizard.back" = "ctrl+b"

Updates re-read the file, change only the keys they set (comments and unknown keys stay) and
write it atomically. An organisation preset pre-fills the wizard (see ``assets/preset.example.toml``).
A broken TOML file, or a bad ``[keys]`` entry, raises :class:`SettingsError` with the file and line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, MutableMapping

from app import paths
from app.errors import WizardError

if TYPE_CHECKING:
    from app.guard import Guard

PRESET_ENV = paths.PRESET_ENV
LOGIN_METHODS = ("pkce", "device")
OUTPUT_FORMATS = ("json", "text", "table", "yaml", "yaml-stream")


class SettingsError(WizardError):
    """A settings or preset file that cannot be read or has a wrong value."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line


def _parse_toml(text: str, path: Path, what: str):
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(text)
    except ParseError as error:
        line = getattr(error, "line", None)
        col = getattr(error, "col", None)
        reason = str(error).split(" at line ")[0]
        where = f"line {line}" + (f", column {col}" if col else "") if line else "an unknown line"
        raise SettingsError(
            f"The {what} {path} is not valid TOML ({where}: {reason}).",
            path=path,
            line=line,
            hint="Fix that line or remove the file.",
        ) from None


def _read_text(path: Path, what: str) -> str | None:
    from app.fsutil import NotARegularFile, read_regular_bytes

    try:
        return read_regular_bytes(path).decode("utf-8")
    except FileNotFoundError:
        return None
    except NotARegularFile as error:
        raise SettingsError(f"The {what} {path} is {error.kind}, not a file.", path=path,
                            hint="Move it away, or point to a regular file instead.") from None
    except UnicodeDecodeError:
        raise SettingsError(f"The {what} {path} is not UTF-8 text.", path=path,
                            hint="Save it as UTF-8 or remove it.") from None
    except OSError as error:
        raise SettingsError(f"Cannot read the {what} {path}: {error.strerror or error}.", path=path,
                            hint="Check its permissions.") from None


def _plain(value: Any) -> Any:
    """tomlkit items -> plain Python values."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if unwrap else value


# --------------------------------------------------------------------------------------------
# User settings


@dataclass(frozen=True)
class Remembered:
    """What the wizard remembers between runs (all optional)."""

    start_url: str | None = None
    sso_region: str | None = None
    session_name: str | None = None
    login_method: str | None = None


class Settings:
    """The user's settings file. Reading never fails on a missing file; a broken one raises."""

    _LAST_KEYS = ("start_url", "sso_region", "session_name", "login_method")

    def __init__(self, path: Path, data: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self._data = dict(data or {})

    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        path = Path(path) if path else paths.settings_path()
        text = _read_text(path, "settings file")
        if text is None:
            return cls(path)
        doc = _parse_toml(text, path, "settings file")
        settings = cls(path, _plain(doc))
        parse_keys(settings._data, path, text)  # a bad [keys] entry is reported now, with its line
        return settings

    @property
    def keys(self) -> dict[str, str]:
        """The ``[keys]`` table: binding id -> keys, for ``App.set_keymap``."""
        return parse_keys(self._data, self.path)

    @property
    def preset_path(self) -> Path | None:
        """The ``preset = "..."`` key, expanded (relative paths are relative to the settings file)."""
        value = self._data.get("preset")
        if not isinstance(value, str) or not value.strip():
            return None
        expanded = Path(os.path.expandvars(os.path.expanduser(value.strip())))
        return expanded if expanded.is_absolute() else self.path.parent / expanded

    @property
    def last(self) -> Remembered:
        table = self._data.get("last")
        if not isinstance(table, Mapping):
            return Remembered()
        values = {k: table.get(k) for k in self._LAST_KEYS}
        clean = {k: v.strip() for k, v in values.items() if isinstance(v, str) and v.strip()}
        if clean.get("login_method") not in LOGIN_METHODS:
            clean.pop("login_method", None)
        return Remembered(**clean)

    def remember(self, **values: str | None) -> None:
        """Store values under ``[last]`` and write the file atomically.

        The file is re-read first so edits made meanwhile (and every comment) survive;
        ``None`` leaves a key as it is.
        """
        unknown = set(values) - set(self._LAST_KEYS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        import tomlkit

        text = _read_text(self.path, "settings file")
        if text is None:
            doc = tomlkit.document()
            doc.add(tomlkit.comment("aws-sso-wizard settings. Your own comments and keys are kept."))
            doc.add(tomlkit.comment('preset = "/path/to/organisation-preset.toml"'))
        else:
            doc = _parse_toml(text, self.path, "settings file")
        last = doc.get("last")
        if not isinstance(last, MutableMapping):
            last = tomlkit.table()
            last.comment("remembered by the wizard")
            doc["last"] = last
        changed = text is None
        for key, value in values.items():
            if value is None or last.get(key) == value:
                continue
            last[key] = value
            changed = True
        if changed:
            from app.fsutil import atomic_write_text

            try:
                atomic_write_text(self.path, tomlkit.dumps(doc))
            except OSError as error:
                raise SettingsError(f"Cannot write the settings file {self.path}: {error.strerror or error}.",
                                    path=self.path, hint="Move it away, or check its folder's permissions.") from None
        self._data = _plain(doc)

    @property
    def keep_warm(self) -> tuple[str, ...]:
        """The profiles marked to keep warm (``keep_warm = [...]``), in order, without repeats."""
        value = self._data.get("keep_warm")
        if not isinstance(value, list):
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value if isinstance(v, str) and v.strip()))

    def set_keep_warm(self, name: str, keep: bool) -> tuple[str, ...]:
        """Mark (or unmark) one profile to keep warm and write the file atomically; the file is
        re-read first, so edits made meanwhile and every comment survive. Returns the new list."""
        import tomlkit

        text = _read_text(self.path, "settings file")
        doc = tomlkit.document() if text is None else _parse_toml(text, self.path, "settings file")
        current = Settings(self.path, _plain(doc)).keep_warm
        wanted = tuple(n for n in current if n != name) + ((name,) if keep else ())
        if wanted != current or text is None:
            doc["keep_warm"] = list(wanted)
            from app.fsutil import atomic_write_text

            atomic_write_text(self.path, tomlkit.dumps(doc))
        self._data = _plain(doc)
        return wanted


# --------------------------------------------------------------------------------------------
# The user's keymap

#: A binding id: ``screen.action`` (lower case, words joined with ``-``).
_BINDING_ID = re.compile(r"^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$")
#: One key as Textual names it: optional modifiers, then a key name or one printable character.
_KEY = re.compile(r"^(?:(?:ctrl|alt|shift|meta|super|hyper)\+)*(?:[A-Za-z0-9_]+|[^\sA-Za-z0-9_,+])$")
_KEYS_HINT = 'Write it as "screen.action" = "key", for example "wizard.back" = "ctrl+b" (see the README).'


def parse_keys(data: Mapping[str, Any], path: Path, text: str | None = None) -> dict[str, str]:
    """The ``[keys]`` table of settings ``data``, checked: binding id -> comma-separated keys.
    Ids may be quoted (``"wizard.back" = …``) or dotted (``wizard.back = …``, ``[keys.wizard]``).
    ``text`` (the file) gives the line of a bad entry."""
    table = data.get("keys")
    if table is None:
        return {}

    def fail(message: str, line: int | None) -> SettingsError:
        at = f" (line {line})" if line else ""
        return SettingsError(f"The settings file {path}{at}: {message}", path=path, line=line, hint=_KEYS_HINT)

    def line_of(binding_id: str) -> int | None:
        if text is None:
            return None
        screen, _, action = binding_id.partition(".")
        return _line_of(text, "keys", binding_id) or _line_of(text, f"keys.{screen}", action)

    if not isinstance(table, Mapping):
        line = _line_of(text, None, "keys") if text is not None else None
        raise fail("keys must be a table ([keys]) of binding ids and keys.", line)
    entries: list[tuple[str, Any]] = []
    for name, value in table.items():
        if isinstance(value, Mapping):  # dotted: wizard.back = "…" or a [keys.wizard] table
            entries.extend((f"{name}.{action}", keys) for action, keys in value.items())
        else:
            entries.append((str(name), value))
    keymap: dict[str, str] = {}
    for binding_id, keys in entries:
        if not _BINDING_ID.match(binding_id):
            raise fail(f"[keys] {binding_id!r} is not a binding id (screen.action, for example wizard.back).",
                       line_of(binding_id))
        if not isinstance(keys, str) or not keys.strip():
            raise fail(f'[keys] {binding_id} must be a key in quotes, for example "ctrl+b", not {keys!r}.',
                       line_of(binding_id))
        parts = [key.strip() for key in keys.split(",")]
        bad = next((key for key in parts if not _KEY.match(key)), None)
        if bad is not None:
            raise fail(f"[keys] {binding_id}: {bad!r} is not a key (for example ctrl+b, f5, enter, question_mark).",
                       line_of(binding_id))
        keymap[binding_id] = ",".join(parts)
    return keymap


# --------------------------------------------------------------------------------------------
# Organisation presets


def _no_guard() -> "Guard":
    from app.guard import NO_GUARD

    return NO_GUARD


@dataclass(frozen=True)
class Preset:
    """An organisation's defaults for the wizard. Every field is optional."""

    path: Path | None = None
    display_name: str | None = None
    start_url: str | None = None
    sso_region: str | None = None
    session_name: str | None = None
    registration_scopes: str | None = None
    name_pattern: str | None = None
    default_region: str | None = None
    output: str | None = None
    session_hours: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    guard: "Guard" = field(default_factory=_no_guard)  # critical accounts (app.guard)

    @property
    def title(self) -> str:
        return self.display_name or (self.path.name if self.path else "organisation preset")


_PRESET_KEYS = (
    "display_name",
    "start_url",
    "sso_region",
    "session_name",
    "registration_scopes",
    "name_pattern",
    "default_region",
    "output",
    "session_hours",
)


def _preset_error(path: Path, message: str, hint: str | None = None, line: int | None = None) -> SettingsError:
    at = f" (line {line})" if line else ""
    return SettingsError(f"The preset {path}{at}: {message}", path=path, line=line,
                         hint=hint or "Fix the preset file (see assets/preset.example.toml).")


# Where each preset key may be written: [sso] and [profiles] tables (as the example file does),
# or at the top level under its own name.
_TABLE_KEYS = {
    "sso": {"start_url": "start_url", "region": "sso_region", "session_name": "session_name",
            "scopes": "registration_scopes", "session_hours": "session_hours"},
    "profiles": {"name_pattern": "name_pattern", "region": "default_region", "output": "output"},
}
_WRITTEN_KEYS = ("display_name", "[sso] start_url", "[sso] region", "[sso] session_name", "[sso] scopes",
                 "[sso] session_hours", "[profiles] name_pattern", "[profiles] region", "[profiles] output")


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The 1-based line where ``key`` is set in ``[table]`` (None: top level) of a TOML text."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            current = header.group(1)
        elif current == table and re.match(rf'^["\']?{re.escape(key)}["\']?\s*=', stripped):
            return number
    return None


def parse_preset(text: str, path: Path) -> Preset:
    doc = _plain(_parse_toml(text, path, "preset"))
    guard = _parse_guard(doc.pop("guard", None), text, path)
    # Accept the keys grouped under [sso] / [profiles] (as the example writes them) or at the top level.
    flat: dict[str, Any] = {}
    written: dict[str, tuple[str, int | None]] = {}  # our name -> (as written, its line)
    for key, value in doc.items():
        table = _TABLE_KEYS.get(key)
        items = value.items() if table is not None and isinstance(value, Mapping) else [(key, value)]
        for sub, sub_value in items:
            where = key if table is not None and isinstance(value, Mapping) else None
            name = table.get(sub, f"?{sub}") if where and table is not None else sub
            shown = f"[{where}] {sub}" if where else sub
            if name.startswith("?") or (where is None and name not in _PRESET_KEYS):
                raise _preset_error(path, f"unknown key {shown!r}.", line=_line_of(text, where, sub),
                                    hint=f"Known keys: {', '.join(_WRITTEN_KEYS)}.")
            flat[name] = sub_value
            written[name] = (shown, _line_of(text, where, sub))
    values: dict[str, Any] = {}
    for key, value in flat.items():
        shown, line = written[key]
        if key == "session_hours":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 24 * 7:
                raise _preset_error(path, f"{shown} must be a number of hours (such as 8 or 12), not {value!r}.",
                                    line=line)
            values[key] = float(value)
            continue
        if not isinstance(value, str):
            raise _preset_error(path, f"{shown} must be a string in quotes, not {value!r}.", line=line)
        value = value.strip()
        if value:
            values[key] = value

    def fail(key: str, reason: str) -> SettingsError:
        shown, line = written[key]
        return _preset_error(path, f"{shown}: {reason}", line=line)

    if "output" in values and values["output"] not in OUTPUT_FORMATS:
        raise fail("output", f"must be one of {', '.join(OUTPUT_FORMATS)}, not {values['output']!r}.")
    if "name_pattern" in values:
        from app.config.naming import check_pattern

        reason = check_pattern(values["name_pattern"])
        if reason:
            raise fail("name_pattern", reason)
    if "start_url" in values:
        reason = _check_start_url(values["start_url"])
        if reason:
            raise fail("start_url", reason)
    for key in ("sso_region", "default_region"):
        if key in values:
            reason = _check_region(values[key])
            if reason:
                raise fail(key, reason)
    return Preset(path=path, guard=guard, **values)


def _parse_guard(table: Any, text: str, path: Path) -> "Guard":
    from app.guard import GuardError, parse_guard

    try:
        return parse_guard(table)
    except GuardError as error:
        keys = ("critical_accounts", "read_only_roles")
        line = next((n for key in keys if key in str(error) and (n := _line_of(text, "guard", key))), None)
        raise _preset_error(path, str(error), line=line or _line_of_table(text, "guard")) from None


def _line_of_table(text: str, table: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\[\s*{re.escape(table)}\s*\]", line.strip()):
            return number
    return None


def _check_start_url(url: str) -> str | None:
    from app.signin.start_url import check_start_url

    return check_start_url(url)


_REGION_SHAPE = re.compile(r"^[a-z]{2,}(-[a-z]+)+-\d+$")


def _check_region(region: str) -> str | None:
    """A cheap shape check (botocore stays off the start-up path); the wizard checks the region
    against botocore's list when it is used."""
    if _REGION_SHAPE.match(region):
        return None
    return f"“{region}” does not look like an AWS region code (for example eu-west-2)."


def load_preset(path: Path | str) -> Preset:
    """Read an organisation preset; raises :class:`SettingsError` (with the line) when broken."""
    path = Path(os.path.expandvars(os.path.expanduser(str(path))))
    text = _read_text(path, "preset")
    if text is None:
        raise SettingsError(f"The preset file {path} does not exist.", path=path,
                            hint="Check the path given with --preset, AWS_SSO_WIZARD_PRESET or in the settings file.")
    return parse_preset(text, path)


def find_preset(cli_path: str | Path | None, settings: Settings | None) -> Preset | None:
    """The preset to use: ``--preset`` first, then ``AWS_SSO_WIZARD_PRESET``, then the settings key."""
    preset = _find_preset(cli_path, settings)
    if not cli_path:  # the preset in use everywhere: the shell prompt marks its critical accounts
        from app.guard import NO_GUARD, note_for_prompt

        note_for_prompt(preset.path if preset is not None else None, preset.guard if preset is not None else NO_GUARD)
    return preset


def _find_preset(cli_path: str | Path | None, settings: Settings | None) -> Preset | None:
    if cli_path:
        return load_preset(cli_path)
    env = os.environ.get(PRESET_ENV, "").strip()
    if env:
        return load_preset(env)
    if settings is not None and settings.preset_path is not None:
        return load_preset(settings.preset_path)
    return None
