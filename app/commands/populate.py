"""``aws-sso-wizard populate --sso-session NAME [...]``: a profile for every account and role you may use.

Signs in if needed, discovers every account and role (progress on stderr), keeps the pairs the
``--account`` / ``--role`` patterns match, prints the plan (one line per profile: add, update,
keep, remove) and the diff, and writes them in one edit with ``--yes`` (or after a yes on a
terminal). Running it again with the same answers changes nothing.
Exit 0 on success, 1 on error (one line on stderr), 2 on wrong usage, 3 when the roles of some
accounts could not be listed (their profiles are left as they are; the rest is done), 130 when cancelled.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.commands._output import say
from app.commands.accounts import ROLES_LEFT_OUT
from app.guard import ALLOW_OPTION, CRITICAL_MARKER, warning_line
from app.program import PROG

if TYPE_CHECKING:  # pragma: no cover
    from app.config.bulk import BulkPlan

HELP = "Create (and with --prune, tidy up) a profile for every AWS account and role an sso-session can use."

def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_method_arguments
    from app.config.naming import DEFAULT_PATTERN
    from app.guard import ALLOW_OPTION
    from app.settings import OUTPUT_FORMATS

    parser.add_argument("--sso-session", metavar="NAME", required=True,
                        help="the sso-session the profiles use (created with --start-url if it does not exist)")
    parser.add_argument("--start-url", metavar="URL", help="the AWS access portal's address, for a new sso-session")
    parser.add_argument("--sso-region", metavar="REGION", help="the region of IAM Identity Center, for a new sso-session")
    parser.add_argument("--account", metavar="PATTERN", action="append", default=[],
                        help="only accounts whose id or name matches (a glob, any case; repeatable; default: all)")
    parser.add_argument("--role", metavar="PATTERN", action="append", default=[],
                        help="only roles whose name matches (a glob, any case; repeatable; default: all)")
    parser.add_argument("--name-pattern", metavar="T",
                        help=f"how to name the profiles (default: the preset's, else {DEFAULT_PATTERN}; placeholders "
                             "{account_name} {account_id} {account_email} {role_name} {session}, each with :lower)")
    parser.add_argument("--region", metavar="REGION",
                        help="the region AWS commands use with these profiles (default: the preset's, else the "
                             "sso-session's region)")
    parser.add_argument("--output", choices=OUTPUT_FORMATS, metavar="FORMAT",
                        help="how AWS CLI commands print results: json, text, table, yaml or yaml-stream")
    parser.add_argument("--prune", action="store_true",
                        help="also remove profiles this command generated for the sso-session whose account or role "
                             "you no longer have (never hand-written ones)")
    parser.add_argument("--dry-run", action="store_true", help="show the plan and the diff, write nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parser.add_argument(ALLOW_OPTION, dest="allow_critical", action="store_true",
                        help="with --yes, also write profiles with a role that is not read-only on an account the "
                             "organisation preset marks critical")
    add_method_arguments(parser)
    parser.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening a browser")
    parser.add_argument("--json", action="store_true",
                        help="print the plan as JSON (name, account_id, account_name, role_name, action)")


def _usage(args: argparse.Namespace, config, preset):
    """(target, new-session edit or None, template, region, output); UsageError for bad options."""
    from app.commands._targets import UsageError
    from app.config.edits import UpsertSsoSession, validate_session_name
    from app.config.model import DEFAULT_SCOPES
    from app.config.naming import DEFAULT_PATTERN, check_pattern
    from app.signin.regions import check_profile_region, check_region
    from app.signin.start_url import check_start_url, complete_start_url, region_from_start_url, same_start_url
    from app.signin.target import SsoTarget

    session = args.sso_session
    reason = validate_session_name(session)
    if reason:
        raise UsageError(f"--sso-session: {reason}")
    template = args.name_pattern or (preset.name_pattern if preset else None) or DEFAULT_PATTERN
    reason = check_pattern(template)
    if reason:
        raise UsageError(f"--name-pattern: {reason}.")
    existing = config.sso_sessions.get(session)
    new_session = None
    if existing is None:
        start_url = args.start_url or (preset.start_url if preset and preset.session_name == session else None)
        if not start_url:
            known = ", ".join(config.sso_sessions) or "none"
            raise UsageError(f"There is no sso-session {session!r} in {config.path} (it has: {known}).",
                             hint="Give --start-url (and --sso-region) to create it, or name one it has.")
        start_url = complete_start_url(start_url)
        reason = check_start_url(start_url)
        if reason:
            raise UsageError(f"--start-url: {reason}")
        sso_region = (args.sso_region or "").strip().lower() or region_from_start_url(start_url) or (
            preset.sso_region if preset else None)
        if not sso_region:
            raise UsageError("--sso-region is required for a new sso-session (the region of IAM Identity Center).")
        reason = check_region(sso_region)
        if reason:
            raise UsageError(f"--sso-region: {reason}")
        new_session = UpsertSsoSession(name=session, start_url=start_url, region=sso_region,
                                       registration_scopes=DEFAULT_SCOPES)
        target = SsoTarget(start_url=start_url, region=sso_region, session_name=session,
                           scopes=(DEFAULT_SCOPES,), registration_scopes=DEFAULT_SCOPES)
    else:
        if args.start_url and not same_start_url(existing.start_url, complete_start_url(args.start_url)):
            raise UsageError(f"The sso-session {session!r} already uses {existing.start_url}.",
                             hint="Leave out --start-url, or use another --sso-session name.")
        if existing.problem:
            raise UsageError(existing.problem, hint="Fix the sso-session in the config file first.")
        target = SsoTarget.from_session(existing)
    region = (args.region or "").strip().lower() or (preset.default_region if preset else None) or target.region
    reason = check_profile_region(region)
    if reason:
        raise UsageError(f"--region: {reason}")
    output = args.output or (preset.output if preset else None)
    return target, new_session, template, region, output


def run(args: argparse.Namespace) -> int:
    from app.commands._targets import UsageError
    from app.config.model import load_aws_config
    from app.settings import Settings, find_preset

    config = load_aws_config()
    preset = find_preset(None, Settings.load())
    try:
        target, new_session, template, region, output = _usage(args, config, preset)
    except UsageError as error:
        say(f"{PROG} populate: {error}")
        return 2
    from app.guard import guard_of

    return _populate(args, config, target, new_session, template, region, output, guard_of(preset))


def _populate(args, config, target, new_session, template, region, output, guard) -> int:
    from app.commands._output import RolesProgress, print_diff, print_json, sign_in_printer
    from app.commands._targets import ctrl_c_cancels, requested_method
    from app.config.bulk import all_pairs, existing_for_session, name_pairs, plan_profiles, profile_edits, select_pairs
    from app.config.writer import ConfigWriter
    from app.signin.account_names import list_and_remember
    from app.signin.login import LoginService
    from app.signin.portal import SsoClient

    session = args.sso_session
    login = LoginService()
    choice = login.choose_method(target, requested_method(args))
    with ctrl_c_cancels() as cancel:
        login.ensure_signed_in(target, method=choice.method, open_browser=not args.no_browser,
                               on_prompt=sign_in_printer(choice), cancel=cancel)
        client = SsoClient(login, target)
        accounts = list_and_remember(client, cancel=cancel)
        progress = RolesProgress()
        try:
            roles = client.discover_roles(accounts, progress=progress, cancel=cancel)
        finally:
            progress.close()
        from app.signin.discovery_cache import DiscoveryCache

        changes = DiscoveryCache().save(session, accounts, roles)
        if not changes.empty:
            say("Since the last discovery: " + "; ".join(changes.lines()) + ".")
        pairs = all_pairs(accounts, roles)
        chosen = select_pairs(pairs, accounts=args.account, roles=args.role)
        existing = existing_for_session(config, session)
        naming = name_pairs(chosen, template, taken=config.profiles, existing=existing, session=session)
        left_out = getattr(roles, "failed", {})
        assigned = None
        if args.prune:  # an account whose roles could not be listed keeps its profiles
            assigned = [p.key for p in pairs] + [key for key in existing if key[0] in left_out]
        plan = plan_profiles(config, session, naming, region=region, output=output, assigned=assigned)
        if left_out:
            say(roles.left_out_line())
        edits = profile_edits(plan)
        if new_session is not None:
            edits.append(new_session)
        writer = ConfigWriter()
        write_plan = writer.plan(edits)
        critical = _needing_care(plan, guard)
        if args.json:
            print_json([item.as_json() for item in plan.items])
        else:
            _print_plan(plan, guard)
            if write_plan.changed:
                print_diff(write_plan.diff)
        for note in write_plan.notes:
            say(note)
        if not write_plan.changed:
            say(f"Nothing to change: {write_plan.path} already has these {len(plan.items)} profiles.")
            return ROLES_LEFT_OUT if left_out else 0
        say(f"Plan: {plan.summary()}.")
        for item in critical:
            say(warning_line(item.name, item.account_id, item.account_name))
        if args.dry_run:
            say("Dry run: nothing was written.")
            return ROLES_LEFT_OUT if left_out else 0
        if critical and args.yes and not args.allow_critical:
            from app.errors import WizardError

            names = ", ".join(item.name for item in critical)
            raise WizardError(
                f"Not written: {names} would reach a critical account with a role that is not read-only.",
                hint=f"Add {ALLOW_OPTION} to write them anyway, or leave them out with --role or --account.",
            )
        if not args.yes and not _confirmed():
            say("Nothing was written (add --yes to write without asking).")
            return 0
        result = writer.apply(write_plan, cancel=cancel)
    message = f"Wrote {plan.count('add') + plan.count('update') + plan.count('remove')} changes to {result.path}"
    if result.backup_path:
        message += f" (backup: {result.backup_path})"
    say(message + ".")
    if result.reapplied:
        say("The file changed while this ran; the change was applied to the new version.")
    return ROLES_LEFT_OUT if left_out else 0


def _needing_care(plan: "BulkPlan", guard) -> list:
    """The profiles to add or update that reach a critical account with a role that can write."""
    from app.config.bulk import ADD, UPDATE

    return [item for item in plan.items if item.action in (ADD, UPDATE)
            and guard.needs_care(item.account_id, item.account_name, item.role_name)]


def _print_plan(plan: "BulkPlan", guard) -> None:
    from app.commands._output import print_table

    if not plan.items:
        return
    print_table(["PROFILE", "ACCOUNT", "ROLE", "ACTION"],
                [[item.name, (f"{CRITICAL_MARKER} " if guard.is_critical(item.account_id, item.account_name) else "")
                  + (f"{item.account_name} ({item.account_id})" if item.account_name else item.account_id),
                  item.role_name, item.action + (f"  ({item.note})" if item.note else "")] for item in plan.items])
    sys.stdout.flush()


def _confirmed() -> bool:
    """A yes typed on a terminal (False when stdin is not one)."""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input("Write these changes to the AWS config file? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
