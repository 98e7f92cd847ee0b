"""``aws-sso-wizard accounts [--sso-session NAME] [--roles] [--json]``."""

from __future__ import annotations

import argparse

HELP = "List the AWS accounts (and with --roles, the roles) an sso-session can use."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sso-session", metavar="NAME", help="the sso-session to ask (default: the config's only one)"
    )
    parser.add_argument("--roles", action="store_true", help="also list each account's roles")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON list (account_id, account_name, email[, roles])"
    )


class _Progress:
    """``Roles: 12/40 accounts`` on stderr: redrawn in place on a terminal, else a line every
    second or so (and always the last one)."""

    def __init__(self) -> None:
        import sys
        import time

        self._out = sys.stderr
        self._tty = self._out.isatty()
        self._clock = time.monotonic
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        text = f"Finding roles: {done}/{total} accounts"
        if self._tty:
            self._out.write("\r" + text)
            self._drawn = True
        elif done == total or self._clock() - self._last >= 1.0:
            self._out.write(text + "\n")
            self._last = self._clock()
        self._out.flush()

    def close(self) -> None:
        if self._drawn:
            self._out.write("\n")
            self._out.flush()


def run(args: argparse.Namespace) -> int:
    from app.commands._output import print_json, print_table, say
    from app.commands._targets import ctrl_c_cancels, resolve_target
    from app.config.model import load_aws_config
    from app.signin.account_names import list_and_remember
    from app.signin.login import LoginService
    from app.signin.portal import SsoClient

    config = load_aws_config()
    target, _profiles = resolve_target(config, session=args.sso_session)
    client = SsoClient(LoginService(), target)
    roles: dict[str, list[str]] = {}
    with ctrl_c_cancels() as cancel:
        accounts = list_and_remember(client, cancel=cancel)
        if args.roles and accounts:
            progress = _Progress()
            try:
                roles = client.discover_roles(accounts, progress=progress, cancel=cancel)
            finally:
                progress.close()
    if args.json:
        data = []
        for account in accounts:
            item: dict[str, object] = {"account_id": account.account_id, "account_name": account.account_name, "email": account.email}
            if args.roles:
                item["roles"] = list(roles.get(account.account_id, []))
            data.append(item)
        print_json(data)
        return 0
    if not accounts:
        say(f"{target.label} gives you no AWS accounts yet.")
        return 0
    header = ["ACCOUNT ID", "NAME", "EMAIL"] + (["ROLES"] if args.roles else [])
    lines = [
        [a.account_id, a.account_name or "", a.email or ""]
        + ([", ".join(roles.get(a.account_id, []))] if args.roles else [])
        for a in accounts
    ]
    print_table(header, lines)
    return 0
