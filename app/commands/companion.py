"""``aws-sso-wizard companion PROFILE [--name NAME] [--dry-run] [--yes]``: add a profile whose
``credential_process`` gets PROFILE's keys from this app, for tools that cannot read SSO profiles."""

from __future__ import annotations

import argparse

HELP = "Add a credential_process profile (NAME-process) for tools that cannot read SSO profiles."

EPILOG = (
    "The change is shown as a diff first and written with --yes, or after a yes on a terminal; the "
    "config is backed up. Exit codes: 0 written (or nothing to change, or --dry-run); 1 error or not "
    "written; 2 wrong usage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("profile", metavar="PROFILE", help="the SSO profile whose keys the companion gives")
    parser.add_argument("--name", metavar="NAME", help="the companion's name (default: PROFILE-process)")
    parser.add_argument("--dry-run", action="store_true", help="show the change but do not write it")
    parser.add_argument("--yes", "-y", action="store_true", help="write it without asking")


def run(args: argparse.Namespace) -> int:
    from app.commands._keys import ask_yes, can_ask
    from app.commands._output import print_diff, say
    from app.commands._targets import sso_profile
    from app.config.model import load_aws_config
    from app.config.writer import ConfigWriter
    from app.credentials.companion import companion_edit
    from app.credentials.keys import role_of
    from app.program import command

    profile = sso_profile(load_aws_config(), args.profile)
    role_of(profile)  # a companion of a profile without account or role could never give keys
    edit = companion_edit(profile, args.name)
    writer = ConfigWriter()
    plan = writer.plan([edit])
    if not plan.changed:
        say(f"Nothing to change: {plan.path} already has the profile {edit.name} for {profile.name}.")
        return 0
    print_diff(plan.diff)
    for note in plan.notes:
        say(note)
    if args.dry_run:
        say("Dry run: nothing was written.")
        return 0
    if not args.yes:
        if not can_ask():
            say(f"Not written: add --yes to write it ({command('companion', profile.name, '--yes')}).")
            return 1
        if not ask_yes(f"Write the profile {edit.name} to {plan.path}?"):
            say("Not written.")
            return 1
    result = writer.apply(plan)
    message = f"Wrote the profile {edit.name} to {result.path}"
    if result.backup_path:
        message += f" (backup: {result.backup_path})"
    say(message + f". Tools that read credential_process can use it as --profile {edit.name}.")
    return 0
