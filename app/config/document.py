"""A round-trip model of the AWS shared config file (``~/.aws/config``).

The document keeps every byte: it is a list of lines, each with its own line ending, split
exactly where botocore's reader splits them (``\\n``, ``\\r\\n`` or a lone ``\\r``). Sections
are runs of lines from a header to the line before the next header. ``render()`` joins the
lines, so an unedited document renders byte-identical to its input. (For large files the
split happens lazily: the fast path records each header's line number and character offset,
and the writer slices untouched runs straight out of the original text.)

Which text is valid, and what it means, follows botocore's loader exactly: botocore reads the
file with ``configparser.RawConfigParser()`` (strict, ``=``/``:`` delimiters, whole-line
``#``/``;`` comments, indented continuation lines, blank lines inside values, keys lower-cased,
``[DEFAULT]`` inherited by every section) and then splits indented blocks of ``key =`` values
into nested dicts. :class:`_ExactScanner` mirrors that algorithm line for line; a fast path
(:func:`_fast_index`) handles the common, plain layout with a few bulk operations and hands
every file it is not sure about to the exact scanner. The property tests check both against
botocore's real ``raw_config_parse``.
"""

from __future__ import annotations

import re
import shlex
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple, Sequence

from app.errors import WizardError, redact

# configparser's own patterns (Python 3.10-3.13 use exactly these for RawConfigParser()).
_SECTCRE = re.compile(r"\[(?P<header>.+)\]")
_OPTCRE = re.compile(r"(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$")
_NONSPACECRE = re.compile(r"\S")

DEFAULT_SECTION = "DEFAULT"  # configparser's inherited section (not the [default] profile)

# str.splitlines() also splits on these; botocore's reader (universal newlines) does not.
_EXTRA_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

def _possessive(pattern: str) -> str:
    """Possessive quantifiers (``*+``, ``++``, ``?+``) exist from Python 3.11 on; before that,
    plain ones match the same here (every grammar below is deterministic), only slower."""
    return pattern if sys.version_info >= (3, 11) else re.sub(r"([*+?])\+", r"\1", pattern)


# The common layout (see _fast_index), as one deterministic grammar over the whole text:
# blank or comment lines, then sections of a header at column 0 holding a single "]", blank
# or comment lines, and options "key = value" with plain lower-case keys at column 0, each
# maybe followed by indented continuation lines. Every alternative starts with a different
# character class, so the possessive quantifiers never cut off a valid parse.
_BLANK_OR_COMMENT = r"[ \t]*+(?:[#;][^\n]*+|\r)?\n"
_FAST_HEADER = r"\[[^\]\r\n]++\][^\]\r\n]*+\r?\n"
_FAST_OPTION = r"[a-z0-9_.\-]++[ \t]*+[=:][^\n]*+\n"
_FAST_CONTINUATION = r"[ \t]++[^\s#;][^\n]*+\n"
_FAST_GRAMMAR = re.compile(_possessive(
    rf"(?:{_BLANK_OR_COMMENT})*+"
    rf"(?:{_FAST_HEADER}(?:{_BLANK_OR_COMMENT})*+"
    rf"(?:{_FAST_OPTION}(?:{_FAST_OPTION}|{_FAST_CONTINUATION}|{_BLANK_OR_COMMENT})*+)?+)*+"
))
# In a text the grammar accepted: every line start that is a header ("[") or an option key.
_FAST_TOKENS = re.compile(_possessive(r"\n(\[|[a-z0-9_.\-]++)"))
_FAST_CONTINUATION_START = re.compile(_possessive(r"\n[ \t]++[^\s#;]"))

# A plain option line of the common layout (only used on sections _fast_index accepted).
_SIMPLE_OPTION = re.compile(r"([a-z0-9_.\-]+)[ \t]*[=:](.*)")

# Headers and "key = value" lines of a file the fast path accepted (see all_section_values).
_BULK_VALUES = re.compile(r"\n(?:\[([^\]\r\n]+)\][^\n]*|([a-z0-9_.\-]+)[ \t]*[=:]([^\n]*))")

