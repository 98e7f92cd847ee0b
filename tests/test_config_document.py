"""The round-trip document: byte-identical rendering and botocore-exact reading."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.config.document import (
    ConfigDocument,
    ConfigParseError,
    _fast_index,
    decode_config,
    section_header,
    section_target,
    split_lines,
)
from helpers.config_strategies import config_text, valid_config_text

PROPERTY = settings(max_examples=int(os.environ.get("CONFIG_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def botocore_read(text: str):
    """botocore's real loader on a real file: (raw config, profile map) or the exception."""
    from botocore.configloader import build_profile_map, raw_config_parse

    fd, name = tempfile.mkstemp(suffix=".config")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        try:
            raw = raw_config_parse(name)
        except Exception as error:  # noqa: BLE001 - any refusal counts
            return None, None, error
        return raw, build_profile_map(raw), None
    finally:
        os.unlink(name)


def our_profile_map(doc: ConfigDocument) -> dict:
    profiles: dict = {}
    sessions: dict = {}
    services: dict = {}
    for index, target in enumerate(doc.targets):
        if target is None:
            continue
        kind, name = target
        bucket = {"profile": profiles, "sso-session": sessions, "services": services}[kind]
        bucket[name] = doc.section_values(index)
    return {"profiles": profiles, "sso_sessions": sessions, "services": services}


def assert_same_as_botocore(text: str) -> None:
    raw, profile_map, error = botocore_read(text)
    try:
        doc = ConfigDocument.parse(text)
    except ConfigParseError as ours:
        assert error is not None, f"we refused what botocore reads ({ours})"
        assert ours.line is None or ours.line >= 1
        return
    assert error is None, f"botocore refuses what we accepted: {error!r}"
    assert doc.render() == text
    assert doc.raw_config() == raw
    bulk = ConfigDocument.parse(text).all_section_values()  # fresh: no per-section cache
    assert [v for v, h in zip(bulk, doc.headers) if h != "DEFAULT"] == list(raw.values())
    mine = our_profile_map(doc)
    for key in ("profiles", "sso_sessions", "services"):
        assert mine[key] == profile_map[key]
        assert list(mine[key]) == list(profile_map[key])  # the order list-profiles prints
    # The fast path and the exact scanner agree wherever the fast path answers.
    exact = ConfigDocument._parse_exact(text, split_lines(text), None)
    assert exact.headers == doc.headers and exact.starts == doc.starts
    assert exact.raw_config() == raw
    assert [exact.details(i).options for i in range(len(exact.headers))] == [
        doc.details(i).options for i in range(len(doc.headers))
    ]


@PROPERTY
@given(config_text())
def test_any_text_is_read_exactly_as_botocore_reads_it(text):
    assert_same_as_botocore(text)


@PROPERTY
@given(valid_config_text())
def test_valid_configs_render_byte_identical_and_match_botocore(text):
    raw, _, error = botocore_read(text)
    assert error is None, text
    doc = ConfigDocument.parse(text)
    # Section boundaries by character offset (no full split) agree with the split lines.
    lazy = ConfigDocument.parse(text)
    assert [lazy.text_of(lazy.starts[i], lazy.section_end(i)) for i in range(len(lazy.headers))] == [
        "".join(doc.lines[doc.starts[i] : doc.section_end(i)]) for i in range(len(doc.headers))
    ]
    assert lazy.line_count == len(doc.lines)
    assert lazy.text_of(0, lazy.preamble_end) == "".join(doc.lines[: doc.preamble_end])
    assert doc.render() == text
    assert doc.raw_config() == raw


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["[profile a]", "x = 1", "  y = 2", "# c", "", "[b]", "k: v", "s3 =", "  z = 3"]), max_size=12),
       st.sampled_from(["\n", "\r\n"]))
def test_fast_path_agrees_with_exact_scanner(lines, newline):
    text = newline.join(lines)
    fast = _fast_index(text)
    try:
        exact = ConfigDocument._parse_exact(text, split_lines(text), None)
    except ConfigParseError:
        with pytest.raises(ConfigParseError):
            ConfigDocument.parse(text)
        return
    if fast is not None:
        headers, starts, _, _ = fast
        assert headers == exact.headers and starts == exact.starts


# --- byte fidelity --------------------------------------------------------------------------

