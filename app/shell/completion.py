"""Tab completion for every shell, from the command definitions themselves.

The spec (every command, its options and what each option and argument takes) is made from the
real argument parsers (``app.commands.*.add_arguments``), kept as JSON in the settings folder, and
made again when the program's version or any command module changes. An answer then reads only
that file and, for profile and sso-session names, the config (:mod:`app.shell.scan`): no parser
is built and neither Textual nor boto3 is imported.

What an argument takes is read from its definition: ``choices``; a ``PROFILE`` metavar or a
``profile`` destination (profile names); an ``sso_session`` destination (sso-session names); a
``FILE``/``DIR`` metavar (file names). An action may also say so itself with a ``completes``
attribute (one of :data:`KINDS`).
"""

from __future__ import annotations

import os

from app import __version__

PROFILES, SESSIONS, FILES, VALUE = "profiles", "sessions", "files", "value"
KINDS = (PROFILES, SESSIONS, FILES, VALUE)
SPEC_FILE = "completion-spec.json"
_SPEC_VERSION = 1


class Answer:
    """The candidates for the word under the cursor, or ``files``: let the shell complete a path."""

    __slots__ = ("candidates", "files")

    def __init__(self, candidates: list[tuple[str, str]] | None = None, files: bool = False) -> None:
        self.candidates = candidates or []  # (word, description)
        self.files = files

    def lines(self, shell: str) -> list[str]:
        if shell == "fish":
            return [f"{word}\t{text}" if text else word for word, text in self.candidates]
        return [word for word, _ in self.candidates]


# -- the spec, from the parsers ---------------------------------------------------------------


def _kind(action) -> object:
    """What an argparse action's value is: a list of choices, or one of :data:`KINDS`."""
    declared = getattr(action, "completes", None)
    if declared in KINDS:
        return declared
    if action.choices:
        return [str(choice) for choice in action.choices]
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    dest = action.dest or ""
    if metavar.upper().startswith("PROFILE") or dest in ("profile", "profiles"):
        return PROFILES
    if dest == "sso_session" or metavar.upper() == "SSO_SESSION":
        return SESSIONS
    if metavar.upper() in ("FILE", "DIR", "PATH") or metavar.upper().endswith("_FILE"):
        return FILES
    return VALUE


def _describe(parser) -> dict:
    import argparse

    options: dict[str, list] = {}
    positionals: list[list] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        text = " ".join((action.help or "").split()) if action.help != argparse.SUPPRESS else ""
        if action.option_strings:
            takes = None if action.nargs == 0 else _kind(action)
            for flag in action.option_strings:
                options[flag] = [takes, text]
        else:
            nargs = action.nargs if action.nargs is not None else 1
            positionals.append([_kind(action), nargs if nargs != argparse.REMAINDER else "..."])
    return {"options": options, "positionals": positionals}


def build_spec() -> dict:
    """The spec of every command, from the real parsers (imports every command module)."""
    import argparse

    from app.cli import build_parser
    from app.commands import COMMANDS

    parser = build_parser()
    top = _describe(parser)
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help or "" for choice in subparsers._choices_actions}
    commands = {}
    for name in COMMANDS:
        commands[name] = {"help": helps.get(name, ""), **_describe(subparsers.choices[name])}
    return {"version": _SPEC_VERSION, "options": top["options"], "commands": commands}


def _stamp() -> list:
    """What the spec depends on: the program's version and the file stamps of the command line,
    the command modules and this package (the choices some options offer come from it)."""
    from app import commands

    here = os.path.dirname(os.path.abspath(__file__))
    files = []
    for directory in (os.path.dirname(commands.__file__), here):
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    files.append([entry.path, st.st_mtime_ns, st.st_size])
    cli = os.path.join(os.path.dirname(here), "cli.py")
    st = os.stat(cli)
    files.append([cli, st.st_mtime_ns, st.st_size])
    files.sort()
    return [__version__, files]


def spec_path() -> str:
    from app.paths import settings_dir_text

    return os.path.join(settings_dir_text(), SPEC_FILE)


