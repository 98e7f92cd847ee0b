"""Step 4: the AWS account, from sso:ListAccounts (all pages, sorted as the CLI sorts them)."""

from __future__ import annotations

from rich.text import Text

from app.cancel import CancelToken
from app.guard import CRITICAL_MARKER, CRITICAL_WORD, guard_of
from screens.picker import PickerScreen

NAME_WIDTH = 36


class AccountScreen(PickerScreen):
    """One account (Enter), or several ticked ones: a profile for each of their roles."""

    _width = NAME_WIDTH
    TICKABLE = True
    HEADLINE = "Which AWS account do you want to use?"
    NOUN = ("account", "accounts")
    LOADING = "Loading your AWS accounts…"
    PLACEHOLDER = "Type part of a name, account id or email"

    def summary(self) -> list[tuple[str, str]]:
        portal = self.state.portal
        return [("Portal", portal.start_url)] if portal else []

    def cached(self):
        return self.state.accounts

    _changes = ""

    def _session(self) -> str | None:
        portal = self.state.portal
        return portal.session_name if portal is not None and not portal.legacy else None

    def remembered(self):
        session = self._session()
        snapshot = self.services.discovery.load(session) if session else None
        return list(snapshot.accounts) if snapshot is not None else None

    def fetch(self, cancel: CancelToken) -> list:
        accounts = self.services.list_accounts(self.state.target(), cancel=cancel)
        session = self._session()
        if session:
            changes = self.services.discovery.save(session, accounts)
            self._changes = "\n".join(changes.lines())
        return accounts

    def changes_note(self) -> str:
        return self._changes

    def store(self, items: list) -> None:
        self.state.accounts = items
        width = max((len(a.account_name or "") for a in items), default=0)
        self._width = min(max(width, 12), NAME_WIDTH)

    def label(self, account) -> str | Text:
        name = account.account_name or account.email or account.account_id
        if len(name) > self._width:
            name = name[: self._width - 1] + "…"
        email = account.email if account.account_name else ""
        line = f"{name:<{self._width}}  {account.account_id}  {email or ''}".rstrip()
        if guard_of(self.state.preset).is_critical(account.account_id, account.account_name):
            return Text.assemble((f"{CRITICAL_MARKER} ", "bold red"), line, (f"  {CRITICAL_WORD}", "red"))
        return line

    def search_text(self, account) -> tuple[str | None, ...]:
        return (account.account_name, account.account_id, account.email)

    def current(self):
        return self.state.account

    def ticked_before(self) -> list:
        return list(self.state.ticked)

    def choice(self, account):
        from screens.widgets.filter_list import FilterList

        ticked = self.query_one(FilterList).ticked
        return tuple(ticked) if ticked else account

    def single_note(self, account) -> str:
        return f"Using {account.label}: the only AWS account available to you."

    def empty_message(self) -> str:
        return ("No AWS accounts are available to you yet. Ask your administrator to assign you to an "
                "account in IAM Identity Center, then press F5.")
