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
    from app.errors import WizardError
    from app.profiles.status import config_has_sso_profile  # the profile browser's row cache / parse

    try:
        has_sso = config_has_sso_profile()
    except WizardError:
        return "wizard"
    if has_sso:
        return "profiles"
    return "wizard"


def run(args: argparse.Namespace) -> int:
    from app.commands._app import open_app

    return open_app(preset_path=getattr(args, "preset", None), mode=choose_mode(), then_profiles=True)
