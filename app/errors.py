"""The error type every service raises for problems a person can act on.

A :class:`WizardError` carries a plain-language message and, where there is one, the next
step ("sign in again", "check the start URL"). Its text must never contain a secret: callers
build messages from names, URLs and codes only, and :func:`redact` scrubs anything that looks
like a token before text from elsewhere (an exception, a server body) is shown.
"""

from __future__ import annotations

import re

_SECRET_PATTERNS = [
    # Long opaque strings: tokens, client secrets, session tokens, secret keys.
    re.compile(r"[A-Za-z0-9+/=_\-\.:]{40,}"),
    # AWS access key ids (AKIA..., ASIA...).
    re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b"),
]


def redact(text: str) -> str:
    """Replace anything that looks like a credential or token with ``[redacted]``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


class WizardError(Exception):
    """A problem the user can understand and act on.

    ``message`` says what went wrong, ``hint`` what to do next. ``exit_code`` is what the
    command line returns for it.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            # one sentence after another, whatever punctuation the message ended with
            end = "" if self.message.rstrip().endswith((".", "!", "?", ":")) else "."
            return f"{self.message.rstrip()}{end} {self.hint}"
        return self.message


class Cancelled(WizardError):
    """The user cancelled the operation (Escape, Ctrl+C, a cancel token)."""

    exit_code = 130

    def __init__(self, message: str = "Cancelled.", *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
