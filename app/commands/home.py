"""``aws-sso-wizard`` with no command: the wizard when the AWS config has no SSO profile yet,
otherwise the profile browser (once the App has a "profiles" mode)."""

from __future__ import annotations

import argparse

HELP = "Open the app: the setup wizard the first time, your profiles after that."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", metavar="FILE", help="organisation preset (TOML) for the wizard")


def choose_mode() -> str:
    """"profiles" when the config already has an SSO profile and the App has a profile browser;
    "wizard" otherwise (also when the config cannot be read: the wizard's checks explain why)."""
    from app.tui import has_mode

    if not has_mode("profiles"):
        return "wizard"
    from app.aws_config import load_aws_config
    from app.errors import WizardError

    try:
        config = load_aws_config()
    except WizardError:
        return "wizard"
    for profile in config.profiles.values():
        if getattr(profile.kind, "value", profile.kind) in ("sso", "sso-legacy"):
            return "profiles"
    return "wizard"


def run(args: argparse.Namespace) -> int:
    from app.commands.setup import open_app

    return open_app(preset_path=getattr(args, "preset", None), mode=choose_mode())
