"""How role keys are printed: the shapes of ``aws configure export-credentials`` (``sh`` is its
``env``, ``fish`` and ``powershell`` its own, ``process`` the ``credential_process`` JSON,
Version 1), and ``json``, the environment variables as one JSON object."""

from __future__ import annotations

import json
import shlex
from typing import Callable

from app.credentials.role_cache import RoleKeys

FORMATS = ("sh", "fish", "powershell", "json", "process")
DEFAULT_FORMAT = "sh"
ENV_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION")


def expiration_text(keys: RoleKeys) -> str:
    """The expiry as the AWS CLI prints it (``datetime.isoformat`` of an aware UTC time)."""
    return keys.expiration.isoformat()


def environment(keys: RoleKeys) -> dict[str, str]:
    """The variables a program gets: the three keys and when they expire."""
    values = (keys.access_key_id, keys.secret_access_key, keys.session_token, expiration_text(keys))
    return dict(zip(ENV_NAMES, values))


def _sh(keys: RoleKeys) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in environment(keys).items())


def _fish_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def _fish(keys: RoleKeys) -> str:
    return "".join(f"set -gx {name} {_fish_quote(value)}\n" for name, value in environment(keys).items())


def _powershell(keys: RoleKeys) -> str:
    def quote(value: str) -> str:
        return '"' + value.replace("`", "``").replace('"', '`"').replace("$", "`$") + '"'

    return "".join(f"$Env:{name}={quote(value)}\n" for name, value in environment(keys).items())


def _json(keys: RoleKeys) -> str:
    return json.dumps(environment(keys), indent=2) + "\n"


def process_document(keys: RoleKeys) -> dict[str, object]:
    """The ``credential_process`` answer (Version 1)."""
    return {
        "Version": 1,
        "AccessKeyId": keys.access_key_id,
        "SecretAccessKey": keys.secret_access_key,
        "SessionToken": keys.session_token,
        "Expiration": expiration_text(keys),
    }


def _process(keys: RoleKeys) -> str:
    return json.dumps(process_document(keys), indent=2) + "\n"


_RENDER: dict[str, Callable[[RoleKeys], str]] = {
    "sh": _sh, "fish": _fish, "powershell": _powershell, "json": _json, "process": _process,
}


def render(keys: RoleKeys, form: str) -> str:
    """``keys`` in the format ``form`` (one of :data:`FORMATS`)."""
    return _RENDER[form](keys)
