"""Suggested profile names.

The AWS CLI suggests ``<role>-<account_id>`` (``ReadOnly-123456789012``), which nobody can read;
the portal's own "access keys" page shows ``<account_id>_<role>``. People recognise accounts by
name, so the wizard suggests ``{account_name}-{role_name}`` (``preservation-prod-ReadOnly``),
sanitised to characters every shell and config tool accepts, and falls back to the account id
when an account has no name. An organisation preset can set its own pattern.

Placeholders: ``{account_name}``, ``{account_id}``, ``{account_email}``, ``{role_name}``,
``{session}``; append ``:lower`` to lower-case one (``{role_name:lower}``).
"""

from __future__ import annotations

import functools
import re
import string
from typing import Callable, Iterable

DEFAULT_PATTERN = "{account_name}-{role_name}"
PLACEHOLDERS = ("account_name", "account_id", "account_email", "role_name", "session")
MAX_LENGTH = 64

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
SAFE = re.compile(r"[A-Za-z0-9._-]+")
"""What a cleaned name consists of (such a name is always a valid profile name)."""
_REPEATS = re.compile(r"([._-])[._-]+")


@functools.lru_cache(maxsize=65536)
def sanitise(text: str) -> str:
    """Replace spaces, brackets, quotes, slashes... with ``-`` and tidy the result (remembered: the
    naming step cleans the same account and role names on every keystroke)."""
    text = _UNSAFE.sub("-", text.strip())
    text = _REPEATS.sub(r"\1", text)
    return text.strip("-._")[:MAX_LENGTH].rstrip("-._")


def check_pattern(pattern: str) -> str | None:
    """None when ``pattern`` is usable, else the reason (for a preset error)."""
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError as error:
        return f"{error} (use {{account_name}}, {{role_name}}, ...)"
    used = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            return f"unknown placeholder {{{name}}}; use one of " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        if spec not in ("", "lower") or conversion:
            return f"{{{name}:{spec}}} is not supported; only :lower is"
        used.append(name)
    if not used:
        return "it has no placeholder, so every profile would get the same name"
    return None


def _account_fields(account) -> tuple[str, str, str]:
    """(name, id, email) of an ``app.signin.portal.Account`` or a plain tuple/dict."""
    if isinstance(account, dict):
        return account.get("account_name") or "", account.get("account_id") or "", account.get("email") or ""
    return (
        getattr(account, "account_name", None) or "",
        getattr(account, "account_id", None) or "",
        getattr(account, "email", None) or "",
    )


def name_maker(pattern: str | None = None, *, session: str | None = None) -> Callable[[object, str], str]:
    """``make(account, role)``: :func:`suggest_profile_name` for one pattern, parsed once (for
    naming thousands of profiles on each keystroke). An unusable pattern means the default."""
    pattern = pattern or DEFAULT_PATTERN
    if check_pattern(pattern):
        pattern = DEFAULT_PATTERN
    parts = [(literal, field_name, spec == "lower") for literal, field_name, spec, _ in string.Formatter().parse(pattern)]
    session_value = sanitise(session or "")

    def make(account, role: str) -> str:
        name, account_id, email = _account_fields(account)
        out = []
        for literal, field_name, lower in parts:
            out.append(literal)
            if field_name is None:
                continue
            if field_name == "account_name":
                value = name or account_id
            elif field_name == "account_id":
                value = account_id
            elif field_name == "account_email":
                value = (email.split("@")[0] if email else "") or name or account_id
            elif field_name == "role_name":
                value = role
            else:
                value = session_value
            value = sanitise(value)
            out.append(value.lower() if lower else value)
        result = sanitise("".join(out))
        return result or sanitise(f"{account_id}-{role}") or "sso-profile"

    return make


def suggest_profile_name(account, role: str, pattern: str | None = None, *, session: str | None = None) -> str:
    """A readable, safe profile name for ``role`` in ``account``.

    ``account`` is an :class:`app.signin.portal.Account` (anything with ``account_name``,
    ``account_id`` and ``email``). An empty field falls back sensibly: a missing account name
    becomes the account id.
    """
    return name_maker(pattern, session=session)(account, role)


def next_free_name(name: str, taken: Iterable[str]) -> str:
    """``name`` if free, else ``name-2``, ``name-3``... (for "pick another name")."""
    taken = set(taken)
    if name not in taken:
        return name
    base = re.sub(r"-\d+$", "", name) or name
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
