"""Which config values are secrets, and how a config line is shown with its secret masked.
Screens and commands show config text through this (the file itself is always written whole)."""

from __future__ import annotations

import re

HIDDEN = "•••••••• (hidden)"

# Keys whose values are never shown, whatever the profile kind.
_SECRET_KEYS = {
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "sso_client_secret",
}
_SECRET_WORDS = ("secret", "password", "passphrase", "session_token", "security_token", "private_key")

# "key = value" or "key: value" (configparser's delimiters), any indentation (nested sub-sections)
_SETTING = re.compile(r"^(?P<lead>\s*)(?P<key>[^=:\s\[#;][^=:]*?)(?P<sep>\s*[=:]\s*)(?P<value>.*?)(?P<end>\s*)$")


def is_secret_key(key: str) -> bool:
    lowered = key.strip().lower()
    return lowered in _SECRET_KEYS or any(word in lowered for word in _SECRET_WORDS)


def mask_config_line(line: str) -> str:
    """``line`` of a config file with the value masked when its key is a secret."""
    match = _SETTING.match(line)
    if match is None or not match.group("value") or not is_secret_key(match.group("key")):
        return line
    return f"{match.group('lead')}{match.group('key')}{match.group('sep')}{HIDDEN}{match.group('end')}"


def mask_diff(diff: str) -> str:
    """A unified diff of a config file with every secret value masked (headers and hunks kept)."""
    out = []
    for line in diff.splitlines(keepends=True):
        if line[:1] in (" ", "+", "-") and not line.startswith(("+++ ", "--- ")):
            body = line[1:]
            newline = body[len(body.rstrip("\r\n")):]
            out.append(line[0] + mask_config_line(body[: len(body) - len(newline)]) + newline)
        else:
            out.append(line)
    return "".join(out)
