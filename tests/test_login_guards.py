"""What the login service checks before it sends anything: the SSO region (botocore's sso-oidc list,
every partition) and the start URL (https only, whatever the host). The emulator ignores regions and
schemes, so without these checks a misspelt region or an http start URL signs in here and fails at
AWS with a DNS error (or, for http, should never have been tried). Also: a profile with a bad region
still shows its status, with the problem."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from app.config.model import load_aws_config
from app.emulator import DEMO_START_URL
from app.profiles import status as ps
from app.signin.browser import NoBrowser
from app.signin.clients import ClientFactory
from app.signin.errors import RegionError, StartUrlError
from app.signin.login import LoginService
from app.signin.portal import SsoClient
from app.signin.state import TokenState
from app.signin.target import SsoTarget
from helpers.sso import SESSION, write_cli_token

BAD_REGION = dataclasses.replace(SESSION, region="eu-wset-2")


@pytest.mark.parametrize("method", ["pkce", "device"])
def test_a_misspelt_region_is_refused_before_any_request(emulator_factory, method):
    emu = emulator_factory(auto_approve=True)
    with pytest.raises(RegionError) as caught:
        LoginService(browser=NoBrowser()).login(BAD_REGION, method=method)
    assert caught.value.message == (
        "Cannot sign in to sso-session demo: “eu-wset-2” is not an AWS region with IAM Identity Center. "
        "Did you mean eu-west-2?"
    )
    assert caught.value.hint == "Fix sso_region in the sso-session “demo” in the AWS config file, then try again."
    assert emu.calls == []


def test_regions_of_every_partition_are_accepted():
    for region in ("us-east-1", "cn-north-1", "us-gov-west-1"):
        assert dataclasses.replace(SESSION, region=region).region_problem() is None
    assert dataclasses.replace(SESSION, region="eu-west-1 ").region_problem() is not None


def test_refresh_and_portal_calls_check_the_region_too(emulator_factory, home):
    emu = emulator_factory()
    write_cli_token(home, BAD_REGION, access_token=emu.issue_token().access_token, expires_in=timedelta(minutes=5))
    service = LoginService()
    with pytest.raises(RegionError):
        service.refresh(BAD_REGION)
    with pytest.raises(RegionError):  # the token is still usable, but the portal is in no such region
        SsoClient(service, BAD_REGION).list_accounts()
    with pytest.raises(RegionError) as caught:  # every sso / sso-oidc client, whoever asks for it
        ClientFactory().client("sso", "eu-wset-2")
    assert "Did you mean eu-west-2?" in caught.value.message
    assert emu.calls == []


def test_logout_with_a_bad_region_still_removes_the_local_sign_in(emulator_factory, home):
    emu = emulator_factory()
    path = write_cli_token(home, BAD_REGION, access_token=emu.issue_token().access_token)
    result = LoginService().logout(BAD_REGION)
    assert not path.exists() and not result.server_ok
    assert result.message == (
        "Removed the local sign-in for sso-session demo, but could not end the session at AWS "
        "(“eu-wset-2” is not an AWS region with IAM Identity Center. Did you mean eu-west-2?). "
        "It ends by itself when it expires."
    )
    assert emu.calls == []


@pytest.mark.parametrize("method", ["pkce", "device"])
@pytest.mark.parametrize("target", [
    dataclasses.replace(SESSION, start_url=DEMO_START_URL.replace("https://", "http://")),
    SsoTarget(start_url=DEMO_START_URL.replace("https://", "http://"), region=SESSION.region),
])
def test_an_aws_owned_start_url_must_use_https_too(emulator_factory, target, method):
    emu = emulator_factory(auto_approve=True)
    with pytest.raises(StartUrlError) as caught:
        LoginService(browser=NoBrowser()).login(target, method=method)
    assert caught.value.message == f"Cannot sign in to {target.label}: The start URL must use https://, not http://."
    assert caught.value.hint.startswith("Fix sso_start_url in the ")
    assert emu.calls == []


BAD_REGION_CONFIG = f"""\
[profile typo]
sso_session = typo
sso_account_id = 012345678901
sso_role_name = ReadOnly
[sso-session typo]
sso_start_url = {DEMO_START_URL}
sso_region = eu-wset-2
"""


def test_a_profile_with_a_bad_region_still_shows_its_status_and_the_problem(config_path, home):
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(BAD_REGION_CONFIG)
    target = SsoTarget.from_profile(load_aws_config(config_path).profiles["typo"])  # reading never refuses
    write_cli_token(home, target, expires_in=timedelta(hours=2))
    service = ps.ProfileStatusService()
    snapshot = service.snapshot()
    (row,) = snapshot.rows
    session = snapshot.session_of(row)
    assert session.status == TokenState.VALID
    assert session.problem == "“eu-wset-2” is not an AWS region with IAM Identity Center. Did you mean eu-west-2?"
    assert session.long_text().startswith("signed in, 1h 59m left; sign-in cannot work: “eu-wset-2”")
    assert snapshot.to_json()[0]["status"] == "valid"
    assert LoginService().status(target).state is TokenState.VALID


def test_region_check_keeps_botocore_out_of_the_status_path():
    """The region list is read from botocore's data files (a status display checks regions for every
    sso-session): the same list botocore itself gives, without importing it."""
    import subprocess
    import sys

    code = (
        "import sys; from app.signin.regions import check_region, sso_regions; check_region('eu-wset-2'); "
        "print('botocore' in sys.modules, len(sso_regions()))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout.split()
    assert out[0] == "False" and int(out[1]) > 30

    from app.signin import regions

    assert regions._regions_from_data_files() == regions._regions_from_session()
