"""What bulk role discovery found: the roles of the accounts listed, and the accounts left out with why."""

from __future__ import annotations

from typing import Iterable, Mapping

from app.errors import WizardError
from app.signin.errors import NotSignedIn, SessionExpired, Throttled

EVERY_ACCOUNT_ERRORS = (NotSignedIn, SessionExpired, Throttled)  # these end a discovery: no account would do better
NAMED_IN_A_LINE = 5  # accounts named in the one-line summary before "and N more"


def failure_reason(error: WizardError) -> str:
    """Why one account's roles could not be listed, in one line (the error's message, without the hint)."""
    return " ".join(str(error.message).split()) or type(error).__name__


class RoleDiscovery(dict[str, list[str]]):
    """``{account_id: [role, ...]}`` for the accounts whose roles were listed, in the order asked;
    ``failed`` maps each account left out to why, ``labels`` gives its display name."""

    def __init__(
        self,
        roles: Mapping[str, list[str]] | Iterable[tuple[str, list[str]]] = (),
        *,
        failed: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        total: int | None = None,
    ) -> None:
        super().__init__(roles)
        self.failed: dict[str, str] = dict(failed or {})
        self.labels: dict[str, str] = dict(labels or {})
        self.total = total if total is not None else len(self) + len(self.failed)

    @property
    def complete(self) -> bool:
        """Every account asked for was listed."""
        return not self.failed

    def label(self, account_id: str) -> str:
        return self.labels.get(account_id) or account_id

    def left_out_line(self, retry: str = "Run the command again to retry them.") -> str:
        """One line naming the accounts left out and why, then ``retry`` ("" when none was)."""
        if not self.failed:
            return ""
        ids = list(self.failed)
        names = ", ".join(self.label(account_id) for account_id in ids[:NAMED_IN_A_LINE])
        if len(ids) > NAMED_IN_A_LINE:
            names += f" and {len(ids) - NAMED_IN_A_LINE} more"
        reasons = list(dict.fromkeys(self.failed.values()))
        why = reasons[0] if len(reasons) == 1 else f"{reasons[0]} (and other errors)"
        noun = "account" if len(ids) == 1 else "accounts"
        return (f"Left out {len(ids)} of {self.total} {noun} whose roles could not be listed: {names}. "
                f"{why.rstrip('.')}. {retry}")

    def __repr__(self) -> str:
        return f"RoleDiscovery({dict.__repr__(self)}, failed={self.failed!r})"
