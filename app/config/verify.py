"""Check, before anything is written, that botocore reads the new text as the old profiles and
sessions plus exactly the intended change.

Re-reading a 5,000-profile file with botocore takes longer than the whole write may, so the
check is split along section boundaries, without becoming weaker:

1. Every untouched run of lines is byte-identical in the new text, at its new place.
2. Every changed piece starts with a header at column 0 (or holds only comments and blank
   lines), and so does whatever follows it. configparser carries nothing across such a
   boundary except the set of section names (checked in 3) and ``[DEFAULT]`` (included in 4),
   so the untouched sections read exactly as before.
3. No section name appears twice in the new file.
4. botocore's real loader (``raw_config_parse`` + ``build_profile_map`` on a file) reads the
   changed sections, every other section of the names involved, and ``[DEFAULT]``: each
   name must have exactly the values the edits intended (or be gone), and each changed
   section must read as this project's parser reads it.

When a boundary is not clean (an indented header after a changed section, say), the whole new
file goes through botocore instead and is compared name by name with the expected result.

Plain sections (what ``populate`` writes by the thousand) are read by botocore one per shape.
A plain section is a ``[profile NAME]`` or ``[sso-session NAME]`` header followed only by
``key = value`` lines with distinct lowercase keys, then blank lines, where neither the name nor
any value holds whitespace, quotes, backslashes, brackets, ``#`` or ``;`` (:data:`_PLAIN`).
configparser and botocore's ``shlex`` treat such a name or value as an opaque token (no
delimiter, comment, quote, continuation or case change can arise inside it), so two plain
sections with the same header kind and the same keys in the same order read alike, token for
token. Of each such shape the first section goes through botocore's loader with the rest of
step 4 (which proves the shape reads as its own text says); the others are read from their text
by :data:`_PLAIN`, then compared with the intended values exactly as botocore's reading would
be. ``tests/test_config_verify_plain.py`` holds the token rule against botocore itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile

from app.config.document import (
    _SECTCRE,
    DEFAULT_SECTION,
    PROFILE,
    SERVICES,
    SSO_SESSION,
    ConfigDocument,
    ConfigParseError,
    parse_nested,
    parse_section_lines,
    section_target,
)
from app.config.edits import EditOutcome, Kept, Replaced, Segment
from app.errors import WizardError

_MAP_KEYS = {PROFILE: "profiles", SSO_SESSION: "sso_sessions", SERVICES: "services"}

_TOKEN = r"[A-Za-z0-9_.,:/@+=-]+"
_PLAIN = re.compile(
    rf"\[(?P<kind>profile|sso-session) (?P<name>{_TOKEN})\]\r?\n"
    rf"(?P<options>(?:[a-z][a-z0-9_]* = {_TOKEN}\r?\n)+)(?:\r?\n)*"
)
_PLAIN_OPTION = re.compile(rf"([a-z][a-z0-9_]*) = ({_TOKEN})\r?\n")
"""A plain section (see the module docstring), and one of its option lines."""


class VerificationError(WizardError):
    """botocore would not read the planned text as intended; nothing was written."""

    def __init__(self, detail: str):
        super().__init__(
            f"The change was not written: botocore would read the result differently from what "
            f"was intended ({detail}).",
            hint="This is a bug in aws-sso-wizard; your file is unchanged. Please report it.",
        )
        self.detail = detail


def botocore_read(text: str) -> dict:
    """botocore's own loader on ``text``: ``build_profile_map(raw_config_parse(file))``. The loader
    reads only named files: on Linux the text lives in an anonymous in-memory file, elsewhere in
    a private temporary file that is removed at once (the sections may hold static keys)."""
    from botocore.configloader import build_profile_map, raw_config_parse

    data = text.encode("utf-8")
    try:
        fd, name, temporary = _scratch_file(data)
    except OSError as error:
        raise WizardError(
            f"The change could not be checked before writing: no scratch file ({error.strerror or error}).",
            hint="Free some space in the temporary folder (TMPDIR), then try again; nothing was written.",
        ) from None
    try:
        try:
            raw = raw_config_parse(name)
        except Exception as error:  # noqa: BLE001 - botocore's refusal, whatever its type
            raise VerificationError(f"botocore cannot parse it: {type(error).__name__}") from None
        mapped = build_profile_map(raw)
        mapped["__raw__"] = raw
        return mapped
    finally:
        os.close(fd)
        if temporary:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)


def _scratch_file(data: bytes) -> tuple[int, str, bool]:
    """(an open descriptor, a path botocore can open, whether the path must be removed)."""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("aws-sso-wizard-verify")
        try:
            _write_all(fd, data)
            name = f"/proc/self/fd/{fd}"
            if os.path.isfile(name):
                return fd, name, False
        except OSError:
            pass
        os.close(fd)
    fd, name = tempfile.mkstemp(prefix="aws-sso-wizard-verify-", suffix=".config")
    try:
        _write_all(fd, data)
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    return fd, name, True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _header_of(line: str) -> str | None:
    match = _SECTCRE.match(line.strip())
    return match.group("header") if match else None


def _body(piece: list[str]) -> list[str]:
    """A changed piece without its leading blank and comment lines (which configparser reads
    as nothing: a blank line adds an empty part that the value's rstrip removes)."""
    for index, line in enumerate(piece):
        stripped = line.strip()
        if stripped and stripped[0] not in "#;":
            return piece[index:]
    return []


def _values(section_values: dict) -> dict:
    return {k: (parse_nested(v) if isinstance(v, str) and v.startswith("\n") else v) for k, v in section_values.items()}


def verify(outcome: EditOutcome, new_text: str) -> None:
    """Raise :class:`VerificationError` unless botocore reads ``new_text`` as intended."""
    doc = outcome.doc
    segments = outcome.segments()
    if not _check_layout(doc, segments, new_text):
        _verify_whole(outcome, new_text)
        return
    pieces = [(segment.origin, _body(segment.lines)) for segment in segments if isinstance(segment, Replaced)]
    touched_old = {origin for origin, _ in pieces if origin is not None and origin >= 0}

    # 3: section names stay unique.
    headers: list[tuple[int | None, list[str], str]] = []
    header_of_piece: list[str | None] = []  # by piece, None: no header
    for origin, piece in pieces:
        header = None
        if piece and piece[0].startswith("["):
            header = _header_of(piece[0])
            if header is None:
                raise VerificationError("a changed section has no readable header")
            headers.append((origin, piece, header))
        header_of_piece.append(header)
    named = [h for _, _, h in headers if h != DEFAULT_SECTION]
    if len(set(named)) != len(named):
        raise VerificationError("a section would appear twice")
    for header in named:
        existing = doc.index_of(header)
        if existing is not None and existing not in touched_old:
            raise VerificationError(f"the section [{header}] would appear twice")

    # 4: botocore's loader on the changed sections (plain ones one per shape), the other
    # sections of the same names, and [DEFAULT], in new-file order.
    names = set(outcome.expectations)
    ours: dict[str, dict] = {}
    by_shape: dict[str, tuple[tuple[str, str], dict]] = {}  # header -> (target, own values), plain ones read by shape
    shapes: set[tuple] = set()
    read_by_shape: set[tuple[str, str]] = set()
    targets_read: set[tuple[str, str]] = set()  # by botocore
    for _origin, piece, header in headers:
        target = section_target(header)
        if target is not None:
            names.add(target)
            own = _plain_values(piece, target)
            if own is not None and all(i in touched_old for i in doc.sections_for(*target)):
                shape = (target[0], tuple(own))
                if shape in shapes and target not in read_by_shape:
                    by_shape[header] = (target, own)
                    read_by_shape.add(target)
                    continue
                shapes.add(shape)
            targets_read.add(target)
        try:
            details = parse_section_lines(piece, 0)
        except ConfigParseError as error:
            raise VerificationError(f"a changed section does not parse: {error.reason}") from None
        if header != DEFAULT_SECTION:
            ours[header] = {b.key: b.value for b in details.options}
    if read_by_shape & targets_read:  # two changed sections of one name: botocore reads the file whole
        _verify_whole(outcome, new_text)
        return
    include = set(doc.default_sections)
    for kind, name in names:  # the old sections of those read by their shape are all touched
        if (kind, name) not in read_by_shape:
            include.update(i for i in doc.sections_for(kind, name) if i not in touched_old)
    wanted = sorted(include)
    chunks: list[str] = []
    next_old = 0
    replaced = 0
    for segment in segments:
        if isinstance(segment, Kept):
            start, stop = segment
            while next_old < len(wanted) and doc.starts[wanted[next_old]] < stop:
                index = wanted[next_old]
                if doc.starts[index] >= start:
                    chunks.append(doc.text_of(doc.starts[index], doc.section_end(index)))
                next_old += 1
        else:
            header = header_of_piece[replaced]
            if header is not None and header not in by_shape:
                chunks.append("".join(pieces[replaced][1]))
            replaced += 1
    read = botocore_read("".join(_ensure_newline(chunk) for chunk in chunks))
    defaults = doc.defaults()
    for header, (target, own) in by_shape.items():
        values: dict[str, object] = dict(own)
        for key, value in defaults.items():
            values.setdefault(key, value)
        read["__raw__"][header] = values
        read.setdefault(_MAP_KEYS[target[0]], {})[target[1]] = values
    _compare_names(outcome, names, read)
    for header, values in ours.items():
        mine: dict[str, object] = dict(values)
        for key, value in defaults.items():
            mine.setdefault(key, value)
        if _values(mine) != read["__raw__"].get(header):
            raise VerificationError(f"[{header}] reads differently in botocore and in aws-sso-wizard")
    for origin, _piece, header in headers:
        if origin is not None and origin >= 0 and section_target(header) is None and header == doc.headers[origin]:
            if header != DEFAULT_SECTION and read["__raw__"].get(header) != doc.section_values(origin):
                raise VerificationError(f"the values of [{header}] would change although no edit targets it")


def _plain_values(piece: list[str], target: tuple[str, str]) -> dict[str, str] | None:
    """A plain section's values from its text (None: not plain)."""
    text = "".join(piece)
    match = _PLAIN.fullmatch(text)
    if match is None or (match["kind"], match["name"]) != target:
        return None
    values = dict(_PLAIN_OPTION.findall(match["options"]))
    if len(values) != match["options"].count("\n"):
        return None  # a key twice: configparser refuses the file, botocore must say so
    return values


def _check_layout(doc: ConfigDocument, segments: list[Segment], new_text: str) -> bool:
    """Checks 1 and 2: untouched runs byte-identical in place (raises otherwise); returns
    whether every changed piece has clean boundaries."""
    old_text = doc.text
    clean = True
    position = 0  # in new_text
    after_piece = False
    for segment in segments:
        if isinstance(segment, Kept):
            start, stop = segment
            begin, end = doc.offset_of(start), doc.offset_of(stop)
            length = end - begin
            if new_text[position : position + length] != old_text[begin:end]:
                raise VerificationError(f"lines {start + 1}-{stop} would change although no edit touches them")
            if after_piece and not old_text.startswith("[", begin):
                clean = False
            position += length
            after_piece = False
            continue
        piece = segment.lines
        text = "".join(piece)
        if new_text[position : position + len(text)] != text:
            raise VerificationError("the rendered text does not match the edited sections")
        position += len(text)
        body = _body(piece)
        if body and not body[0].startswith("["):
            clean = False
        after_piece = after_piece or bool(piece)
    if position != len(new_text):
        raise VerificationError("the new text has unexpected extra content")
    return clean


def _ensure_newline(chunk: str) -> str:
    return chunk if not chunk or chunk.endswith(("\n", "\r")) else chunk + "\n"


def _compare_names(outcome: EditOutcome, names, read: dict) -> None:
    doc = outcome.doc
    for kind, name in names:
        if (kind, name) in outcome.expectations:
            expected = outcome.expectations[(kind, name)]
        else:
            indices = doc.sections_for(kind, name)
            expected = doc.section_values(indices[-1]) if indices else None
        actual = read[_MAP_KEYS[kind]].get(name)
        if expected is None and actual is None:
            continue
        if expected is None:
            raise VerificationError(f"{kind} {name} would still exist")
        if actual is None:
            raise VerificationError(f"{kind} {name} would be missing")
        if _values(expected) != actual:
            keys = sorted(set(expected) ^ set(actual) | {k for k in expected if k in actual and _values(expected)[k] != actual[k]})
            raise VerificationError(f"{kind} {name}: {', '.join(keys) or 'values'} would differ")


def _verify_whole(outcome: EditOutcome, new_text: str) -> None:
    """The slow, complete check for files whose layout defeats the section-wise one."""
    doc = outcome.doc
    read = botocore_read(new_text)
    try:
        ours = ConfigDocument.parse(new_text)
    except ConfigParseError as error:
        raise VerificationError(f"the new text does not parse: {error.reason}") from None
    if ours.raw_config() != read["__raw__"]:
        raise VerificationError("botocore and aws-sso-wizard read the new text differently")
    names = set(outcome.expectations)
    for target in doc.targets:
        if target is not None:
            names.add(target)
    for kind, key in _MAP_KEYS.items():
        names.update((kind, name) for name in read[key])
    _compare_names(outcome, names, read)
