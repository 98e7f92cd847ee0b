"""``aws-sso-wizard env PROFILE [--format sh|fish|powershell|json|process]``: a profile's
temporary role keys for tools that cannot read SSO profiles, as ``aws configure export-credentials``
prints them. The keys go to stdout only; everything for people goes to stderr."""

from __future__ import annotations

import argparse

HELP = "Print a profile's temporary AWS keys (for eval, scripts, or credential_process with --format process)."

EPILOG = (
    'Examples: eval "$(aws-sso-wizard env NAME)" (bash, zsh); aws-sso-wizard env NAME --format fish | source; '
    "--format process answers credential_process. Keys are reused from the AWS CLI's cache while they last. "
    "Exit codes: 0 keys printed; 1 error (signed out or expired: nothing on stdout); 2 wrong usage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.credentials.formats import DEFAULT_FORMAT, FORMATS

    parser.epilog = EPILOG
    parser.add_argument("profile", metavar="PROFILE", help="the SSO profile whose keys to print")
    parser.add_argument(
        "--format", choices=FORMATS, default=DEFAULT_FORMAT,
        help=f"how to print them (default {DEFAULT_FORMAT}): {', '.join(FORMATS)}",
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from app.commands._keys import keys_for, role_named
    from app.credentials.formats import render

    keys = keys_for(role_named(args.profile))
    sys.stdout.write(render(keys, args.format))
    sys.stdout.flush()
    return 0
