"""Text from outside (the config, AWS, the environment) made safe to show in a terminal.

A profile name can hold an escape sequence that recolours or clears the terminal, or a bidi
override that makes ``prod`` read as ``dorp``. :func:`shown` writes every such character as a
visible escape (``\\x1b``, ``\\u202e``), so what is printed is what the file holds, and nothing in
it acts on the terminal. The command line and the TUI both use it for outside text.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_LINE_BREAKS = "\u2028\u2029"
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}{_LINE_BREAKS}]")
_UNSAFE_KEEPING_LINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}{_LINE_BREAKS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object, *, lines: bool = False) -> str:
    """``text`` with control characters (C0, DEL, C1, so escape sequences too) and bidi controls
    written as visible escapes. ``lines=True`` keeps newlines (for text of several lines)."""
    pattern = _UNSAFE_KEEPING_LINES if lines else _UNSAFE
    return pattern.sub(_escape, str(text))

