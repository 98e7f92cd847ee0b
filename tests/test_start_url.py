"""Start URL and region rules (interop spec §3.5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.signin.errors import NetworkError, StartUrlError
from app.signin.regions import check_region, sso_regions
from app.signin.start_url import (
    ResolvedStartUrl,
    check_start_url,
    complete_start_url,
    is_aws_owned_host,
    region_from_start_url,
    resolve_start_url,
    suggest_session_name,
)
from helpers.vanity import VanityServer, make_tls_files

# ---------------------------------------------------------------- check_start_url


@pytest.mark.parametrize(
    "url",
    [
        "https://my-sso-portal.awsapps.com/start",
        "https://my-sso-portal.awsapps.com/start/",
        "https://my-sso-portal.awsapps.com/start#/",
        "https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
        "https://identitycenter.amazonaws.com/ssoins-1234",
        "https://sso.example.com",  # vanity URL: allowed, resolved at sign-in
        "https://sso.example.com:8443/start",
    ],
)
def test_acceptable_start_urls(url):
    assert check_start_url(url) is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "Enter your AWS access portal URL"),
        ("   ", "Enter your AWS access portal URL"),
        ("my-sso.awsapps.com/start", "Start the URL with https://"),
        ("http://my-sso.awsapps.com/start", "must use https://, not http://"),
        ("ftp://my-sso.awsapps.com/start", "must start with https://"),
        ("https://my sso.awsapps.com/start", "must not contain spaces"),
        ("https://my-sso.awsapps.com/start\n", "must not contain spaces or line breaks"),
        (" https://my-sso.awsapps.com/start", "Remove the spaces"),
        ("https://user:pw@my-sso.awsapps.com/start", "user name or password"),
        ("https://-bad-.awsapps.com/start", "is not a valid host name"),
        ("https://my-sso.awsapps.com:99999/start", "not a valid web address"),
        ("https:///start", "has no host name"),
        ("https://console.aws.amazon.com/", "AWS console sign-in page"),
        ("https://signin.aws.amazon.com/oauth", "AWS console sign-in page"),
    ],
)
def test_unacceptable_start_urls_explain_why(url, fragment):
    reason = check_start_url(url)
    assert reason is not None and fragment in reason


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        ("my-org.awsapps.com/start", "https://my-org.awsapps.com/start"),
        ("my-org.awsapps.com", "https://my-org.awsapps.com/start"),
        ("ssoins-1234567890abcdef.portal.us-east-1.app.aws", "https://ssoins-1234567890abcdef.portal.us-east-1.app.aws"),
        ("sso.example.com/start", "https://sso.example.com/start"),
        ("https://my-org.awsapps.com/start", "https://my-org.awsapps.com/start"),  # already whole
        ("http://my-org.awsapps.com/start", "http://my-org.awsapps.com/start"),  # refused, not rewritten
        ("d-1234567890", "d-1234567890"),  # an ID: a suggestion, not a guess
        ("console.aws.amazon.com", "console.aws.amazon.com"),
        ("my org", "my org"),
        ("", ""),
    ],
)
def test_a_start_url_typed_without_https_is_completed(typed, completed):
    assert complete_start_url(typed) == completed


def test_an_identity_store_id_suggests_its_portal():
    assert check_start_url("d-1234567890") == (
        "“d-1234567890” is an identity store ID, not a web address: your start URL is probably "
        "https://d-1234567890.awsapps.com/start"
    )


def test_a_profile_region_may_be_any_region():
    from app.signin.regions import all_regions, check_profile_region

    assert set(sso_regions()) <= set(all_regions())
    assert check_profile_region("eu-west-2") is None
    assert all(check_profile_region(region) is None for region in all_regions())
    assert "Did you mean eu-west-1" in check_profile_region("eu-wset-1")
    assert "does not look like an AWS region code" in check_profile_region("Europe (London)")


def test_owned_hosts_match_the_cli_list():
    for host in [
        "x.app.aws",
        "x.portal.amazonaws.com",
        "x.portal.amazonaws.com.cn",
        "x.app.amazonwebservices.com.cn",
        "x.portal.amazonaws.eu",
        "x.api.amazonwebservices.eu",
        "X.AWSAPPS.COM.",
        "x.awsapps.cn",
        "identitycenter.amazonaws.com",
        "identitycenter.amazonaws.com.cn",
        "identitycenter.amazonaws.eu",
        "identitycenter.us-gov.amazonaws.com",
    ]:
        assert is_aws_owned_host(host), host
    for host in ["awsapps.com.evil.example", "sso.example.com", "amazonaws.com", "evil-awsapps.com"]:
        assert not is_aws_owned_host(host), host


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://ssoins-1.portal.eu-west-1.app.aws", "eu-west-1"),
        ("https://ssoins-1.us-east-2.portal.amazonaws.com/start", "us-east-2"),
        ("https://ssoins-1.cn-north-1.portal.amazonaws.com.cn", "cn-north-1"),
        ("https://ssoins-1.portal.cn-northwest-1.app.amazonwebservices.com.cn", "cn-northwest-1"),
        ("https://ssoins-1.eusc-de-east-1.portal.amazonaws.eu", "eusc-de-east-1"),
        ("https://ssoins-1.portal.eusc-de-east-1.api.amazonwebservices.eu", "eusc-de-east-1"),
        ("https://SSOINS-1.PORTAL.EU-WEST-1.APP.AWS.", "eu-west-1"),
        ("https://my-sso-portal.awsapps.com/start", None),  # no region in awsapps.com hosts
        ("https://sso.example.com", None),
        ("not a url", None),
    ],
)
def test_region_from_start_url(url, region):
    assert region_from_start_url(url) == region


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://my-company.awsapps.com/start", "my-company"),
        ("https://d-1234567890.awsapps.com/start#/", "d-1234567890"),
        ("https://sso.acme-corp.com/start", "acme-corp"),
        ("https://ssoins-72230e1d2c.portal.us-east-1.app.aws", "ssoins-72230e1d2c"),
        ("", "my-sso"),
        ("https://sso.aws/", "my-sso"),
    ],
)
def test_suggest_session_name(url, name):
    assert suggest_session_name(url) == name


# ---------------------------------------------------------------- regions


def test_sso_regions_cover_every_partition():
    regions = sso_regions()
    for region in ["us-east-1", "eu-west-2", "cn-north-1", "us-gov-west-1", "eusc-de-east-1"]:
        assert region in regions
    assert len(regions) == len(set(regions))


def test_check_region():
    assert check_region("eu-west-2") is None
    assert check_region("us-gov-east-1") is None
    assert "Enter the SSO region" in check_region("")
    assert "Did you mean us-east-1" in check_region("us-east-l")
    assert "Did you mean eu-west-1" in check_region("eu-wset-1")
    assert "does not look like an AWS region code" in check_region("Ireland")
    assert "not an AWS region where" in check_region("xx-nowhere-9")
    assert "spaces" in check_region(" eu-west-2")


# ---------------------------------------------------------------- resolve_start_url (vanity URLs)


def test_aws_owned_urls_resolve_without_network():
    url = "https://ssoins-1.portal.eu-central-1.app.aws/"
    assert resolve_start_url(url) == ResolvedStartUrl(url, url, "eu-central-1")
    url = "https://my-sso-portal.awsapps.com/start"
    assert resolve_start_url(url) == ResolvedStartUrl(url, url, None)


def test_resolve_rejects_unusable_urls():
    with pytest.raises(StartUrlError) as caught:
        resolve_start_url("http://sso.example.com")
    assert "https" in caught.value.message and caught.value.hint


ROUTES = {
    "/go": (302, "https://SSOINS-77.portal.eu-west-1.app.aws:443/start/?x=1#frag"),
    "/relative": (301, "/other"),
    "/elsewhere": (302, "https://login.example.net/start"),
    "/plain": (307, "http://ssoins-1.portal.eu-west-1.app.aws/"),
    "/bad-region": (302, "https://ssoins-1.portal.xx-nowhere-9.app.aws/"),
    "/no-location": (302, None),
    "/awsapps": (308, "https://my-corp.awsapps.com/start/"),
    "/broken": (500, None),
}
HEAD_REFUSED = {"/no-head": (303, "https://ssoins-9.us-east-2.portal.amazonaws.com/start")}


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def portal(tls_files, monkeypatch):
    key, cert = tls_files
    server = VanityServer(key, cert, ROUTES, HEAD_REFUSED)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(cert))  # trusted the way the CLI trusts it
    yield server
    server.close()


@pytest.fixture
def vanity(portal):
    return portal.base_url


def test_vanity_url_follows_one_redirect_and_derives_the_region(vanity, portal):
    resolved = resolve_start_url(f"{vanity}/go")
    assert resolved.url == f"{vanity}/go"
    assert resolved.resolved_url == "https://ssoins-77.portal.eu-west-1.app.aws/start"  # normalised
    assert resolved.region == "eu-west-1"
    assert portal.seen == ["HEAD /go"]


def test_vanity_url_uses_get_when_head_is_refused(vanity, portal):
    resolved = resolve_start_url(f"{vanity}/no-head")
    assert resolved.region == "us-east-2"
    assert portal.seen == ["HEAD /no-head", "GET /no-head"]


def test_vanity_url_to_awsapps_has_no_region(vanity):
    resolved = resolve_start_url(f"{vanity}/awsapps")
    assert resolved == ResolvedStartUrl(f"{vanity}/awsapps", "https://my-corp.awsapps.com/start", None)


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/broken", "HTTP 500"),
        ("/elsewhere", "does not lead to an AWS access portal"),
        ("/relative", "does not lead to an AWS access portal"),  # only one hop is followed
        ("/plain", "without https"),
        ("/bad-region", "not a known AWS region"),
        ("/no-location", "did not say where"),
        ("/start", "does not lead to an AWS access portal"),  # 200: the vanity host is the end
    ],
)
def test_vanity_url_failures_are_explained(vanity, path, fragment):
    with pytest.raises(StartUrlError) as caught:
        resolve_start_url(f"{vanity}{path}")
    assert fragment in caught.value.message
    assert "start URL" in caught.value.hint


def test_untrusted_certificate_is_a_network_error(vanity, monkeypatch):
    monkeypatch.delenv("AWS_CA_BUNDLE")
    with pytest.raises(NetworkError) as caught:
        resolve_start_url(f"{vanity}/go")
    assert "certificate" in caught.value.message
    assert "AWS_CA_BUNDLE" in caught.value.hint


def test_unreachable_vanity_host_is_a_network_error():
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        resolve_start_url(f"https://localhost:{port}/start", timeout=2)
    assert "Could not connect" in caught.value.message
    assert "network or proxy" in caught.value.hint


def test_unknown_vanity_host_is_a_dns_error():
    with pytest.raises(NetworkError) as caught:
        resolve_start_url("https://sso.does-not-exist.invalid/start", timeout=5)
    assert "DNS" in caught.value.message


def test_the_same_portal_whatever_the_trailing_slash_case_or_default_port():
    from app.signin.start_url import same_start_url

    url = "https://my-org.awsapps.com/start"
    assert same_start_url(url, "https://MY-ORG.awsapps.com/start/")
    assert same_start_url(url, "HTTPS://my-org.awsapps.com:443/start")
    assert not same_start_url(url, "https://other-org.awsapps.com/start")
    assert not same_start_url(url, "https://my-org.awsapps.com/start/other")
    assert not same_start_url(url, None) and not same_start_url(None, None)
