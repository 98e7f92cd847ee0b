"""Shared by ``env``, ``run`` and ``warm``: a profile's role keys for the command line. Warm keys
come from the AWS CLI's role cache without importing boto3; cold ones through the sign-in. When
the sign-in cannot be used, the error names the command that signs in; on a terminal the person
is first offered to sign in there and then."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from app.credentials.keys import RoleOf
    from app.credentials.role_cache import RoleKeys


def role_named(name: str) -> "RoleOf":
    """The role of the SSO profile ``name`` in the current config (a clear error otherwise)."""
    from app.config.model import load_aws_config
    from app.credentials.keys import role_of

    config = load_aws_config()
    profile = config.profiles.get(name)
    if profile is None or not profile.is_sso:
        from app.commands._targets import sso_profile

        profile = sso_profile(config, name)  # the error, with did-you-mean (loaded only when needed)
    return role_of(profile)


def can_ask() -> bool:
    """Whether a person is there to answer: stdin and stderr are a terminal (stdout may be a pipe,
    as in ``eval "$(aws-sso-wizard env NAME)"``; a ``credential_process`` caller has neither)."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def ask_yes(question: str) -> bool:
    """``question [Y/n]`` on stderr, the answer from stdin (Enter means yes)."""
    sys.stderr.write(f"{question} [Y/n] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer != "" and answer.strip().lower() in ("", "y", "yes")


def keys_for(role: "RoleOf") -> "RoleKeys":
    """The role's keys: cached, else fetched; signed in first on a terminal when the person agrees."""
    from app.credentials.keys import cached_keys

    keys = cached_keys(role)
    if keys is not None:
        return keys
    from app.commands._output import say, sign_in_printer
    from app.commands._targets import ctrl_c_cancels
    from app.credentials.keys import fetch_keys
    from app.signin.errors import NotSignedIn, SessionExpired
    from app.signin.login import LoginService

    login = LoginService()
    with ctrl_c_cancels() as cancel:
        try:
            return fetch_keys(role, login=login, cancel=cancel)
        except (NotSignedIn, SessionExpired) as error:
            if not can_ask():
                raise
            say(error.message)
            if not ask_yes(f"Sign in to {role.target.label} now?"):
                raise
        choice = login.choose_method(role.target)
        login.ensure_signed_in(role.target, method=choice.method, force=True,
                               on_prompt=sign_in_printer(choice), on_notice=say, cancel=cancel)
        return fetch_keys(role, login=login, cancel=cancel)
