"""Type-to-filter matching, shared by every list that filters as you type (the account, role and
region pickers, the profile browser). No Textual here.

A query is split on whitespace into terms; an item matches when every term matches one of its
fields, case-insensitively:

* as a substring (``prod`` in ``preservation-prod``, ``0123`` in an account id), or, when no item
  matches every term that way,
* as an abbreviation: prefixes of the words of one field, in order (``presprod`` is
  ``pres``\\ ·\\ ``prod`` of ``preservation-prod``; words break at anything that is not a letter or
  a digit, and between letters and digits).

Matches keep the order they were given in (the CLI's sort order, the table's sort), except that
items with a field equal to the whole query come first, then items with a field that starts with
the first term.

:class:`Filter` filters one fixed list for successive queries; typing on narrows the last result
instead of scanning every item again (5,000 profiles stay well under a millisecond a keystroke for
the matching itself).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

_SEPARATOR = "\n"  # between fields in a key; never in a term (terms are split on whitespace)
_MAX_ABBREVIATION = 40  # longer terms are only matched as substrings

# rank of a match (lower shows first)
EXACT, PREFIX, SUBSTRING, ABBREVIATION = range(4)


def search_key(fields: Iterable[str | None]) -> str:
    """The text one item is matched against: its fields, case-folded, each on its own line."""
    return (_SEPARATOR + _SEPARATOR.join([f for f in fields if f]) + _SEPARATOR).casefold()


def _word_start(char: str) -> str:
    """A regex that matches ``char`` where a word starts: a letter not after a letter, a digit not
    after a digit. (The character comes first and the look-behind after it, two characters wide:
    a literal first lets the regex engine skip ahead quickly, several times faster.)"""
    if char.isdigit():
        return rf"{re.escape(char)}(?<!\d.)"
    return rf"{re.escape(char)}(?<![^\W\d_].)"


def _abbreviation(term: str) -> re.Pattern[str] | None:
    """``term`` as prefixes of words of one field, in order: each next character either follows
    the previous one or starts a later word of the same field."""
    if len(term) < 2 or len(term) > _MAX_ABBREVIATION or not term.isalnum():
        return None
    parts = [_word_start(term[0])]
    for char in term[1:]:
        parts.append(f"(?:{re.escape(char)}|[^{_SEPARATOR}]*?{_word_start(char)})")
    return re.compile("".join(parts))


class Query:
    """A parsed query: its terms (case-folded) and how to rank and match a key."""

    def __init__(self, text: str) -> None:
        self.terms: tuple[str, ...] = tuple(text.casefold().split())
        self.text = " ".join(self.terms)  # normalised: one space between terms
        self._exact = _SEPARATOR + self.text + _SEPARATOR
        self._prefix = _SEPARATOR + self.terms[0] if self.terms else ""
        self._patterns: list[re.Pattern[str] | None] | None = None

    def __bool__(self) -> bool:
        return bool(self.terms)

    def extends(self, earlier: "Query") -> bool:
        """True when this query was typed on from ``earlier`` (every earlier term is a prefix of the
        term in its place, maybe with more terms after): it matches a subset of what ``earlier`` did."""
        return bool(earlier.terms) and self.text.startswith(earlier.text)

    def matches_all(self, key: str) -> bool:
        """Every term is a substring of ``key``."""
        return all(term in key for term in self.terms)

    def matches_loosely(self, key: str) -> bool:
        """Every term is a substring of ``key`` or an abbreviation of one of its fields."""
        if self._patterns is None:
            self._patterns = [_abbreviation(term) for term in self.terms]
        for term, pattern in zip(self.terms, self._patterns):
            if term not in key and (pattern is None or pattern.search(key) is None):
                return False
        return True

    def rank(self, key: str) -> int:
        """EXACT, PREFIX or SUBSTRING for a key that :meth:`matches_all`."""
        if self._exact in key:
            return EXACT
        if self._prefix in key:
            return PREFIX
        return SUBSTRING

    def rank_of(self, key: str) -> int | None:
        """The rank of one key on its own (None: no match). Lists use :class:`Filter`, which
        tries abbreviations only when no item matches by substrings."""
        if self.matches_all(key):
            return self.rank(key)
        if self.matches_loosely(key):
            return ABBREVIATION
        return None


def matches(key: str, text: str) -> bool:
    """Whether one item's key matches ``text`` (substrings or abbreviations)."""
    query = Query(text)
    return not query or query.rank_of(key) is not None


class Filter:
    """Filters a fixed list of keys (from :func:`search_key`) for successive queries."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        # the last query, whether it needed abbreviations, and its matches in list order
        self._last: tuple[Query, bool, list[int]] | None = None

    def __call__(self, text: str) -> list[int]:
        """The indices of the matching keys: ranked first, otherwise in list order."""
        query = Query(text)
        if not query:
            self._last = None
            return list(range(len(self.keys)))
        keys = self.keys
        last = self._last
        narrowed = last if last is not None and query.extends(last[0]) else None
        base: Iterable[int] = narrowed[2] if narrowed is not None else range(len(keys))
        loose = narrowed is not None and narrowed[1]
        hits: list[int] = []
        if not loose:
            terms = query.terms
            if len(terms) == 1:
                term = terms[0]
                hits = [i for i in base if term in keys[i]]
            else:
                hits = [i for i in base if all(t in keys[i] for t in terms)]
            if not hits:  # nothing matches by substrings: try abbreviations, over every item
                loose, base = True, range(len(keys))
        if loose:
            hits = [i for i in base if query.matches_loosely(keys[i])]
        self._last = (query, loose, hits)
        if loose:
            return list(hits)
        return _ranked(query, keys, hits)


def _ranked(query: Query, keys: Sequence[str], hits: list[int]) -> list[int]:
    exact: list[int] = []
    prefix: list[int] = []
    rest: list[int] = []
    exact_text, prefix_text = query._exact, query._prefix
    for i in hits:
        key = keys[i]
        if prefix_text not in key:
            rest.append(i)
        elif exact_text in key:
            exact.append(i)
        else:
            prefix.append(i)
    if not exact and not prefix:
        return rest
    return exact + prefix + rest
