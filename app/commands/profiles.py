"""``aws-sso-wizard profiles [--json]``: every profile with its sign-in status."""

from __future__ import annotations

import argparse

HELP = "List every profile in the AWS config with its account, role and sign-in status."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list (name, kind, sso_session, sso_start_url, sso_region, account_id, "
        "role_name, region, output, status, expires_at, session_ends_at, problem); kind is sso, sso-legacy, "
        "login (`aws login`) or other; problem says what stops the profile from signing in, or is null",
    )


def run(args: argparse.Namespace) -> int:
    from app.commands._output import out, print_json, print_table, say
    from app.profiles.status import ProfileStatusService
    from app.program import command
    from app.untrusted import shown

    service = ProfileStatusService()
    snapshot = service.snapshot()
    if args.json:
        print_json(snapshot.to_json())
        return 0
    if not snapshot.rows:
        say(f"No profiles in {service.config_path}. Run `{command('setup')}` to create one.")
        return 0
    header = ("PROFILE", "ACCOUNT", "ROLE", "REGION", "SSO SESSION", "STATUS")
    from app.signin.login_cache import LOGIN_NOTE

    lines = []
    problems = []
    login_noted = False
    now = snapshot.taken_at
    for row in snapshot.rows:
        session = snapshot.session_of(row)
        if row.is_sso:
            status = session.text(now) if session is not None else "n/a"
            sso = row.sso_session or ("(legacy) " + (row.start_url or ""))
            problem = row.problem_with(session)
            if problem:
                status = f"{status} (see below)"
                problems.append(f"{row.name}: {problem}")
        elif row.is_login:
            status = f"aws login · {session.text(now)}" if session is not None else "aws login"
            sso = ""
            if not login_noted:
                problems.append(f"{row.name}: {LOGIN_NOTE}")
                login_noted = True
        else:
            status = f"n/a ({row.kind_label})"
            sso = ""
        lines.append((row.name, row.account_label, row.role_name or "", row.region or "", sso, status))
    print_table(header, lines)
    if problems:  # what stops a profile from signing in, in the config's own terms
        out("\n" + "\n".join(shown(problem) for problem in problems))
    return 0
