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


# -- terminal control sequences in names ------------------------------------------------------------

EVIL = "ev\x1b[31mil\u202e"
EVIL_SHOWN = "ev\\x1b[31mil\\u202e"
SESSION = "s\x1b]0;pwned\x07"
SESSION_SHOWN = "s\\x1b]0;pwned\\x07"
HOSTILE_CONFIG = f"""\
[profile {EVIL}]
sso_session = {SESSION}
sso_account_id = 111122223333
sso_role_name = Role\u009b2J\u2067

[profile lost]
sso_session = gone\x1b[5m
sso_account_id = 111122223333
sso_role_name = R

[sso-session {SESSION}]
sso_start_url = https://x.awsapps.com/start
sso_region = us-east-1
"""
TERMINAL_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))] + [
    chr(c) for c in (*range(0x202a, 0x202f), *range(0x2066, 0x206a))]


def _acts_on_the_terminal(text: str) -> list[str]:
    return sorted({repr(ch) for ch in text if ch in TERMINAL_CONTROLS})


def test_the_profiles_table_shows_control_sequences_escaped(config_path, capsys):
    write_config(config_path, HOSTILE_CONFIG)
    assert main(["profiles"]) == 0
    out, err = capsys.readouterr()
    assert _acts_on_the_terminal(out + err) == []
    table = out.splitlines()
    assert table[1].split() == [EVIL_SHOWN, "111122223333", "Role\\x9b2J\\u2067", SESSION_SHOWN, "signed", "out"]
    assert 'lost: It names the sso-session "gone\\x1b[5m", which does not exist.' in out


def test_profiles_json_keeps_the_exact_names(config_path, capsys):
    write_config(config_path, HOSTILE_CONFIG)
    assert main(["profiles", "--json"]) == 0
    out = capsys.readouterr().out
    assert _acts_on_the_terminal(out) == []
    assert [item["name"] for item in json.loads(out)] == [EVIL, "lost"]


@pytest.mark.parametrize("argv, named", [
    (["login", "lost", "--no-browser"], "gone\\x1b[5m"),
    (["logout", "lost"], "gone\\x1b[5m"),
    (["whoami", "lost"], "gone\\x1b[5m"),
    (["logout", "--sso-session", "nope"], f"The config has: {SESSION_SHOWN}."),
    (["login", "nope\x1b[2J"], "There is no profile named 'nope\\x1b[2J'"),
])
def test_errors_naming_profiles_show_control_sequences_escaped(argv, named, config_path, nothing_listens, capsys):
    write_config(config_path, HOSTILE_CONFIG)
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert _acts_on_the_terminal(out + err) == []
    assert named in err


async def test_the_profile_browser_shows_control_sequences_escaped(config_path):
    from helpers.profile_app import NAME, ROLE, SESSION as SESSION_COLUMN, make_app, screen_of, table_rows, wait_for
    from screens.widgets.fast_table import FastTable

    write_config(config_path, HOSTILE_CONFIG)
    app = make_app(standalone=True)
    async with app.run_test(size=(150, 30)) as pilot:
        await wait_for(pilot, lambda: len(table_rows(app)) == 2, what="both profiles")
        cells = table_rows(app)[EVIL]
        assert (cells[NAME], cells[ROLE], cells[SESSION_COLUMN]) == (EVIL_SHOWN, "Role\\x9b2J\\u2067", SESSION_SHOWN)
        table = screen_of(app).query_one(FastTable)
        table.move_to(EVIL)
        await pilot.pause()
        drawn = "\n".join("".join(segment.text for segment in table.render_line(y)) for y in range(3))
        details = str(screen_of(app).query_one("#profiles-details-text").render())
        assert _acts_on_the_terminal(drawn + details) == []
        assert EVIL_SHOWN in drawn
        assert details.startswith(EVIL_SHOWN + "\n") and f"[sso-session {SESSION_SHOWN}]" in details


# -- messages about a value that is missing --------------------------------------------------------

SETUP_AGAINST_SESSION_S = ["setup", "--yes", "--dry-run", "--sso-session", "S", "--start-url",
                           "https://d-1234567890.awsapps.com/start", "--sso-region", "eu-west-2",
                           "--account", "111122223333", "--role", "R", "--profile", "p"]


@pytest.mark.parametrize("section, says", [
    ("sso_region = us-east-1\n", "“S” with no sso_start_url (its sso_region is us-east-1)."),
    ("sso_start_url = https://d-999.awsapps.com/start\n", "“S” for https://d-999.awsapps.com/start, with no sso_region."),
    ("sso_registration_scopes = sso:account:access\n", "“S” with no sso_start_url and no sso_region."),
    ("sso_start_url = https://d-999.awsapps.com/start\nsso_region = us-east-1\n",
     "“S” for https://d-999.awsapps.com/start (us-east-1)."),
])
def test_setup_names_what_an_existing_sso_session_lacks_in_a_sentence(section, says, config_path, capsys):
    write_config(config_path, f"[sso-session S]\n{section}")
    assert main(SETUP_AGAINST_SESSION_S) == 1
    err = capsys.readouterr().err
    assert f"aws-sso-wizard: Your config already has an sso-session {says} Use another --sso-session" in err
    assert "None" not in err