def load_spec() -> dict:
    """The spec, from the settings folder when it matches this program, else made and kept."""
    stamp = _stamp()
    path = spec_path()
    from app.quickjson import json_loads
    from app.shell.scan import read_regular

    data = read_regular(path)
    try:
        kept: dict = json_loads(data.decode("utf-8")) if data is not None else {}  # type: ignore[assignment]
        if kept.get("stamp") == stamp and kept.get("spec", {}).get("version") == _SPEC_VERSION:
            return kept["spec"]
    except (ValueError, AttributeError, RecursionError):
        pass
    spec = build_spec()
    try:
        import json
        from pathlib import Path

        from app.fsutil import atomic_write_text

        atomic_write_text(Path(path), json.dumps({"stamp": stamp, "spec": spec}, separators=(",", ":")))
    except OSError:
        pass  # completion still answers; it makes the spec again next time
    return spec


# -- answers ----------------------------------------------------------------------------------


def _names(kind: object, prefix: str) -> Answer:
    if kind == FILES:
        return Answer(files=True)
    if isinstance(kind, list):
        words = kind
    elif kind in (PROFILES, SESSIONS):
        from app.shell import scan

        sections = scan.read()
        words = list(sections.profiles if kind == PROFILES else sections.sessions)
    else:
        return Answer()
    return Answer([(word, "") for word in words if word.startswith(prefix)])


def _options(options: dict, prefix: str, used: set[str]) -> Answer:
    return Answer([(flag, text) for flag, (_, text) in options.items()
                   if flag.startswith(prefix) and flag not in used and (flag.startswith("--") or prefix)])


def bash_words(words: list[str]) -> list[str]:
    """The words as typed, from bash's ``COMP_WORDS``: bash splits ``--option=value`` into
    ``--option``, ``=``, ``value`` (``=`` is one of its word breaks, and readline then completes
    only what follows it), which here reads as ``--option value``."""
    joined: list[str] = []
    for index, word in enumerate(words):
        if word == "=" and joined and joined[-1].startswith("-"):
            if index == len(words) - 1:
                joined.append("")  # the cursor is right after "=": the value is still empty
            continue
        joined.append(word)
    return joined


def answer(words: list[str], spec: dict | None = None) -> Answer:
    """What completes the last of ``words`` (the words after the program's name, the one under
    the cursor last, maybe empty)."""
    spec = spec if spec is not None else load_spec()
    *before, current = words or [""]
    options = spec["options"]
    command = None
    i = 0
    while i < len(before):  # the program's own options, then the command
        word = before[i]
        if word.startswith("-"):
            takes = options.get(word, [None])[0]
            i += 2 if takes is not None else 1
            continue
        command = spec["commands"].get(word)
        if command is None:
            return Answer()
        i += 1
        break
    if command is None:
        if i > len(before):  # the value of a top-level option
            return Answer()
        if current.startswith("-"):
            return _options(options, current, set())
        return Answer([(name, info["help"]) for name, info in spec["commands"].items() if name.startswith(current)])
    options = command["options"]
    positionals = command["positionals"]
    count, used, rest = 0, set(), False
    while i < len(before):
        word = before[i]
        if rest:
            i += 1
            continue
        if word == "--":
            rest = True
        elif word.startswith("-") and word != "-":
            flag = word.partition("=")[0]
            used.add(flag)
            takes = options.get(flag, [None])[0]
            if takes is not None and "=" not in word:
                if i + 1 == len(before):
                    return _names(takes, current)  # the option's value is under the cursor
                i += 1
        else:
            count += 1
        i += 1
    if rest:
        return Answer(files=True)
    if current.startswith("-") and current != "-":
        return _options(options, current, used)
    kind = _positional(positionals, count)
    if kind is None:
        return _options(options, current, used) if not current else Answer()
    return _names(kind, current)


def _positional(positionals: list, count: int) -> object:
    """What the positional argument after ``count`` others takes, or None when none is left."""
    seen = 0
    for kind, nargs in positionals:
        if nargs in ("*", "+", "..."):
            return kind
        width = 1 if nargs == "?" else int(nargs)
        if count < seen + width:
            return kind
        seen += width
    return None
