"""``aws-sso-wizard env PROFILE [--format sh|fish|powershell|json|process]``: a profile's
temporary role keys for tools that cannot read SSO profiles, as ``aws configure export-credentials``
prints them. The keys go to stdout only; everything for people goes to stderr."""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is a few ms of a warm ``env``
if TYPE_CHECKING:  # pragma: no cover
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


def _simple_form(args: list[str]) -> tuple[str, str] | None:
    """(profile, format) of ``PROFILE [--format F]`` (either order, ``--format=F`` too); None for
    anything else, which argparse then reads (and explains)."""
    from app.credentials.formats import DEFAULT_FORMAT, FORMATS

    form, rest = DEFAULT_FORMAT, list(args)
    for i, arg in enumerate(rest):
        if arg.startswith("--format="):
            form = arg.split("=", 1)[1]
            del rest[i]
            break
        if arg == "--format" and i + 1 < len(rest):
            form = rest[i + 1]
            del rest[i:i + 2]
            break
    if form not in FORMATS or len(rest) != 1 or rest[0].startswith("-"):
        return None
    return rest[0], form


def fast(args: list[str]) -> int | None:
    """Print the keys when the command line is a plain ``env`` and the keys are cached (no argparse,
    no network); None for everything else, which then runs the ordinary way."""
    import sys

    from app.credentials.formats import render
    from app.credentials.keys import cached_keys, role_of
    from app.errors import WizardError

    simple = _simple_form(args)
    if simple is None:
        return None
    name, form = simple
    try:
        from app.config.model import load_aws_config

        profile = load_aws_config().profiles.get(name)
        keys = cached_keys(role_of(profile)) if profile is not None and profile.is_sso else None
    except (WizardError, OSError, ValueError):
        return None  # the ordinary way reports it
    if keys is None or profile is None:
        return None
    from app.guard import warn_on_use

    warn_on_use(profile.name, profile.account_id, profile.role_name)
    sys.stdout.write(render(keys, form))
    sys.stdout.flush()
    return 0


def run(args: argparse.Namespace) -> int:
    import sys

    from app.commands._keys import keys_for, role_named
    from app.credentials.formats import render
    from app.guard import warn_on_use

    role = role_named(args.profile)
    keys = keys_for(role)
    warn_on_use(role.profile, role.account_id, role.role_name)
    sys.stdout.write(render(keys, args.format))
    sys.stdout.flush()
    return 0
