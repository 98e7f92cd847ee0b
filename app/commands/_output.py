"""How the everyday commands print: JSON for scripts, aligned columns for people (stdout)."""

from __future__ import annotations

import json
import sys
from typing import Any, Sequence


def print_json(data: Any) -> None:
    """``data`` as indented JSON and a final newline."""
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Left-aligned columns two spaces apart, the header first; no trailing spaces."""
    widths = [max(len(title), *(len(row[i]) for row in rows)) for i, title in enumerate(header)]
    for row in (header, *rows):
        sys.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n")
