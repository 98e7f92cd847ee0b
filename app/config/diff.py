"""Unified diffs of a config change, built from the ranges the edit changed.

Running difflib over a 30,000-line file costs far more than the whole write, and the edit
already knows which line ranges it replaced. Each replaced range is diffed on its own
(a few lines), everything else is one long "equal" run, and hunks with three lines of
context are cut from that, in the format ``diff -u`` prints. Line endings are not shown,
except that a last line without one gets ``\\ No newline at end of file``.
"""

from __future__ import annotations

import difflib
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
