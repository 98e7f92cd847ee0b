"""A fast reader of the AWS config for completion and the prompt, which run on every key press and
every prompt: the profile and sso-session names, and the plain keys of each, read with the rules of
botocore's parser (``configparser.RawConfigParser``, §9 of the interop reference) and nothing else
imported. It never refuses a file: what botocore cannot read at all gives what can be seen (the
real reader, :mod:`app.config.model`, is the one that explains a broken file)."""

from __future__ import annotations

import os

PROFILE = "profile"
SSO_SESSION = "sso-session"
_SHLEX_SPECIALS = "'\"\\"


def _name_of(header: str) -> tuple[str, str] | None:
    """(kind, name) of a section as botocore maps it, or None for any other section."""
    if header.startswith("profile"):
        kind = PROFILE
    elif header.startswith("sso-session"):
        kind = SSO_SESSION
    elif header == "default":
        return PROFILE, "default"
    else:
        return None
    if any(c in header for c in _SHLEX_SPECIALS):
        import shlex

        try:
            parts = shlex.split(header)
        except ValueError:
            return None
    else:
        parts = header.split()
    return (kind, parts[1]) if len(parts) == 2 else None


class Sections:
    """The profiles and sso-sessions of one config file: name -> {key: value} (top-level keys,
    lower-cased; a nested block's value is its raw text), in botocore's order."""

    def __init__(self, profiles: dict[str, dict[str, str]], sessions: dict[str, dict[str, str]]) -> None:
        self.profiles = profiles
        self.sessions = sessions


def parse(text: str) -> Sections:
    """The sections of ``text`` (the file's contents)."""
    defaults: dict[str, str] = {}
    raw: list[tuple[str, dict[str, str]]] = []
    current: dict[str, str] | None = None
    key: str | None = None
    indent = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if key is not None:
                current[key] += "\n"  # type: ignore[index]  # a key is only set inside a section
            continue
        first = stripped[0]
        if first == "#" or first == ";":
            continue
        level = len(line) - len(line.lstrip()) if line[0].isspace() else 0
        if key is not None and level > indent:
            current[key] += "\n" + stripped  # type: ignore[index]
            continue
        key = None
        if first == "[" and "]" in stripped:
            header = stripped[1:stripped.rindex("]")]
            current = defaults if header == "DEFAULT" else {}
            if current is not defaults:
                raw.append((header, current))
            continue
        if current is None:
            continue
        equals, colon = stripped.find("="), stripped.find(":")
        at = equals if colon < 0 or 0 <= equals < colon else colon
        if at > 0:
            key = stripped[:at].rstrip().lower()
            current[key] = stripped[at + 1:].lstrip()
            indent = level
    profiles: dict[str, dict[str, str]] = {}
    sessions: dict[str, dict[str, str]] = {}
    for header, values in raw:
        target = _name_of(header)
        if target is None:
            continue
        merged = {k: v.rstrip("\n") for k, v in {**defaults, **values}.items()}
        (profiles if target[0] == PROFILE else sessions)[target[1]] = merged
    return Sections(profiles, sessions)


def config_path() -> str:
    """The config file as :func:`app.paths.aws_config_path` names it (without importing pathlib)."""
    value = os.environ.get("AWS_CONFIG_FILE")
    return os.path.expanduser(os.path.expandvars(value)) if value else os.path.expanduser("~/.aws/config")


def read_regular(path: str) -> bytes | None:
    """The bytes of the regular file at ``path``; None when it is missing, unreadable or not a
    regular file. Never blocks: a FIFO put in its place is opened non-blocking and refused."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)


def read(path: str | None = None) -> Sections:
    """The sections of the config file (none when it is missing, unreadable or not a file)."""
    data = read_regular(path or config_path())
    try:
        text = data.decode("utf-8") if data is not None else ""
    except UnicodeDecodeError:
        text = ""
    return parse(text)

