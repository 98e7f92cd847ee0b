"""Step 5: the role (permission set) in the chosen account, from sso:ListAccountRoles."""

from __future__ import annotations

from rich.text import Text

from app.cancel import CancelToken
from app.guard import CRITICAL_MARKER, guard_of
from app.signin.role_order import ASK_IT, RoleKind, order_roles, role_kind
from screens.picker import PickerScreen

MARKS = {
    RoleKind.READ_ONLY: ("  · read-only", "green"),
    RoleKind.ADMIN_LIKE: ("  ! administrator-like: can change almost anything", "yellow"),
}


class RoleScreen(PickerScreen):
    HEADLINE = "Which role do you want in this account?"
    NOUN = ("role", "roles")
    LOADING = "Loading your roles in this account…"
    PLACEHOLDER = "Type to filter roles"
    NOTE = ASK_IT
    NO_MATCH_NOTE = ("No role matches. A permission set assigned just now can take a few minutes to appear: "
                     "F5 looks again.")

    def summary(self) -> list[tuple[str, str]]:
        account = self.state.account
        if account is None:
            return []
        label = account.label
        if "accounts" in self.state.auto_chosen:
            label += "  (the only account available to you)"
        return [("Account", label)]

    def _account_id(self) -> str:
        account = self.state.account
        if account is None:
            raise RuntimeError("the role step is shown only after an account is chosen")
        return account.account_id

    def cached(self):
        return self.state.roles.get(self._account_id())

    def fetch(self, cancel: CancelToken) -> list:
        return self.services.sso(self.state.target()).list_account_roles(self._account_id(), cancel=cancel)

    def in_order(self, items: list) -> list:
        return order_roles(items)

    def label(self, role: str) -> Text:
        text = Text(role)
        mark = MARKS.get(role_kind(role))
        if mark is not None:
            text.append(*mark)
        account = self.state.account
        guard = guard_of(self.state.preset)
        if account is not None and guard.needs_care(account.account_id, account.account_name, role):
            text.append(f"  {CRITICAL_MARKER} can change a critical account", style="bold red")
        return text

    def store(self, items: list) -> None:
        self.state.roles[self._account_id()] = list(items)

    def current(self):
        return self.state.role

    def single_note(self, role) -> str:
        return f"Using the role {role}: the only role you have in this account."

    def empty_message(self) -> str:
        return ("You have no roles in this account. Press Escape to pick another account, or ask your "
                "administrator to assign you a permission set.")
