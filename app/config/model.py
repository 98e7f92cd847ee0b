"""Profiles and sso-sessions of the AWS config file, resolved the way botocore resolves them.

botocore turns the parsed file into a profile map (``configloader.build_profile_map``):
sections whose name starts with ``profile`` / ``sso-session`` / ``services`` are split with
``shlex`` and must give exactly two words (the second is the name); ``[default]`` is the
profile ``default``; when two sections map to one name the later one wins whole (its place in
the list is the first one's). ``[DEFAULT]`` keys are inherited by every section. A profile's
SSO start URL and region come from its sso-session (``SSOProvider``), and botocore refuses a
profile whose own value for a session key differs from the session's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from app.config.document import (
    PROFILE,
    SERVICES,
    SSO_SESSION,
    ConfigDocument,
    ConfigParseError,
    decode_config,
    dropped_reason,
)

DEFAULT_SCOPES = "sso:account:access"
"""The ``sso_registration_scopes`` the wizard writes, and the scope asked for when none is configured."""

GENERATED_KEY = "sso_wizard_generated"
"""The key a profile made in bulk (``populate``, the wizard's multi-select) carries: its value is the
sso-session it was generated from. botocore and the AWS CLI ignore keys they do not know."""


def parse_registration_scopes(raw: str | None) -> tuple[str, ...]:
    """``sso_registration_scopes`` as the CLI parses it: split on ``,``, strip, drop empties."""
    if not raw:
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


_SSO_PROFILE_KEYS = ("sso_role_name", "sso_account_id")
_SSO_REQUIRED = ("sso_role_name", "sso_account_id", "sso_start_url", "sso_region")


class ProfileKind(str, enum.Enum):
    """What kind of credentials a profile yields, in botocore's provider order."""

    SSO = "sso"  # IAM Identity Center, sso-session form
    SSO_LEGACY = "sso-legacy"  # IAM Identity Center, start URL and region in the profile
    STATIC_KEYS = "static-keys"
    ASSUME_ROLE = "assume-role"
    CREDENTIAL_PROCESS = "credential-process"
    LOGIN = "login"  # console credentials from `aws login` (login_session)
    OTHER = "other"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class SsoSession:
    name: str
    start_url: str | None
    region: str | None
    registration_scopes: str | None
    scopes: tuple[str, ...]
    values: Mapping[str, str] = field(default_factory=dict)
    line: int = 0  # 1-based header line (0 when not from a file)

    @classmethod
    def from_values(cls, name: str, values: Mapping[str, object], line: int = 0) -> "SsoSession":
        scopes_raw = _text(values.get("sso_registration_scopes"))
        return cls(
            name=name,
            start_url=_text(values.get("sso_start_url")),
            region=_text(values.get("sso_region")),
            registration_scopes=scopes_raw,
            scopes=parse_registration_scopes(scopes_raw),
            values=MappingProxyType(dict(values)),  # type: ignore[arg-type]
            line=line,
        )

    @property
    def problem(self) -> str | None:
        missing = [key for key in ("sso_start_url", "sso_region") if not _text(self.values.get(key))]
        if missing:
            return f"The sso-session {self.name} has no {' and no '.join(missing)}."
        return None


@dataclass(frozen=True)
class Profile:
    name: str
    kind: ProfileKind
    values: Mapping[str, object]
    sso_session: str | None
    start_url: str | None
    sso_region: str | None
    account_id: str | None
    role_name: str | None
    region: str | None
    output: str | None
    session: SsoSession | None
    problem: str | None
    line: int

    @property
    def is_sso(self) -> bool:
        return self.kind in (ProfileKind.SSO, ProfileKind.SSO_LEGACY)

    @property
    def generated_from(self) -> str | None:
        """The sso-session this profile was generated from in bulk (None: written by hand or one by one)."""
        return _text(self.values.get(GENERATED_KEY))


@dataclass(frozen=True)
class IgnoredSection:
    """A section botocore drops silently (e.g. ``[profile a b]``)."""

    line: int
    header: str
    reason: str


@dataclass(frozen=True)
class AwsConfig:
    path: Path
    profiles: dict[str, Profile]
    sso_sessions: dict[str, SsoSession]
    services: dict[str, Mapping[str, object]] = field(default_factory=dict)
    ignored: tuple[IgnoredSection, ...] = ()
    exists: bool = True

    def profiles_of_session(self, session_name: str) -> list[Profile]:
        return [p for p in self.profiles.values() if p.sso_session == session_name]

    def profile(self, name: str) -> Profile | None:
        return self.profiles.get(name)


def classify(values: Mapping[str, object]) -> ProfileKind:
    """The provider botocore would use for a profile with these keys (credentials-file keys
    aside): assume-role, web identity, SSO, credential_process, static keys."""
    if "role_arn" in values:
        return ProfileKind.ASSUME_ROLE
    if any(key in values for key in _SSO_PROFILE_KEYS) or "sso_session" in values or "sso_start_url" in values:
        if "sso_session" in values:
            return ProfileKind.SSO
        return ProfileKind.SSO_LEGACY
    if "login_session" in values:
        return ProfileKind.LOGIN
    if "credential_process" in values:
        return ProfileKind.CREDENTIAL_PROCESS
    if "aws_access_key_id" in values:
        return ProfileKind.STATIC_KEYS
    return ProfileKind.OTHER


def resolve_sso(values: Mapping[str, object], sessions: Mapping[str, SsoSession]) -> tuple[dict, str | None]:
    """botocore's ``SSOProvider`` view of a profile: its keys with the sso-session's keys laid
    over them, and the error botocore would raise (None when there is none)."""
    resolved = dict(values)
    name = values.get("sso_session")
    if name is not None:
        session = sessions.get(name) if isinstance(name, str) else None
        if session is None:
            if not name:
                return resolved, "Its sso_session is empty; name an [sso-session] section there, or remove the line."
            return resolved, f'It names the sso-session "{name}", which does not exist.'
        for key, value in session.values.items():
            if key in resolved and resolved[key] != value:
                return resolved, (
                    f"Its {key} ({resolved[key]}) differs from the one in sso-session {session.name} "
                    f"({value}); botocore refuses that."
                )
            resolved[key] = value
    return resolved, None


def profile_problem(name: str, kind: ProfileKind, values: Mapping[str, object], resolved: Mapping[str, object],
                    resolve_error: str | None, profile_names: set[str]) -> str | None:
    """The error botocore would raise when this profile is used, in words for people."""
    if kind is ProfileKind.ASSUME_ROLE:
        if "web_identity_token_file" in values:
            return None
        source, credential_source = values.get("source_profile"), values.get("credential_source")
        if source is not None and credential_source is not None:
            return "It sets both source_profile and credential_source; botocore needs exactly one."
        if source is None and credential_source is None:
            return "It has role_arn but neither source_profile nor credential_source."
        if source is not None and source not in profile_names:
            return f"Its source_profile {source} does not exist."
        return None
    if kind in (ProfileKind.SSO, ProfileKind.SSO_LEGACY):
        if resolve_error:
            return resolve_error
        if not any(key in values for key in _SSO_PROFILE_KEYS):
            return "It has no sso_account_id and sso_role_name, so it can sign in but not get role credentials."
        extra = ("sso_session",) if kind is ProfileKind.SSO else ()
        missing = [key for key in _SSO_REQUIRED + extra if key not in resolved]
        if missing:
            return f"It is set up for SSO but is missing {', '.join(missing)}."
        return None
    return None


def build_config(doc: ConfigDocument, path: Path, exists: bool = True) -> AwsConfig:
    """Resolve a parsed document into profiles and sso-sessions, as botocore would."""
    profile_values: dict[str, tuple[dict, int]] = {}
    session_values: dict[str, tuple[dict, int]] = {}
    services: dict[str, Mapping[str, object]] = {}
    ignored: list[IgnoredSection] = []
    all_values = doc.all_section_values()
    for index, target in enumerate(doc.targets):
        if target is None:
            header = doc.headers[index]
            reason = dropped_reason(header)
            if reason:
                ignored.append(IgnoredSection(doc.starts[index] + 1, header, f"botocore ignores it: {reason}"))
            continue
        kind, name = target
        line = doc.starts[index] + 1
        if kind == PROFILE:
            # A later section for the same name replaces the earlier one (dict order keeps
            # the first position), exactly like build_profile_map.
            profile_values[name] = (all_values[index], line)
        elif kind == SSO_SESSION:
            session_values[name] = (all_values[index], line)
        elif kind == SERVICES:
            services[name] = MappingProxyType(all_values[index])
    sessions = {name: SsoSession.from_values(name, values, line) for name, (values, line) in session_values.items()}
    names = set(profile_values)
    profiles: dict[str, Profile] = {}
    for name, (values, line) in profile_values.items():
        kind = classify(values)
        resolved, error = resolve_sso(values, sessions) if kind in (ProfileKind.SSO, ProfileKind.SSO_LEGACY) else (values, None)
        session_name = _text(values.get("sso_session"))
        profiles[name] = Profile(
            name=name,
            kind=kind,
            values=MappingProxyType(values),
            sso_session=session_name,
            start_url=_text(resolved.get("sso_start_url")),
            sso_region=_text(resolved.get("sso_region")),
            account_id=_text(values.get("sso_account_id")),
            role_name=_text(values.get("sso_role_name")),
            region=_text(values.get("region")),
            output=_text(values.get("output")),
            session=sessions.get(session_name) if session_name is not None else None,
            problem=profile_problem(name, kind, values, resolved, error, names),
            line=line,
        )
    return AwsConfig(path=path, profiles=profiles, sso_sessions=sessions, services=services,
                     ignored=tuple(ignored), exists=exists)


def read_config_text(path: Path) -> str | None:
    """The file's text (None when it does not exist); ConfigParseError when it cannot be read."""
    from app.fsutil import NotARegularFile, read_regular_bytes

    try:
        data = read_regular_bytes(path)
    except FileNotFoundError:
        return None
    except NotARegularFile as error:
        raise ConfigParseError(f"this is {error.kind}, not a config file", path=path,
                               hint="Point AWS_CONFIG_FILE at a regular file, or move this one away.") from None
    except IsADirectoryError:
        raise ConfigParseError("this is a directory, not a config file", path=path,
                               hint="Point AWS_CONFIG_FILE at a file, or move the directory away.") from None
    except NotADirectoryError:
        raise ConfigParseError("a part of this path is a file, not a folder", path=path,
                               hint="Check AWS_CONFIG_FILE (or HOME): the config file's folder must be a folder.") from None
    except OSError as error:
        raise ConfigParseError(f"the file cannot be read ({error.strerror or error})", path=path,
                               hint="Check the file's permissions, then try again.") from None
    return decode_config(data, path)


def load_aws_config(path: Path | None = None) -> AwsConfig:
    """Read and resolve the config file (default: ``AWS_CONFIG_FILE`` or ``~/.aws/config``).

    A missing file is an empty config; one botocore cannot read raises ConfigParseError.
    """
    if path is None:
        from app.paths import aws_config_path

        path = aws_config_path()
    path = Path(path)
    text = read_config_text(path)
    if text is None:
        return AwsConfig(path=path, profiles={}, sso_sessions={}, exists=False)
    return build_config(ConfigDocument.parse(text, path), path)