# Section kinds as botocore's build_profile_map names them.
PROFILE = "profile"
SSO_SESSION = "sso-session"
SERVICES = "services"
_SIMPLE_HEADER = re.compile(r"([^\s'\"\\]+) ([^\s'\"\\]+)")
# A run of headers in the CLI's plain form ("profile NAME" etc. with an unquoted NAME, or
# "default"), one per line; see ConfigDocument.sections_for.
_CANONICAL_RUN = re.compile(_possessive(r"(?:(?:profile|sso-session|services) [^\s'\"\\]++\n|default\n)*+"))
_NO_SHLEX_SPECIALS = re.compile(r"[^\s'\"\\]*")


class ConfigParseError(WizardError):
    """The config file is one botocore cannot read; ``line`` is 1-based (None: whole file)."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None, hint: str | None = None):
        where = f"{path}: " if path is not None else ""
        at = f"line {line}: " if line is not None else ""
        super().__init__(
            f"{where}{at}{message}",
            hint=hint or "Fix that line by hand (or restore a backup) and try again; nothing was written.",
        )
        self.path = path
        self.line = line
        self.reason = message


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split where botocore's reader splits them."""
    if any(ch in text for ch in _EXTRA_LINE_BREAKS):
        return _LINE_RE.findall(text)
    return text.splitlines(True)


def line_ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith("\n"):
        return "\n"
    if line.endswith("\r"):
        return "\r"
    return ""


def line_content(line: str) -> str:
    """The line without its ending."""
    return line[: len(line) - len(line_ending(line))]


def detect_newline(text: str) -> str:
    """The file's newline style: its most common line ending (``\\n`` when it has none)."""
    if "\r" not in text:
        return "\n"
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max((lf, 2, "\n"), (crlf, 1, "\r\n"), (cr, 0, "\r"))
    return best[2] if best[0] else "\n"


# --- section names as botocore maps them ------------------------------------------------------


def _split_header(header: str) -> list[str] | None:
    """``shlex.split(header)`` (None when shlex fails), with a fast path for plain headers."""
    match = _SIMPLE_HEADER.fullmatch(header)
    if match:
        return [match.group(1), match.group(2)]
    if _NO_SHLEX_SPECIALS.fullmatch(header):
        return [header] if header else []
    try:
        return shlex.split(header)
    except ValueError:
        return None


def section_target(header: str) -> tuple[str, str] | None:
    """What botocore makes of a section: ``(kind, name)`` with kind ``profile``,
    ``sso-session`` or ``services``; None for any other section (including the ones botocore
    drops silently, such as ``[profile a b]`` or ``[profile 'x]``)."""
    if header.startswith("profile"):
        kind = PROFILE
    elif header.startswith("sso-session"):
        kind = SSO_SESSION
    elif header.startswith("services"):
        kind = SERVICES
    elif header == "default":
        return (PROFILE, "default")
    else:
        return None
    parts = _split_header(header)
    if parts is not None and len(parts) == 2:
        return (kind, parts[1])
    return None


def dropped_reason(header: str) -> str | None:
    """Why botocore silently ignores a ``[profile ...]``-style section, or None if it does not."""
    if not header.startswith(("profile", "sso-session", "services")) or section_target(header) is not None:
        return None
    parts = _split_header(header)
    if parts is None:
        return "its name has an unbalanced quote"
    if len(parts) < 2:
        return "it has no name after the section type"
    return "its name contains a space but is not quoted"


def section_header(kind: str, name: str) -> str:
    """The header text the AWS CLI writes for a section (without the brackets).

    ``default`` is ``[default]``; names with a space or tab are quoted with ``shlex.quote``,
    exactly as the CLI's ``get_section_header`` does.
    """
    if kind == PROFILE and name == "default":
        return "default"
    if " " in name or "\t" in name:
        name = shlex.quote(name)
    return f"{kind} {name}"


# --- parsed structure ------------------------------------------------------------------------


class Section(NamedTuple):
    """A section's place in the document: ``start`` is the header's line index (0-based),
    ``end`` the index after its last line (the next header, or the end of the file)."""

    header: str
    start: int
    end: int

    @property
    def line(self) -> int:
        return self.start + 1


class OptionBlock(NamedTuple):
    """One setting: its key line and any continuation lines (``first``..``last``, inclusive).

    ``value`` is the string configparser stores (continuation lines joined with ``\\n``,
    trailing whitespace removed); ``indent`` is the key line's leading whitespace.
    """

    key: str
    first: int
    last: int
    value: str
    indent: str


