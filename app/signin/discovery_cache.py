"""The accounts and roles a sign-in was last seen to have, per sso-session.

Kept under the settings directory (``discovery/<hash of the sso-session name>.json``, written
atomically) so the account picker and the role list open at once and refresh in the background,
and so a refresh can say what changed since the last one. Only account ids, names, emails and
role names are stored: never a token or a credential. A file that cannot be read counts as no
cache (it is rewritten by the next discovery).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from app import paths
from app.fsutil import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover
    from app.signin.portal import Account

FOLDER = "discovery"
_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """What one discovery saw: every account, and the roles of the accounts whose roles were listed."""

    session: str
    accounts: tuple["Account", ...]
    roles: Mapping[str, tuple[str, ...]]
    updated_at: float = 0.0

    def pairs(self) -> set[tuple[str, str]]:
        return {(account_id, role) for account_id, roles in self.roles.items() for role in roles}


@dataclass(frozen=True)
class Changes:
    """What a refresh found different from the snapshot before it."""

    accounts_added: tuple[str, ...] = ()
    accounts_removed: tuple[str, ...] = ()
    roles_added: tuple[tuple[str, str], ...] = ()
    roles_removed: tuple[tuple[str, str], ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # account id -> name, for the words

    @property
    def empty(self) -> bool:
        return not (self.accounts_added or self.accounts_removed or self.roles_added or self.roles_removed)

    def _account(self, account_id: str) -> str:
        name = self.names.get(account_id)
        return f"{name} ({account_id})" if name else account_id

    def lines(self) -> list[str]:
        """One line per kind of change, for people ("New roles: ReadOnly in dev (1111…)")."""
        out = []
        for label, ids in (("New accounts", self.accounts_added), ("Accounts gone", self.accounts_removed)):
            if ids:
                out.append(f"{label}: " + ", ".join(self._account(i) for i in ids))
        for label, pairs in (("New roles", self.roles_added), ("Roles gone", self.roles_removed)):
            if pairs:
                out.append(f"{label}: " + ", ".join(f"{role} in {self._account(i)}" for i, role in pairs))
        return out


def cache_folder() -> Path:
    return paths.settings_dir() / FOLDER


def _file_for(session: str, folder: Path) -> Path:
    return folder / f"{hashlib.sha1(session.encode('utf-8')).hexdigest()}.json"


class DiscoveryCache:
    """Load and save :class:`Snapshot` s (``folder`` None: :func:`cache_folder` at each call)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def folder(self) -> Path:
        return self._folder if self._folder is not None else cache_folder()

    def load(self, session: str) -> Snapshot | None:
        from app.signin.portal import Account

        try:
            data = json.loads(_file_for(session, self.folder).read_text(encoding="utf-8"))
            if data.get("version") != _VERSION or data.get("session") != session:
                return None
            accounts = tuple(Account(str(a["account_id"]), a.get("account_name") or None, a.get("email") or None)
                             for a in data["accounts"])
            roles = {str(k): tuple(str(r) for r in v) for k, v in dict(data.get("roles") or {}).items()}
            return Snapshot(session, accounts, roles, float(data.get("updated_at") or 0.0))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, session: str, accounts: Sequence["Account"],
             roles: Mapping[str, Iterable[str]] | None = None) -> Changes:
        """Record ``accounts`` (all of them) and the ``roles`` listed this time (roles of other
        accounts that are still there are kept); returns what changed since the last save."""
        before = self.load(session)
        ids = [a.account_id for a in accounts]
        merged: dict[str, tuple[str, ...]] = {}
        if before is not None:
            merged.update({k: v for k, v in before.roles.items() if k in set(ids)})
        for account_id, listed in (roles or {}).items():
            merged[account_id] = tuple(listed)
        document = {
            "version": _VERSION,
            "session": session,
            "updated_at": time.time(),
            "accounts": [{"account_id": a.account_id, "account_name": a.account_name, "email": a.email}
                         for a in accounts],
            "roles": {k: list(v) for k, v in merged.items()},
        }
        path = _file_for(session, self.folder)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_text(path, json.dumps(document, indent=1) + "\n")
        return _changes(before, accounts, merged, roles or {})


def _changes(before: Snapshot | None, accounts: Sequence["Account"], merged: Mapping[str, tuple[str, ...]],
             listed: Mapping[str, Iterable[str]]) -> Changes:
    names = {a.account_id: a.account_name or "" for a in accounts}
    if before is None:
        return Changes(names=names)
    old_ids = [a.account_id for a in before.accounts]
    new_ids = [a.account_id for a in accounts]
    names.update({a.account_id: a.account_name or "" for a in before.accounts if a.account_id not in names})
    added = tuple(i for i in new_ids if i not in set(old_ids))
    removed = tuple(i for i in old_ids if i not in set(new_ids))
    roles_added: list[tuple[str, str]] = []
    roles_removed: list[tuple[str, str]] = []
    for account_id in listed:
        old = before.roles.get(account_id)
        if old is None:
            continue  # never listed before: nothing to compare with
        now = merged.get(account_id, ())
        roles_added += [(account_id, r) for r in now if r not in old]
        roles_removed += [(account_id, r) for r in old if r not in now]
    for account_id in removed:
        roles_removed += [(account_id, r) for r in before.roles.get(account_id, ())]
    return Changes(added, removed, tuple(roles_added), tuple(roles_removed), names)


def unassigned(profiles: Iterable, cache: DiscoveryCache | None = None) -> set[str]:
    """The names of generated profiles whose account or role the last discovery of their
    sso-session no longer saw (``profiles``: :class:`app.config.model.Profile` objects). Only
    accounts whose roles were listed count for a role; hand-written profiles never do."""
    cache = cache or DiscoveryCache()
    snapshots: dict[str, Snapshot | None] = {}
    stale: set[str] = set()
    for profile in profiles:
        session = getattr(profile, "generated_from", None)
        if not session or profile.sso_session != session or not profile.account_id:
            continue
        if session not in snapshots:
            snapshots[session] = cache.load(session)
        snapshot = snapshots[session]
        if snapshot is None:
            continue
        if profile.account_id not in {a.account_id for a in snapshot.accounts}:
            stale.add(profile.name)
        elif profile.account_id in snapshot.roles and profile.role_name not in snapshot.roles[profile.account_id]:
            stale.add(profile.name)
    return stale
