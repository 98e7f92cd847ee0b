"""Edits of the AWS config file, as re-applicable operations.

An edit says *what* should change ("profile dev uses sso-session corp, account 1111, role
Admin"), never which lines; :func:`apply_edits` turns a list of edits into new text for a
given document, touching only the lines the change needs, written the way the AWS CLI writes
them (``key = value``). Because edits are operations, the writer can re-apply them to a file
that changed between plan and write.

Line rules:

* Existing keys are changed in place (the whole option, continuation lines included, becomes
  one ``key = value`` line with the original indentation); a key whose value is already right
  is left exactly as it was.
* Missing keys go after the section's last option, in the CLI's order.
* New sections go at the end of the file after one blank line (the CLI adds none); a file
  without a final newline first gets one, in the file's own newline style. When a profile and
  its sso-session are both new, the profile comes first, as with ``aws configure sso``.
* A deleted section takes its header, its options, the comments directly under its last
  option and the blank lines after them. Comments after those blank lines belong to the next
  section (or end the file) and stay.
* A renamed section keeps its lines and its place; only the header changes.

Profiles that botocore reads from more than one section (``[default]`` together with
``[profile default]``, ``[profile x]`` together with ``[profiles x]`` ...) are consolidated
when an edit targets them: the section botocore actually uses (the last one) is edited, the
shadowed ones are removed, and a ``[profile default]`` header becomes ``[default]``. This is
what prevents aws/aws-cli#9484, where the CLI writes ``[default]`` while a stale later
``[profile default]`` silently wins. Each such removal is reported in the plan's notes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence, Union

from app.config.document import (
    _NONSPACECRE,
    _SECTCRE,
    PROFILE,
    SSO_SESSION,
    ConfigDocument,
    SectionDetails,
    line_ending,
    parse_section_lines,
    section_header,
    section_target,
)
from app.config.model import (
    DEFAULT_SCOPES,
    GENERATED_KEY,
    ProfileKind,
    SsoSession,
    classify,
    profile_problem,
    resolve_sso,
)
from app.errors import WizardError

_LEGACY_ONLY = ("sso_start_url", "sso_region")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class EditError(WizardError):
    """An edit that cannot be made (bad name, missing profile, a result botocore would reject)."""


# --- the edits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpsertSsoSession:
    """Create or update ``[sso-session NAME]``. ``registration_scopes`` None or "" removes the key."""

    name: str
    start_url: str
    region: str
    registration_scopes: str | None = DEFAULT_SCOPES


@dataclass(frozen=True)
class UpsertProfile:
    """Create or update a profile in the sso-session form, or with ``legacy=True`` the legacy
    form (``start_url`` and ``sso_region`` in the profile). ``region``/``output`` None leave
    what is there. ``generated_from`` (an sso-session name) adds the bulk marker key
    (:data:`app.config.model.GENERATED_KEY`)."""

    name: str
    account_id: str
    role_name: str
    sso_session: str | None = None
    region: str | None = None
    output: str | None = None
    legacy: bool = False
    start_url: str | None = None
    sso_region: str | None = None
    generated_from: str | None = None


@dataclass(frozen=True)
class UpsertProcessProfile:
    """Create or update a profile whose keys come from ``credential_process`` (a companion of an
    SSO profile, for tools that cannot read SSO profiles). ``region``/``output`` None leave what is there."""

    name: str
    credential_process: str
    region: str | None = None
    output: str | None = None


@dataclass(frozen=True)
class DeleteProfile:
    name: str


@dataclass(frozen=True)
class RenameProfile:
    old: str
    new: str


@dataclass(frozen=True)
class SetDefaultProfile:
    """Make ``[default]`` a copy of another profile's settings (its own keys, nothing else)."""

    source: str


Edit = Union[UpsertSsoSession, UpsertProfile, UpsertProcessProfile, DeleteProfile, RenameProfile, SetDefaultProfile]


