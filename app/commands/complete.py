"""``aws-sso-wizard __complete SHELL WORD...``: what the shell's completion function asks on Tab
(see :mod:`app.shell.scripts`): the candidates for the last word, one a line, or exit code
:data:`app.shell.scripts.FILES_EXIT` to let the shell complete a file name. Not a listed command."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself costs ~4 ms on every prompt and Tab

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence


def fast(argv: "Sequence[str]") -> int:
    from app.shell.completion import answer, bash_words
    from app.shell.scripts import FILES_EXIT, SHELLS

    if not argv or argv[0] not in SHELLS:
        print(f"usage: __complete {{{','.join(SHELLS)}}} WORD...", file=sys.stderr)
        return 2
    words = list(argv[1:])
    result = answer(bash_words(words) if argv[0] == "bash" else words)
    if result.files:
        return FILES_EXIT
    lines = result.lines(argv[0])
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0
