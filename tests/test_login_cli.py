"""The command line around sign-in: what ``--debug`` adds to a known error (never a secret)."""

from __future__ import annotations

from datetime import timedelta

from app.cli import main
from helpers.sso import SESSION, write_cli_token

CONFIG = f"""\
[sso-session demo]
sso_start_url = {SESSION.start_url}
sso_region = {SESSION.region}
sso_registration_scopes = sso:account:access
"""
TOKEN = "aoa-" + "x" * 60  # a token the emulator never issued: the portal says Unauthorized


def _unauthorized(emulator, home, config_path, capsys, *argv):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(CONFIG)
    write_cli_token(home, SESSION, access_token=TOKEN, expires_in=timedelta(hours=2))
    code = main([*argv, "accounts", "--sso-session", "demo"])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    return captured.err.splitlines()


def test_an_error_is_one_line_without_debug(emulator, home, config_path, capsys):
    lines = _unauthorized(emulator, home, config_path, capsys)
    assert lines == [
        "aws-sso-wizard: Your sign-in has expired or is no longer valid. Sign in again."
    ]


def test_debug_adds_the_operation_code_and_service_message(emulator, home, config_path, capsys):
    lines = _unauthorized(emulator, home, config_path, capsys, "--debug")
    assert lines[0] == "aws-sso-wizard: Your sign-in has expired or is no longer valid. Sign in again."
    assert lines[1:4] == [
        "  error type: SessionExpired",
        "  operation: ListAccounts",
        "  error code: UnauthorizedException",
    ]
    assert lines[4].startswith("  service message: ") and len(lines[4]) > len("  service message: ")
    assert len(lines) == 5
    assert TOKEN not in "\n".join(lines)


def test_debug_redacts_what_the_service_said():
    import io
    from contextlib import redirect_stderr

    from app.cli import _print_details
    from app.signin.errors import SessionExpired

    error = SessionExpired("Expired.", code="UnauthorizedException", operation="ListAccounts",
                           detail="token x")
    error.detail = f"bad token {TOKEN}\nsecond line"  # as if it had slipped past the constructor
    stream = io.StringIO()
    with redirect_stderr(stream):
        _print_details(error)
    assert stream.getvalue().splitlines()[-1] == "  service message: bad token [redacted] second line"
