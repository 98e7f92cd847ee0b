"""``aws-sso-wizard use [PROFILE | -] [--device-code | --browser] [--no-browser]``: this shell's
``AWS_PROFILE``, through the shell hook (``shell-init``). Without the hook it prints the line to
run and how to turn the hook on: it never claims to have changed the shell."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from app.config.model import Profile
    from app.shell.hook import HandBack

HELP = "Use a profile in this shell: sets AWS_PROFILE (signing in first if needed); `use -` unsets it."
UNSET_WORD = "-"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_method_arguments

    parser.add_argument("profile", nargs="?", metavar="PROFILE",
                        help="the profile to use; - unsets AWS_PROFILE; none: pick one in the profile browser")
    add_method_arguments(parser)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address instead")


def run(args: argparse.Namespace) -> int:
    from app.shell import hook

    hand_back = hook.current()
    name = args.profile
    if name is None:
        name = _pick()
        if name is None:
            from app.commands._output import say

            say("No profile picked; AWS_PROFILE is unchanged.")
            return 1
    if name == UNSET_WORD:
        return _hand_over(hand_back, None, "")
    from app.commands._targets import find_profile
    from app.config.model import load_aws_config

    profile = find_profile(load_aws_config(), name)
    from app.guard import warn_on_use

    warn_on_use(profile.name, profile.account_id, profile.role_name)
    until = _signed_in(profile, args) if profile.is_sso else ""
    return _hand_over(hand_back, profile.name, until)


def _pick() -> str | None:
    """The profile picked in the browser (pick mode), or None when it was left without one."""
    from app.commands._targets import UsageError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("Name the profile to use (or - to unset AWS_PROFILE).",
                         hint="Without a name, `use` opens the profile browser, which needs a terminal.")
    from app.commands._app import pick_profile

    return pick_profile()


def _signed_in(profile: "Profile", args: argparse.Namespace) -> str:
    """Sign in first when the profile's session cannot be used as it is; "signed in to … until …"."""
    from app.commands._output import say, sign_in_printer
    from app.commands._targets import ctrl_c_cancels, local_time, requested_method
    from app.signin.login import LoginService
    from app.signin.target import SsoTarget

    target = SsoTarget.from_profile(profile)
    service = LoginService()
    choice = service.choose_method(target, requested_method(args))
    with ctrl_c_cancels() as cancel:
        result = service.ensure_signed_in(
            target, method=choice.method, open_browser=not args.no_browser,
            on_prompt=sign_in_printer(choice), on_notice=say, cancel=cancel,
        )
    return f"signed in to {target.label} until {local_time(result.status.expires_at)}"


def _hand_over(hand_back: "HandBack | None", name: str | None, until: str) -> int:
    from app.commands._output import say
    from app.program import command
    from app.shell.scripts import current_shell, export_line, rc_line

    if hand_back is not None:
        if name is None:
            hand_back.unset_profile()
            say("AWS_PROFILE is unset in this shell.")
        else:
            hand_back.set_profile(name)
            say(f"AWS_PROFILE={name} in this shell" + (f" ({until})." if until else "."))
        return 0
    shell = current_shell()
    sys.stdout.write(export_line(shell, name) + "\n")
    sys.stdout.flush()
    what = f"to use {name}" if name is not None else "to unset AWS_PROFILE"
    if until:
        say(until[0].upper() + until[1:] + ".")
    say(f"This shell is unchanged: run the line above {what}.")
    say(f"To let `{command('use')}` change the shell itself, run: {rc_line(shell)}  "
        f"(`{command('shell-init', shell, '--install')}` adds it to your shell's start-up file).")
    return 0
