"""``aws-sso-wizard shell-init bash|zsh|fish [--install [--yes]]``: the shell function behind
``use`` and tab completion, or that line added to the shell's start-up file."""

from __future__ import annotations

import argparse

HELP = "Print the shell function that lets `use` set AWS_PROFILE here, with tab completion (--install adds it)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.shell.scripts import SHELLS

    parser.add_argument("shell", choices=SHELLS, help="your shell")
    parser.add_argument("--install", action="store_true",
                        help="add the line that loads it to your shell's start-up file (shows the change first)")
    parser.add_argument("--rc-file", metavar="FILE", help="with --install: the start-up file (default: the shell's usual one)")
    parser.add_argument("--yes", "-y", action="store_true", help="with --install: write without asking")


def run(args: argparse.Namespace) -> int:
    from app.shell.scripts import init_script

    if not args.install:
        if args.rc_file or args.yes:
            from app.commands._targets import UsageError

            raise UsageError("--rc-file and --yes go with --install.")
        import sys

        sys.stdout.write(init_script(args.shell))
        return 0
    return _install(args)


def _install(args: argparse.Namespace) -> int:
    import sys

    from app.commands._output import out, say
    from app.errors import WizardError
    from app.paths import display_path
    from app.shell.rc import apply, plan_install
    from app.shell.scripts import rc_line

    plan = plan_install(args.shell, args.rc_file)
    where = display_path(plan.path)
    if not plan.needed:
        out(f"{where} already loads it ({rc_line(args.shell)}). Open a new terminal if this one does not have it yet.")
        return 0
    out(plan.diff().rstrip("\n"))
    if not args.yes:
        if not sys.stdin.isatty():
            raise WizardError(f"Not changing {where} without a yes.",
                              hint="Run it again with --yes, or add the line above yourself.")
        answer = input(f"Add this to {where}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            say(f"Nothing was written to {where}.")
            return 1
    try:
        backup = apply(plan)
    except OSError as error:
        raise WizardError(f"Could not write {where}: {error.strerror or error}.",
                          hint="Nothing was changed; fix that and run it again.") from None
    kept = f" (the old one is kept as {display_path(backup)})" if backup else ""
    out(f"Added to {where}{kept}. Open a new terminal, or run: {rc_line(args.shell)}")
    return 0