@dataclass(frozen=True)
class SectionDetails:
    section: Section
    options: tuple[OptionBlock, ...]

    def option(self, key: str) -> OptionBlock | None:
        for block in self.options:
            if block.key == key:
                return block
        return None


class _Problem(Exception):
    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


def _show(text: str, limit: int = 60) -> str:
    """A line's text for an error message: secrets redacted, long lines shortened."""
    text = redact(text.strip())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    # control characters (an escape sequence in the file) are shown, never sent to the terminal
    return "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in text)


class _ExactScanner:
    """configparser's ``RawConfigParser._read`` (strict, default options), line for line,
    recording where each section and each option lives."""

    def __init__(self) -> None:
        self.headers: list[str] = []
        self.starts: list[int] = []
        self.options: list[list[list]] = []  # per section: [key, first, last, parts, indent]
        self.default_options: list[list] = []  # options of every [DEFAULT] section, in order
        self.problems: list[_Problem] = []

    def scan(self, lines: Sequence[str], base: int = 0) -> None:
        cursect: dict | None = None
        current: list | None = None  # option list of the current section
        sectname: str | None = None
        optname: str | None = None
        indent_level = 0
        seen_sections: dict[str, int] = {}
        seen_options: dict[tuple[str, str], int] = {}
        opt_index: dict[str, dict] = {}
        for offset, raw in enumerate(lines):
            index = base + offset
            value = raw.strip()
            if not value:
                if cursect is not None and optname and cursect.get(optname) is not None:
                    cursect[optname][3].append("")
                continue
            if value[0] in "#;":
                continue
            first_nonspace = _NONSPACECRE.search(raw)
            cur_indent = first_nonspace.start() if first_nonspace else 0
            if cursect is not None and optname and cur_indent > indent_level:
                entry = cursect[optname]
                entry[3].append(value)
                entry[2] = index
                continue
            indent_level = cur_indent
            match = _SECTCRE.match(value)
            if match:
                sectname = match.group("header")
                if sectname == DEFAULT_SECTION:
                    # Every [DEFAULT] section feeds one shared dict (keys must be unique across
                    # them); each is still a section of its own in the line model.
                    cursect = opt_index.setdefault(DEFAULT_SECTION, {})
                    current = []
                    self.headers.append(sectname)
                    self.starts.append(index)
                    self.options.append(current)
                elif sectname in seen_sections:
                    first = seen_sections[sectname]
                    raise _Problem(
                        index,
                        f"the section [{sectname}] appears twice (first on line {first + 1}); "
                        "botocore refuses files with duplicate sections",
                    )
                else:
                    seen_sections[sectname] = index
                    cursect = {}
                    current = []
                    self.headers.append(sectname)
                    self.starts.append(index)
                    self.options.append(current)
                optname = None
                continue
            if cursect is None:
                if value.startswith("\ufeff") and index == 0:
                    raise _Problem(
                        index,
                        "the file starts with a byte order mark (BOM), which botocore cannot read; "
                        "save it as UTF-8 without BOM",
                    )
                if value.startswith("[") and "]" not in value[1:]:
                    raise _Problem(index, f"the section header '{_show(value)}' has no closing ]")
                raise _Problem(
                    index,
                    f"'{_show(value)}' comes before any [section] header; botocore needs every "
                    "setting inside a section",
                )
            match = _OPTCRE.match(value)
            if not match:
                if value.startswith("[") and "]" not in value[1:]:
                    reason = f"the section header '{_show(value)}' has no closing ]"
                else:
                    reason = (
                        f"'{_show(value)}' is not a [section] header, a comment or a "
                        "'key = value' setting"
                    )
                self.problems.append(_Problem(index, reason))
                continue
            name = match.group("option")
            if not name:
                self.problems.append(_Problem(index, "this setting has no name before its '=' or ':'"))
            name = name.rstrip().lower()
            optname = name
            assert sectname is not None and current is not None  # set together with cursect
            key = (sectname, name)
            if key in seen_options:
                where = "[DEFAULT]" if sectname == DEFAULT_SECTION else f"[{sectname}]"
                raise _Problem(
                    index,
                    f"the key '{_show(name, 40)}' appears twice in {where} (first on line "
                    f"{seen_options[key] + 1}; keys ignore case); botocore refuses files with "
                    "duplicate keys",
                )
            seen_options[key] = index
            entry = [name, index, index, [match.group("value").strip()], raw[:cur_indent]]
            cursect[name] = entry
            current.append(entry)
            if sectname == DEFAULT_SECTION:
                self.default_options.append(entry)


