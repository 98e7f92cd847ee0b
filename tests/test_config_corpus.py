"""A corpus of tricky real-world config files (``tests/corpus/NAME.config``) with the expected
reading (``NAME.expected.json``): profiles in list-profiles order with kind, SSO settings and
problems; sso-sessions; services; sections botocore drops; or the refusal with its line.

Every file is also cross-checked against botocore's own loader, must render byte-identical,
and must survive an upsert with every old section byte-identical and every old profile
reading the same in botocore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.document import ConfigDocument, ConfigParseError, decode_config
from app.config.edits import UpsertProfile, UpsertSsoSession
from app.config.model import load_aws_config
from app.config.writer import ConfigWriter
from tests.test_config_document import botocore_read

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.config"))


def test_the_corpus_is_large_enough():
    assert len(FILES) >= 25
    assert all(path.with_suffix(".expected.json").exists() for path in FILES)


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_file_reads_as_expected(path):
    expected = _expected(path)
    data = path.read_bytes()
    if "error" in expected:
        with pytest.raises(ConfigParseError) as caught:
            load_aws_config(path)
        assert caught.value.line == expected["error"]["line"]
        assert expected["error"]["contains"] in caught.value.reason
        from botocore.configloader import raw_config_parse
        from botocore.exceptions import ConfigParseError as BotocoreParseError

        with pytest.raises(BotocoreParseError):  # botocore refuses it too
            raw_config_parse(str(path))
        return
    config = load_aws_config(path)
    text = decode_config(data)
    assert ConfigDocument.parse(text).render() == text
    assert ConfigDocument.parse(text).newline == expected["newline"]
    assert list(config.profiles) == list(expected["profiles"])
    for name, want in expected["profiles"].items():
        profile = config.profiles[name]
        got = {
            "kind": profile.kind.value, "line": profile.line, "sso_session": profile.sso_session,
            "start_url": profile.start_url, "sso_region": profile.sso_region, "account_id": profile.account_id,
            "role_name": profile.role_name, "region": profile.region, "output": profile.output,
            "problem": profile.problem,
        }
        assert got == want, name
    sessions = {
        name: {"start_url": s.start_url, "region": s.region, "registration_scopes": s.registration_scopes,
               "scopes": list(s.scopes)}
        for name, s in config.sso_sessions.items()
    }
    assert sessions == expected["sso_sessions"]
    assert {n: dict(v) for n, v in config.services.items()} == expected["services"]
    assert [[i.line, i.header] for i in config.ignored] == expected["ignored"]
    # botocore agrees on every profile, session and service, and on the order.
    _, mapped, error = botocore_read(text)
    assert error is None
    assert list(mapped["profiles"]) == list(config.profiles)
    assert {n: dict(p.values) for n, p in config.profiles.items()} == mapped["profiles"]
    assert {n: dict(s.values) for n, s in config.sso_sessions.items()} == mapped["sso_sessions"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_file_survives_an_upsert(path, tmp_path):
    target = tmp_path / "config"
    target.write_bytes(path.read_bytes())
    writer = ConfigWriter(target)
    # With a [DEFAULT] region every sso-session inherits it, and botocore refuses a profile whose
    # region differs from its session's (see test_default_region_conflict_is_explained).
    region = None if b"[DEFAULT]" in path.read_bytes() else "eu-west-1"
    edits = [
        UpsertProfile("corpus check", "123456789012", "Auditor", sso_session="corpus-check", region=region),
        UpsertSsoSession("corpus-check", "https://corpus.awsapps.com/start", "eu-west-1"),
    ]
    if "error" in _expected(path):
        with pytest.raises(ConfigParseError):
            writer.plan(edits)
        return
    old_text = decode_config(path.read_bytes())
    writer.apply(writer.plan(edits))
    new_text = target.read_bytes().decode("utf-8")
    assert new_text.startswith(old_text)  # every old byte in place; the new sections follow
    _, before, _ = botocore_read(old_text)
    _, after, _ = botocore_read(new_text)
    assert {k: v for k, v in after["profiles"].items() if k != "corpus check"} == before["profiles"]
    assert list(after["profiles"])[:-1] == list(before["profiles"])
    assert after["profiles"]["corpus check"]["sso_session"] == "corpus-check"
    assert load_aws_config(target).profiles["corpus check"].problem is None


def test_default_region_conflict_is_explained(tmp_path):
    """botocore copies every sso-session key, [DEFAULT]-inherited ones included, into the
    profile and refuses differences: a profile region unlike [DEFAULT]'s cannot work."""
    from app.config.edits import EditError

    target = tmp_path / "config"
    target.write_bytes((CORPUS / "DEFAULT_inheritance.config").read_bytes())
    with pytest.raises(EditError) as caught:
        ConfigWriter(target).plan([
            UpsertProfile("p", "123456789012", "Auditor", sso_session="corp", region="eu-west-1"),
        ])
    assert "region" in caught.value.message and "[DEFAULT]" in caught.value.hint
