"""Typed errors for sign-in and the SSO APIs, and the translation of botocore failures into them.

Every error here is a :class:`~app.errors.WizardError` with a plain-language message and a next
step. ``translate_error`` turns whatever botocore (or the socket layer) raised into one of these.
Messages are built from operation names, hosts, codes and ids only; text that came from a server
is kept in ``detail`` after :func:`app.errors.redact`, never a token or secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.errors import WizardError, redact

THROTTLE_CODES = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling", "SlowDownException"})
"""Error codes that mean "slow down": the SSO client backs off and retries them."""

REJECTED_CREDENTIAL_CODES = frozenset({
    "ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature",
    "MissingAuthenticationToken", "UnrecognizedClientException",
})
"""Error codes with which AWS rejects temporary role credentials as expired or invalid."""

SIGNATURE_CODES = frozenset({"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature"})
"""Error codes with which AWS refuses a request's signature: a clock that is off or a request changed
on the way, not an expired sign-in."""

SIGN_IN_AGAIN = "Sign in again."
CHECK_NETWORK = "Check your network or proxy settings, then try again."
TRY_LATER = "Wait a minute, then try again."
CHECK_CLOCK = (
    "Set this computer's clock to the right time (turn on automatic time, e.g. sudo timedatectl set-ntp true), "
    "check that no proxy changes requests to AWS, then try again; signing in again does not help."
)


class SsoError(WizardError):
    """Base class of the sign-in and SSO errors. ``code`` is the AWS error code when there is one,
    ``operation`` the API operation, ``detail`` the (redacted) text the server sent."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        operation: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.operation = operation
        self.detail = redact(detail) if detail else None


class NotSignedIn(SsoError):
    """There is no cached token for this sso-session / start URL."""


class SessionExpired(SsoError):
    """The token expired, the Identity Center session ended, or the portal rejected the token."""


class LoginDenied(SsoError):
    """The person (or their administrator) refused the sign-in request."""


class LoginExpired(SsoError):
    """The sign-in request timed out before it was approved."""


class LoginFailed(SsoError):
    """The sign-in could not complete for another reason (state mismatch, bad code, ...)."""


class AccessDenied(SsoError):
    """Signed in, but not allowed to use this account or role."""


class NotFound(SsoError):
    """The account or role does not exist (or is not assigned to this person)."""


class Throttled(SsoError):
    """AWS kept refusing requests because too many were sent."""


class SignatureRejected(SsoError):
    """AWS refused the request's signature: usually the computer's clock is off (clock skew)."""


class NetworkError(SsoError):
    """The service could not be reached: connection refused, DNS failure, timeout, TLS, proxy."""


class ServiceError(SsoError):
    """AWS answered with an internal error (5xx) or something this app does not understand."""


class RequestRejected(SsoError):
    """AWS rejected the request as invalid (bad client registration, scopes, parameters)."""


class StartUrlError(SsoError):
    """The SSO start URL is not usable."""


class RegionError(SsoError):
    """The SSO region is missing or not a region where IAM Identity Center sign-in exists."""


_KMS_REASONS = {
    "KMS_NotFoundException",
    "KMS_InvalidKeyUsageException",
    "KMS_InvalidStateException",
    "KMS_DisabledException",
    "KMS_AccessDeniedException",
}


# OIDC answers to a refresh that mean "this refresh token / registration is no good any more"
_REFRESH_REFUSALS = frozenset(
    {
        "AccessDeniedException",
        "AuthorizationPendingException",
        "ExpiredTokenException",
        "InvalidClientException",
        "InvalidClientMetadataException",
        "InvalidRedirectUriException",
        "InvalidRequestException",
        "InvalidScopeException",
        "UnauthorizedClientException",
        "UnsupportedGrantTypeException",
    }
)


def _host_of(url: str | None) -> str:
    if not url:
        return "AWS"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "AWS"
    return parts.netloc or "AWS"