# --- names and values ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _name_problem(name: str, what: str, kind: str) -> str | None:
    if not isinstance(name, str) or not name:
        return f"A {what} name can't be empty."
    if name != name.strip():
        return f"A {what} name can't start or end with a space."
    if "\n" in name or "\r" in name:
        return f"A {what} name can't contain a line break."
    if _CONTROL.search(name.replace("\t", "")):
        return f"A {what} name can't contain control characters."
    if "[" in name or "]" in name:
        return f"A {what} name can't contain [ or ]: they mark section headers in the config file."
    if any(ch in name for ch in "'\"\\"):
        return (
            f"A {what} name can't contain quotes or backslashes: botocore reads them as shell "
            "quoting and would see a different name."
        )
    if section_target(section_header(kind, name)) != (kind, name):  # pragma: no cover - belt and braces
        return f"botocore would not read {name!r} back as the same {what} name."
    return None


def validate_profile_name(name: str) -> str | None:
    """None when ``name`` can be a profile name; otherwise the reason, for people."""
    return _name_problem(name, "profile", PROFILE)


def validate_session_name(name: str) -> str | None:
    """None when ``name`` can be an sso-session name; otherwise the reason, for people."""
    return _name_problem(name, "sso-session", SSO_SESSION)


def _check_value(label: str, value: str | None, required: bool = True) -> None:
    if value is None or value == "":
        if required:
            raise EditError(f"The {label} is missing.", hint="Fill it in and try again.")
        return
    if not isinstance(value, str):
        raise EditError(f"The {label} must be text.")
    if value != value.strip():
        raise EditError(f"The {label} can't start or end with a space.", hint="Remove the spaces and try again.")
    if _CONTROL.search(value):
        raise EditError(f"The {label} can't contain line breaks or control characters.")


def _check_name(problem: str | None) -> None:
    if problem:
        raise EditError(problem, hint="Choose another name.")


# --- the working copy ---------------------------------------------------------------------------


class _Block:
    """A section (or the preamble) being edited: its current lines.

    ``origin`` is the old section index (-1: the preamble, None: a new section). A deleted
    section keeps only the lines that belong to the next section (``deleted`` is True).
    """

    __slots__ = ("position", "origin", "lines", "original", "deleted", "_details", "_target")

    def __init__(self, position: float, origin: int | None, lines: list[str]):
        self.position = position
        self.origin = origin
        self.lines = lines
        self.original = list(lines)
        self.deleted = False
        self._details: SectionDetails | None = None
        self._target: tuple[str, str] | None | bool = False  # False: not worked out yet

    @property
    def changed(self) -> bool:
        return self.deleted or self.lines != self.original

    def header_index(self) -> int:
        """Index of the header line (a new section starts with its separating blank line)."""
        return header_line_index(self.lines)

    @property
    def header(self) -> str | None:
        if self.deleted or self.origin == -1:
            return None
        index = self.header_index()
        if index < 0:
            return None
        match = _SECTCRE.match(self.lines[index].strip())
        return match.group("header") if match else None

    @property
    def target(self) -> tuple[str, str] | None:
        if self._target is False:
            header = self.header
            self._target = section_target(header) if header is not None else None
        return self._target  # type: ignore[return-value]

    def details(self) -> SectionDetails:
        if self._details is None:
            self._details = parse_section_lines(self.lines, 0)
        return self._details

    def replace(self, start: int, stop: int, new: list[str]) -> None:
        self.lines[start:stop] = new
        self._details = None
        self._target = False


def _ensure_ending(lines: list[str], index: int, newline: str) -> None:
    if index >= 0 and lines and not line_ending(lines[index]):
        lines[index] = lines[index] + newline


def option_lines(key: str, value: str, indent: str, newline: str) -> list[str]:
    """Lines that configparser reads back as exactly ``key`` = ``value`` (``value`` as
    configparser stores it, continuation parts joined with ``\\n``)."""
    if "\n" not in value:
        return [f"{indent}{key} = {value}".rstrip() + newline] if value else [f"{indent}{key} ={newline}"]
    first, *rest = value.split("\n")
    lines = [(f"{indent}{key} = {first}" if first else f"{indent}{key} =") + newline]
    for part in rest:
        lines.append(f"{indent}    {part}{newline}" if part else newline)
    return lines