def _block(entry: list) -> OptionBlock:
    key, first, last, parts, indent = entry
    return OptionBlock(key=key, first=first, last=last, value="\n".join(parts).rstrip(), indent=indent)


def _nested_problem(block: OptionBlock, lines: Sequence[str] = ()) -> _Problem | None:
    """botocore parses a value that starts with a newline into a dict; a line without '=' fails.
    The problem points at the offending line when ``lines`` (the document's) are given."""
    if not block.value.startswith("\n"):
        return None
    for line in block.value.splitlines():
        line = line.strip()
        if line and "=" not in line:
            where = block.first
            for index in range(block.first + 1, min(block.last + 1, len(lines))):
                if line in lines[index]:
                    where = index
                    break
            return _Problem(
                where,
                f"the indented block under '{_show(block.key, 40)}' has a line without '=' "
                f"('{_show(line)}'); botocore reads such blocks as 'name = value' pairs",
            )
    return None


def parse_nested(value: str) -> dict[str, str]:
    """botocore's ``_parse_nested``: one level of ``name = value`` lines (names keep their case)."""
    parsed: dict[str, str] = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        key, val = line.split("=", 1)
        parsed[key.strip()] = val.strip()
    return parsed


def _fast_index(text: str) -> tuple[list[str], list[int], list[int], list[int]] | None:
    """Index a file in the common layout with a few bulk operations; None means "not sure,
    use the exact scanner".

    Accepts only texts that :data:`_FAST_GRAMMAR` matches whole (so every line is a blank or
    comment line, a plain header, a plain option or a continuation after an option), with no
    duplicate sections, no duplicate keys in a section and no ``[DEFAULT]``. For those,
    configparser's reading is exactly: headers are the lines starting with "[", options the
    lines starting with a key. Returns the headers, their line indices and the sections that
    have continuation lines (their nested blocks get checked exactly), and the headers'
    character offsets.
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    body = text if text.endswith("\n") else text + "\n"
    if _FAST_GRAMMAR.fullmatch(body) is None:
        return None
    body = "\n" + body
    chunks = body.split("\n[")
    headers = [chunk[: chunk.find("]")] for chunk in chunks[1:]]
    if len(set(headers)) != len(headers) or DEFAULT_SECTION in headers:
        return None
    starts = list(accumulate([chunk.count("\n") + 1 for chunk in chunks[:-1]], initial=-1))[1:]
    offsets = list(accumulate([len(chunk) + 2 for chunk in chunks[:-1]], initial=-2))[1:]
    # Duplicate keys: the keys of each section, as one signature string per section; large
    # files repeat a handful of signatures, so each distinct one is checked once.
    tokens = _FAST_TOKENS.findall(body)
    signatures = "\x00".join(tokens).split("[")
    if len(signatures) != len(headers) + 1:  # pragma: no cover - the grammar guarantees it
        return None
    for signature in set(signatures):
        keys = [key for key in signature.split("\x00") if key]
        if len(set(keys)) != len(keys):
            return None
    with_continuations: list[int] = []
    if "\n " in body or "\n\t" in body:
        for match in _FAST_CONTINUATION_START.finditer(body):
            line = body.count("\n", 0, match.start())  # index of the line (body has a leading "\n")
            section = bisect_right(starts, line) - 1
            if not with_continuations or with_continuations[-1] != section:
                with_continuations.append(section)
    return headers, starts, with_continuations, offsets


class ConfigDocument:
    """A parsed AWS config file. Treat it as immutable: edits build new text from it."""

    def __init__(
        self,
        text: str,
        lines: list[str] | None,
        headers: list[str],
        starts: list[int],
        path: Path | None,
        details: dict[int, SectionDetails] | None = None,
        default_options: tuple[OptionBlock, ...] = (),
        default_sections: tuple[int, ...] = (),
        simple: bool = False,
        offsets: list[int] | None = None,
    ) -> None:
        self.text = text
        self._lines = lines
        self._offsets = offsets  # character offset of each section's header line
        self._line_offsets: list[int] | None = None
        self._line_count: int | None = len(lines) if lines is not None else None
        self.path = path
        self._headers = headers
        self._starts = starts
        self._details: dict[int, SectionDetails] = details or {}
        # True when _fast_index accepted the file: sections without continuation lines are
        # then plain "key = value" lines and can be read without the exact scanner.
        self._simple = simple
        self.default_options = default_options  # options from every [DEFAULT] section
        self.default_sections = default_sections  # section indices of the [DEFAULT] sections
        self._sections: tuple[Section, ...] | None = None
        self._targets: list[tuple[str, str] | None] | None = None
        self._index: dict[str, int] | None = None
        self._lookups = 0
        self._irregular: list[int] | None = None
        self._found: dict[tuple[str, str], list[int]] = {}  # sections_for, by (kind, name)
        self._newline: str | None = None

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, path: Path | None = None) -> "ConfigDocument":
        """Parse ``text``; raises :class:`ConfigParseError` for anything botocore would refuse."""
        if text.startswith("\ufeff"):
            raise ConfigParseError(
                "the file starts with a byte order mark (BOM), which botocore cannot read; "
                "save it as UTF-8 without BOM",
                path=path,
                line=1,
            )
        fast = _fast_index(text)
        if fast is not None:
            headers, starts, to_check, offsets = fast
            doc = cls(text, None, headers, starts, path, simple=True, offsets=offsets)
            for section in to_check:
                doc._details[section] = doc._exact_details(section)
                for block in doc.details(section).options:
                    problem = _nested_problem(block, doc.lines)
                    if problem is not None:
                        raise ConfigParseError(problem.message, path=path, line=problem.index + 1)
            return doc
        return cls._parse_exact(text, split_lines(text), path)

    @classmethod
    def _parse_exact(cls, text: str, lines: list[str], path: Path | None) -> "ConfigDocument":
        scanner = _ExactScanner()
        try:
            scanner.scan(lines)
        except _Problem as problem:
            earlier = [p for p in scanner.problems if p.index < problem.index]
            first = earlier[0] if earlier else problem
            raise ConfigParseError(first.message, path=path, line=first.index + 1) from None
        if scanner.problems:
            first = scanner.problems[0]
            raise ConfigParseError(first.message, path=path, line=first.index + 1)
        headers, starts = scanner.headers, scanner.starts
        ends = starts[1:] + [len(lines)]
        details: dict[int, SectionDetails] = {}
        for i, (header, start, end) in enumerate(zip(headers, starts, ends)):
            details[i] = SectionDetails(Section(header, start, end), tuple(_block(e) for e in scanner.options[i]))
        default_options = tuple(_block(e) for e in scanner.default_options)
        default_sections = tuple(i for i, h in enumerate(headers) if h == DEFAULT_SECTION)
        real = [d for i, d in details.items() if headers[i] != DEFAULT_SECTION]
        problems = [p for d in real for b in d.options if (p := _nested_problem(b, lines))]
        if real:  # botocore only parses values of real sections (DEFAULT values via them)
            problems += [p for b in default_options if (p := _nested_problem(b, lines))]
        if problems:
            first = min(problems, key=lambda p: p.index)
            raise ConfigParseError(first.message, path=path, line=first.index + 1)
        return cls(text, lines, headers, starts, path, details, default_options, default_sections)

    # -- reading -----------------------------------------------------------------------------

    def render(self) -> str:
        return "".join(self.lines)

    @property
    def lines(self) -> list[str]:
        """Every line with its ending (split on first use)."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def line_count(self) -> int:
        if self._line_count is None:
            if self._lines is None and "\r" not in self.text:
                text = self.text
                self._line_count = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
            else:
                self._line_count = len(self.lines)
        return self._line_count

    def offset_of(self, line: int) -> int:
        """Character offset of line ``line`` (no full split for section boundaries)."""
        if line <= 0:
            return 0
        if line >= self.line_count:
            return len(self.text)
        if self._offsets is not None:
            index = bisect_left(self._starts, line)
            if index < len(self._starts) and self._starts[index] == line:
                return self._offsets[index]
        if self._line_offsets is None:
            self._line_offsets = list(accumulate(map(len, self.lines), initial=0))
        return self._line_offsets[line]

    def text_of(self, start: int, stop: int) -> str:
        """The text of lines ``start``..``stop`` (exclusive)."""
        return self.text[self.offset_of(start) : self.offset_of(stop)]

    def line_slice(self, start: int, stop: int) -> list[str]:
        """Lines ``start``..``stop`` (exclusive), without splitting the whole file."""
        if self._lines is not None:
            return self._lines[start:stop]
        if start >= stop:
            return []
        # Split only the sections that hold the wanted lines.
        first = bisect_right(self._starts, start) - 1
        last = bisect_right(self._starts, stop - 1) - 1
        begin = self._starts[first] if first >= 0 else 0
        end = self.section_end(last) if last >= 0 else self.preamble_end
        lines = split_lines(self.text_of(begin, end))
        return lines[start - begin : stop - begin]

    def section_lines(self, index: int) -> list[str]:
        section = self.section(index)
        return self.line_slice(section.start, section.end)

    @property
    def newline(self) -> str:
        """The line ending new lines get: the file's own style (``\\n`` for a new file)."""
        if self._newline is None:
            self._newline = detect_newline(self.text)
        return self._newline

    @property
    def headers(self) -> list[str]:
        """Every section header's name, in file order (``[DEFAULT]`` sections included: they
        are sections of the file, although configparser folds them into every other one)."""
        return self._headers

    @property
    def starts(self) -> list[int]:
        return self._starts

    @property
    def sections(self) -> tuple[Section, ...]:
        if self._sections is None:
            ends = self._starts[1:] + [self.line_count]
            self._sections = tuple(Section(h, s, e) for h, s, e in zip(self._headers, self._starts, ends))
        return self._sections

    def section(self, index: int) -> Section:
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else self.line_count
        return Section(self._headers[index], start, end)

    def section_end(self, index: int) -> int:
        return self._starts[index + 1] if index + 1 < len(self._starts) else self.line_count

    @property
    def preamble_end(self) -> int:
        """Index of the first section header (lines before it are blank lines and comments)."""
        return self._starts[0] if self._starts else self.line_count

    def index_of(self, header: str) -> int | None:
        """The section with this configparser name, if any (``[DEFAULT]`` is never found).

        The first few look-ups scan the list (a plan needs only a handful); after that a
        dictionary pays off."""
        if header == DEFAULT_SECTION:
            return None
        if self._index is None:
            self._lookups += 1
            if self._lookups <= 16:
                try:
                    return self._headers.index(header)
                except ValueError:
                    return None
            self._index = {h: i for i, h in enumerate(self._headers) if h != DEFAULT_SECTION}
        return self._index.get(header)

    @property
    def targets(self) -> list[tuple[str, str] | None]:
        """``section_target`` of every section, in order."""
        if self._targets is None:
            self._targets = [section_target(h) for h in self._headers]
        return self._targets

    def sections_for(self, kind: str, name: str) -> list[int]:
        """Indices of every section botocore maps to this profile / sso-session (file order;
        the last one is the one botocore uses).

        Headers in the CLI's plain form are found by name in the header index; only the
        others (quoted names, ``[profiles x]``, other sections...) are mapped one by one.
        """
        wanted = (kind, name)
        known = self._found.get(wanted)
        if known is not None:
            return list(known)
        if self._targets is not None:
            found = [i for i, target in enumerate(self._targets) if target == wanted]
        else:
            found = [i for i in self._irregular_headers() if section_target(self._headers[i]) == wanted]
            plain = [f"{kind} {name}"] if _NO_SHLEX_SPECIALS.fullmatch(name) and name else []
            if kind == PROFILE and name == "default":
                plain.append("default")
            for header in plain:
                index = self.index_of(header)
                if index is not None:
                    found.append(index)
            found.sort()
        self._found[wanted] = found
        return list(found)

    def _irregular_headers(self) -> list[int]:
        """Indices of the headers not in the CLI's plain form."""
        if self._irregular is None and not self._headers:
            self._irregular = []
        if self._irregular is None:
            joined = "\n".join(self._headers) + "\n"
            irregular: list[int] = []
            position, index = 0, 0
            while True:
                run = _CANONICAL_RUN.match(joined, position)
                assert run is not None  # the pattern can match the empty string
                end = run.end()
                if end >= len(joined):
                    break
                index += joined.count("\n", position, end)
                irregular.append(index)
                position = joined.index("\n", end) + 1
                index += 1
            self._irregular = irregular
        return self._irregular

    def details(self, index: int) -> SectionDetails:
        """The options of one section, parsed exactly."""
        found = self._details.get(index)
        if found is None:
            if self._simple:
                found = self._simple_details(index)
            else:
                found = self._exact_details(index)
            self._details[index] = found
        return found

    def _exact_details(self, index: int) -> SectionDetails:
        section = self.section(index)
        return parse_section_lines(self.line_slice(section.start, section.end), section.start, section)

    def _simple_details(self, index: int) -> SectionDetails:
        section = self.section(index)
        lines = self.line_slice(section.start, section.end)
        match = _SIMPLE_OPTION.match
        options = []
        for i in range(1, len(lines)):
            found = match(lines[i])
            if found:
                options.append(OptionBlock(found[1], section.start + i, section.start + i, found[2].strip(), ""))
        return SectionDetails(section, tuple(options))

    def raw_config(self) -> dict[str, dict[str, object]]:
        """What botocore's ``raw_config_parse`` returns for this text: every section (without
        ``[DEFAULT]``), its keys plus the inherited ``[DEFAULT]`` keys, nested blocks as dicts."""
        defaults = {b.key: b.value for b in self.default_options}
        result: dict[str, dict[str, object]] = {}
        for i, header in enumerate(self._headers):
            if header == DEFAULT_SECTION:
                continue
            values: dict[str, str] = {b.key: b.value for b in self.details(i).options}
            for key, value in defaults.items():
                values.setdefault(key, value)
            result[header] = {k: (parse_nested(v) if v.startswith("\n") else v) for k, v in values.items()}
        return result

    def all_section_values(self) -> list[dict[str, object]]:
        """``section_values`` of every section, in order, computed in bulk (for whole-file
        readers such as the profile list). ``[DEFAULT]`` sections get an empty dict."""
        if not self._simple:
            _ = self.lines  # one split for all sections
            return [self.section_values(i) if h != DEFAULT_SECTION else {} for i, h in enumerate(self._headers)]
        # The fast path accepted the file: option lines are "key = value" at column 0 and
        # every header is a line starting with "[". Sections with continuation lines were
        # parsed exactly already and replace their bulk reading.
        result: list[dict[str, object]] = []
        current: dict[str, object] = {}
        for header, key, value in _BULK_VALUES.findall("\n" + self.text):
            if header:
                current = {}
                result.append(current)
            else:
                current[key] = value.strip()
        for index in self._details:
            result[index] = self.section_values(index)
        return result

    def section_values(self, index: int) -> dict[str, object]:
        """One section's values as botocore sees them (with ``[DEFAULT]`` inherited)."""
        values: dict[str, object] = {b.key: b.value for b in self.details(index).options}
        for block in self.default_options:
            values.setdefault(block.key, block.value)
        return {k: (parse_nested(v) if isinstance(v, str) and v.startswith("\n") else v) for k, v in values.items()}

    def defaults(self) -> dict[str, object]:
        return {
            b.key: (parse_nested(b.value) if b.value.startswith("\n") else b.value) for b in self.default_options
        }


