"""``aws-sso-wizard logout [PROFILE] [--sso-session NAME] [--all]``."""

from __future__ import annotations

import argparse

HELP = "Sign out of one sign-in (every profile that shares it), or of all of them with --all."

NOT_ENDED_AT_AWS = 3
"""The exit code when the local sign-in was removed but AWS could not be told to end the session."""

EPILOG = (
    f"Exit codes: 0 signed out (or was not signed in); {NOT_ENDED_AT_AWS} signed out here, but the "
    "session could not be ended at AWS (it ends by itself when it expires); 1 error; 2 wrong usage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_target_arguments

    parser.epilog = EPILOG
    add_target_arguments(parser, verb="sign out of")
    parser.add_argument(
        "--all", action="store_true", help="sign out of every sign-in, as `aws sso logout` does"
    )


def run(args: argparse.Namespace) -> int:
    from app.commands._output import out, say
    from app.commands._targets import UsageError, target_from_args
    from app.signin.login import LoginService

    login = LoginService()
    if args.all:
        if args.profile or args.sso_session:
            raise UsageError("--all signs out of everything; leave out the profile and --sso-session.")
        result = login.logout_all()
    else:
        target, profiles = target_from_args(args)
        pairs = sorted({(p.account_id, p.role_name) for p in profiles if p.account_id and p.role_name})
        result = login.logout(target, role_pairs=pairs, profiles=[p.name for p in profiles])
    if result.server_ok:
        out(result.message)
        return 0
    say(result.message)
    return NOT_ENDED_AT_AWS
