"""How the commands print: JSON for scripts, aligned columns for people (stdout); notes and a
pending sign-in for people (stderr). Everything printed for people goes through
:func:`app.untrusted.shown`: a name from the config or a message from AWS cannot act on the terminal."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

from app.untrusted import shown

if TYPE_CHECKING:  # pragma: no cover
    from app.signin.login import LoginPrompt, MethodChoice


def print_json(data: Any) -> None:
    """``data`` as indented JSON and a final newline."""
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Left-aligned columns two spaces apart, the header first; no trailing spaces."""
    rows = [[shown(cell) for cell in row] for row in rows]
    widths = [max(len(title), *(len(row[i]) for row in rows)) for i, title in enumerate(header)]
    for row in (header, *rows):
        sys.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n")


def out(text: str) -> None:
    """Text for the person on stdout (a result), shown safely."""
    print(shown(text, lines=True), flush=True)


def say(text: str) -> None:
    """One line for the person on stderr (stdout stays for results), shown safely."""
    print(shown(text, lines=True), file=sys.stderr, flush=True)


def print_diff(diff: str) -> None:
    """A change to the config on stdout, secret values of neighbouring static-key profiles masked."""
    from app.secret_values import mask_diff

    sys.stdout.write(mask_diff(diff if diff.endswith("\n") else diff + "\n"))
    sys.stdout.flush()


class RolesProgress:
    """``Finding roles: 12/40 accounts`` on stderr: redrawn in place on a terminal, else a line every
    second or so (and always the last one). Call it as discovery's ``progress``; ``close`` at the end."""

    def __init__(self) -> None:
        import time

        self._out = sys.stderr
        self._tty = self._out.isatty()
        self._clock = time.monotonic
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        text = f"Finding roles: {done}/{total} accounts"
        if self._tty:
            self._out.write("\r" + text)
            self._drawn = True
        elif done == total or self._clock() - self._last >= 1.0:
            self._out.write(text + "\n")
            self._last = self._clock()
        self._out.flush()

    def close(self) -> None:
        if self._drawn:
            self._out.write("\n")
            self._out.flush()


def method_line(choice: "MethodChoice") -> str:
    """The one line a command prints as a sign-in starts: how it signs in, why, and the option that
    switches to the other way."""
    if choice.with_browser:
        what, switch = "your browser", "No browser where you are? Use --device-code to sign in with a code instead."
    else:
        what = "a code you enter on any device"
        switch = "" if choice.fixed else "Use --browser to sign in with a browser on this computer instead."
    why = "" if choice.asked else f" ({choice.reason})"
    return f"Signing in with {what}{why}. {switch}".rstrip()


def prompt_lines(prompt: "LoginPrompt") -> list[str]:
    """What a pending sign-in asks of the person: the address to open, the code to enter (device
    code), and that the command waits."""
    lines: list[str] = []
    if prompt.method == "device":
        lines.append("To sign in, open this address on any device:")
        lines.append(f"    {prompt.verification_uri or prompt.url}")
        lines.append(f"and enter the code:  {prompt.user_code}")
        if prompt.url and prompt.url != prompt.verification_uri:
            lines.append(f"(or open {prompt.url}, which has the code filled in)")
        if prompt.browser_opened:
            lines.append("Your browser has been opened at that address.")
    elif prompt.browser_opened:
        lines.append("Your browser has opened to sign in. If it did not, open this address:")
        lines.append(f"    {prompt.url}")
    else:
        lines.append("Open this address in a browser on this computer to sign in:")
        lines.append(f"    {prompt.url}")
    lines.append("Waiting for you to approve… (Ctrl+C cancels)")
    return lines


def print_sign_in_prompt(prompt: "LoginPrompt") -> None:
    """:func:`prompt_lines` on stderr: every command that signs in shows a pending sign-in so."""
    for line in prompt_lines(prompt):
        say(line)


def sign_in_printer(choice: "MethodChoice") -> Callable[["LoginPrompt"], None]:
    """The ``on_prompt`` of a command: the method line (:func:`method_line`), then the prompt."""

    def show(prompt: "LoginPrompt") -> None:
        say(method_line(choice))
        print_sign_in_prompt(prompt)

    return show
