"""Odd and hostile text from outside: fuzzed config values for ``doctor``, terminal control sequences
in names (the command line and the TUI), and what the commands say when a value is missing."""

from __future__ import annotations

import json
import socket

import pytest

from app.cli import main
from helpers.profile_fixtures import write_config

ODD_VALUES = [
    "us-east-1:",
    "us-east-1:443",
    ":",
    "eu-west-2\x00",
    "us\x01east-1",
    "eu-west-1\x1b[2J\x1b[H",
    "\x9bc",
    "\u202eeu-west-1",
    "eu-west-1\u2066",
    "a" * 5000,
    "ëu-wést-1",
    "区域-1",
    "🙂",
    "",
    " ",
    "\\",
    "[profile x]",
    "%s%n",
]
"""Values a config file can hold that no region, name or URL should: control characters, ':', very
long, unicode, empty."""


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch == "\n" for ch in text)


def _odd_config(value: str) -> str:
    return (
        f"[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = {value}\n\n"
        f"[profile p]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n\n"
        f"[profile legacy]\nsso_start_url = {value}\nsso_region = {value}\nsso_account_id = 111122223333\n"
        f"sso_role_name = R\n"
    )


@pytest.fixture
def nothing_listens(monkeypatch):
    """Every AWS endpoint points at a local port nobody listens on: the reachability check is quick."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_unused_port()}")


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_doctor_reports_every_check_whatever_the_region_holds(value, config_path, nothing_listens, capsys):
    write_config(config_path, _odd_config(value))
    code = main(["doctor"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "unexpected error" not in err
    for title in ("AWS config file", "Can write the AWS folders", "AWS command line (aws)", "Web browser"):
        assert f"] {title}: " in out
    if value.strip():
        assert "] Sign-in service reachable (" in out
    assert _printable(out) and _printable(err)


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_doctor_json_has_every_check_whatever_the_region_holds(value, config_path, nothing_listens, capsys):
    write_config(config_path, _odd_config(value))
    main(["doctor", "--json"])
    checks = json.loads(capsys.readouterr().out)
    assert {"config", "folders", "aws-cli", "browser"} <= {item["check"] for item in checks}
    endpoint = [item for item in checks if item["check"] == "endpoint"]
    assert len(endpoint) == (1 if value.strip() else 0)
    assert all(item["message"] for item in checks)


def test_doctor_names_a_region_with_a_colon_and_where_it_is(config_path, nothing_listens, capsys):
    write_config(config_path, _odd_config("us-east-1:"))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert (
        "[warn] Sign-in service reachable (us-east-1:): The sso_region of sso-session “s” cannot be used: "
        "“us-east-1:” is not an AWS region with IAM Identity Center. Did you mean us-east-1?\n"
        "       fix: Set sso_region in sso-session “s” to a region code, for example us-east-1.\n"
    ) in out


def test_doctor_fails_on_a_config_link_that_loops(config_path, capsys):
    config_path.parent.mkdir()
    config_path.symlink_to(config_path)
    assert main(["doctor", "--offline"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] AWS config file: ~/.aws/config is a symbolic link that loops back on itself." in out
    assert "does not exist yet" not in out
