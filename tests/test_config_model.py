"""The profile model: loading, classification, and the problems botocore would raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.document import ConfigParseError
from app.config.model import ProfileKind, SsoSession, load_aws_config, parse_registration_scopes

CORPUS = Path(__file__).parent / "corpus"


def test_missing_file_is_an_empty_config(config_path):
    config = load_aws_config(config_path)
    assert config.profiles == {} and config.sso_sessions == {} and not config.exists


def test_default_path_honours_aws_config_file_with_expansion(monkeypatch, home):
    target = home / "cfg" / "aws"
    target.parent.mkdir()
    target.write_text("[profile x]\nregion = eu-west-1\n")
    monkeypatch.setenv("CFGDIR", str(target.parent))
    monkeypatch.setenv("AWS_CONFIG_FILE", "$CFGDIR/aws")
    assert load_aws_config().path == target
    assert load_aws_config().profiles["x"].region == "eu-west-1"
    monkeypatch.setenv("AWS_CONFIG_FILE", "~/cfg/aws")
    assert "x" in load_aws_config().profiles


def test_default_path_is_home_aws_config(config_path):
    config_path.parent.mkdir()
    config_path.write_text("[default]\nregion = us-east-1\n")
    assert load_aws_config().profiles["default"].region == "us-east-1"


def test_unreadable_paths_raise_config_parse_errors(tmp_path):
    with pytest.raises(ConfigParseError, match="directory"):
        load_aws_config(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigParseError, match="is a file, not a folder") as caught:
        load_aws_config(blocker / "config")
    assert "AWS_CONFIG_FILE" in caught.value.hint


def test_an_error_reads_as_sentences(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(b"\xef\xbb\xbf[default]\nregion = x\n")
    with pytest.raises(ConfigParseError) as caught:
        load_aws_config(path)
    assert str(caught.value).endswith("save it as UTF-8 without BOM. Fix that line by hand (or restore a backup) "
                                      "and try again; nothing was written.")


def test_an_unclosed_first_header_is_named_as_such(tmp_path):
    path = tmp_path / "config"
    path.write_text("[default\nregion = x\n")
    with pytest.raises(ConfigParseError, match=r"line 1: the section header '\[default' has no closing \]"):
        load_aws_config(path)


def test_control_characters_in_a_bad_line_are_shown_not_sent_to_the_terminal(tmp_path):
    path = tmp_path / "config"
    path.write_text("[default]\n\x1b]0;pwned\x07 region\n")
    with pytest.raises(ConfigParseError) as caught:
        load_aws_config(path)
    text = str(caught.value)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;pwned\\x07 region" in text


def test_values_are_read_only_and_profiles_are_frozen(tmp_path):
    path = tmp_path / "config"
    path.write_text("[profile a]\nregion = x\n")
    profile = load_aws_config(path).profiles["a"]
    with pytest.raises(TypeError):
        profile.values["region"] = "y"  # type: ignore[index]
    with pytest.raises(AttributeError):
        profile.region = "y"  # type: ignore[misc]


def test_profiles_of_session_and_resolution(tmp_path):
    path = tmp_path / "config"
    path.write_text(
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
        "[profile a]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
        "[profile b]\nsso_session = corp\nsso_account_id = 2\nsso_role_name = R\n"
        "[profile c]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_account_id = 3\nsso_role_name = R\n"
    )
    config = load_aws_config(path)
    assert [p.name for p in config.profiles_of_session("corp")] == ["a", "b"]
    a = config.profiles["a"]
    assert a.kind is ProfileKind.SSO and a.session is config.sso_sessions["corp"]
    assert (a.start_url, a.sso_region, a.account_id, a.role_name) == ("https://corp.awsapps.com/start", "eu-west-1", "1", "R")
    c = config.profiles["c"]
    assert c.kind is ProfileKind.SSO_LEGACY and c.session is None and c.start_url == "https://corp.awsapps.com/start"
    assert all(p.is_sso and p.problem is None for p in config.profiles.values())


def test_scopes_are_parsed_like_the_cli():
    assert parse_registration_scopes("sso:account:access, codewhisperer:completions,, ") == (
        "sso:account:access", "codewhisperer:completions")
    assert parse_registration_scopes(None) == () and parse_registration_scopes("") == ()
    session = SsoSession.from_values("s", {"sso_start_url": "u", "sso_region": "r", "sso_registration_scopes": "a,b"})
    assert session.scopes == ("a", "b") and session.registration_scopes == "a,b" and session.problem is None
    assert "no sso_region" in SsoSession.from_values("s", {"sso_start_url": "u"}).problem


def _botocore_sso_error(path: Path, name: str):
    """What botocore's SSOProvider says about a profile: None, or its InvalidConfigError text."""
    import os

    import botocore.session
    from botocore.credentials import SSOProvider
    from botocore.exceptions import InvalidConfigError

    old = os.environ.get("AWS_CONFIG_FILE")
    os.environ["AWS_CONFIG_FILE"] = str(path)
    try:
        session = botocore.session.Session()
        provider = SSOProvider(load_config=lambda: session.full_config, client_creator=None, profile_name=name)
        try:
            provider._load_sso_config()
        except InvalidConfigError as error:
            return str(error)
        return None
    finally:
        if old is None:
            os.environ.pop("AWS_CONFIG_FILE", None)
        else:
            os.environ["AWS_CONFIG_FILE"] = old


SSO_CASES = [
    (path, name)
    for path in sorted(CORPUS.glob("*.config"))
    if not path.name.startswith("invalid_")
    for name, profile in load_aws_config(path).profiles.items()
    if any(key in profile.values for key in ("sso_account_id", "sso_role_name"))
]


@pytest.mark.parametrize("path, name", SSO_CASES, ids=[f"{p.stem}:{n}" for p, n in SSO_CASES])
def test_sso_problems_are_exactly_the_ones_botocore_raises(path, name):
    ours = load_aws_config(path).profiles[name].problem
    theirs = _botocore_sso_error(path, name)
    assert (ours is None) == (theirs is None), (ours, theirs)


def test_enough_sso_cases_are_cross_checked():
    problems = [n for p, n in SSO_CASES if load_aws_config(p).profiles[n].problem]
    assert len(SSO_CASES) >= 15 and len(problems) >= 5


def test_classification_follows_botocores_provider_order(tmp_path):
    path = tmp_path / "config"
    path.write_text(
        "[profile role-and-sso]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = keys\nsso_session = s\n"
        "[profile sso-and-process]\nsso_account_id = 1\nsso_role_name = R\ncredential_process = x\n"
        "[profile process-and-keys]\ncredential_process = x\naws_access_key_id = AKIA\n"
        "[profile keys]\naws_access_key_id = AKIA\naws_secret_access_key = s\n"
        "[profile nothing]\nregion = x\n"
    )
    kinds = {n: p.kind for n, p in load_aws_config(path).profiles.items()}
    assert kinds == {
        "role-and-sso": ProfileKind.ASSUME_ROLE,
        "sso-and-process": ProfileKind.SSO_LEGACY,
        "process-and-keys": ProfileKind.CREDENTIAL_PROCESS,
        "keys": ProfileKind.STATIC_KEYS,
        "nothing": ProfileKind.OTHER,
    }
