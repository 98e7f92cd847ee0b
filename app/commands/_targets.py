"""Shared by the commands: :class:`UsageError` (the command line itself is wrong), which sign-in a
command line means, and Ctrl+C as a cancel token. Standard library only at import time."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Iterator

from app.errors import WizardError
from app.program import command

if TYPE_CHECKING:  # pragma: no cover
    from app.cancel import CancelToken
    from app.config.model import AwsConfig, Profile
    from app.signin.target import SsoTarget


class UsageError(WizardError):
    """The command line itself is wrong (exit code 2, like argparse)."""

    exit_code = 2


def _names(items) -> str:
    items = list(items)
    shown = ", ".join(items[:8])
    return shown + (f" and {len(items) - 8} more" if len(items) > 8 else "")


def did_you_mean(name: str, known) -> str | None:
    """The known name ``name`` was probably meant to be: the same but for case, else a close one."""
    import difflib

    known = list(known)
    same = [k for k in known if k.lower() == name.lower()]
    if same:
        return same[0]
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.7)
    return lowered[close[0]] if close else None


def find_profile(config: "AwsConfig", name: str) -> "Profile":
    profile = config.profiles.get(name)
    if profile is None:
        guess = did_you_mean(name, config.profiles)
        if guess is not None:
            hint = f"Did you mean {guess}? (`{command('profiles')}` lists them.)"
        elif config.profiles:
            hint = f"Run `{command('profiles')}` to see them."
        else:
            hint = f"Run `{command('setup')}` to create one."
        raise WizardError(f"There is no profile named {name!r} in {config.path}.", hint=hint)
    return profile


def sso_profile(config: "AwsConfig", name: str) -> "Profile":
    from app.config.model import ProfileKind
    from app.profiles.status import kind_label

    profile = find_profile(config, name)
    if not profile.is_sso:
        uses = "sets no credentials this app knows" if profile.kind is ProfileKind.OTHER else f"uses {kind_label(profile)}"
        raise WizardError(
            f"Profile {name!r} does not sign in through IAM Identity Center (it {uses}).",
            hint=f"Pick an SSO profile; `{command('profiles')}` shows which ones are.",
        )
    return profile


def add_target_arguments(parser, *, verb: str) -> None:
    """``[PROFILE] [--sso-session NAME]``: the two ways to name a sign-in (``verb``: "sign in to", ...)."""
    parser.add_argument(
        "profile", nargs="?", metavar="PROFILE",
        help=f"{verb} the sign-in this profile uses (default: AWS_PROFILE, or the config's only sign-in)",
    )
    parser.add_argument("--sso-session", metavar="NAME", help=f"{verb} this sso-session")


def add_method_arguments(parser) -> None:
    """``--device-code`` / ``--browser``: choose how to sign in (by default the app decides)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--device-code", action="store_true",
        help="sign in with a code entered on any device (the default over SSH or without a display)",
    )
    group.add_argument(
        "--browser", action="store_true", help="sign in with a browser on this computer (the default where one can open)"
    )


def requested_method(args) -> str | None:
    """The sign-in method the command line asks for (None: let the login service decide)."""
    if getattr(args, "device_code", False):
        return "device"
    if getattr(args, "browser", False):
        return "pkce"
    return None


def target_from_args(args) -> tuple["SsoTarget", list["Profile"]]:
    """The sign-in ``PROFILE`` / ``--sso-session`` name in the current config (see :func:`resolve_target`)."""
    from app.config.model import load_aws_config

    return resolve_target(load_aws_config(), profile=args.profile, session=args.sso_session)


def resolve_target(
    config: "AwsConfig", *, profile: str | None = None, session: str | None = None
) -> tuple["SsoTarget", list["Profile"]]:
    """The sign-in a command means, and every profile that shares it.

    A profile name or ``--sso-session`` picks it; with neither, ``AWS_PROFILE``, else the only
    sign-in the config has. More than one and nothing named is a usage error that lists them.
    """
    from app.profiles.status import session_key_of
    from app.signin.target import SsoTarget

    if profile and session:
        raise UsageError("Give a profile or --sso-session, not both.")
    if session:
        sso_session = config.sso_sessions.get(session)
        if sso_session is None:
            known = list(config.sso_sessions)
            guess = did_you_mean(session, known)
            hint = (f"Did you mean {guess}?" if guess else f"The config has: {_names(known)}." if known
                    else f"Run `{command('setup')}` to add one.")
            raise WizardError(f"There is no sso-session named {session!r} in {config.path}.", hint=hint)
        target = SsoTarget.from_session(sso_session)
        return target, [p for p in config.profiles.values() if session_key_of(p) == session and p.sso_session]
    if not profile:
        profile = os.environ.get("AWS_PROFILE") or None
    if profile:
        chosen = sso_profile(config, profile)
        target = SsoTarget.from_profile(chosen)
        key = session_key_of(chosen)
        return target, [p for p in config.profiles.values() if key is not None and session_key_of(p) == key]
    keys: dict[str, list[Profile]] = {}
    for candidate in config.profiles.values():
        key = session_key_of(candidate)
        if key is not None:
            keys.setdefault(key, []).append(candidate)
    for name in config.sso_sessions:
        keys.setdefault(name, [])
    if not keys:
        raise WizardError(
            f"{config.path} has no IAM Identity Center sign-in yet.", hint=f"Run `{command('setup')}` first."
        )
    if len(keys) > 1:
        sessions = [k for k in keys if k in config.sso_sessions] or list(keys)
        raise UsageError(
            "The config has more than one sign-in; name a profile or --sso-session.",
            hint=f"sso-sessions: {_names(sessions)}." if sessions else None,
        )
    (key, profiles), = keys.items()
    if key in config.sso_sessions:
        return SsoTarget.from_session(config.sso_sessions[key]), profiles
    return SsoTarget.from_profile(profiles[0]), profiles


@contextlib.contextmanager
def ctrl_c_cancels() -> Iterator["CancelToken"]:
    """A cancel token that the first Ctrl+C sets (the operation then ends with Cancelled, exit
    130, after cleaning up); a second Ctrl+C interrupts at once."""
    from app.cancel import CancelToken

    token = CancelToken()
    if threading.current_thread() is not threading.main_thread():
        yield token
        return

    def handler(signum, frame):
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        print("Cancelling… (Ctrl+C again to stop at once)", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous)


def local_time(moment) -> str:
    """A UTC datetime as local wall-clock time for messages (``14:05`` today, else the date)."""
    if moment is None:
        return "unknown"
    from datetime import datetime

    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
