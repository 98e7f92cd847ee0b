"""``aws-sso-wizard emulator``: run the built-in AWS SSO emulator until interrupted.

The first line of stdout is the base URL (``http://127.0.0.1:PORT``), so scripts can read it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

HELP = "Run a pretend AWS IAM Identity Center (sso-oidc, SSO portal, STS) on 127.0.0.1 for demos and tests."


def _number(convert, *, above: float | None = None, at_least: float | None = None, at_most: float | None = None):
    """An argparse ``type``: ``convert`` (int or float) with a lower bound, said in the error."""

    def parse(text: str):
        value = convert(text)
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"must be more than {above}")
        if at_least is not None and value < at_least:
            raise argparse.ArgumentTypeError(f"must be {at_least} or more")
        if at_most is not None and value > at_most:
            raise argparse.ArgumentTypeError(f"must be {at_most} or less")
        return value

    parse.__name__ = convert.__name__  # argparse names the type in "invalid int value: 'x'"
    return parse


_positive_int = _number(int, at_least=1)
_non_negative_int = _number(int, at_least=0)
_non_negative_float = _number(float, at_least=0)
_port = _number(int, at_least=0, at_most=65535)
_positive_float = _number(float, above=0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=_port, default=0, help="port on 127.0.0.1 (default 0: any free port)"
    )
    parser.add_argument("--accounts", type=_non_negative_int, default=12, help="number of demo accounts (default 12)")
    parser.add_argument("--latency-ms", type=_non_negative_float, default=0, help="delay added to every request")
    parser.add_argument(
        "--page-size", type=_positive_int, default=None,
        help="accounts/roles per page when the client asks for no size (default 20)",
    )
    parser.add_argument(
        "--rate-limit", type=_positive_float, default=None, metavar="RPS",
        help="SSO portal requests per second; beyond it: 429 TooManyRequestsException",
    )
    parser.add_argument(
        "--auto-approve", action="store_true",
        help="act as a user who is already signed in: sign-ins are approved without a click",
    )
    parser.add_argument("--log", action="store_true", help="print each operation and its HTTP status on stderr")


def run(args: argparse.Namespace) -> int:
    from app.emulator import DEMO_REGION, DEMO_START_URL, Emulator
    from app.errors import WizardError

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    emulator = Emulator(
        accounts=args.accounts,
        latency_ms=args.latency_ms,
        page_size=args.page_size,
        rate_limit=args.rate_limit,
        auto_approve=args.auto_approve,
        port=args.port,
        log=log if args.log else None,
    )
    try:
        emulator.start()
    except OSError as error:
        raise WizardError(
            f"The emulator could not listen on 127.0.0.1 port {args.port} ({error.strerror or error}).",
            hint="Choose another port with --port, or --port 0 for any free port.",
        ) from None

    stop = threading.Event()
    previous = {}

    def request_stop(signum, frame) -> None:
        stop.set()

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, request_stop)
    try:
        base = emulator.base_url
        print(base, flush=True)
        approval = (
            "sign-ins are approved automatically" if args.auto_approve else f"approve device codes at {base}/device"
        )
        print(
            f"AWS SSO emulator: sso-oidc, SSO portal and STS with {len(emulator.org.accounts)} demo accounts, "
            f"signed in as {emulator.org.user}; {approval}.\n"
            "Point the AWS CLI and boto3 at it:\n"
            + "".join(f"  export {name}={value}\n" for name, value in emulator.endpoint_env().items())
            + f"Demo start URL: {DEMO_START_URL}   SSO region: {DEMO_REGION}\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("Emulator stopped.", file=sys.stderr, flush=True)
    return 0