def test_login_and_whoami_show_a_hostile_sso_session_name_escaped(config_path, emulator, capsys):
    from app.emulator.org import DEMO_REGION, DEMO_START_URL

    write_config(config_path, f"[sso-session {SESSION}]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n\n"
                              f"[profile {EVIL}]\nsso_session = {SESSION}\nsso_account_id = 012345678901\n"
                              f"sso_role_name = ReadOnly\n")
    emulator.auto_approve = True
    assert main(["login", "--sso-session", SESSION, "--device-code", "--no-browser"]) == 0
    assert main(["whoami", EVIL]) == 0
    out, err = capsys.readouterr()
    assert _acts_on_the_terminal(out + err) == []
    assert f"Signed in to sso-session {SESSION_SHOWN} until " in out
    assert f"Profile:  {EVIL_SHOWN}\nAccount:  012345678901\n" in out


# -- a signature AWS refuses is not an expired sign-in ---------------------------------------------


@pytest.mark.parametrize("code", ["SignatureDoesNotMatch", "IncompleteSignature"])
def test_whoami_names_a_refused_signature_as_a_clock_or_signing_problem(code, emulator, home, capsys):
    from app.emulator.org import DEMO_REGION, DEMO_START_URL

    write_config(home / ".aws" / "config",
                 f"[sso-session s]\nsso_start_url = {DEMO_START_URL}\nsso_region = {DEMO_REGION}\n\n"
                 f"[profile p]\nsso_session = s\nsso_account_id = 012345678901\nsso_role_name = ReadOnly\n")
    emulator.auto_approve = True
    assert main(["login", "--sso-session", "s", "--device-code", "--no-browser"]) == 0
    capsys.readouterr()
    emulator.fail_next("GetCallerIdentity", code, count=5)
    assert main(["whoami", "p"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"aws-sso-wizard: AWS could not verify the signature of the request ({code}): usually "
                          "this computer's clock is off (clock skew)")
    assert "Set this computer's clock to the right time" in err and "signing in again does not help" in err
    assert "expired" not in err and "Sign in again" not in err


def test_invalid_signature_exception_is_a_signing_problem_too():
    from botocore.exceptions import ClientError

    from app.signin.errors import SignatureRejected, translate_error

    error = ClientError({"Error": {"Code": "InvalidSignatureException", "Message": "Signature expired: 20260101T"
                                   "000000Z is now earlier than 20260101T001000Z"},
                         "ResponseMetadata": {"HTTPStatusCode": 400}}, "GetCallerIdentity")
    typed = translate_error(error)
    assert isinstance(typed, SignatureRejected) and "clock" in typed.message and "clock" in (typed.hint or "")


MISSING_VALUES_CONFIG = """\
[sso-session nourl]
sso_region = us-east-1

[sso-session noregion]
sso_start_url = https://d-999.awsapps.com/start

[sso-session bare]

[profile a]
sso_session = nourl
sso_account_id = 111122223333
sso_role_name = R

[profile b]
sso_session = noregion
sso_role_name = R

[profile c]
sso_session = bare
sso_account_id = 111122223333

[profile d]
sso_start_url = https://d-888.awsapps.com/start
sso_account_id = 111122223333

[profile e]
sso_region = us-east-1
sso_role_name = R

[profile f]
sso_session =
sso_account_id = 111122223333
sso_role_name = R

[profile g]
role_arn = arn:aws:iam::111122223333:role/x

[profile h]
source_profile = g
"""
"""Profiles and sso-sessions with values left out, empty, or of no kind the app knows."""


def _every_message_about(config_path, capsys) -> str:
    write_config(config_path, MISSING_VALUES_CONFIG)
    said = []
    runs = [["profiles"], *(
        [command, name] for command in ("login", "logout", "whoami") for name in "abcdefgh"
    ), *([command, "--sso-session", name] for command in ("login", "logout", "accounts")
         for name in ("nourl", "noregion", "bare"))]
    for argv in runs:
        main(argv)
        out, err = capsys.readouterr()
        said.append(out + err)
    return "\n".join(said)


def test_messages_about_missing_values_read_as_sentences(config_path, nothing_listens, capsys):
    said = _every_message_about(config_path, capsys)
    for reads_badly in ("None", '""', "“”", "''", "uses other", "unexpected error"):
        assert reads_badly not in said
    assert "f: Its sso_session is empty; name an [sso-session] section there, or remove the line." in said
    assert "Profile 'h' does not sign in through IAM Identity Center (it sets no credentials this app knows)." in said
    assert "The sso-session “bare” is missing sso_start_url, sso_region." in said
