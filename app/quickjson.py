"""Reading small JSON files (tokens, the app's notes) on the paths that run on every shell prompt
and Tab, without importing :mod:`json`: its decoder pulls in ``re`` and ``enum``, ~11 ms each
time. CPython's own C scanner, the one :mod:`json` uses, does the reading."""

from __future__ import annotations


class _ScanContext:
    """What the C JSON scanner reads from its context: the standard decoder's defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


def json_loads(text: str) -> object:
    """``json.loads`` for the prompt's small files without importing :mod:`json`, whose decoder
    pulls in ``re`` and ``enum`` (~11 ms on every prompt): CPython's own C scanner, the one
    ``json`` itself uses. ValueError for what ``json.loads`` refuses."""
    try:
        from _json import make_scanner
    except ImportError:  # pragma: no cover - another Python: the ordinary way
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(" \t\n\r"))
    try:
        value, end = make_scanner(_ScanContext)(text, start)  # type: ignore[arg-type]
    except StopIteration:
        raise ValueError("not JSON") from None
    if text[end:].strip(" \t\n\r"):
        raise ValueError("extra data after the JSON value")
    return value