class _Draft:
    def __init__(self, doc: ConfigDocument):
        self.doc = doc
        self.newline = doc.newline
        self.blocks: dict[int, _Block] = {}  # old section index (-1 preamble) -> block
        self.appended: list[_Block] = []
        self.notes: list[str] = []
        self.touched: set[tuple[str, str]] = set()
        self.upserted: list[str] = []  # profiles written by upserts (followed through renames)
        self.upserted_names: set[str] = set()  # the same, for lookups
        self._moved: dict[tuple[str, str], list[_Block]] = {}  # appended or renamed blocks, by their new target
        self._defaults = doc.defaults()
        self._state: dict[tuple[str, str], dict | None] = {}  # expected values of touched names

    # -- blocks ----------------------------------------------------------------------------------

    def old_block(self, index: int) -> _Block:
        block = self.blocks.get(index)
        if block is None:
            if index == -1:
                lines = self.doc.line_slice(0, self.doc.preamble_end)
            else:
                lines = self.doc.section_lines(index)
            block = _Block(index, index, list(lines))
            self.blocks[index] = block
        return block

    def find(self, kind: str, name: str) -> list[_Block]:
        """Every live section botocore maps to (kind, name), in file order."""
        wanted = (kind, name)
        found = [self.old_block(i) for i in self.doc.sections_for(kind, name)]
        found = [b for b in found if not b.deleted and b.target == wanted]
        seen = {id(b) for b in found}
        for block in self._moved.get(wanted, ()):
            if id(block) not in seen and not block.deleted and block.target == wanted:
                found.append(block)
                seen.add(id(block))
        return sorted(found, key=lambda b: b.position)

    def _moved_to(self, block: _Block) -> None:
        target = block.target
        if target is not None:
            self._moved.setdefault(target, []).append(block)

    def live_last(self) -> _Block | None:
        """The block that currently ends the file."""
        if self.appended:
            return self.appended[-1]
        for index in range(len(self.doc.headers) - 1, -1, -1):
            block = self.blocks.get(index)
            if block is None or block.lines:
                return self.old_block(index)
        preamble = self.old_block(-1)
        return preamble if preamble.lines else None

    def ends_with_blank(self) -> bool | None:
        """Whether the file currently ends with a blank line (None: the file is empty)."""
        if self.appended:
            return False
        for index in range(len(self.doc.headers) - 1, -2, -1):
            block = self.blocks.get(index)
            lines = block.lines if block is not None else None
            if lines is None:
                if index == -1:
                    lines = self.doc.line_slice(0, self.doc.preamble_end)
                else:
                    lines = self.doc.section_lines(index)[-1:]
            if lines:
                return not lines[-1].strip()
        return None

    def append_section(self, header: str, items: Sequence[tuple[str, str]],
                       target: tuple[str, str] | None = None) -> _Block:
        """A new section at the end; ``target`` is what botocore makes of ``header``, when known."""
        nl = self.newline
        last = self.live_last()
        if last is not None:
            _ensure_ending(last.lines, len(last.lines) - 1, nl)
            last._details = None
        lines: list[str] = []
        if self.ends_with_blank() is False:
            lines.append(nl)
        lines.append(f"[{header}]{nl}")
        for key, value in items:
            lines.extend(option_lines(key, value, "", nl))
        block = _Block(len(self.doc.headers) + len(self.appended), None, lines)
        if target is not None:
            block._target = target
        self.appended.append(block)
        self._moved_to(block)
        return block

    def is_last(self, block: _Block) -> bool:
        """Whether nothing but blank lines and comments follows ``block``."""
        if block.origin is None:
            return block is self.appended[-1]
        if self.appended:
            return False
        for index in range(block.origin + 1, len(self.doc.headers)):
            later = self.blocks.get(index)
            if later is None or not later.deleted:
                return False
        return True

    def delete_block(self, block: _Block) -> None:
        keep_from = own_lines_end(block.lines, block.details(), self.is_last(block))
        kept = block.lines[keep_from:]
        if block.origin is None:
            self.appended.remove(block)
            block.deleted = True  # gone: no later edit may find it by its name
            if kept:  # pragma: no cover - new sections have no trailing comments
                raise AssertionError("a new section had trailing comments")
            return
        block.replace(0, len(block.lines), kept)
        block.deleted = True
        block._target = False

    def rename_block(self, block: _Block, header: str) -> None:
        at = block.header_index()
        line = block.lines[at]
        first = _NONSPACECRE.search(line)
        assert first is not None  # a header line has a "["
        lead = first.start()
        content = line[lead:]
        close = content.rstrip().rfind("]")
        block.replace(at, at + 1, [line[:lead] + "[" + header + content[close:]])
        self._moved_to(block)

    def set_options(self, block: _Block, items: Sequence[tuple[str, str]], remove: Sequence[str] = ()) -> None:
        """Set keys in place or after the last option; remove others."""
        nl = self.newline
        for key in remove:
            found = block.details().option(key)
            if found is not None:
                block.replace(found.first, found.last + 1, [])
        missing: list[tuple[str, str]] = []
        for key, value in items:
            found = block.details().option(key)
            if found is None:
                missing.append((key, value))
                continue
            if found.value == value:
                continue
            ending = line_ending(block.lines[found.last]) or (nl if found.last + 1 < len(block.lines) else "")
            new = option_lines(key, value, found.indent, nl)
            new[-1] = new[-1][: len(new[-1]) - len(nl)] + ending
            block.replace(found.first, found.last + 1, new)
        if missing:
            options = block.details().options
            at = options[-1].last + 1 if options else block.header_index() + 1
            indent = options[-1].indent if options else ""
            _ensure_ending(block.lines, at - 1, nl)
            new = [line for key, value in missing for line in option_lines(key, value, indent, nl)]
            block.replace(at, at, new)

    # -- expected values (independent of the lines) -------------------------------------------------

    def expected(self, kind: str, name: str) -> dict | None:
        key = (kind, name)
        if key not in self._state:
            indices = self.doc.sections_for(kind, name)
            self._state[key] = dict(self.doc.section_values(indices[-1])) if indices else None
        value = self._state[key]
        return dict(value) if value is not None else None

    def expect(self, kind: str, name: str, values: dict | None) -> None:
        self.expected(kind, name)
        self._state[(kind, name)] = values
        self.touched.add((kind, name))

    def expect_update(self, kind: str, name: str, items: Sequence[tuple[str, str]], remove: Sequence[str] = ()) -> None:
        values = self.expected(kind, name)
        if values is None:
            values = dict(self._defaults)
        for key in remove:
            if key in self._defaults:
                values[key] = self._defaults[key]
            else:
                values.pop(key, None)
        for key, value in items:
            values[key] = value
        self.expect(kind, name, values)

    @property
    def expectations(self) -> dict[tuple[str, str], dict | None]:
        return {key: self._state[key] for key in self.touched}

    # -- consolidation -------------------------------------------------------------------------------

    def consolidate(self, kind: str, name: str) -> _Block | None:
        """The one section for (kind, name) after removing the shadowed ones (None: none)."""
        blocks = self.find(kind, name)
        if not blocks:
            return None
        winner = blocks[-1]
        for shadowed in blocks[:-1]:
            self.notes.append(
                f"Removed the section [{shadowed.header}] (line {self._line_of(shadowed)}): botocore "
                f"ignored it because the later [{winner.header}] defines the same {_kind_word(kind)}."
            )
            self.delete_block(shadowed)
        if kind == PROFILE and name == "default" and winner.header != "default":
            self.notes.append(f"Renamed [{winner.header}] to [default], the form the AWS CLI writes.")
            self.rename_block(winner, "default")
        return winner

    def _line_of(self, block: _Block) -> str:
        if block.origin is None or block.origin < 0:
            return "new"
        return str(self.doc.starts[block.origin] + 1)


