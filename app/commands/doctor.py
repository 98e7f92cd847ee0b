"""``aws-sso-wizard doctor [--json]``: the installation and environment checks."""

from __future__ import annotations

import argparse

HELP = "Check the installation: AWS config file, folders, AWS CLI, browser, sign-in service."

_MARK = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list (check, status, message, fix)")
    parser.add_argument(
        "--offline", action="store_true", help="skip the check that the sign-in service can be reached"
    )


def _sso_regions() -> list[str]:
    """The SSO regions the config uses (for the reachability check); none if it cannot be read."""
    from app.config.model import load_aws_config
    from app.errors import WizardError

    try:
        config = load_aws_config()
    except (WizardError, OSError):
        return []
    regions: list[str] = []
    for session in config.sso_sessions.values():
        if session.region and session.region not in regions:
            regions.append(session.region)
    for profile in config.profiles.values():
        if profile.sso_region and profile.sso_region not in regions:
            regions.append(profile.sso_region)
    return regions[:3]


def run(args: argparse.Namespace) -> int:
    import sys

    from app.checks import FAIL, check_endpoint, run_checks
    from app.commands._output import print_json

    checks = run_checks()
    if not args.offline:
        for region in _sso_regions():
            checks.append(check_endpoint(region))
    if args.json:
        print_json([{"check": c.id, "status": c.status, "message": c.message, "fix": c.fix or None} for c in checks])
    else:
        for check in checks:
            print(f"[{_MARK.get(check.status, check.status)}] {check.title}: {check.message}")
            if check.fix and check.status != "ok":
                print(f"       fix: {check.fix}")
    failed = [c for c in checks if c.status == FAIL]
    if failed:
        names = ", ".join(c.title for c in failed)
        print(f"aws-sso-wizard: {len(failed)} check(s) failed: {names}.", file=sys.stderr)
        return 1
    return 0
