"""``aws-sso-wizard run PROFILE -- COMMAND [ARGS...]``: one command with a profile's temporary role
keys (and its region) in its environment; its exit code is passed through."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from app.credentials.keys import RoleOf
    from app.credentials.role_cache import RoleKeys

HELP = "Run one command with a profile's temporary AWS keys in its environment."

EPILOG = (
    "Example: aws-sso-wizard run NAME --for 6h -- s5cmd ls. The command's exit code is passed through "
    "(127 when it cannot be started); 1 when the keys cannot be had (signed out or expired)."
)

NOT_STARTED = 127
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("profile", metavar="PROFILE", help="the SSO profile whose keys the command gets")
    parser.add_argument("--for", dest="duration", metavar="DURATION",
                        help="first make sure the sign-in lasts this long (as `ensure --for`: 90m, 6h), "
                             "renewing the session when it would not")
    parser.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS...]",
                        help="the command to run, after --")


def child_environment(base: dict[str, str], keys: "RoleKeys", region: str | None) -> dict[str, str]:
    """``base`` with the keys set, the profile variables removed (the keys win), and the profile's
    region unless one is set already."""
    from app.credentials.formats import environment

    env = {name: value for name, value in base.items() if name not in _CLEARED}
    env.update(environment(keys))
    if region:
        env.setdefault("AWS_REGION", region)
        env.setdefault("AWS_DEFAULT_REGION", region)
    return env


def _options_before_the_command(duration: str | None, argv: list[str]) -> tuple[str | None, list[str]]:
    """(``--for``'s value, the command): ``run PROFILE --for 6h -- CMD`` puts ``--for`` after the
    profile, where the parser already counts it as part of the command; everything after ``--``
    is the command's own."""
    while argv and argv[0] != "--":
        if argv[0] == "--for" and len(argv) > 1:
            duration, argv = argv[1], argv[2:]
        elif argv[0].startswith("--for="):
            duration, argv = argv[0].partition("=")[2], argv[1:]
        else:
            break
    if argv and argv[0] == "--":
        argv = argv[1:]
    return duration, argv


def run(args: argparse.Namespace) -> int:
    import os
    import subprocess

    from app.commands._keys import keys_for, role_named
    from app.commands._output import say
    from app.commands._targets import UsageError

    duration, argv = _options_before_the_command(getattr(args, "duration", None), list(args.argv))
    if not argv:
        raise UsageError("Name the command to run after --, for example: run PROFILE -- aws s3 ls.")
    role = role_named(args.profile)
    if duration:
        _lasting(role, duration)
    keys = keys_for(role)
    from app.guard import warn_on_use

    warn_on_use(role.profile, role.account_id, role.role_name)
    env = child_environment(dict(os.environ), keys, role.region)
    try:
        proc = subprocess.Popen(argv, env=env)
    except OSError as error:
        say(f"Cannot run {argv[0]}: {error.strerror or type(error).__name__}.")
        return NOT_STARTED
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:  # the child got the Ctrl+C too; wait for it to finish
            continue
    return 128 - code if code < 0 else code


def _lasting(role: "RoleOf", duration: str) -> None:
    """``--for``: the sign-in lasts ``duration`` before the command starts (one sign-in at most)."""
    from app.commands._output import say, sign_in_printer
    from app.commands._targets import ctrl_c_cancels, local_time
    from app.commands.ensure import needed_from
    from app.signin.ensure import RENEWED, ensure_lasting
    from app.signin.login import LoginService

    needed = needed_from(duration)
    service = LoginService()
    choice = service.choose_method(role.target)
    with ctrl_c_cancels() as cancel:
        lasting = ensure_lasting(service, role.target, needed, method=choice.method,
                                 on_prompt=sign_in_printer(choice), on_notice=say, cancel=cancel)
    if lasting.action == RENEWED:
        say(f"A new session: signed in until {('~' if lasting.approximate else '') + local_time(lasting.ends_at)}.")
