"""``aws-sso-wizard login [PROFILE] [--sso-session NAME] [--device-code] [--no-browser] [--force]``."""

from __future__ import annotations

import argparse

HELP = "Sign in to IAM Identity Center for a profile or an sso-session (skipped while still signed in)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_target_arguments

    add_target_arguments(parser, verb="sign in to")
    parser.add_argument(
        "--device-code", action="store_true", help="sign in with a code entered on any device (for SSH, no browser)"
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address instead")
    parser.add_argument("--force", action="store_true", help="sign in again even if still signed in")


def _say(text: str) -> None:
    import sys

    print(text, file=sys.stderr, flush=True)


def _show_prompt(prompt) -> None:
    if prompt.method == "device":
        _say("To sign in, open this address on any device:")
        _say(f"    {prompt.verification_uri or prompt.url}")
        _say(f"and enter the code:  {prompt.user_code}")
        if prompt.url and prompt.url != prompt.verification_uri:
            _say(f"(or open {prompt.url}, which has the code filled in)")
        if prompt.browser_opened:
            _say("Your browser has been opened at that address.")
    elif prompt.browser_opened:
        _say("Your browser has opened to sign in. If it did not, open this address:")
        _say(f"    {prompt.url}")
    else:
        _say("Open this address in a browser on this computer to sign in:")
        _say(f"    {prompt.url}")
    _say("Waiting for you to approve… (Ctrl+C cancels)")


def run(args: argparse.Namespace) -> int:
    from app.commands._targets import ctrl_c_cancels, local_time, target_from_args
    from app.signin.login import LoginService
    from app.signin.state import TokenState

    target, profiles = target_from_args(args)
    login = LoginService()
    names = ", ".join(p.name for p in profiles)
    if not args.force:
        status = login.status(target)
        if status.state == TokenState.VALID:
            print(
                f"Already signed in to {target.label} until {local_time(status.expires_at)}"
                + (f" (profiles: {names})." if names else ".")
                + " Use --force to sign in again."
            )
            return 0
    with ctrl_c_cancels() as cancel:
        status = login.login(
            target,
            method="device" if args.device_code else "pkce",
            open_browser=not args.no_browser,
            force=args.force,
            on_prompt=_show_prompt,
            on_notice=_say,  # e.g. waiting for a sign-in already under way in another window
            cancel=cancel,
        )
    print(
        f"Signed in to {target.label} until {local_time(status.expires_at)}"
        + (f" (profiles: {names})." if names else ".")
    )
    return 0
