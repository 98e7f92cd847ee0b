"""SSO start URL rules, as the AWS CLI v2 applies them (interop spec §3.5).

* ``check_start_url`` — is this text usable as a start URL at all (https, a real host name)?
* ``complete_start_url`` — a start URL typed without ``https://`` made whole.
* ``resolve_start_url`` — for a vanity URL (a host AWS does not own) follow the one redirect the
  CLI follows and derive the SSO region from the portal host.
* ``region_from_start_url`` — the region carried by an AWS portal host name, if any.
* ``suggest_session_name`` — a default sso-session name for a start URL.

The resolved URL is only ever used for the sign-in calls; the configured URL stays in the config,
the cache keys and the token's ``startUrl`` field, exactly as the CLI does.
"""

from __future__ import annotations

import os
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import NamedTuple

from app.signin.errors import StartUrlError, network_error

AWS_OWNED_SUFFIXES = (
    ".app.aws",
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".app.amazonwebservices.com.cn",
    ".portal.amazonaws.eu",
    ".api.amazonwebservices.eu",
    ".awsapps.com",
    ".awsapps.cn",
)
AWS_OWNED_HOSTS = (
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
    "identitycenter.us-gov.amazonaws.com",
)

_REGION = r"(?P<region>[a-z0-9-]+)"
_REGION_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"^[^.]+\.portal\.{_REGION}\.app\.aws$",
        rf"^[^.]+\.{_REGION}\.portal\.amazonaws\.com$",
        rf"^[^.]+\.{_REGION}\.portal\.amazonaws\.com\.cn$",
        rf"^[^.]+\.portal\.{_REGION}\.app\.amazonwebservices\.com\.cn$",
        rf"^[^.]+\.{_REGION}\.portal\.amazonaws\.eu$",
        rf"^[^.]+\.portal\.{_REGION}\.api\.amazonwebservices\.eu$",
    )
)

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_REDIRECT_CODES = (301, 302, 303, 307, 308)
_CONSOLE_HOSTS = ("console.aws.amazon.com", "signin.aws.amazon.com", "aws.amazon.com")
_EXAMPLE = "https://my-company.awsapps.com/start"
_DIRECTORY_ID = re.compile(r"^d-[0-9a-f]{10}$", re.IGNORECASE)


class ResolvedStartUrl(NamedTuple):
    url: str  # as configured
    resolved_url: str  # what the sign-in calls use (the same for AWS-owned hosts)
    region: str | None  # derived from the portal host, when it carries one


def _host(url: str) -> str | None:
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def is_aws_owned_host(host: str) -> bool:
    """True for the portal hosts AWS owns (spec §3.5), compared case-insensitively."""
    host = host.lower().rstrip(".")
    if host in AWS_OWNED_HOSTS:
        return True
    return any(host.endswith(suffix) for suffix in AWS_OWNED_SUFFIXES)


def region_from_start_url(url: str) -> str | None:
    """The SSO region an AWS portal host carries (``*.portal.eu-west-1.app.aws`` → ``eu-west-1``).

    ``*.awsapps.com`` hosts carry none; neither do vanity hosts before resolution.
    """
    host = _host(url)
    if not host:
        return None
    for pattern in _REGION_PATTERNS:
        match = pattern.match(host)
        if match:
            return match.group("region").lower()
    return None


def check_start_url(url: str) -> str | None:
    """None if ``url`` is acceptable as an SSO start URL (the CLI's rules), else the reason, for people."""
    text = url or ""
    stripped = text.strip()
    if not stripped:
        return f"Enter your AWS access portal URL (the SSO start URL), for example {_EXAMPLE}."
    if any(ch.isspace() for ch in stripped) or any(ord(ch) < 32 for ch in text):
        return "The start URL must not contain spaces or line breaks."
    if stripped != text:
        return "Remove the spaces before or after the start URL."
    if _DIRECTORY_ID.match(text):
        return (f"“{text}” is an identity store ID, not a web address: your start URL is probably "
                f"https://{text}.awsapps.com/start")
    if "://" not in text:
        return f"Start the URL with https:// (for example https://{text})."
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return "The start URL is not a valid web address."
    del port
    scheme = parts.scheme.lower()
    if scheme == "http":
        return "The start URL must use https://, not http://."
    if scheme != "https":
        return f"The start URL must start with https:// (for example {_EXAMPLE})."
    if parts.username is not None or parts.password is not None:
        return "The start URL must not contain a user name or password."
    host = parts.hostname
    if not host:
        return f"The start URL has no host name (for example {_EXAMPLE})."
    bare = host.rstrip(".")
    if len(bare) > 253 or not bare or not all(_LABEL.match(label) for label in bare.split(".")):
        return f"“{host}” is not a valid host name."
    lowered = bare.lower()
    if lowered in _CONSOLE_HOSTS or lowered.endswith(".console.aws.amazon.com") or lowered.endswith(
        ".signin.aws.amazon.com"
    ):
        return (
            "This is the AWS console sign-in page, not your AWS access portal. Ask your administrator for the "
            "access portal URL (it usually ends in .awsapps.com/start)."
        )
    return None


