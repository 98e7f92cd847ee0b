"""The shared type-to-filter matching (app.search): every term must match a field, as a substring or
an abbreviation; exact and prefix matches first, otherwise the given order; typing on narrows."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from app.search import ABBREVIATION, EXACT, PREFIX, SUBSTRING, Filter, Query, matches, search_key

ACCOUNTS = [  # (name, id, email) in the CLI's order
    ("archive-storage", "890123456789", "aws+archive-storage@example.org"),
    ("billing", "998877665544", "aws+billing@example.org"),
    ("catalogue-prod", "456789012345", "aws+catalogue-prod@example.org"),
    ("preservation-dev", "223344556677", "aws+preservation-dev@example.org"),
    ("preservation-prod", "012345678901", "aws+preservation-prod@example.org"),
    ("prod-tools", "111111111111", "aws+prod-tools@example.org"),
    ("shared-services", "210987654321", "aws+shared-services@example.org"),
]
KEYS = [search_key(fields) for fields in ACCOUNTS]


def names(text: str) -> list[str]:
    return [ACCOUNTS[i][0] for i in Filter(KEYS)(text)]


def test_every_term_must_match_some_field_case_insensitively():
    assert names("PRESERVATION") == ["preservation-dev", "preservation-prod"]
    assert names("pres prod") == ["preservation-prod"]
    assert names("prod pres") == ["preservation-prod"]
    assert names("  ") == [a[0] for a in ACCOUNTS]
    assert names("2345678901") == ["preservation-prod"]  # part of the id
    assert names("aws+billing@") == ["billing"]  # the email
    assert names("pres zzz") == []


def test_abbreviations_match_word_prefixes_in_order():
    assert names("presprod") == ["preservation-prod"]
    assert names("pprod") == ["preservation-prod"]
    assert names("ss") == ["shared-services"]  # no substring match anywhere: initials
    assert names("prodpres") == []  # out of order
    assert names("presdev prod") == []  # every term still has to match
    # a term never spans two fields
    assert not matches(search_key(["preservation", "prod"]), "presprod")


def test_abbreviations_only_when_nothing_matches_by_substrings():
    assert names("arst") == ["archive-storage"]  # no substring match: ar·st
    # "ar" is a substring of several: abbreviations (a·r of "aws+...r...") are not mixed in
    assert names("ar") == ["archive-storage", "shared-services"]


def test_exact_then_prefix_then_the_given_order():
    assert names("prod") == ["prod-tools", "catalogue-prod", "preservation-prod"]
    assert names("preservation-prod") == ["preservation-prod"]
    keys = [search_key(["team-billing"]), search_key(["billing-old"]), search_key(["billing"])]
    assert Filter(keys)("billing") == [2, 1, 0]
    query = Query("billing")
    assert [query.rank_of(k) for k in keys] == [SUBSTRING, PREFIX, EXACT]
    assert Query("tbill").rank_of(keys[0]) == ABBREVIATION
    assert Query("zz").rank_of(keys[0]) is None


def test_words_break_between_letters_and_digits():
    key = search_key(["team0042-poweruser"])
    assert matches(key, "t42") is False  # "42" is not where a word starts ("0042")
    assert matches(key, "t0042") and matches(key, "teampow") and matches(key, "t00p")


def test_typing_on_narrows_and_editing_starts_again():
    f = Filter(KEYS)
    assert len(f("p")) == 7  # every email has a p (example.org)
    assert [ACCOUNTS[i][0] for i in f("pre")] == ["preservation-dev", "preservation-prod"]
    assert [ACCOUNTS[i][0] for i in f("pres")] == ["preservation-dev", "preservation-prod"]
    assert [ACCOUNTS[i][0] for i in f("presp")] == ["preservation-prod"]  # now an abbreviation
    assert [ACCOUNTS[i][0] for i in f("pre")] == ["preservation-dev", "preservation-prod"]  # Backspace
    assert [ACCOUNTS[i][0] for i in f("bil")] == ["billing"]


WORDS = st.text(alphabet="abpr0-1 ", min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    fields=st.lists(st.lists(st.text(alphabet="abpr01-+.", min_size=0, max_size=10), max_size=3), max_size=12),
    typed=st.lists(WORDS, min_size=1, max_size=4),
)
def test_typing_on_gives_the_same_result_as_a_fresh_filter(fields, typed):
    keys = [search_key(f) for f in fields]
    incremental = Filter(keys)
    text = ""
    for piece in typed:
        text += piece
        assert incremental(text) == Filter(keys)(text), text
