"""``aws-sso-wizard warm [PROFILE...]``: fill the AWS CLI's role-credential cache for these profiles
(default: the ones marked to keep warm), so tools that only read that cache find valid keys."""

from __future__ import annotations

import argparse

HELP = "Fill the AWS CLI's role-key cache for profiles (default: those marked to keep warm)."

EPILOG = (
    "Tools such as Cyberduck's \"Credentials from AWS Command Line Interface\" read only that cache. "
    "Keys are fetched when they have less than 20 minutes left. Exit codes: 0 all warm; 1 one or more "
    "could not be (each says why); 2 wrong usage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("profiles", nargs="*", metavar="PROFILE", help="SSO profiles to warm")


def run(args: argparse.Namespace) -> int:
    from app.commands._output import out, say
    from app.commands._targets import UsageError, local_time
    from app.config.model import load_aws_config
    from app.credentials.warm import warm
    from app.program import command
    from app.settings import Settings

    names = list(args.profiles) or list(Settings.load().keep_warm)
    if not names:
        raise UsageError("Name the profiles to warm, or mark some to keep warm in the profile browser.",
                         hint=f"For example: {command('warm', 'PROFILE')}")
    results = warm(load_aws_config(), names)
    for result in results:
        if result.ok:
            how = "fetched" if result.fetched else "already cached"
            out(f"{result.profile}: keys valid until {local_time(result.expires_at)} ({how}).")
        else:
            say(f"{result.profile}: {result.error}")
    return 0 if all(r.ok for r in results) else 1