def complete_start_url(text: str) -> str:
    """``text`` with ``https://`` added when it was typed without one and is then a usable start URL
    (``my-org.awsapps.com/start`` → ``https://my-org.awsapps.com/start``; an ``awsapps.com`` host
    alone gets the portal's ``/start``); anything else comes back as it was, for
    :func:`check_start_url` to explain."""
    stripped = (text or "").strip()
    if not stripped or "://" in stripped or _DIRECTORY_ID.match(stripped):
        return text
    candidate = "https://" + stripped
    host = _host(candidate)
    if not host or "." not in host or check_start_url(candidate):
        return text
    parts = urllib.parse.urlsplit(candidate)
    if host.endswith(".awsapps.com") and parts.path in ("", "/") and not parts.query:
        candidate = f"https://{parts.netloc}/start"
    return candidate


def _normalise(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    netloc = host if port is None or port == default else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, path, "", ""))


def same_start_url(a: str | None, b: str | None) -> bool:
    """Start URLs that lead to the same portal: a trailing slash, the case of the scheme and host,
    and a default port do not count."""
    return bool(a and b) and _normalise((a or "").strip()) == _normalise((b or "").strip())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib hook
        return None


def _opener() -> urllib.request.OpenerDirector:
    bundle = os.environ.get("AWS_CA_BUNDLE")
    context = ssl.create_default_context(cafile=bundle) if bundle else ssl.create_default_context()
    return urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))


def _request(opener, url: str, method: str, timeout: float) -> tuple[int, str | None]:
    """(status, Location) of one request; redirects are not followed."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": "aws-sso-wizard"})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location") if error.headers else None


def resolve_start_url(url: str, *, timeout: float = 10.0) -> ResolvedStartUrl:
    """Resolve a start URL as ``aws sso login`` does (one HEAD, GET on 405/501, one redirect hop).

    AWS-owned hosts are returned unchanged without any network traffic. Raises
    :class:`StartUrlError` for unusable URLs and :class:`NetworkError` when the host cannot be reached.
    """
    reason = check_start_url(url)
    if reason:
        raise StartUrlError(reason, hint="Check the start URL.")
    host = _host(url) or ""
    if is_aws_owned_host(host):
        return ResolvedStartUrl(url, url, region_from_start_url(url))

    opener = _opener()
    try:
        status, location = _request(opener, url, "HEAD", timeout)
        if status in (405, 501):
            status, location = _request(opener, url, "GET", timeout)
    except (urllib.error.URLError, OSError) as error:
        cause = getattr(error, "reason", None)
        raise network_error(cause if isinstance(cause, BaseException) else error, url=url) from None

    if status in _REDIRECT_CODES:
        if not location:
            raise StartUrlError(
                f"{host} answered with a redirect but did not say where to.",
                hint="Check the start URL; ask your administrator for the AWS access portal URL.",
            )
        resolved = urllib.parse.urljoin(url, location)
    elif 200 <= status < 300:
        resolved = url
    else:
        raise StartUrlError(
            f"Failed to resolve start URL: HTTP {status} from {host}.",
            hint="Check the start URL; ask your administrator for the AWS access portal URL.",
        )

    try:
        resolved = _normalise(resolved)
        final_host = _host(resolved) or ""
        final_scheme = urllib.parse.urlsplit(resolved).scheme
    except ValueError:
        raise StartUrlError(f"{host} redirected to an invalid address.", hint="Check the start URL.") from None
    if not final_host or not is_aws_owned_host(final_host):
        raise StartUrlError(
            f"{url} does not lead to an AWS access portal (it ends at {final_host or 'an unknown host'}).",
            hint="Check the start URL; ask your administrator for the AWS access portal URL.",
        )
    if final_scheme != "https":
        raise StartUrlError(
            f"{url} redirects to an address without https.",
            hint="Check the start URL; ask your administrator for the AWS access portal URL.",
        )
    region = region_from_start_url(resolved)
    if region is not None:
        from app.signin.regions import check_region

        if check_region(region) is not None:
            raise StartUrlError(
                f"The portal address {final_host} names a region ({region}) that is not a known AWS region.",
                hint="Check the start URL.",
            )
    return ResolvedStartUrl(url, resolved, region)


_GENERIC_LABELS = {"sso", "login", "signin", "portal", "www", "aws", "start", "auth", "idp", "id", "app", "apps"}


def suggest_session_name(url: str) -> str:
    """A default sso-session name: the company-ish part of the host (``my-company.awsapps.com`` →
    ``my-company``), or ``my-sso`` when nothing sensible can be found."""
    host = _host((url or "").strip()) or ""
    labels = [label for label in host.split(".") if label]
    candidates: list[str] = []
    if labels:
        if is_aws_owned_host(host):
            candidates.append(labels[0])
        else:
            candidates.extend([labels[-2]] if len(labels) >= 2 else [])
            candidates.extend(labels[:-2])
    for candidate in candidates:
        name = re.sub(r"[^a-z0-9_.-]+", "-", candidate.lower()).strip("-.")
        if name and name not in _GENERIC_LABELS:
            return name
    return "my-sso"