ODD = [
    "",
    "\n",
    "[default]",
    "[default]\nregion = us-east-1",  # no final newline
    "[default]\r\nregion = us-east-1\r\n",
    "[default]\rregion = us-east-1\r",  # old Mac line ends: botocore splits on a lone CR too
    "# only a comment\n; and another\n",
    "[profile 'my prof']\nregion\t=\tus-east-1\n",
    "[profile dev]\nregion: eu-west-1\noutput   =json\n",
    "[services s]\ns3 =\n  endpoint_url = http://localhost:9000\n\n  addressing_style = path\n",
    "[profile ü]\nregion = 東京 # not a comment\n",
    "[DEFAULT]\nregion = x\n[profile a]\noutput = json\n",
    "[default]\nx = 1\n[profile default]\ny = 2\n",
    "  [profile indented]\nregion = x\n",
    "[profile a] # trailing note\nregion = x\n",
    "[profile a]\nregion = x\n  continued\n\n  after blank\n",
    "[profile a]\n\tregion = x\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_files_round_trip_and_match_botocore(text):
    assert_same_as_botocore(text)
    assert ConfigDocument.parse(text).render() == text


def test_newline_style_is_detected():
    assert ConfigDocument.parse("[a]\r\nx = 1\r\n").newline == "\r\n"
    assert ConfigDocument.parse("[a]\nx = 1\n").newline == "\n"
    assert ConfigDocument.parse("").newline == "\n"
    assert ConfigDocument.parse("[a]\r\nx = 1\r\ny = 2\n").newline == "\r\n"


def test_split_lines_splits_only_where_botocore_does():
    assert split_lines("a\x0cb\nc\u2028d\r\ne\rf") == ["a\x0cb\n", "c\u2028d\r\n", "e\r", "f"]


# --- refusals with line numbers -------------------------------------------------------------

REFUSED = [
    ("[profile dev]\nregion = a\n\n[profile dev]\nregion = b\n", 4, "the section [profile dev] appears twice (first on line 1)"),
    ("[default]\nregion = a\nREGION = b\n", 3, "the key 'region' appears twice in [default] (first on line 2"),
    ("region = a\n[default]\n", 1, "comes before any [section] header"),
    ("[default]\nregion = a\njust words\n", 3, "is not a [section] header, a comment or a 'key = value' setting"),
    ("[default]\n[profile broken\nx = 1\n", 2, "has no closing ]"),
    ("[default]\n= value\n", 2, "has no name before"),
    ("[services s]\ns3 =\n  a = b\n  noequals\n", 4, "has a line without '='"),
    ("[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n[a]\n", 4, "the key 'x' appears twice in [DEFAULT]"),
]


@pytest.mark.parametrize("text, line, words", REFUSED)
def test_refusals_name_the_line_and_the_reason(text, line, words):
    with pytest.raises(ConfigParseError) as caught:
        ConfigDocument.parse(text, Path("/x/config"))
    error = caught.value
    assert error.line == line
    assert words in error.message
    assert f"line {line}:" in str(error)
    assert str(error).startswith("/x/config: ")
    _, _, botocore_error = botocore_read(text)
    assert botocore_error is not None


def test_default_and_profile_default_may_both_exist():
    doc = ConfigDocument.parse("[default]\nx = 1\n[profile default]\nx = 2\n")
    assert doc.targets == [("profile", "default"), ("profile", "default")]


def test_bom_and_bad_utf8_are_refused_with_a_line():
    with pytest.raises(ConfigParseError) as caught:
        decode_config(b"\xef\xbb\xbf[default]\n")
    assert caught.value.line == 1 and "byte order mark" in caught.value.message
    with pytest.raises(ConfigParseError) as caught:
        decode_config(b"[default]\nregion = \xff\n")
    assert caught.value.line == 2 and "not valid UTF-8" in caught.value.message
    with pytest.raises(ConfigParseError):
        ConfigDocument.parse("\ufeff[default]\n")


def test_error_messages_never_show_secrets():
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    with pytest.raises(ConfigParseError) as caught:
        ConfigDocument.parse(f"[default]\naws_secret_access_key = x\n{secret}\n")
    assert secret not in str(caught.value)
    with pytest.raises(ConfigParseError) as caught:
        ConfigDocument.parse(f"{secret} = 1\n")
    assert secret not in str(caught.value)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, target",
    [
        ("default", ("profile", "default")),
        ("profile default", ("profile", "default")),
        ("profile 'my prof'", ("profile", "my prof")),
        ('profile "my prof"', ("profile", "my prof")),
        ("profiles foo", ("profile", "foo")),
        ("profile x y", None),
        ("profilefoo", None),
        (" profile z ", None),
        ("profile 'unbalanced", None),
        ("sso-session \"s 2\"", ("sso-session", "s 2")),
        ("services local", ("services", "local")),
        ("preview", None),
        ("Profile dev", None),
        ("profile a\\ b", ("profile", "a b")),
    ],
)
def test_section_names_map_like_build_profile_map(header, target):
    from botocore.configloader import build_profile_map

    assert section_target(header) == target
    built = build_profile_map({header: {"k": "v"}})
    found = [(kind, name) for kind, key in (("profile", "profiles"), ("sso-session", "sso_sessions"), ("services", "services")) for name in built[key]]
    assert found == ([target] if target else [])


@given(st.text(st.sampled_from(list("ab '\"\\\t\xa0ü#-")), max_size=8), st.sampled_from(["profile", "sso-session", "services", "profiles"]))
@settings(max_examples=300, deadline=None)
def test_fast_name_split_agrees_with_shlex(name, kind):
    import shlex

    header = f"{kind} {name}"
    try:
        parts = shlex.split(header)
    except ValueError:
        parts = None
    expected = ({"profiles": "profile"}.get(kind, kind), parts[1]) if parts is not None and len(parts) == 2 else None
    assert section_target(header) == expected


def test_headers_are_written_like_the_cli():
    assert section_header("profile", "default") == "default"
    assert section_header("profile", "dev") == "profile dev"
    assert section_header("profile", "my prof") == "profile 'my prof'"
    assert section_header("sso-session", "my sso") == "sso-session 'my sso'"
    assert section_header("sso-session", "default") == "sso-session default"
