"""Profiles to sign-in targets (through the config reader), whoami for any profile, the client
factory's fallback when the config file cannot be read, and signing in through a vanity start URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.model import load_aws_config
from app.emulator import DEMO_REGION, DEMO_START_URL
from app.errors import WizardError
from app.signin.browser import NoBrowser
from app.signin.clients import ClientFactory
from app.signin.errors import NotSignedIn
from app.signin.login import LoginService
from app.signin.portal import SsoClient, whoami_profile
from app.signin.state import TokenState
from app.signin.target import SsoTarget
from app.signin.token_cache import registration_cache_key, target_registration_key
from helpers.sso import SESSION, Approver, write_signed_in_token
from helpers.vanity import VanityServer, make_tls_files

CONFIG = f"""\
[profile p]
sso_session = demo
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = eu-west-1
[sso-session demo]
sso_start_url = {DEMO_START_URL}
sso_region = {DEMO_REGION}
sso_registration_scopes = sso:account:access, codewhisperer:completions
[profile bare]
sso_session = bare
sso_account_id = 210987654321
sso_role_name = Administrator
[sso-session bare]
sso_start_url = {DEMO_START_URL}
sso_region = {DEMO_REGION}
[profile legacy]
sso_start_url = {DEMO_START_URL}
sso_region = {DEMO_REGION}
sso_account_id = 998877665544
sso_role_name = Billing
[profile broken]
sso_session = nowhere
sso_account_id = 1
sso_role_name = x
[profile keys]
region = {DEMO_REGION}
"""


@pytest.fixture
def config(config_path):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(CONFIG)
    return load_aws_config()


def test_targets_from_profiles(config):
    target = SsoTarget.from_profile(config.profiles["p"])
    assert target == SsoTarget(
        DEMO_START_URL, DEMO_REGION, "demo", ("sso:account:access", "codewhisperer:completions"),
        "sso:account:access, codewhisperer:completions",
    )
    assert target.label == "sso-session demo"
    assert target == SsoTarget.from_session(config.sso_sessions["demo"])
    bare = SsoTarget.from_profile(config.profiles["bare"])
    assert bare.scopes == () and bare.registration_scopes is None
    assert target_registration_key(bare) == registration_cache_key(DEMO_START_URL, DEMO_REGION, None, "bare")
    legacy = SsoTarget.from_profile(config.profiles["legacy"])
    assert legacy == SsoTarget(DEMO_START_URL, DEMO_REGION) and legacy.label == DEMO_START_URL and legacy.is_legacy


@pytest.mark.parametrize("name", ["broken", "keys"])
def test_profiles_that_cannot_sign_in(config, name):
    with pytest.raises(WizardError) as caught:
        SsoTarget.from_profile(config.profiles[name])
    assert f"“{name}”" in caught.value.message and caught.value.hint


def test_whoami_profile_for_every_kind(emulator, home, config):
    service = LoginService()
    with pytest.raises(NotSignedIn):
        whoami_profile("p", login=service)
    write_signed_in_token(home, emulator, SsoTarget.from_profile(config.profiles["p"]))
    write_signed_in_token(home, emulator, SsoTarget.from_profile(config.profiles["legacy"]), scopes=())
    assert whoami_profile("p", login=service).account == "012345678901"
    assert whoami_profile("legacy", login=service, config=config).account == "998877665544"

    # a profile with static keys (here: role credentials written to the credentials file)
    credentials = SsoClient(service, SsoTarget.from_profile(config.profiles["p"])).get_role_credentials(
        "012345678901", "ReadOnly"
    )
    (home / ".aws" / "credentials").write_text(
        "[keys]\n"
        f"aws_access_key_id = {credentials.access_key_id}\n"
        f"aws_secret_access_key = {credentials.secret_access_key}\n"
        f"aws_session_token = {credentials.session_token}\n"
    )
    assert whoami_profile("keys", login=service).account == "012345678901"
    with pytest.raises(WizardError) as caught:
        whoami_profile("nope", login=service)
    assert "no profile named “nope”" in caught.value.message


def test_unreadable_config_falls_back_and_sign_in_still_works(emulator, config_path, monkeypatch):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text("this is not\n[an ini file\n")
    emulator.auto_approve = True
    factory = ClientFactory()
    status = LoginService(clients=factory, browser=NoBrowser()).login(SESSION, method="device")
    assert status.state is TokenState.VALID
    assert factory.using_fallback  # the file was ignored; the endpoint overrides still applied


def test_missing_aws_profile_does_not_break_sign_in(emulator, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    emulator.auto_approve = True
    status = LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert status.state is TokenState.VALID


def test_global_endpoint_override_is_honoured(emulator, monkeypatch):
    for name in ("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.base_url)
    emulator.auto_approve = True
    LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert len(SsoClient(LoginService(), SESSION).list_accounts()) == 12


def test_services_section_endpoint_is_honoured(emulator, config_path, monkeypatch):
    for name in ("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS"):
        monkeypatch.delenv(name)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        f"[default]\nservices = local\n[services local]\nsso_oidc =\n  endpoint_url = {emulator.base_url}\n"
        f"sso =\n  endpoint_url = {emulator.base_url}\n"
    )
    emulator.auto_approve = True
    LoginService(browser=NoBrowser()).login(SESSION, method="device")
    assert len(SsoClient(LoginService(), SESSION).list_accounts()) == 12


def test_sign_in_through_a_vanity_start_url(emulator, tmp_path, monkeypatch, home):
    """The resolved URL is used for the sign-in calls only; the configured one keys the caches and
    stays in the token's startUrl (as the CLI does)."""
    key, cert = make_tls_files(tmp_path)
    portal = VanityServer(key, cert, {"/start": (302, "https://ssoins-1234.portal.eu-west-2.app.aws/start/")})
    monkeypatch.setenv("AWS_CA_BUNDLE", str(cert))
    try:
        target = SsoTarget(f"{portal.base_url}/start", DEMO_REGION, "vanity", ("sso:account:access",), "sso:account:access")
        approver = Approver(emulator)
        status = LoginService(browser=NoBrowser()).login(target, method="device", on_prompt=approver)
        assert status.state is TokenState.VALID
        token = json.loads(status.token_path.read_text())
        assert token["startUrl"] == f"{portal.base_url}/start"
        with emulator.store.lock:
            (device,) = emulator.store.devices.values()
        assert device.start_url == "https://ssoins-1234.portal.eu-west-2.app.aws/start"
        assert portal.seen == ["HEAD /start"]
        assert Path(home / ".aws/sso/cache" / f"{target_registration_key(target)}.json").exists()
    finally:
        portal.close()
