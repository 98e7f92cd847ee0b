"""``aws-sso-wizard doctor [--json]``: the installation and environment checks."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from app.checks import Check

HELP = ("Check the installation: AWS config file, folders, AWS CLI, browser, sign-in service, and whether "
        "the AWS CLI and each python3's botocore can read these profiles.")

_MARK = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
_MAX_REGIONS = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list (check, status, message, fix)")
    parser.add_argument(
        "--offline", action="store_true", help="skip the check that the sign-in service can be reached"
    )


def _sso_regions() -> list[tuple[str, str]]:
    """(region, the config section it comes from) for each SSO region the config uses, for the
    reachability check; none if the config cannot be read (the config check says why)."""
    from app.config.model import load_aws_config

    try:
        config = load_aws_config()
    except Exception:  # whatever is wrong with the file is the config check's to report
        return []
    regions: dict[str, str] = {}
    for name, session in config.sso_sessions.items():
        if session.region:
            regions.setdefault(session.region, f"sso-session “{name}”")
    for name, profile in config.profiles.items():
        if profile.sso_region:
            regions.setdefault(profile.sso_region, f"profile “{name}”")
    return list(regions.items())[:_MAX_REGIONS]


def _config_or_none():
    from app.config.model import load_aws_config

    try:
        return load_aws_config()
    except Exception:  # the config check reports it
        return None


def _checks(offline: bool) -> Iterator["Check"]:
    """Every check, one by one; each is guarded, so one that crashes never stops the others."""
    from app.checks import guarded_endpoint_check, guarded_shell_hook_check, iter_checks, iter_tool_checks

    yield from iter_checks()
    yield guarded_shell_hook_check()
    yield from iter_tool_checks(_config_or_none())
    if not offline:
        for region, where in _sso_regions():
            yield guarded_endpoint_check(region, where=where)


def run(args: argparse.Namespace) -> int:
    from app.checks import FAIL
    from app.commands._output import out, print_json, say

    checks: list[Check] = []
    for check in _checks(args.offline):
        checks.append(check)
        if not args.json:  # as each check finishes: a slow one does not hide the others
            out(f"[{_MARK.get(check.status, check.status)}] {check.title}: {check.message}")
            if check.fix and check.status != "ok":
                out(f"       fix: {check.fix}")
    if args.json:
        print_json([{"check": c.id, "status": c.status, "message": c.message, "fix": c.fix or None} for c in checks])
    failed = [c for c in checks if c.status == FAIL]
    if failed:
        names = ", ".join(c.title for c in failed)
        say(f"aws-sso-wizard: {len(failed)} check(s) failed: {names}.")
        return 1
    return 0
