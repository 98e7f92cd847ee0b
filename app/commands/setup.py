"""``aws-sso-wizard setup``: the onboarding wizard; with ``--yes``, the same steps without the UI.

Non-interactive example::

    aws-sso-wizard setup --yes --start-url https://my-org.awsapps.com/start --sso-region eu-west-2 \\
        --sso-session my-org --account 123456789012 --role ReadOnly --profile my-org-ReadOnly

signs in if needed (a device code prints its URL and code on stderr), checks that the account
and role are yours, prints the diff of the AWS config file and writes it (not with ``--dry-run``).
Exit 0 on success, 1 on error (one line on stderr), 2 on wrong usage, 130 when cancelled.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.commands._output import print_diff, say
from app.guard import ALLOW_OPTION, NO_GUARD, Guard, account_text, guard_of, warning_line
from app.program import PROG, command

if TYPE_CHECKING:  # pragma: no cover
    from app.config.model import SsoSession
    from app.wizard_state import PortalChoice

HELP = ("Set up an AWS profile that signs in through IAM Identity Center (formerly AWS SSO): step by step "
        "(the wizard), or in one go with --yes.")

def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_method_arguments
    from app.settings import OUTPUT_FORMATS

    parser.add_argument("--preset", metavar="FILE", help="organisation preset (TOML) that pre-fills the answers")
    group = parser.add_argument_group("non-interactive setup (--yes)")
    group.add_argument("--yes", "-y", action="store_true", help="no UI: take every answer from these options")
    group.add_argument("--start-url", metavar="URL",
                       help="your AWS access portal's address (the start URL), e.g. https://my-org.awsapps.com/start")
    group.add_argument("--sso-region", metavar="REGION", help="the AWS region your IAM Identity Center is in")
    group.add_argument("--sso-session", metavar="NAME",
                       help="a short name for that portal, shared by its profiles (an [sso-session] in the config)")
    group.add_argument("--account", metavar="ID|NAME", help="12-digit AWS account id, or the account's name")
    group.add_argument("--role", metavar="NAME", help="role (permission set) name in that account")
    group.add_argument("--profile", metavar="NAME", help="name of the profile to write")
    group.add_argument("--region", metavar="REGION",
                       help="the region AWS commands use with this profile (default: the preset's, else --sso-region)")
    group.add_argument("--output", choices=OUTPUT_FORMATS, metavar="FORMAT",
                       help="how AWS CLI commands print results with this profile: json, text, table or yaml "
                            "(yaml-stream: yaml printed as it arrives)")
    group.add_argument("--scopes", metavar="S",
                       help="what the sign-in may be used for, comma-separated (default sso:account:access)")
    group.add_argument("--legacy", action="store_true",
                       help="write the older profile form that names the portal itself (it cannot renew its sign-in)")
    add_method_arguments(group)
    group.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening a browser")
    group.add_argument("--dry-run", action="store_true", help="show the change but do not write it")
    group.add_argument(ALLOW_OPTION, dest="allow_critical", action="store_true",
                       help="write it even when the preset marks the account critical and the role is not read-only")


def run(args: argparse.Namespace) -> int:
    from app.commands._targets import UsageError

    try:
        if getattr(args, "yes", False):
            answers = _resolve_answers(args)
            _check_regions(answers)
        else:
            _refuse_flags_without_yes(args)
    except UsageError as error:
        say(f"{PROG} setup: {error}")
        return 2
    if getattr(args, "yes", False):
        return _setup(args, answers)  # WizardErrors reach app.cli, which prints one line with the exit code
    from app.commands._app import open_app

    return open_app(preset_path=getattr(args, "preset", None), mode="wizard")


def _refuse_flags_without_yes(args: argparse.Namespace) -> None:
    from app.commands._targets import UsageError

    extra = [name for name in ("start_url", "sso_region", "sso_session", "account", "role", "profile", "region",
                               "output", "scopes") if getattr(args, name, None)]
    extra += [name for name in ("legacy", "device_code", "browser", "no_browser", "dry_run", "allow_critical")
              if getattr(args, name, False)]
    if extra:
        option = "--" + extra[0].replace("_", "-")
        raise UsageError(f"{option} only works with --yes (the wizard asks for it instead).")


# --------------------------------------------------------------------------------------------
# Non-interactive


@dataclass(frozen=True)
class SetupAnswers:
    """What ``setup --yes`` was told (flags first, then the preset), checked. ``session`` and
    ``scopes`` are None for a legacy profile."""

    start_url: str
    sso_region: str
    session: str | None
    account: str
    role: str
    profile: str
    region: str | None
    output: str | None
    scopes: str | None
    region_note: str | None = None  # how the region was chosen when --region was not given
    guard: Guard = NO_GUARD  # the preset's critical accounts


def _resolve_answers(args: argparse.Namespace) -> SetupAnswers:
    """Flags first, then the preset; raises UsageError for anything missing or malformed."""
    from app.commands._targets import UsageError
    from app.config.edits import validate_profile_name, validate_session_name
    from app.config.model import DEFAULT_SCOPES
    from app.settings import PRESET_ENV, Settings, find_preset
    from app.signin.start_url import check_start_url, complete_start_url, region_from_start_url

    # the settings file only matters for its preset key: a broken one does not stop a run given its preset
    chosen = getattr(args, "preset", None) or os.environ.get(PRESET_ENV, "").strip()
    preset = find_preset(getattr(args, "preset", None), None if chosen else Settings.load())
    start_url = args.start_url or (preset.start_url if preset else None)
    if not start_url:
        raise UsageError("--start-url is required with --yes.")
    start_url = complete_start_url(start_url)
    reason = check_start_url(start_url)
    if reason:
        raise UsageError(f"--start-url: {reason}")
    sso_region = _region_code(args.sso_region) or (preset.sso_region if preset else None) or region_from_start_url(
        start_url)
    if not sso_region:
        raise UsageError("--sso-region is required with --yes (the region of IAM Identity Center).")
    session = None
    if not args.legacy:
        session = args.sso_session or (preset.session_name if preset else None)
        if not session:
            raise UsageError("--sso-session is required with --yes (or use --legacy).")
        reason = validate_session_name(session)
        if reason:
            raise UsageError(f"--sso-session: {reason}")
    elif args.sso_session:
        raise UsageError("--sso-session and --legacy cannot be used together.")
    if not args.account:
        raise UsageError("--account is required with --yes.")
    account = args.account.strip()
    if account.isdigit() and len(account) != 12:
        raise UsageError(f"--account: “{account}” is not a 12-digit AWS account id (or give the account's name).")
    if not args.role:
        raise UsageError("--role is required with --yes.")
    if not args.profile:
        raise UsageError("--profile is required with --yes.")
    reason = validate_profile_name(args.profile)
    if reason:
        raise UsageError(f"--profile: {reason}")
    scopes = args.scopes if args.scopes is not None else (preset.registration_scopes if preset else None)
    if scopes is not None:
        parts = [part.strip() for part in scopes.split(",")]
        if any(not part or any(c.isspace() for c in part) for part in parts):
            raise UsageError("--scopes: separate scope values with commas, for example sso:account:access.")
    if args.legacy and scopes is not None and args.scopes is not None:
        raise UsageError("--scopes needs an sso-session; it cannot be used with --legacy.")
    region, region_note = _region_code(args.region), None
    if not region:  # the wizard's default: the preset's region, else the region of IAM Identity Center
        if preset is not None and preset.default_region:
            region, whose = preset.default_region, "the organisation preset's default"
        else:
            region, whose = sso_region, "the region of IAM Identity Center"
        region_note = f"No --region given: the profile's default region is {region}, {whose} (--region changes it)."
    output = args.output or (preset.output if preset else None)
    return SetupAnswers(
        start_url=start_url,
        sso_region=sso_region,
        session=session,
        account=account,
        role=args.role,
        profile=args.profile,
        region=region,
        output=output,
        scopes=None if args.legacy else (scopes or DEFAULT_SCOPES),
        region_note=region_note,
        guard=guard_of(preset),
    )


def _region_code(value: str | None) -> str | None:
    """A region as typed, in the lower case region codes have (``US-EAST-1`` → ``us-east-1``)."""
    return value.strip().lower() if value and value.strip() else value


def _check_regions(answers: SetupAnswers) -> None:
    from app.commands._targets import UsageError
    from app.signin.regions import check_profile_region, check_region

    reason = check_region(answers.sso_region)
    if reason:
        raise UsageError(f"--sso-region: {reason}")
    if answers.region:
        reason = check_profile_region(answers.region)
        if reason:
            raise UsageError(f"--region: {reason}")


def _portal(args: argparse.Namespace, answers: SetupAnswers, config) -> "PortalChoice":
    """The portal the answers name: the config's sso-session of that name when it is the same
    portal (a different one is refused), a new sso-session, or none for --legacy."""
    from app.config.model import parse_registration_scopes
    from app.errors import WizardError
    from app.signin.start_url import same_start_url
    from app.wizard_state import PortalChoice

    session = answers.session
    if not session:
        return PortalChoice.without_session(answers.start_url, answers.sso_region)
    existing = config.sso_sessions.get(session)
    if existing is None:
        return PortalChoice(session_name=session, start_url=answers.start_url, sso_region=answers.sso_region,
                            scopes=answers.scopes)
    if not same_start_url(existing.start_url, answers.start_url) or existing.region != answers.sso_region:
        raise WizardError(
            f"Your config already has an sso-session “{session}” {_what_session_has(existing)}.",
            hint="Use another --sso-session name, or the same start URL and region.",
        )
    if args.scopes is not None and tuple(parse_registration_scopes(args.scopes)) != tuple(existing.scopes):
        raise WizardError(
            f"The sso-session “{session}” already has other scopes ({existing.registration_scopes or 'none set'}); "
            "--scopes does not change an existing sso-session.",
            hint="Leave out --scopes, use another --sso-session name, or edit sso_registration_scopes in the config.",
        )
    return PortalChoice.of_session(existing)


def _find_account(accounts: list, wanted: str):
    """The account ``wanted`` names: its id, or its name (any case); a clear error otherwise."""
    import difflib

    from app.errors import WizardError

    exact = [a for a in accounts if wanted in (a.account_id, a.account_name)]
    named = exact or [a for a in accounts if (a.account_name or "").lower() == wanted.lower()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(a.account_id for a in named)
        raise WizardError(f"More than one of your accounts is named “{wanted}” ({ids}).",
                          hint="Give the account id with --account instead.")
    names = [a.account_name for a in accounts if a.account_name]
    close = difflib.get_close_matches(wanted.lower(), [n.lower() for n in names], n=1, cutoff=0.7)
    hint = (f"Did you mean {next(n for n in names if n.lower() == close[0])}?" if close
            else f"Check the account, or run `{command('accounts')}` to list them.")
    raise WizardError(f"The account {wanted} is not available to you ({len(accounts)} accounts are).", hint=hint)


def _what_session_has(session: SsoSession) -> str:
    """``for URL (REGION)``, saying which of the two the sso-session lacks."""
    if session.start_url and session.region:
        return f"for {session.start_url} ({session.region})"
    if session.start_url:
        return f"for {session.start_url}, with no sso_region"
    if session.region:
        return f"with no sso_start_url (its sso_region is {session.region})"
    return "with no sso_start_url and no sso_region"


def _setup(args: argparse.Namespace, answers: SetupAnswers) -> int:
    from app.cancel import CancelToken
    from app.commands._output import sign_in_printer
    from app.commands._targets import requested_method
    from app.config.model import load_aws_config
    from app.config.writer import ConfigWriter
    from app.errors import WizardError
    from app.signin.account_names import list_and_remember
    from app.signin.login import LoginService
    from app.signin.portal import SsoClient
    from app.wizard_state import ProfileChoice, WizardState

    config = load_aws_config()
    state = WizardState(portal=_portal(args, answers, config))
    target = state.target()

    login = LoginService()
    choice = login.choose_method(target, requested_method(args))
    state.login_method = choice.method
    cancel = CancelToken()
    try:
        login.ensure_signed_in(target, method=choice.method, open_browser=not args.no_browser,
                               on_prompt=sign_in_printer(choice), cancel=cancel)
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    client = SsoClient(login, target)
    accounts = list_and_remember(client, cancel=cancel)
    account = _find_account(accounts, answers.account)
    roles = client.list_account_roles(account.account_id, cancel=cancel)
    if answers.role not in roles:
        close = [r for r in roles if r.lower() == answers.role.lower()]
        hint = f"Did you mean {close[0]}?" if close else f"Your roles there: {', '.join(roles) or 'none'}."
        raise WizardError(f"You have no role “{answers.role}” in {account.label}.", hint=hint)
    state.account, state.role = account, answers.role
    state.profile = ProfileChoice(name=answers.profile, region=answers.region, output=answers.output)

    writer = ConfigWriter()
    plan = writer.plan(state.edits())
    if not plan.changed:
        say(f"Nothing to change: {plan.path} already has the profile {answers.profile} with these settings.")
        return 0
    if answers.region_note:
        say(answers.region_note)
    print_diff(plan.diff)
    for note in plan.notes:
        say(note)
    critical = answers.guard.needs_care(account.account_id, account.account_name, answers.role)
    if critical:
        say(warning_line(answers.profile, account.account_id, account.account_name))
    if args.dry_run:
        say("Dry run: nothing was written.")
        return 0
    if critical and not args.allow_critical:
        raise WizardError(
            f"Not written: the organisation marks {account_text(account.account_id, account.account_name)} as "
            f"critical, and {answers.role} is not a read-only role there.",
            hint=f"Add {ALLOW_OPTION} to write it anyway, or choose a read-only role.",
        )
    result = writer.apply(plan)
    message = f"Wrote the profile {answers.profile} to {result.path}"
    if result.backup_path:
        message += f" (backup: {result.backup_path})"
    say(message + ".")
    if result.reapplied:
        say("The file changed while this ran; the change was applied to the new version, which changed:")
        print_diff(result.diff)
    return 0
