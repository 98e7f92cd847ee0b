"""The emulator's demo organisation: accounts, their roles and the signed-in user.

Everything is deterministic, so tests and screenshots see the same organisation every time.
Up to 12 accounts come from a hand-written archive/library organisation; more than 12 are
generated (``project-0042-prod`` ...). Either way each account has 1-4 roles drawn from
:data:`ROLE_NAMES`, and the first account id has a leading zero (``012345678901``), the
classic trap for tools that store account ids as numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

DEMO_START_URL = "https://demo-archive.awsapps.com/start"
DEMO_REGION = "eu-west-2"
DEMO_USER = "archivist@example.org"

ROLE_NAMES = ("PowerUser", "Administrator", "ReadOnly", "Billing")

# (name, account id, roles). Listed in the order the portal returns them: deliberately not sorted
# by name, so clients that promise a sorted list have something to sort.
_CURATED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("preservation-prod", "012345678901", ("ReadOnly", "PowerUser", "Administrator")),
    ("shared-services", "210987654321", ("ReadOnly", "Administrator")),
    ("preservation-qa", "334455667788", ("PowerUser", "ReadOnly")),
    ("catalogue-prod", "456789012345", ("ReadOnly", "PowerUser")),
    ("preservation-dev", "223344556677", ("Administrator", "PowerUser", "ReadOnly", "Billing")),
    ("digitisation-prod", "567890123456", ("PowerUser", "ReadOnly")),
    ("billing", "998877665544", ("Billing",)),
    ("catalogue-dev", "678901234567", ("Administrator", "PowerUser")),
    ("security-audit", "889900112233", ("ReadOnly",)),
    ("digitisation-staging", "789012345678", ("PowerUser", "ReadOnly", "Administrator")),
    ("archive-storage", "890123456789", ("ReadOnly", "Administrator", "Billing")),
    ("sandbox-archivist", "901234567890", ("Administrator", "PowerUser", "ReadOnly", "Billing")),
)

_GENERATED_STAGES = ("prod", "qa", "dev", "staging")


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


@dataclass(frozen=True)
class DemoAccount:
    account_id: str
    name: str
    email: str
    roles: tuple[str, ...]  # in the order ListAccountRoles returns them

    def reserved_role_name(self, role: str) -> str:
        """The IAM role Identity Center provisions for a permission set in this account."""
        suffix = _digest("reserved-role", self.account_id, role).hex()[:16]
        return f"AWSReservedSSO_{role}_{suffix}"

    def role_id(self, role: str) -> str:
        """The unique id of that IAM role (``AROA`` + 17 characters), as STS reports it."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        raw = _digest("role-id", self.account_id, role)
        return "AROA" + "".join(alphabet[b % len(alphabet)] for b in raw[:17])


@dataclass(frozen=True)
class DemoOrg:
    """The organisation the emulator serves: what ListAccounts/ListAccountRoles return."""

    accounts: tuple[DemoAccount, ...]
    user: str = DEMO_USER
    _by_id: dict[str, DemoAccount] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for account in self.accounts:
            if account.account_id in self._by_id:
                raise ValueError(f"duplicate account id {account.account_id}")
            self._by_id[account.account_id] = account

    @classmethod
    def build(cls, accounts: int = 12) -> "DemoOrg":
        """The curated organisation (``accounts`` <= 12: its first N) or N generated accounts."""
        if accounts < 0:
            raise ValueError("accounts must be 0 or more")
        if accounts <= len(_CURATED):
            return cls(tuple(_curated_account(*entry) for entry in _CURATED[:accounts]))
        return cls(_generated_accounts(accounts))

    def account(self, account_id: str) -> DemoAccount | None:
        return self._by_id.get(account_id)

    def by_name(self, name: str) -> DemoAccount:
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(name)

    @property
    def role_pairs(self) -> list[tuple[str, str]]:
        """Every (account_id, role_name) the user may use, in portal order."""
        return [(a.account_id, role) for a in self.accounts for role in a.roles]


def _curated_account(name: str, account_id: str, roles: tuple[str, ...]) -> DemoAccount:
    return DemoAccount(account_id=account_id, name=name, email=f"aws+{name}@example.org", roles=roles)


def _generated_accounts(count: int) -> tuple[DemoAccount, ...]:
    accounts: list[DemoAccount] = []
    used: set[str] = set()
    for index in range(count):
        name = f"project-{index:04d}-{_GENERATED_STAGES[index % len(_GENERATED_STAGES)]}"
        if index == 0:
            account_id = "012345678901"
        else:
            number = int.from_bytes(_digest("account", str(index))[:8], "big")
            account_id = f"{100000000000 + number % 900000000000:012d}"
            while account_id in used:
                account_id = f"{(int(account_id) + 1) % 10**12:012d}"
        used.add(account_id)
        raw = _digest("roles", str(index))
        how_many = 1 + raw[0] % len(ROLE_NAMES)
        order = sorted(ROLE_NAMES, key=lambda role: _digest("order", str(index), role))
        accounts.append(
            DemoAccount(
                account_id=account_id,
                name=name,
                email=f"aws+{name}@example.org",
                roles=tuple(order[:how_many]),
            )
        )
    return tuple(accounts)