def _is_dns_failure(error: BaseException) -> bool:
    import socket  # only on the error path: keeps start-up light

    seen: set[int] = set()
    stack: list[Any] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror):
            return True
        if type(current).__name__ == "NameResolutionError":
            return True
        text = str(current)
        if any(
            marker in text
            for marker in (
                "Name or service not known",
                "nodename nor servname",
                "Temporary failure in name resolution",
                "getaddrinfo failed",
                "Failed to resolve",
                "No address associated with hostname",
            )
        ):
            return True
        kwargs = getattr(current, "kwargs", None)
        if isinstance(kwargs, dict):
            stack.append(kwargs.get("error"))
        stack.append(getattr(current, "reason", None) if not isinstance(current, str) else None)
        stack.append(current.__cause__ if isinstance(current, BaseException) else None)
        stack.append(current.__context__ if isinstance(current, BaseException) else None)
    return False


def network_error(error: BaseException, *, url: str | None = None, operation: str | None = None) -> NetworkError:
    """A :class:`NetworkError` for a low-level failure (botocore, urllib or socket)."""
    import ssl  # only on the error path: keeps start-up light

    kwargs = getattr(error, "kwargs", None) or {}
    url = url or kwargs.get("endpoint_url")
    host = _host_of(url)
    name = type(error).__name__
    if _is_dns_failure(error):
        return NetworkError(
            f"Could not find {host}: the name does not resolve (DNS lookup failed).",
            hint="Check the SSO region and start URL, and your network, DNS or proxy settings.",
            operation=operation,
            code="DNSFailure",
        )
    if name == "ProxyConnectionError" or "ProxyError" in name:
        return NetworkError(
            "Could not connect through the configured proxy.",
            hint="Check HTTPS_PROXY / HTTP_PROXY and NO_PROXY, then try again.",
            operation=operation,
            code="ProxyError",
        )
    if name == "SSLError" or isinstance(error, ssl.SSLError):
        return NetworkError(
            f"The secure connection to {host} failed (certificate not trusted).",
            hint="If your network inspects TLS traffic, set AWS_CA_BUNDLE to its certificate bundle; "
            "otherwise check your network or proxy settings.",
            operation=operation,
            code="SSLError",
        )
    if name in ("ConnectTimeoutError", "ReadTimeoutError") or isinstance(error, TimeoutError):  # socket.timeout too
        what = "did not answer in time" if name == "ReadTimeoutError" else "could not be reached in time"
        return NetworkError(
            f"{host} {what} (timeout).",
            hint=CHECK_NETWORK,
            operation=operation,
            code="Timeout",
        )
    if name == "ConnectionClosedError":
        return NetworkError(
            f"{host} closed the connection before answering.",
            hint=CHECK_NETWORK,
            operation=operation,
            code="ConnectionClosed",
        )
    return NetworkError(
        f"Could not connect to {host}.",
        hint=CHECK_NETWORK,
        operation=operation,
        code="ConnectionFailed",
    )


def error_code(error: BaseException) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (None for any other exception)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return (response.get("Error") or {}).get("Code")
    return None


