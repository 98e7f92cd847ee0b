"""Command-line entry point (``aws-sso-wizard`` and ``python -m app``).

Exit codes: 0 success, 1 error (one clear line on stderr), 2 usage error, 3 done only in part
(``logout`` signed out here but not at AWS, :data:`app.commands.logout.NOT_ENDED_AT_AWS`;
``accounts --roles --json`` and ``populate`` with accounts whose roles could not be listed,
:data:`app.commands.accounts.ROLES_LEFT_OUT`), 130 cancelled; ``run`` passes its command's code through.
Nothing here imports Textual or boto3; subcommands import what they need when they run.
"""

from __future__ import annotations

import os
import sys

from app import __version__
from app.commands import COMMANDS, FAST
from app.program import PROG

TYPE_CHECKING = False  # typing itself costs ~4 ms on every prompt and Tab
if TYPE_CHECKING:  # pragma: no cover
    import argparse
    from collections.abc import Sequence

DESCRIPTION = (
    "Set up AWS IAM Identity Center (SSO) profiles step by step, and keep them signed in. "
    "Run without a command to open the app."
)


def _load(name: str):
    return _module(COMMANDS[name])


def _module(path: str):
    """The module at the dotted ``path`` (``importlib.import_module`` without importing importlib:
    the prompt and completion start on every prompt and Tab)."""
    __import__(path)
    return sys.modules[path]


def _requested_command(argv: Sequence[str]) -> tuple[str | None, bool]:
    """(the command ``argv`` runs when that is certain before parsing, top-level help asked)."""
    for arg in argv:
        if arg in ("-h", "--help"):
            return None, True
        if arg == "--":
            return None, False
        if arg.startswith("-"):
            continue
        return (arg if arg in COMMANDS else None), False
    return None, False


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser. Given ``argv``, only what it needs is built: the named command's options
    (the other commands stay valid names), or for the top-level ``--help`` each command's one-line
    help without its options. That keeps start-up and ``--help`` free of ~30 ms of argparse."""
    import argparse

    only, top_help = _requested_command(argv) if argv is not None else (None, False)
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show full error details (never secrets) for bug reports"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            subparsers.add_parser(name)
            continue
        module = _load(name)
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        if not top_help:
            module.add_arguments(sub)
    return parser


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    name = args.command
    if name is None:
        if "home" not in COMMANDS:
            parser.print_help()
            return 0
        name = "home"
    return int(_load(name).run(args) or 0)


def _print_details(error: BaseException) -> None:
    """What ``--debug`` adds under a known error's line, one item per line on stderr: its type, the
    AWS operation, the AWS error code and the service's own message (redacted: never a secret)."""
    from app.errors import redact
    from app.untrusted import shown

    lines = [f"  error type: {type(error).__name__}"]
    for label, name in (("operation", "operation"), ("error code", "code"), ("service message", "detail")):
        value = getattr(error, name, None)
        if value:
            lines.append(f"  {label}: {shown(redact(' '.join(str(value).split())))}")
    print("\n".join(lines), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from app.shell.hook import take_from_environment

    take_from_environment()  # what this run hands back to its shell; never to programs it starts
    if argv and argv[0] in FAST:
        try:
            answered = _module(FAST[argv[0]]).fast(argv[1:])
        except Exception as error:  # a bug: one line, never a traceback in a prompt or under the cursor
            from app.errors import redact
            from app.untrusted import shown

            print(f"{PROG} {argv[0]}: unexpected error ({type(error).__name__}): {shown(redact(str(error)))}. "
                  "Please report it.", file=sys.stderr)
            return 1
        if answered is not None:
            return answered
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    from app.errors import WizardError
    from app.untrusted import shown

    try:
        return _run(args, parser)
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        return 130
    except WizardError as error:
        print(f"{PROG}: {shown(error, lines=True)}", file=sys.stderr)
        if args.debug:
            _print_details(error)
        return error.exit_code
    except BrokenPipeError:
        # `aws-sso-wizard profiles | head` closed the pipe: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as error:  # a bug: say so in one line unless --debug asks for the traceback
        if args.debug:
            raise
        from app.errors import redact

        print(
            f"{PROG}: unexpected error ({type(error).__name__}): {shown(redact(str(error)))}\n"
            f"Run again with --debug for details and report it.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
