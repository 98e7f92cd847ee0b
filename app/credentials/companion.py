"""The companion profile: ``[profile NAME-process]`` with a ``credential_process`` that runs this
app's ``env NAME --format process``, for tools that read ``credential_process`` but not SSO profiles.
It is written through the config writer like every other change (diff first, backup)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from typing import TYPE_CHECKING

from app.config.edits import UpsertProcessProfile
from app.program import PROG

if TYPE_CHECKING:  # pragma: no cover
    from app.config.model import Profile

SUFFIX = "-process"


def default_name(profile_name: str) -> str:
    return f"{profile_name}{SUFFIX}"


def app_command() -> list[str]:
    """This app's command by its absolute path: the installed script that runs now, else the one on
    PATH, else this Python with ``-m app``."""
    started = sys.argv[0] if sys.argv else ""
    if os.path.basename(started) == PROG and os.path.isfile(started):
        return [os.path.abspath(started)]
    found = shutil.which(PROG)
    if found:
        return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "app"]


def process_command(profile_name: str, command: list[str] | None = None) -> str:
    """The ``credential_process`` value (split by botocore as a POSIX shell would)."""
    return shlex.join([*(command or app_command()), "env", profile_name, "--format", "process"])


def companion_edit(profile: "Profile", name: str | None = None, command: list[str] | None = None) -> UpsertProcessProfile:
    """The edit that writes ``profile``'s companion (its region and output copied)."""
    return UpsertProcessProfile(
        name=name or default_name(profile.name),
        credential_process=process_command(profile.name, command),
        region=profile.region,
        output=profile.output,
    )
