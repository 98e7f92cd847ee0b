"""``aws-sso-wizard migrate [--dry-run] [--yes]`` and
``aws-sso-wizard migrate --sso-session NAME --start-url NEW [--sso-region R]``."""

from __future__ import annotations

import argparse

HELP = "Move legacy SSO profiles to the [sso-session] form, or point an sso-session at a moved portal."

EPILOG = (
    "Without --sso-session: every legacy SSO profile (sso_start_url and sso_region in the profile, which "
    "cannot renew its sign-in) is moved to an [sso-session]: one per start URL and SSO region, an existing "
    "one for the same portal when there is one. With --sso-session and --start-url: that session is pointed "
    "at the new portal address; its profiles stay as they are. Either way one diff is shown, and the old "
    "file is backed up before the one write."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--dry-run", action="store_true", help="only show the change; write nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parser.add_argument("--sso-session", metavar="NAME", help="the sso-session to point at a new portal")
    parser.add_argument("--start-url", metavar="URL", help="with --sso-session: the portal's new start URL")
    parser.add_argument("--sso-region", metavar="REGION", help="with --sso-session: its new SSO region, if it moved")


def run(args: argparse.Namespace) -> int:
    import sys

    from app.commands._output import print_diff, say
    from app.commands._targets import UsageError
    from app.config.migrate import plan_migration, plan_repoint
    from app.config.model import load_aws_config
    from app.config.writer import ConfigWriter
    from app.program import command
    from app.signin.start_url import check_start_url, suggest_session_name

    if (args.start_url or args.sso_region) and not args.sso_session:
        raise UsageError("--start-url and --sso-region need --sso-session NAME (the session to re-point).")
    if args.sso_session and not args.start_url:
        raise UsageError("--sso-session needs --start-url NEW (the portal's new address).")
    writer = ConfigWriter()
    config = load_aws_config(writer.path)
    if args.sso_session:
        reason = check_start_url(args.start_url)
        if reason:
            raise UsageError(reason)
        edits: tuple = (plan_repoint(config, args.sso_session, args.start_url.strip(), args.sso_region),)
        affected = [p.name for p in config.profiles_of_session(args.sso_session)]
        summary = (f"Points the sso-session {args.sso_session} at {args.start_url.strip()}"
                   + (f" ({len(affected)} profile{'s use' if len(affected) != 1 else ' uses'} it)." if affected else "."))
        done = f"Sign in again: `{command('login')} --sso-session {args.sso_session}`."
    else:
        migration = plan_migration(config, suggest_session_name)
        for name, why in migration.skipped:
            say(f"Left {name} as it is: {why}.")
        if not migration.edits:
            say(f"No legacy SSO profiles to move in {writer.path}.")
            return 0
        lines = []
        for session in migration.sessions:
            how = "a new sso-session" if session.new else "the existing sso-session"
            lines.append(f"  {', '.join(session.profiles)} -> {how} {session.name} ({session.start_url}, "
                         f"{session.region})")
        count = len(migration.profiles)
        summary = f"Moves {count} legacy profile{'s' if count != 1 else ''} to the sso-session form:\n" + "\n".join(lines)
        logins = ", ".join(f"`{command('login')} --sso-session {session.name}`" for session in migration.sessions)
        done = f"Sign in once ({logins}): from then on the sign-in renews itself."
        edits = migration.edits
    plan = writer.plan(edits)
    if not plan.changed:
        say(f"Nothing to change in {plan.path}.")
        return 0
    say(summary)
    print_diff(plan.diff)
    if args.dry_run:
        say("Dry run: nothing was written.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            say("Nothing was written: run it again with --yes to write this change (or --dry-run to only show it).")
            return 1
        answer = input(f"Write this change to {plan.path}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            say("Nothing was written.")
            return 0
    result = writer.apply(plan)
    message = f"Wrote {result.path}"
    if result.backup_path:
        message += f" (backup: {result.backup_path})"
    say(message + ". " + done)
    if result.reapplied:
        say("The file changed while this ran; the change was applied to the new version, which changed:")
        print_diff(result.diff)
    return 0


