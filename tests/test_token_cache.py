"""The token / registration / role-credential caches, byte for byte as the AWS CLI v2 writes them
(interop spec §4, §6)."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest

from app.config.model import parse_registration_scopes
from app.signin.state import format_timestamp
from app.signin.target import SsoTarget
from app.signin.token_cache import (
    TokenCache,
    build_token_document,
    parse_timestamp,
    registration_cache_key,
    role_cache_key,
    sso_json_dumps,
    target_registration_key,
    target_role_key,
    target_token_key,
    token_cache_key,
)

URL = "https://my-sso-portal.awsapps.com/start"


# ---------------------------------------------------------------- keys (the spec's worked examples)


def test_token_keys():
    assert token_cache_key(URL, "my-sso") == "0ad374308c5a4e22f723adf10145eafad7c4031c"
    assert token_cache_key(URL) == "c7aaaf71fcc8777ae2475525ed049d39fe16c484"
    # the start URL exactly as configured: a trailing slash is another key
    assert token_cache_key(URL + "/") != token_cache_key(URL)


def test_registration_keys():
    assert registration_cache_key(URL, "us-east-1", ["sso:account:access"], "my-sso") == (
        "c5cfae6e3e4f067423a532368c8b514b6a4b0ace"
    )
    assert registration_cache_key(URL, "us-east-1", None, "my-sso") == "5d2ad48f7ce068c072924f44a42fb81ca0fd6b99"
    assert registration_cache_key(URL, "us-east-1", None, None) == "0e093f10f65cee6c5c1898a8e240f5726875bf08"


def test_role_credential_keys():
    assert role_cache_key("123456789012", "ReadOnly", session_name="my-sso") == (
        "31b260dab331b2af063485cea75f7b8b3cf54c71"
    )
    assert role_cache_key("123456789012", "ReadOnly", start_url=URL) == "107af63d78e24f5ce0fbb60ccb8244f20f6e19e6"
    with pytest.raises(ValueError):
        role_cache_key("1", "r")


def test_target_keys_follow_the_session_configuration():
    configured = SsoTarget(URL, "us-east-1", "my-sso", ("sso:account:access",), "sso:account:access")
    unconfigured = SsoTarget(URL, "us-east-1", "my-sso")
    empty = SsoTarget(URL, "us-east-1", "my-sso", (), "  ,  ")  # configured but parses to nothing: []
    legacy = SsoTarget(URL, "us-east-1")
    assert target_token_key(configured) == "0ad374308c5a4e22f723adf10145eafad7c4031c"
    assert target_token_key(legacy) == "c7aaaf71fcc8777ae2475525ed049d39fe16c484"
    assert target_registration_key(configured) == "c5cfae6e3e4f067423a532368c8b514b6a4b0ace"
    assert target_registration_key(unconfigured) == "5d2ad48f7ce068c072924f44a42fb81ca0fd6b99"
    assert target_registration_key(legacy) == "0e093f10f65cee6c5c1898a8e240f5726875bf08"
    assert target_registration_key(empty) == registration_cache_key(URL, "us-east-1", [], "my-sso")
    assert target_role_key(configured, "123456789012", "ReadOnly") == "31b260dab331b2af063485cea75f7b8b3cf54c71"
    assert target_role_key(legacy, "123456789012", "ReadOnly") == "107af63d78e24f5ce0fbb60ccb8244f20f6e19e6"


def test_scope_parsing_matches_the_cli():
    assert parse_registration_scopes("sso:account:access, codewhisperer:completions ,,") == (
        "sso:account:access",
        "codewhisperer:completions",
    )
    assert parse_registration_scopes("") == ()


# ---------------------------------------------------------------- timestamps


def test_timestamps_are_written_in_utc_with_z():
    moment = datetime(2026, 7, 23, 15, 4, 5, 987654, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(moment) == "2026-07-23T13:04:05Z"
    with pytest.raises(ValueError):
        format_timestamp(datetime(2026, 7, 23))


@pytest.mark.parametrize(
    "text",
    [
        "2026-07-23T13:04:05Z",
        "2026-07-23T13:04:05.000Z",
        "2026-07-23T13:04:05+00:00",
        "2026-07-23T15:04:05+02:00",
        "2026-07-23T13:04:05UTC",
        "2026-07-23T13:04:05",  # no zone: taken as UTC
        "2026-07-23 13:04:05 UTC",
        "Thu, 23 Jul 2026 13:04:05 GMT",  # via dateutil
    ],
)
def test_timestamps_are_read_leniently(text):
    assert parse_timestamp(text) == datetime(2026, 7, 23, 13, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["", "soon", 12, None, "2026-13-45T99:99:99Z"])
def test_bad_timestamps_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


# ---------------------------------------------------------------- the token document


def test_token_document_is_the_cli_line():
    document = build_token_document(
        start_url=URL,
        region="us-east-1",
        access_token="aoa-token",
        expires_at=datetime(2026, 7, 23, 13, 4, 5, tzinfo=timezone.utc),
        client_id="cid",
        client_secret="csecret",
        registration_expires_at="2026-10-21T12:04:05Z",
        refresh_token="aor-token",
    )
    assert sso_json_dumps(document) == (
        '{"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1", "accessToken": "aoa-token", '
        '"expiresAt": "2026-07-23T13:04:05Z", "clientId": "cid", "clientSecret": "csecret", '
        '"registrationExpiresAt": "2026-10-21T12:04:05Z", "refreshToken": "aor-token"}'
    )
    without = dict(document)
    del without["refreshToken"]
    assert "refreshToken" not in build_token_document(
        start_url=URL,
        region="us-east-1",
        access_token="a",
        expires_at="2026-07-23T13:04:05Z",
        client_id=None,
        client_secret=None,
        registration_expires_at=None,
    )


def test_save_token_writes_0600_in_0700_dirs_atomically(home):
    cache = TokenCache()
    target = SsoTarget(URL, "us-east-1", "my-sso")
    document = build_token_document(
        start_url=URL,
        region="us-east-1",
        access_token="aoa",
        expires_at=datetime(2030, 1, 1, tzinfo=timezone.utc),
        client_id="c",
        client_secret="s",
        registration_expires_at="2030-02-01T00:00:00Z",
    )
    path = cache.save_token(target, document)
    assert path == home / ".aws" / "sso" / "cache" / "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (home / ".aws", home / ".aws" / "sso", home / ".aws" / "sso" / "cache"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    raw = path.read_bytes()
    assert raw.endswith(b"}") and b"\n" not in raw  # one line, no trailing newline
    assert list(json.loads(raw)) == [
        "startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt"
    ]
    # a file someone loosened is tightened again on the next write, like botocore's mkstemp + replace
    os.chmod(path, 0o644)
    cache.save_token(target, document)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


def test_cli_written_token_is_read_as_ours(home):
    """A file exactly as `aws sso login` writes it (§4.2) is read with all its fields."""
    folder = home / ".aws" / "sso" / "cache"
    folder.mkdir(parents=True)
    line = (
        '{"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1", "accessToken": "aoaXYZ", '
        '"expiresAt": "2030-07-23T13:04:05Z", "clientId": "cid", "clientSecret": "csec", '
        '"registrationExpiresAt": "2030-10-21T12:04:05Z", "refreshToken": "aorXYZ"}'
    )
    (folder / "0ad374308c5a4e22f723adf10145eafad7c4031c.json").write_text(line)
    token = TokenCache().load_token(SsoTarget(URL, "us-east-1", "my-sso"))
    assert token is not None
    assert token.access_token == "aoaXYZ" and token.refresh_token == "aorXYZ"
    assert token.expires_at == datetime(2030, 7, 23, 13, 4, 5, tzinfo=timezone.utc)
    assert token.registration_expires_at == "2030-10-21T12:04:05Z"
    assert token.has_refresh_material()
    text = repr(token)
    assert "aoaXYZ" not in text and "aorXYZ" not in text and "csec" not in text


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"expiresAt": "2030-01-01T00:00:00Z"}',  # no accessToken: botocore calls it invalid
        b'{"accessToken": "a"}',  # no expiresAt
        b'{"accessToken": "a", "expiresAt": "whenever"}',
        b"\xff\xfe",
    ],
)
def test_unusable_token_files_read_as_absent(home, content):
    folder = home / ".aws" / "sso" / "cache"
    folder.mkdir(parents=True)
    target = SsoTarget(URL, "us-east-1", "my-sso")
    (folder / f"{target_token_key(target)}.json").write_bytes(content)
    assert TokenCache().load_token(target) is None


def test_registrations_round_trip_and_are_told_apart(home):
    cache = TokenCache()
    target = SsoTarget(URL, "us-east-1", "my-sso", ("sso:account:access",), "sso:account:access")
    expires = datetime.now(timezone.utc) + timedelta(days=90)
    pkce = cache.save_registration(
        target,
        {
            "clientId": "c1",
            "clientSecret": "s1",
            "expiresAt": expires,
            "scopes": ["sso:account:access"],
            "grantTypes": ["authorization_code", "refresh_token"],
        },
    )
    path = cache.registration_path(target)
    assert path.name == "c5cfae6e3e4f067423a532368c8b514b6a4b0ace.json"
    assert list(json.loads(path.read_text())) == ["clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"]
    assert pkce.for_auth_code and pkce.usable()
    assert pkce.expires_at_raw == format_timestamp(expires)
    device = cache.save_registration(target, {"clientId": "c2", "clientSecret": "s2", "expiresAt": expires})
    assert not device.for_auth_code and device.usable()
    soon = cache.save_registration(
        target, {"clientId": "c3", "clientSecret": "s3", "expiresAt": datetime.now(timezone.utc) + timedelta(minutes=14)}
    )
    assert not soon.usable()  # less than 15 minutes left counts as expired
    assert "s3" not in repr(soon)


def test_an_incomplete_registration_is_refused_before_anything_is_written(home):
    cache = TokenCache()
    target = SsoTarget(URL, "us-east-1", "my-sso")
    with pytest.raises(ValueError):
        cache.save_registration(target, {"clientId": "c1", "expiresAt": datetime.now(timezone.utc)})
    assert not cache.registration_path(target).exists()


def test_a_cache_folder_that_cannot_be_written_is_a_plain_error(home):
    """E.g. ~/.aws/sso/cache left behind by `sudo aws sso login`, or a file in its place."""
    from app.errors import WizardError

    (home / ".aws" / "sso").mkdir(parents=True)
    (home / ".aws" / "sso" / "cache").write_text("not a folder")
    target = SsoTarget(URL, "us-east-1", "my-sso")
    document = build_token_document(
        start_url=URL, region="us-east-1", access_token="aoa-secret-token", expires_at="2030-01-01T00:00:00Z",
        client_id="c", client_secret="s", registration_expires_at="2030-01-01T00:00:00Z",
    )
    with pytest.raises(WizardError) as caught:
        TokenCache().save_token(target, document)
    assert ".aws/sso/cache" in caught.value.message and "aoa-secret-token" not in str(caught.value)
    assert "own" in caught.value.hint
