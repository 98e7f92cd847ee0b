"""The portal's console shortcut link and the account-name cache."""

from __future__ import annotations

import json
import os
import stat
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from app.signin.account_names import AccountNames, account_names_path
from app.signin.console_url import ConsoleUrlError, console_url, portal_base


def test_console_url_is_the_portal_shortcut_without_credentials():
    url = console_url("https://my-org.awsapps.com/start", "012345678901", "ReadOnly")
    assert url == "https://my-org.awsapps.com/start/#/console?account_id=012345678901&role_name=ReadOnly"
    assert "token" not in url.lower() and "secret" not in url.lower()


@pytest.mark.parametrize(
    "start",
    [
        "https://my-org.awsapps.com/start",
        "https://my-org.awsapps.com/start/",
        "https://my-org.awsapps.com/start#",
        "https://my-org.awsapps.com/start/#/",
        " https://my-org.awsapps.com/start# ",
    ],
)
def test_trailing_slash_and_fragment_are_normalised(start):
    assert portal_base(start) == "https://my-org.awsapps.com/start"
    assert console_url(start, "111122223333", "Admin").startswith("https://my-org.awsapps.com/start/#/console?")


def test_role_names_and_destinations_are_url_encoded():
    url = console_url(
        "https://my-org.awsapps.com/start",
        "111122223333",
        "Power User+Ops",
        destination="https://console.aws.amazon.com/s3/home?region=eu-west-1",
    )
    query = parse_qs(urlsplit(url.replace("/#/console", "/console")).query)
    assert query["role_name"] == ["Power User+Ops"]
    assert query["destination"] == ["https://console.aws.amazon.com/s3/home?region=eu-west-1"]
    assert "Power%20User%2BOps" in url


@pytest.mark.parametrize(
    "start, account, role, destination",
    [
        ("http://my-org.awsapps.com/start", "111122223333", "Admin", None),
        ("", "111122223333", "Admin", None),
        ("https://my-org.awsapps.com/start", "1234", "Admin", None),
        ("https://my-org.awsapps.com/start", "111122223333", "", None),
        ("https://my-org.awsapps.com/start", "111122223333", "Admin", "https://evil.example.com/"),
    ],
)
def test_bad_inputs_raise_a_plain_error(start, account, role, destination):
    with pytest.raises(ConsoleUrlError) as info:
        console_url(start, account, role, destination=destination)
    assert info.value.hint


def test_account_names_are_remembered_across_instances(home):
    names = AccountNames()
    assert names.get("111122223333") is None
    accounts = [
        SimpleNamespace(account_id="111122223333", account_name="preservation-prod", email="p@example.com"),
        SimpleNamespace(account_id="012345678901", account_name="shared-services", email=None),
        SimpleNamespace(account_id="999999999999", account_name=None, email=None),
    ]
    assert names.remember(accounts) is True
    assert names.remember(accounts) is False  # nothing new, no write
    again = AccountNames()
    assert again.get("111122223333") == "preservation-prod"
    assert again.get("012345678901") == "shared-services"
    assert again.get("999999999999") is None
    path = account_names_path()
    assert path.parent == home / ".config" / "aws-sso-wizard"
    data = json.loads(path.read_text())
    assert set(data) == {"version", "accounts"}
    assert "email" not in path.read_text()
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_account_names_notice_other_writers_and_survive_damage(home):
    names = AccountNames()
    names.remember({"111122223333": "one"})
    path = account_names_path()
    path.write_text(json.dumps({"version": 1, "accounts": {"111122223333": "renamed", "222233334444": "two"}}))
    os.utime(path, ns=(1, 1))  # a different stamp even on coarse clocks
    assert names.get("222233334444") == "two"
    path.write_text("{not json")
    os.utime(path, ns=(2, 2))
    assert names.all() == {}
    assert names.remember({"333344445555": "three"}) is True
    assert AccountNames().all() == {"333344445555": "three"}
