"""``aws-sso-wizard accounts [--sso-session NAME] [--roles] [--json]``."""

from __future__ import annotations

import argparse

HELP = "List the AWS accounts (and with --roles, the roles) an sso-session can use."

ROLES_LEFT_OUT = 3
"""The exit code of ``--roles --json`` when the roles of some accounts could not be listed."""

EPILOG = (
    "With --roles, an account whose roles cannot be listed (after retries) does not stop the others: "
    "the rest are shown and one line on stderr names the accounts left out. --roles --json asks for "
    "every account's roles (scripts rely on it): it gives such accounts \"roles\": null and "
    f"\"roles_error\" with the reason, and exits {ROLES_LEFT_OUT}. "
    f"Exit codes: 0 listed; {ROLES_LEFT_OUT} --roles --json with accounts left out; 1 error; "
    "2 wrong usage; 130 cancelled."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "--sso-session", metavar="NAME", help="the sso-session to ask (default: the config's only one)"
    )
    parser.add_argument("--roles", action="store_true", help="also list each account's roles")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON list (account_id, account_name, email[, roles])"
    )


def run(args: argparse.Namespace) -> int:
    from app.commands._output import RolesProgress, print_json, print_table, say
    from app.commands._targets import ctrl_c_cancels, resolve_target
    from app.config.model import load_aws_config
    from app.signin.account_names import list_and_remember
    from app.signin.login import LoginService
    from app.signin.portal import RoleDiscovery, SsoClient

    config = load_aws_config()
    target, _profiles = resolve_target(config, session=args.sso_session)
    client = SsoClient(LoginService(), target)
    roles = RoleDiscovery()
    with ctrl_c_cancels() as cancel:
        accounts = list_and_remember(client, cancel=cancel)
        if args.roles and accounts:
            progress = RolesProgress()
            try:
                roles = client.discover_roles(accounts, progress=progress, cancel=cancel)
            finally:
                progress.close()
    if args.json:
        data = []
        for account in accounts:
            item: dict[str, object] = {"account_id": account.account_id, "account_name": account.account_name, "email": account.email}
            if args.roles:
                reason = roles.failed.get(account.account_id)
                item["roles"] = None if reason else list(roles.get(account.account_id, []))
                if reason:
                    item["roles_error"] = reason
            data.append(item)
        print_json(data)
        if roles.failed:
            say(roles.left_out_line())
            return ROLES_LEFT_OUT
        return 0
    if not accounts:
        say(f"{target.label} gives you no AWS accounts yet.")
        return 0
    header = ["ACCOUNT ID", "NAME", "EMAIL"] + (["ROLES"] if args.roles else [])
    lines = [
        [a.account_id, a.account_name or "", a.email or ""]
        + ([", ".join(roles.get(a.account_id, [])) or ("(left out)" if a.account_id in roles.failed else "")]
           if args.roles else [])
        for a in accounts
    ]
    print_table(header, lines)
    if roles.failed:
        say(roles.left_out_line())
    return 0
