"""Unified diffs of a config change, built from the ranges the edit changed.

Running difflib over a 30,000-line file costs far more than the whole write, and the edit
already knows which line ranges it replaced. Each replaced range is diffed on its own
(a few lines), everything else is one long "equal" run, and hunks with three lines of
context are cut from that, in the format ``diff -u`` prints. Line endings are not shown,
except that a last line without one gets ``\\ No newline at end of file``.

For people, the same change in words (``adds 1 profile and 1 sign-in portal``, from the sections
of the old and new text) and as added / changed / removed lines (:func:`change_lines`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Protocol, Sequence

from app.config.document import line_content, line_ending

Opcode = tuple[str, int, int, int, int]
CONTEXT = 3


def opcodes_for(
    old_len: int,
    changes: Iterable[tuple[int, int, Sequence[str], Sequence[str]]],
) -> list[Opcode]:
    """Opcodes for the whole file from ``(old_start, old_stop, old_lines, new_lines)`` changes,
    given in file order and not overlapping."""
    ops: list[Opcode] = []
    i = j = 0
    for start, stop, old_lines, new_lines in changes:
        if start > i:
            ops.append(("equal", i, start, j, j + start - i))
            j += start - i
            i = start
        if not old_lines or not new_lines:  # sections only added or only removed: nothing to match
            ops.append(("insert" if new_lines else "delete", i, stop, j, j + len(new_lines)))
        else:
            matcher = difflib.SequenceMatcher(None, list(old_lines), list(new_lines), autojunk=False)
            for tag, a1, a2, b1, b2 in matcher.get_opcodes():
                ops.append((tag, i + a1, i + a2, j + b1, j + b2))
        i = stop
        j += len(new_lines)
    if i < old_len:
        ops.append(("equal", i, old_len, j, j + old_len - i))
    merged: list[Opcode] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and op[0] == "equal" and merged[-1][0] == "equal":
            previous = merged[-1]
            merged[-1] = ("equal", previous[1], op[2], previous[3], op[4])
        else:
            merged.append(op)
    return merged


def _grouped(ops: Sequence[Opcode], n: int = CONTEXT) -> list[list[Opcode]]:
    """difflib's get_grouped_opcodes, on a precomputed opcode list."""
    if not ops or all(op[0] == "equal" for op in ops):
        return []
    ops = list(ops)
    if ops[0][0] == "equal":
        tag, i1, i2, j1, j2 = ops[0]
        ops[0] = (tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2)
    if ops[-1][0] == "equal":
        tag, i1, i2, j1, j2 = ops[-1]
        ops[-1] = (tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def _range(start: int, length: int) -> str:
    beginning = start + 1
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def _emit(out: list[str], tag: str, line: str) -> None:
    if line.endswith("\n") and not line.endswith("\r\n"):  # the usual case, without the general helpers
        out.append(f"{tag}{line}")
        return
    out.append(f"{tag}{line_content(line)}\n")
    if not line_ending(line):
        out.append("\\ No newline at end of file\n")


class LineSlices(Protocol):
    """Old lines by slice: a list, or a view that reads only the few lines a diff shows."""

    def __getitem__(self, lines: slice, /) -> Sequence[str]: ...


def unified_diff(
    old_lines: LineSlices,
    new_line: Callable[[int], str],
    ops: Sequence[Opcode],
    fromfile: str,
    tofile: str,
) -> str:
    """Render ``ops`` as a unified diff; ``new_line(j)`` returns line ``j`` of the new file."""
    groups = _grouped(ops)
    if not groups:
        return ""
    out = [f"--- {fromfile}\n", f"+++ {tofile}\n"]
    for group in groups:
        first, last = group[0], group[-1]
        out.append(
            f"@@ -{_range(first[1], last[2] - first[1])} +{_range(first[3], last[4] - first[3])} @@\n"
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in old_lines[i1:i2]:
                    _emit(out, " ", line)
                continue
            if tag in ("replace", "delete"):
                for line in old_lines[i1:i2]:
                    _emit(out, "-", line)
            if tag in ("replace", "insert"):
                for j in range(j1, j2):
                    _emit(out, "+", new_line(j))
    return "".join(out)


def full_unified_diff(old_lines: Sequence[str], new_lines: Sequence[str], fromfile: str, tofile: str) -> str:
    """The same format from scratch (difflib over everything); for small files and tests."""
    matcher = difflib.SequenceMatcher(None, list(old_lines), list(new_lines), autojunk=False)
    return unified_diff(old_lines, new_lines.__getitem__, matcher.get_opcodes(), fromfile, tofile)


# -- the change in words -----------------------------------------------------------------------

SECTION_NOUNS = {
    "profile": ("profile", "profiles"),
    "sso-session": ("sign-in portal", "sign-in portals"),
    "services": ("services section", "services sections"),
    "": ("other section", "other sections"),
}
VERBS = (("added", "adds"), ("changed", "changes"), ("removed", "removes"))


@dataclass(frozen=True)
class SectionChange:
    """One section of the config that a change adds, changes or removes."""

    kind: str  # "profile", "sso-session", "services", or "" for any other section
    name: str
    change: str  # "added", "changed" or "removed"


def _sections(text: str) -> dict[tuple[str, str], list[str]]:
    from app.config.document import ConfigDocument, section_target

    sections: dict[tuple[str, str], list[str]] = {}
    if not text:
        return sections
    document = ConfigDocument.parse(text)
    lines = document.lines
    for section in document.sections:
        key = section_target(section.header) or ("", section.header)
        body = sections.setdefault(key, [])
        for line in lines[section.start + 1:section.end]:
            content = line_content(line).strip()
            if content and not content.startswith(("#", ";")):
                body.append(content)
    return sections


def section_changes(old_text: str, new_text: str) -> list[SectionChange]:
    """The sections ``new_text`` adds, changes or removes compared with ``old_text`` (comments and
    blank lines do not count), in the new file's order, then the removed ones."""
    old, new = _sections(old_text), _sections(new_text)
    changes = []
    for key, body in new.items():
        if key not in old:
            changes.append(SectionChange(key[0], key[1], "added"))
        elif old[key] != body:
            changes.append(SectionChange(key[0], key[1], "changed"))
    changes.extend(SectionChange(key[0], key[1], "removed") for key in old if key not in new)
    return changes


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def change_summary(changes: Sequence[SectionChange]) -> str:
    """``adds 1 profile and 1 sign-in portal``; ``changes 1 profile; removes 2 profiles``;
    ``changes nothing``."""
    clauses = []
    for change, verb in VERBS:
        counts: dict[str, int] = {}
        for item in changes:
            if item.change == change:
                counts[item.kind] = counts.get(item.kind, 0) + 1
        parts = []
        for kind, nouns in SECTION_NOUNS.items():
            n = counts.get(kind, 0)
            if n:
                parts.append(f"{n} {nouns[0] if n == 1 else nouns[1]}")
        if parts:
            clauses.append(f"{verb} {_and(parts)}")
    return "; ".join(clauses) or "changes nothing"


def describe_change(old_text: str, new_text: str) -> str:
    """:func:`change_summary` of the change from ``old_text`` to ``new_text``."""
    return change_summary(section_changes(old_text, new_text))


# -- the diff as changed lines -----------------------------------------------------------------

_KEY = re.compile(r"^\s*([^=\s#;\[]+)\s*=")


@dataclass(frozen=True)
class DiffLine:
    """One line of a change as people read it: ``added``, ``removed``, ``changed`` (``text`` is
    the new line, ``was`` the old value), ``context`` (unchanged, shown around a change) or
    ``gap`` (unchanged lines left out)."""

    kind: str
    text: str
    was: str = ""


def _value(line: str) -> str:
    return line.split("=", 1)[1].strip() if "=" in line else line


def change_lines(diff: str) -> list[DiffLine]:
    """A unified diff as added / changed / removed lines: a removed ``key = old`` followed by an
    added ``key = new`` is one changed line. File headers and line-ending notes are left out."""
    out: list[DiffLine] = []
    removed: list[str] = []
    added: list[str] = []
    hunks = 0

    def flush() -> None:
        new_keys = {m.group(1) for m in map(_KEY.match, added) if m}
        old_by_key = {}
        for line in removed:
            m = _KEY.match(line)
            if m and m.group(1) in new_keys and m.group(1) not in old_by_key:
                old_by_key[m.group(1)] = line
            else:
                out.append(DiffLine("removed", line))
        for line in added:
            m = _KEY.match(line)
            old = old_by_key.pop(m.group(1), None) if m else None
            out.append(DiffLine("changed", line, _value(old)) if old is not None else DiffLine("added", line))
        removed.clear()
        added.clear()

    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ")) and not removed and not added and hunks == 0:
            continue
        if line.startswith("@@"):
            flush()
            hunks += 1
            if hunks > 1:
                out.append(DiffLine("gap", "⋯"))
        elif line.startswith("\\"):
            continue
        elif line.startswith("-"):
            if added:
                flush()
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            out.append(DiffLine("context", line[1:] if line.startswith(" ") else line))
    flush()
    return out


def describe_diff(diff: str) -> str:
    """:func:`change_summary` read from a unified diff alone (when the texts are not at hand): a
    section whose header is added or removed is added or removed; other changed lines belong to
    the section header above them in the hunk, else they count as lines."""
    from app.config.document import section_target

    changes: dict[tuple[str, str], str] = {}
    loose = 0
    current: tuple[str, str] | None = None
    for line in change_lines(diff):
        stripped = line.text.strip()
        if line.kind == "gap":
            current = None
            continue
        if stripped.startswith("[") and stripped.endswith("]") and line.kind in ("context", "added", "removed"):
            header = stripped[1:-1].strip()
            current = section_target(header) or ("", header)
            if line.kind != "context":
                changes[current] = "removed" if line.kind == "removed" and changes.get(current) != "added" else (
                    "changed" if current in changes else line.kind)
            continue
        if line.kind == "context" or not stripped or stripped.startswith(("#", ";")):
            continue
        if current is None:
            loose += 1
        elif current not in changes:
            changes[current] = "changed"
    summary = change_summary([SectionChange(kind, name, change) for (kind, name), change in changes.items()])
    if loose:
        lines = f"{loose} line{'s' if loose != 1 else ''}"
        summary = f"changes {lines}" if summary == "changes nothing" else f"{summary}; changes {lines}"
    return summary
