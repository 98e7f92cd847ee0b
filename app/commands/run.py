"""``aws-sso-wizard run PROFILE -- COMMAND [ARGS...]``: one command with a profile's temporary role
keys (and its region) in its environment; its exit code is passed through."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from app.credentials.role_cache import RoleKeys

HELP = "Run one command with a profile's temporary AWS keys in its environment."

EPILOG = (
    "Example: aws-sso-wizard run NAME -- s5cmd ls. The command's exit code is passed through "
    "(127 when it cannot be started); 1 when the keys cannot be had (signed out or expired)."
)

NOT_STARTED = 127
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("profile", metavar="PROFILE", help="the SSO profile whose keys the command gets")
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


def run(args: argparse.Namespace) -> int:
    import os
    import subprocess

    from app.commands._keys import keys_for, role_named
    from app.commands._output import say
    from app.commands._targets import UsageError

    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise UsageError("Name the command to run after --, for example: run PROFILE -- aws s3 ls.")
    role = role_named(args.profile)
    keys = keys_for(role)
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
