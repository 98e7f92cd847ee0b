"""``aws-sso-wizard whoami PROFILE [--json]``: the account and ARN a profile signs in as."""

from __future__ import annotations

import argparse

HELP = "Show which AWS account and role a profile gets (sts get-caller-identity)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", metavar="PROFILE", help="the profile to check")
    parser.add_argument("--json", action="store_true", help="print JSON (profile, account, arn, user_id)")


def run(args: argparse.Namespace) -> int:
    from app.commands._output import out, print_json
    from app.commands._targets import find_profile
    from app.config.model import load_aws_config
    from app.signin.login import LoginService
    from app.signin.portal import whoami_profile

    config = load_aws_config()
    find_profile(config, args.profile)  # a clear error for unknown profiles
    identity = whoami_profile(args.profile, login=LoginService(), config=config)
    if args.json:
        print_json({"profile": args.profile, "account": identity.account, "arn": identity.arn, "user_id": identity.user_id})
    else:
        out(f"Profile:  {args.profile}\nAccount:  {identity.account}\nARN:      {identity.arn}\nUser id:  {identity.user_id}")
    return 0
