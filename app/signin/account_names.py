"""A small cache of AWS account names learnt from sso:ListAccounts.

The config file only holds account ids; the names come from ListAccounts, which needs a
valid sign-in. Names learnt once are kept in ``account-names.json`` under the settings
directory so later runs show them without a network call. Only ids and names are stored,
never tokens or credentials.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from app import paths
from app.fsutil import atomic_write_text, read_regular_bytes

if TYPE_CHECKING:  # pragma: no cover
    from app.cancel import CancelToken
    from app.signin.portal import Account, SsoClient

FILE_NAME = paths.ACCOUNT_NAMES_FILE
_VERSION = 1


def account_names_path() -> Path:
    return paths.settings_dir() / FILE_NAME


class AccountNames:
    """Account id -> name, read lazily, re-read when the file changes, written atomically (a
    symlink at the path is replaced, never written through)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._names: dict[str, str] = {}
        self._stamp: tuple[int, int] | None = None

    @property
    def path(self) -> Path:
        return self._path if self._path is not None else account_names_path()

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _load_locked(self) -> None:
        stamp = self._stat()
        if stamp == self._stamp:
            return
        names: dict[str, str] = {}
        if stamp is not None:
            try:
                data = json.loads(read_regular_bytes(self.path).decode("utf-8"))
                accounts = data.get("accounts", {}) if isinstance(data, dict) else {}
                names = {str(k): str(v) for k, v in accounts.items() if isinstance(v, str) and v}
            except (OSError, ValueError, RecursionError):
                names = {}  # a damaged cache is only a missed convenience
        self._names = names
        self._stamp = stamp

    def all(self) -> dict[str, str]:
        with self._lock:
            self._load_locked()
            return dict(self._names)

    def get(self, account_id: str | None) -> str | None:
        if not account_id:
            return None
        with self._lock:
            self._load_locked()
            return self._names.get(account_id)

    def remember(self, accounts: Iterable[object] | Mapping[str, str]) -> bool:
        """Store names from ``Account`` objects (``account_id``/``account_name``) or an id->name
        mapping. Returns True when the file changed."""
        pairs: list[tuple[object, object]]
        if isinstance(accounts, Mapping):
            pairs = [(str(k), v) for k, v in accounts.items()]
        else:
            pairs = [(getattr(a, "account_id", None), getattr(a, "account_name", None)) for a in accounts]
        with self._lock:
            self._load_locked()
            merged = dict(self._names)
            for account_id, name in pairs:
                if account_id and isinstance(name, str) and name:
                    merged[str(account_id)] = name
            if merged == self._names:
                return False
            text = json.dumps({"version": _VERSION, "accounts": dict(sorted(merged.items()))}, indent=1)
            try:
                atomic_write_text(self.path, text + "\n", follow_links=False)
            except OSError:
                self._names = merged  # keep them for this run even if the disk refuses
                return False
            self._names = merged
            self._stamp = self._stat()
            return True


def list_and_remember(
    client: "SsoClient", *, cancel: "CancelToken | None" = None, names: AccountNames | None = None
) -> "list[Account]":
    """sso:ListAccounts through ``client``, keeping every account name it tells in the shared
    cache (``names``, by default the file under the settings directory).

    The one way the app lists accounts (the wizard's account step, the profile browser, the
    ``accounts`` command, ``setup --yes``), so a name learnt anywhere shows everywhere, at once.
    """
    accounts = client.list_accounts(cancel=cancel)
    (names if names is not None else AccountNames()).remember(accounts)
    return accounts
