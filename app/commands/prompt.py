"""``aws-sso-wizard prompt [--profile NAME]``: one short status of ``$AWS_PROFILE`` for a shell
prompt (nothing when no profile is set). Offline; it imports nothing heavier than the standard
library, and :func:`fast` answers the usual command lines before the argument parser is built."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself costs ~4 ms on every prompt and Tab

if TYPE_CHECKING:  # pragma: no cover
    import argparse
    from collections.abc import Sequence

HELP = "Print a short sign-in status of $AWS_PROFILE for your shell prompt (offline, fast)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="PROFILE", help="this profile instead of $AWS_PROFILE")


def _print(name: str | None) -> int:
    if not name:
        return 0
    from app.shell.prompt import status_of

    text = status_of(name).text()
    if not text.isprintable():  # a control or bidi character in the name: show it harmlessly
        from app.untrusted import shown

        text = shown(text)
    sys.stdout.write(text + "\n")
    return 0


def fast(argv: Sequence[str]) -> int | None:
    """``prompt``, ``prompt --profile NAME`` and ``prompt --profile=NAME`` without argparse;
    None for any other command line (the parser then handles it, ``--help`` included)."""
    if not argv:
        return _print(os.environ.get("AWS_PROFILE"))
    if len(argv) == 2 and argv[0] == "--profile" and not argv[1].startswith("-"):
        return _print(argv[1])
    if len(argv) == 1 and argv[0].startswith("--profile="):
        return _print(argv[0].partition("=")[2])
    return None


def run(args: argparse.Namespace) -> int:
    return _print(args.profile if args.profile is not None else os.environ.get("AWS_PROFILE"))