def http_status(error: BaseException) -> int:
    """The HTTP status of a botocore ``ClientError`` (0 when there is none)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    return 0


def _client_error_parts(error: Any) -> tuple[str, str, int, dict]:
    response = getattr(error, "response", None) or {}
    err = response.get("Error") or {}
    message = str(err.get("Message") or response.get("error_description") or response.get("message") or "")
    return str(error_code(error) or ""), message, http_status(error), response


@dataclass(frozen=True)
class ErrorRule:
    """How one AWS error code is told to the person: the error class, the message and the next step.

    ``message`` may name ``{code}`` and ``{status}``."""

    kind: type[SsoError]
    message: str
    hint: str


_SESSION_INVALID = ErrorRule(SessionExpired, "Your sign-in has expired or is no longer valid.", SIGN_IN_AGAIN)
_REGISTRATION_REFUSED = ErrorRule(
    LoginFailed, "This app's sign-in registration is no longer accepted by IAM Identity Center.", SIGN_IN_AGAIN
)
_THROTTLED = ErrorRule(Throttled, "AWS is limiting how fast requests can be made.", TRY_LATER)
_NOT_ALLOWED = ErrorRule(
    AccessDenied,
    "You are signed in but not allowed to use this account or role.",
    "Ask your administrator for access; after it is granted, sign in again.",
)
_CREDENTIALS_REJECTED = ErrorRule(
    SessionExpired, "The temporary role credentials were rejected as expired or invalid.", SIGN_IN_AGAIN
)
_INTERNAL = ErrorRule(ServiceError, "AWS had an internal error ({code}).", TRY_LATER)
_SIGNATURE_REJECTED = ErrorRule(
    SignatureRejected,
    "AWS could not verify the signature of the request ({code}): usually this computer's clock is off "
    "(clock skew), or something between here and AWS changed the request.",
    CHECK_CLOCK,
)

ERROR_RULES: dict[str, ErrorRule] = {
    "UnauthorizedException": _SESSION_INVALID,
    "InvalidGrantException": ErrorRule(
        LoginFailed, "The sign-in code was not accepted (it was already used or is no longer valid).", SIGN_IN_AGAIN
    ),
    "AccessDeniedException": ErrorRule(LoginDenied, "The sign-in request was denied.", "Sign in again and choose Allow."),
    "ExpiredTokenException": ErrorRule(
        LoginExpired,
        "The sign-in request expired before it was approved.",
        "Start the sign-in again and approve it within a few minutes.",
    ),
    "AuthorizationPendingException": ErrorRule(
        LoginExpired,
        "The sign-in request was not approved yet.",
        "Approve it in the browser, or start the sign-in again.",
    ),
    "InvalidClientException": _REGISTRATION_REFUSED,
    "UnauthorizedClientException": _REGISTRATION_REFUSED,
    "InvalidScopeException": ErrorRule(
        RequestRejected,
        "IAM Identity Center did not accept the requested sign-in scopes.",
        "Check sso_registration_scopes in the sso-session (sso:account:access is the usual value).",
    ),
    "InvalidRedirectUriException": ErrorRule(
        RequestRejected,
        "IAM Identity Center did not accept the local callback address for browser sign-in.",
        "Sign in with a device code instead.",
    ),
    "UnsupportedGrantTypeException": ErrorRule(
        RequestRejected,
        "IAM Identity Center does not support this sign-in method here.",
        "Sign in with a device code instead.",
    ),
    "InvalidClientMetadataException": ErrorRule(
        RequestRejected,
        "IAM Identity Center rejected this app's sign-in registration.",
        "Check the start URL and SSO region, then sign in again.",
    ),
    **{code: _THROTTLED for code in THROTTLE_CODES},
    "ForbiddenException": _NOT_ALLOWED,
    "AccessDenied": _NOT_ALLOWED,
    "ResourceNotFoundException": ErrorRule(
        NotFound,
        "That account or role was not found, or is not assigned to you.",
        "Check the account ID and role name; list your accounts to see what you can use.",
    ),
    **{code: _CREDENTIALS_REJECTED for code in REJECTED_CREDENTIAL_CODES - SIGNATURE_CODES},
    **{code: _SIGNATURE_REJECTED for code in SIGNATURE_CODES},
    "InvalidRequestException": ErrorRule(
        RequestRejected,
        "AWS rejected the request as invalid.",
        "Check the start URL, SSO region, account ID and role name.",
    ),
    "InternalServerException": _INTERNAL,
    "InternalFailure": _INTERNAL,
}
"""Each AWS error code the app knows, and how it is told."""

_REFRESH_REFUSED = ErrorRule(
    SessionExpired, "Your sign-in could not be renewed (IAM Identity Center answered {code}).", SIGN_IN_AGAIN
)

CONTEXT_RULES: dict[tuple[str, str], ErrorRule] = {
    **{("refresh", code): _REFRESH_REFUSED for code in _REFRESH_REFUSALS},
    ("refresh", "InvalidGrantException"): ErrorRule(
        SessionExpired,
        "Your IAM Identity Center session has ended, so it cannot be renewed automatically.",
        SIGN_IN_AGAIN,
    ),
    ("login", "InvalidRequestException"): ErrorRule(
        RequestRejected,
        "IAM Identity Center rejected the sign-in request.",
        "Check the start URL and SSO region, then sign in again.",
    ),
    ("role", "ResourceNotFoundException"): ErrorRule(
        NotFound,
        "That role or account was not found, or is not assigned to you.",
        "Check the account ID and role name; list your accounts to see what you can use.",
    ),
}
"""Where a code means something else in one context: ``(context, code)`` → the rule used instead."""

_KMS_RULE = ErrorRule(
    ServiceError,
    "IAM Identity Center could not use its encryption key ({reason}).",
    "Ask your AWS administrator to check the KMS key configured for IAM Identity Center.",
)


def translate_client_error(error: Any, *, operation: str | None = None, context: str = "") -> SsoError:
    """A typed error for a botocore ``ClientError`` (an error the service sent back).

    ``context`` picks the per-context rules: ``"refresh"`` (CreateToken with a refresh token),
    ``"login"`` (the sign-in flows), ``"role"`` (GetRoleCredentials), or empty.
    """
    code, server_text, status, response = _client_error_parts(error)
    operation = operation or getattr(error, "operation_name", None)
    reason = str(response.get("reason") or "")
    fields = {"code": code or None, "operation": operation, "detail": server_text or None}

    if reason in _KMS_REASONS:
        return _KMS_RULE.kind(_KMS_RULE.message.format(reason=reason), hint=_KMS_RULE.hint, **fields)
    rule = CONTEXT_RULES.get((context, code)) or ERROR_RULES.get(code)
    if rule is None and status >= 500:
        rule = _INTERNAL
    if rule is not None:
        message = rule.message.format(code=code or f"HTTP {status}", status=status)
        return rule.kind(message, hint=rule.hint, **fields)
    label = code or f"HTTP {status}"
    return ServiceError(
        f"AWS returned an unexpected error ({label}) for {operation or 'the request'}.",
        hint="Try again; if it keeps happening, run with --debug and report it.",
        **fields,
    )


def translate_error(error: BaseException, *, operation: str | None = None, context: str = "") -> WizardError:
    """Any exception from a botocore call → a typed :class:`WizardError` (WizardErrors pass through)."""
    if isinstance(error, WizardError):
        return error
    from botocore.exceptions import (  # only when an error is translated: keeps botocore off the start-up path
        BotoCoreError,
        ClientError,
        ConnectionError as BotoConnectionError,
        HTTPClientError,
        NoRegionError,
        UnknownRegionError,
    )

    if isinstance(error, ClientError):
        return translate_client_error(error, operation=operation, context=context)
    if isinstance(error, (NoRegionError, UnknownRegionError)):
        return RegionError(
            "The SSO region is missing or not valid.",
            hint="Set sso_region (for example us-east-1) to the region of your IAM Identity Center.",
            operation=operation,
        )
    if isinstance(error, (BotoConnectionError, HTTPClientError)):
        return network_error(error, operation=operation)
    if isinstance(error, (OSError, TimeoutError)):
        return network_error(error, operation=operation)
    if isinstance(error, BotoCoreError):
        return ServiceError(
            f"The AWS SDK could not complete {operation or 'the request'} ({type(error).__name__}).",
            hint="Try again; if it keeps happening, run with --debug and report it.",
            operation=operation,
            detail=str(error),
        )
    return ServiceError(
        f"Unexpected problem during {operation or 'the request'} ({type(error).__name__}).",
        hint="Try again; if it keeps happening, run with --debug and report it.",
        operation=operation,
        detail=str(error),
    )
