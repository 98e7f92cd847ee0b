"""Moving legacy SSO profiles (start URL and SSO region inside the profile) to the sso-session form,
and re-pointing an sso-session at a moved portal: the edits, planned from the parsed config.

Legacy profiles cannot renew their sign-in (botocore refreshes only sso-session tokens). One
``[sso-session]`` is used per start URL (a trailing ``/`` aside) and SSO region: an existing one for the same portal when
there is one, else a new one named from the portal (``name_for``, given by the caller). Each profile
then names it and loses its own ``sso_start_url`` and ``sso_region``; every other line stays.
The config writer checks that botocore reads the result as intended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.config.edits import Edit, EditError, UpsertProfile, UpsertSsoSession, validate_session_name
from app.config.model import DEFAULT_SCOPES, AwsConfig, ProfileKind


@dataclass(frozen=True)
class SessionUse:
    """The sso-session a group of legacy profiles moves to (``new``: written by the migration)."""

    name: str
    start_url: str
    region: str
    new: bool
    profiles: tuple[str, ...]


@dataclass(frozen=True)
class Migration:
    """What ``migrate`` would do: the edits, the sessions used, and the legacy profiles left as
    they are, with why."""

    edits: tuple[Edit, ...]
    sessions: tuple[SessionUse, ...]
    skipped: tuple[tuple[str, str], ...]

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(name for session in self.sessions for name in session.profiles)


def _same_portal(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip().rstrip("/") == b.strip().rstrip("/")


def _free_name(base: str, taken: set[str]) -> str:
    base = base if validate_session_name(base) is None else "my-sso"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


def _scopes_of(config: AwsConfig, name: str) -> str | None:
    value = config.profiles[name].values.get("sso_registration_scopes")
    return value if isinstance(value, str) and value else None


def plan_migration(config: AwsConfig, name_for: Callable[[str], str]) -> Migration:
    """The edits that move every complete legacy SSO profile of ``config`` to an sso-session."""
    groups: dict[tuple[str, str], list[str]] = {}
    skipped: list[tuple[str, str]] = []
    for profile in config.profiles.values():
        if profile.kind is not ProfileKind.SSO_LEGACY:
            continue
        missing = [key for key, value in (("sso_start_url", profile.start_url), ("sso_region", profile.sso_region),
                                          ("sso_account_id", profile.account_id),
                                          ("sso_role_name", profile.role_name)) if not value]
        if missing:
            skipped.append((profile.name, f"it has no {' and no '.join(missing)}"))
            continue
        assert profile.start_url is not None and profile.sso_region is not None
        url, region = profile.start_url.strip(), profile.sso_region.strip()
        same = next((key for key in groups if _same_portal(key[0], url) and key[1] == region), (url, region))
        groups.setdefault(same, []).append(profile.name)
    taken = set(config.sso_sessions)
    sessions: list[SessionUse] = []
    edits: list[Edit] = []
    for (start_url, region), names in groups.items():
        # botocore refuses a profile whose own sso_registration_scopes differs from its session's
        own = {name: _scopes_of(config, name) for name in names}
        existing = next(
            (s for s in config.sso_sessions.values() if _same_portal(s.start_url, start_url) and s.region == region),
            None,
        )
        if existing is not None:
            fits = [n for n in names if own[n] is None or own[n] == existing.registration_scopes]
            skipped += [(n, f"its sso_registration_scopes differ from those of the sso-session {existing.name}")
                        for n in names if n not in fits]
            if fits:
                sessions.append(SessionUse(existing.name, start_url, region, False, tuple(fits)))
            continue
        scopes = next((value for value in own.values() if value is not None), None)
        fits = [n for n in names if own[n] is None or own[n] == scopes]
        skipped += [(n, "its sso_registration_scopes differ from those of other profiles on the same portal")
                    for n in names if n not in fits]
        name = _free_name(name_for(start_url), taken)
        taken.add(name)
        edits.append(UpsertSsoSession(name=name, start_url=start_url, region=region,
                                      registration_scopes=scopes or DEFAULT_SCOPES))
        sessions.append(SessionUse(name, start_url, region, True, tuple(fits)))
    for session in sessions:
        for name in session.profiles:
            profile = config.profiles[name]
            assert profile.account_id is not None and profile.role_name is not None
            edits.append(UpsertProfile(name=name, account_id=profile.account_id, role_name=profile.role_name,
                                       sso_session=session.name))
    return Migration(tuple(edits), tuple(sessions), tuple(skipped))


def plan_repoint(config: AwsConfig, session_name: str, start_url: str, region: str | None = None) -> UpsertSsoSession:
    """The edit that points ``[sso-session NAME]`` at a new start URL (and SSO region); its profiles
    stay as they are. EditError when there is no such session."""
    session = config.sso_sessions.get(session_name)
    if session is None:
        known = ", ".join(sorted(config.sso_sessions)) or "none"
        raise EditError(f"There is no sso-session named {session_name!r} in {config.path}.",
                        hint=f"The sso-sessions there: {known}.")
    new_region = region or session.region
    if not new_region:
        raise EditError(f"The sso-session {session_name} has no sso_region.", hint="Give one with --sso-region.")
    return UpsertSsoSession(name=session_name, start_url=start_url, region=new_region,
                            registration_scopes=session.registration_scopes)
