"""Account names learnt from sso:ListAccounts reach the shared cache through one function, whoever
lists (the wizard, the profile browser, `accounts`, `setup --yes`)."""

from __future__ import annotations

import re
from pathlib import Path

from app.services import Services
from app.signin.account_names import AccountNames, list_and_remember
from app.signin.login import LoginService
from app.signin.portal import SsoClient
from helpers.sso import SESSION, write_signed_in_token

ROOT = Path(__file__).resolve().parent.parent


def test_listing_remembers_every_name(emulator, home):
    write_signed_in_token(home, emulator, SESSION)
    accounts = list_and_remember(SsoClient(LoginService(), SESSION))
    names = AccountNames().all()
    assert len(accounts) == 12
    assert names == {a.account_id: a.account_name for a in accounts if a.account_name}
    assert names["012345678901"] == "preservation-prod"


def test_services_share_one_name_cache(emulator, home):
    write_signed_in_token(home, emulator, SESSION)
    services = Services()
    assert services.account_names is services.account_names
    accounts = services.list_accounts(SESSION)
    assert [a.account_id for a in accounts][:1] == ["890123456789"]  # the CLI's order (by name)
    assert services.account_names.get("210987654321") == "shared-services"
    assert AccountNames().get("210987654321") == "shared-services"  # on disk for other processes


def test_nothing_else_lists_accounts_directly():
    """Every ListAccounts caller goes through list_and_remember (or Services.list_accounts)."""
    allowed = {"app/signin/portal.py", "app/signin/account_names.py"}
    direct = re.compile(r"(?<!services)\.list_accounts\(")
    offenders = []
    for folder in ("app", "screens"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in allowed or relative.startswith("app/emulator/"):
                continue
            if direct.search(path.read_text(encoding="utf-8")):
                offenders.append(relative)
    assert offenders == []