def parse_section_lines(lines: Sequence[str], base: int, section: Section | None = None) -> SectionDetails:
    """Parse one section's lines (header first) exactly; indices are offset by ``base``."""
    scanner = _ExactScanner()
    try:
        scanner.scan(lines, base)
    except _Problem as problem:
        raise ConfigParseError(problem.message, line=problem.index + 1) from None
    if scanner.problems:
        raise ConfigParseError(scanner.problems[0].message, line=scanner.problems[0].index + 1)
    entries = scanner.options[0] if scanner.headers else []
    header = scanner.headers[0] if scanner.headers else ""
    if section is None:
        section = Section(header, base, base + len(lines))
    return SectionDetails(section, tuple(_block(e) for e in entries))


def decode_config(data: bytes, path: Path | None = None) -> str:
    """Decode the file as botocore does on a UTF-8 system, refusing what it would refuse."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise ConfigParseError(
            "the file starts with a byte order mark (BOM), which botocore cannot read; "
            "save it as UTF-8 without BOM",
            path=path,
            line=1,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigParseError(
            f"byte 0x{data[error.start]:02x} is not valid UTF-8; botocore cannot read the file",
            path=path,
            line=line,
            hint="Save the file as UTF-8 (and fix or remove that character), then try again.",
        ) from None
