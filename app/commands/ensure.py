"""``aws-sso-wizard ensure [PROFILE] --for DURATION [--device-code | --browser] [--no-browser]``:
make sure the sign-in lasts that long (for a long copy), renewing the session when it would not."""

from __future__ import annotations

import argparse

HELP = "Make sure a profile's sign-in lasts long enough for a job (renewing the session when it would not)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands._targets import add_method_arguments, add_target_arguments

    add_target_arguments(parser, verb="check")
    parser.add_argument("--for", dest="duration", metavar="DURATION", required=True,
                        help="how long the job needs, e.g. 90m, 6h or 1h30m")
    add_method_arguments(parser)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address instead")
    parser.epilog = ("Exit 0 when the sign-in lasts that long (at once, or after one sign-in); 1 when it cannot "
                     "(for example the organisation's sessions are shorter); 2 for a duration it cannot read.")


def needed_from(text: str):
    """The ``--for`` value as a timedelta; UsageError when it is not a duration."""
    from datetime import timedelta

    from app.commands._targets import UsageError
    from app.profiles.duration import parse_duration

    seconds = parse_duration(text)
    if seconds is None or seconds <= 0:
        raise UsageError(f"--for {text!r} is not a duration.", hint="Write it like 90m, 6h or 1h30m.")
    return timedelta(seconds=seconds)


def run(args: argparse.Namespace) -> int:
    from app.commands._output import out, say, sign_in_printer
    from app.commands._targets import UsageError, ctrl_c_cancels, local_time, requested_method, target_from_args
    from app.program import PROG
    from app.signin.ensure import ALREADY, ensure_lasting
    from app.signin.login import LoginService

    try:
        needed = needed_from(args.duration)
    except UsageError as error:
        say(f"{PROG} ensure: {error}")
        return 2
    target, _profiles = target_from_args(args)
    service = LoginService()
    choice = service.choose_method(target, requested_method(args))
    with ctrl_c_cancels() as cancel:
        lasting = ensure_lasting(service, target, needed, method=choice.method, open_browser=not args.no_browser,
                                 on_prompt=sign_in_printer(choice), on_notice=say, cancel=cancel)
    until = ("~" if lasting.approximate else "") + local_time(lasting.ends_at)
    if lasting.action == ALREADY:
        out(f"{target.label}: signed in until {until}, long enough for {args.duration}.")
    else:
        out(f"{target.label}: a new session, signed in until {until}.")
    return 0
