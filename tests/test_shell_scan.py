"""The fast config reader of completion and the prompt sees what the real reader sees (and so
what botocore sees): the same profile and sso-session names in the same order, with the same
values, for every file of the corpus that botocore can read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.model import load_aws_config
from app.shell import scan

CORPUS = Path(__file__).parent / "corpus"
READABLE = [p for p in sorted(CORPUS.glob("*.config"))
            if "error" not in json.loads(p.with_suffix(".expected.json").read_text(encoding="utf-8"))]


def test_there_are_files_to_compare():
    assert len(READABLE) >= 20


def _plain(values) -> dict[str, str]:
    return {str(k): v for k, v in values.items() if isinstance(v, str)}


@pytest.mark.parametrize("path", READABLE, ids=[p.stem for p in READABLE])
def test_names_and_values_match_the_real_reader(path):
    real = load_aws_config(path)
    fast = scan.read(str(path))
    assert list(fast.profiles) == list(real.profiles)
    assert list(fast.sessions) == list(real.sso_sessions)
    for name, profile in real.profiles.items():
        wanted = _plain(profile.values)
        assert {k: fast.profiles[name][k] for k in wanted} == wanted, name
    for name, session in real.sso_sessions.items():
        wanted = _plain(session.values)
        assert {k: fast.sessions[name][k] for k in wanted} == wanted, name


def test_a_missing_or_unreadable_file_has_no_names(tmp_path):
    assert scan.read(str(tmp_path / "missing")).profiles == {}
    (tmp_path / "binary").write_bytes(b"\xff\xfe[profile a]\n")
    assert scan.read(str(tmp_path / "binary")).profiles == {}