def _kind_word(kind: str) -> str:
    return "sso-session" if kind == SSO_SESSION else "profile"


def header_line_index(lines: Sequence[str]) -> int:
    """The first line that is not blank or a comment (-1: none)."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and stripped[0] not in "#;":
            return index
    return -1


def _is_comment(line: str) -> bool:
    return line.strip()[:1] in ("#", ";")


def own_lines_end(lines: Sequence[str], details: SectionDetails, at_end: bool) -> int:
    """Where a section's own lines stop when it is deleted (see the module docstring).

    After the last option (or the header): comments directly under it followed by a blank
    line, and that run of blank lines, are the section's own. Comments directly above the
    next header (no blank line between) are that section's heading and stay, as does
    everything after the first blank run. At the end of the file, comments directly under
    the last option go with the section.
    """
    options = details.options
    start = options[-1].last + 1 if options else header_line_index(lines) + 1
    index = start
    while index < len(lines) and _is_comment(lines[index]):
        index += 1
    if index < len(lines):  # a blank line follows: it and its run are the section's own
        while index < len(lines) and not lines[index].strip():
            index += 1
        return index
    return index if at_end else start


# --- applying edits -------------------------------------------------------------------------------


class Kept(NamedTuple):
    """Lines ``start`` to ``stop`` (exclusive) of the old document, carried over unchanged."""

    start: int
    stop: int


class Replaced(NamedTuple):
    """New lines in the place of the old section ``origin`` (-1: the preamble; None: appended at the end)."""

    origin: int | None
    lines: list[str]


Segment = Union[Kept, Replaced]


@dataclass
class EditOutcome:
    """The result of applying edits to a document (input to verification and diff)."""

    doc: ConfigDocument
    blocks: dict[int, _Block]
    appended: list[_Block]
    expectations: dict[tuple[str, str], dict | None]
    notes: list[str] = field(default_factory=list)

    def segments(self) -> list[Segment]:
        """The new file as :class:`Kept` runs of untouched old lines and :class:`Replaced` pieces, in order."""
        doc = self.doc
        out: list[Segment] = []
        cursor = 0
        changed = sorted((i, b) for i, b in self.blocks.items() if b.changed)
        for index, block in changed:
            start = 0 if index == -1 else doc.starts[index]
            stop = doc.preamble_end if index == -1 else doc.section_end(index)
            if start > cursor:
                out.append(Kept(cursor, start))
            out.append(Replaced(index, block.lines))
            cursor = stop
        if cursor < doc.line_count:
            out.append(Kept(cursor, doc.line_count))
        for block in self.appended:
            out.append(Replaced(None, block.lines))
        return out

    def render(self) -> str:
        parts: list[str] = []
        for segment in self.segments():
            if isinstance(segment, Kept):
                parts.append(self.doc.text_of(segment.start, segment.stop))
            else:
                parts.append("".join(segment.lines))
        return "".join(parts)

    @property
    def changed(self) -> bool:
        return bool(self.appended) or any(b.changed for b in self.blocks.values())


def apply_edits(doc: ConfigDocument, edits: Sequence[Edit]) -> EditOutcome:
    """Apply ``edits`` in order to ``doc`` (which is not modified)."""
    draft = _Draft(doc)
    for edit in edits:
        if isinstance(edit, UpsertSsoSession):
            _upsert_session(draft, edit)
        elif isinstance(edit, UpsertProfile):
            _upsert_profile(draft, edit)
        elif isinstance(edit, UpsertProcessProfile):
            _upsert_process_profile(draft, edit)
        elif isinstance(edit, DeleteProfile):
            _delete_profile(draft, edit)
        elif isinstance(edit, RenameProfile):
            _rename_profile(draft, edit)
        elif isinstance(edit, SetDefaultProfile):
            _set_default(draft, edit)
        else:
            raise EditError(f"Unknown edit: {type(edit).__name__}")
    _check_result(draft)
    return EditOutcome(doc, draft.blocks, draft.appended, draft.expectations, draft.notes)


def _upsert_session(draft: _Draft, edit: UpsertSsoSession) -> None:
    _check_name(validate_session_name(edit.name))
    _check_value("SSO start URL", edit.start_url)
    _check_value("SSO region", edit.region)
    _check_value("list of registration scopes", edit.registration_scopes, required=False)
    if edit.registration_scopes and any(len(part.split()) > 1 for part in edit.registration_scopes.split(",")):
        raise EditError("Scope values must be separated by commas.",  # the AWS CLI's own wording
                        hint="For example: sso:account:access, codewhisperer:completions")
    items = [("sso_start_url", edit.start_url), ("sso_region", edit.region)]
    remove: list[str] = []
    if edit.registration_scopes:
        items.append(("sso_registration_scopes", edit.registration_scopes))
    else:
        remove.append("sso_registration_scopes")
    _upsert_section(draft, SSO_SESSION, edit.name, items, remove)


def _upsert_section(draft: _Draft, kind: str, name: str, items: list[tuple[str, str]], remove: list[str]) -> None:
    """Set ``items`` and remove ``remove`` in the section botocore uses for ``name`` (consolidated),
    or append a new section; record what botocore must then read."""
    block = draft.consolidate(kind, name)
    if block is None:
        draft.append_section(section_header(kind, name), items, (kind, name))  # names are checked to map back
    else:
        draft.set_options(block, items, remove)
    draft.expect_update(kind, name, items, remove)


def _profile_items(edit: UpsertProfile) -> tuple[list[tuple[str, str]], list[str]]:
    _check_value("account ID", edit.account_id)
    _check_value("role name", edit.role_name)
    _check_value("region", edit.region, required=False)
    _check_value("output format", edit.output, required=False)
    if edit.legacy:
        _check_value("SSO start URL", edit.start_url)
        _check_value("SSO region", edit.sso_region)
        items = [("sso_start_url", edit.start_url), ("sso_region", edit.sso_region)]
        remove = ["sso_session"]
    else:
        if edit.sso_session is None:
            raise EditError("A profile in the sso-session form needs the name of its sso-session.")
        _check_name(validate_session_name(edit.sso_session))
        items = [("sso_session", edit.sso_session)]
        remove = list(_LEGACY_ONLY)
    items += [("sso_account_id", edit.account_id), ("sso_role_name", edit.role_name)]
    if edit.region:
        items.append(("region", edit.region))
    if edit.output:
        items.append(("output", edit.output))
    if edit.generated_from:
        _check_value("sso-session of a generated profile", edit.generated_from)
        items.append((GENERATED_KEY, edit.generated_from))
    return items, remove  # type: ignore[return-value]


def _upsert_profile(draft: _Draft, edit: UpsertProfile) -> None:
    _check_name(validate_profile_name(edit.name))
    items, remove = _profile_items(edit)
    _upsert_section(draft, PROFILE, edit.name, items, remove)
    if edit.name not in draft.upserted_names:
        draft.upserted.append(edit.name)
        draft.upserted_names.add(edit.name)


def _upsert_process_profile(draft: _Draft, edit: UpsertProcessProfile) -> None:
    _check_name(validate_profile_name(edit.name))
    _check_value("credential_process", edit.credential_process)
    _check_value("region", edit.region, required=False)
    _check_value("output format", edit.output, required=False)
    current = draft.expected(PROFILE, edit.name)
    if current is not None and classify(current) is not ProfileKind.CREDENTIAL_PROCESS:
        raise EditError(f"Profile {edit.name} already exists and gets its keys another way; it is left as it is.",
                        hint="Choose another name for the new profile.")
    items = [("credential_process", edit.credential_process)]
    items += [(key, value) for key, value in (("region", edit.region), ("output", edit.output)) if value]
    _upsert_section(draft, PROFILE, edit.name, items, [])


def _delete_profile(draft: _Draft, edit: DeleteProfile) -> None:
    blocks = draft.find(PROFILE, edit.name)
    if not blocks:
        draft.notes.append(f"There is no profile {edit.name}; nothing to delete.")
        return
    for block in blocks:
        draft.delete_block(block)
    draft.expect(PROFILE, edit.name, None)
    if edit.name in draft.upserted_names:
        draft.upserted.remove(edit.name)
        draft.upserted_names.discard(edit.name)


def _rename_profile(draft: _Draft, edit: RenameProfile) -> None:
    _check_name(validate_profile_name(edit.new))
    if edit.old == edit.new:
        return
    if not draft.find(PROFILE, edit.old):
        raise EditError(f"There is no profile {edit.old} to rename.")
    if draft.find(PROFILE, edit.new):
        raise EditError(f"A profile named {edit.new} already exists.", hint="Choose another name, or delete that profile first.")
    values = draft.expected(PROFILE, edit.old)
    block = draft.consolidate(PROFILE, edit.old)
    assert block is not None
    draft.rename_block(block, section_header(PROFILE, edit.new))
    draft.expect(PROFILE, edit.old, None)
    draft.expect(PROFILE, edit.new, values)
    if edit.old in draft.upserted_names:
        draft.upserted[draft.upserted.index(edit.old)] = edit.new
        draft.upserted_names.discard(edit.old)
        draft.upserted_names.add(edit.new)


def _set_default(draft: _Draft, edit: SetDefaultProfile) -> None:
    if edit.source == "default":
        return
    sources = draft.find(PROFILE, edit.source)
    if not sources:
        raise EditError(f"There is no profile {edit.source} to copy into the default profile.")
    own = [(b.key, b.value) for b in sources[-1].details().options]
    block = draft.consolidate(PROFILE, "default")
    if block is None:
        draft.append_section("default", own)
    else:
        keys = {key for key, _ in own}
        stale = [b.key for b in block.details().options if b.key not in keys]
        draft.set_options(block, own, stale)
    draft.expect(PROFILE, "default", draft.expected(PROFILE, edit.source))


def _check_result(draft: _Draft) -> None:
    """Refuse edits that leave a profile they wrote in a state botocore would reject."""
    known: dict[str, SsoSession | None] = {}  # the sso-sessions looked up so far
    for name in draft.upserted:
        values = draft.expected(PROFILE, name)
        if values is None:  # pragma: no cover - deleted names leave the list
            continue
        sessions: dict[str, SsoSession] = {}
        wanted = values.get("sso_session")
        if isinstance(wanted, str):
            if wanted not in known:
                session_values = draft.expected(SSO_SESSION, wanted)
                known[wanted] = SsoSession.from_values(wanted, session_values) if session_values is not None else None
            session = known[wanted]
            if session is not None:
                sessions[wanted] = session
        kind = classify(values)
        if kind not in (ProfileKind.SSO, ProfileKind.SSO_LEGACY):
            raise EditError(
                f"Profile {name} also has role_arn, so botocore would assume that role instead of using SSO.",
                hint="Remove role_arn from the profile, or choose another profile name.",
            )
        resolved, error = resolve_sso(values, sessions)
        problem = profile_problem(name, kind, values, resolved, error, set())
        if problem:
            hint = "Create the sso-session first, or fix the values."
            inherited = [key for key in draft._defaults if key in problem]
            if inherited:
                hint = (
                    f"The [DEFAULT] section gives every section, sso-sessions included, its "
                    f"{', '.join(inherited)}; use the same value here or remove it from [DEFAULT]."
                )
            raise EditError(f"Profile {name} would not work. {problem}", hint=hint)


__all__ = [
    "DeleteProfile",
    "Edit",
    "EditError",
    "EditOutcome",
    "RenameProfile",
    "SetDefaultProfile",
    "UpsertProcessProfile",
    "UpsertProfile",
    "UpsertSsoSession",
    "apply_edits",
    "option_lines",
    "validate_profile_name",
    "validate_session_name",
]
