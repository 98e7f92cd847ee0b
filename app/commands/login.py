"""``aws-sso-wizard login [PROFILE] [--sso-session NAME] [--device-code | --browser] [--no-browser]
[--force | --renew]``."""

from __future__ import annotations

import argparse

HELP = "Sign in to IAM Identity Center for a profile or an sso-session (skipped while still signed in)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_method_arguments, add_target_arguments

    add_target_arguments(parser, verb="sign in to")
    add_method_arguments(parser)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address instead")
    again = parser.add_mutually_exclusive_group()
    again.add_argument(
        "--force", action="store_true",
        help="sign in again even if still signed in; the session keeps its end (use --renew to move it)",
    )
    again.add_argument(
        "--renew", action="store_true",
        help="start a new session so that its end moves: sign out at AWS (sso:Logout), then sign in again",
    )


def run(args: argparse.Namespace) -> int:
    from app.commands._output import out, say, sign_in_printer
    from app.commands._targets import ctrl_c_cancels, local_time, requested_method, target_from_args
    from app.signin.login import LoginService, session_key
    from app.signin.session_end import session_end

    target, profiles = target_from_args(args)
    names = ", ".join(p.name for p in profiles)
    service = LoginService()
    choice = service.choose_method(target, requested_method(args))
    shared = f" (profiles: {names})." if names else "."
    with ctrl_c_cancels() as cancel:
        if args.renew:
            service.renew(
                target, method=choice.method, open_browser=not args.no_browser,
                on_prompt=sign_in_printer(choice), on_notice=say, cancel=cancel,
            )
            end = session_end(session_key(target), target.start_url)
            ends = f"; the session now ends at {end.local_time()}" if end is not None else ""
            out(f"Started a new session for {target.label}{ends}{shared}")
            return 0
        result = service.ensure_signed_in(
            target,
            method=choice.method,
            open_browser=not args.no_browser,
            force=args.force,
            on_prompt=sign_in_printer(choice),
            on_notice=say,  # e.g. waiting for a sign-in already under way in another window
            cancel=cancel,
        )
    until = local_time(result.status.expires_at)
    if result.already and not result.refreshed:
        out(f"Already signed in to {target.label} until {until}{shared} Use --force to sign in again.")
    else:
        out(f"Signed in to {target.label} until {until}{shared}")
    return 0
