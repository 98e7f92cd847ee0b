"""``aws-sso-wizard logout [PROFILE] [--sso-session NAME] [--all]``."""

from __future__ import annotations

import argparse

HELP = "Sign out of one sign-in (every profile that shares it), or of all of them with --all."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", nargs="?", metavar="PROFILE", help="a profile whose sign-in to end")
    parser.add_argument("--sso-session", metavar="NAME", help="sign out of this sso-session")
    parser.add_argument(
        "--all", action="store_true", help="sign out of every sign-in, as `aws sso logout` does"
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from app.commands._targets import UsageError, resolve_target
    from app.login import LoginService

    login = LoginService()
    if args.all:
        if args.profile or args.sso_session:
            raise UsageError("--all signs out of everything; leave out the profile and --sso-session.")
        result = login.logout_all()
    else:
        from app.aws_config import load_aws_config

        config = load_aws_config()
        target, profiles = resolve_target(config, profile=args.profile, session=args.sso_session)
        pairs = sorted({(p.account_id, p.role_name) for p in profiles if p.account_id and p.role_name})
        result = login.logout(target, role_pairs=pairs, profiles=[p.name for p in profiles])
    print(result.message, file=sys.stdout if result.server_ok else sys.stderr)
    return 0
