"""Requests, responses and errors as the three real services put them on the wire.

* sso-oidc (rest-json): status from the model, ``x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/
  com.amazonaws.sso.oidc/``, body ``{"error": "<oauth_code>", "error_description": "..."}``.
* SSO portal (rest-json): ``x-amzn-ErrorType: <Code>:http://internal.amazon.com/coral/
  com.amazonaws.switchboard.portal/``, body ``{"message": "..."}``.
* STS (query protocol): XML ``<ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message>
  </Error><RequestId>..</RequestId></ErrorResponse>``.

Every response carries ``x-amzn-RequestId``. The status tables below are checked against botocore's
service models by the emulator's tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

OIDC = "sso-oidc"
PORTAL = "sso"
STS = "sts"

_OIDC_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
_PORTAL_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

# sso-oidc error code -> (HTTP status, OAuth "error" value in the body).
OIDC_ERRORS: dict[str, tuple[int, str]] = {
    "AccessDeniedException": (400, "access_denied"),
    "AuthorizationPendingException": (400, "authorization_pending"),
    "ExpiredTokenException": (400, "expired_token"),
    "InternalServerException": (500, "server_error"),
    "InvalidClientException": (401, "invalid_client"),
    "InvalidClientMetadataException": (400, "invalid_client_metadata"),
    "InvalidGrantException": (400, "invalid_grant"),
    "InvalidRedirectUriException": (400, "invalid_redirect_uri"),
    "InvalidRequestException": (400, "invalid_request"),
    "InvalidScopeException": (400, "invalid_scope"),
    "SlowDownException": (400, "slow_down"),
    "UnauthorizedClientException": (400, "unauthorized_client"),
    "UnsupportedGrantTypeException": (400, "unsupported_grant_type"),
}

# SSO portal error code -> HTTP status. ForbiddenException is not in the model but the real
# GetRoleCredentials returns it ("No access") for a role the session cannot see.
PORTAL_ERRORS: dict[str, int] = {
    "InvalidRequestException": 400,
    "UnauthorizedException": 401,
    "ForbiddenException": 403,
    "ResourceNotFoundException": 404,
    "TooManyRequestsException": 429,
}

# STS error code -> (HTTP status, Type).
STS_ERRORS: dict[str, tuple[int, str]] = {
    "MissingAuthenticationToken": (403, "Sender"),
    "IncompleteSignature": (400, "Sender"),
    "InvalidClientTokenId": (403, "Sender"),
    "SignatureDoesNotMatch": (403, "Sender"),
    "ExpiredToken": (400, "Sender"),
    "InvalidAction": (400, "Sender"),
    "Throttling": (400, "Sender"),
    "AccessDenied": (403, "Sender"),
    "InternalFailure": (500, "Receiver"),
}

ERRORS_BY_SERVICE: dict[str, dict] = {OIDC: OIDC_ERRORS, PORTAL: PORTAL_ERRORS, STS: STS_ERRORS}

DEFAULT_MESSAGES: dict[str, str] = {
    "AccessDeniedException": "Access denied",
    "AuthorizationPendingException": "Authorization is still pending",
    "ExpiredTokenException": "Device code has expired",
    "InternalServerException": "An internal error occurred",
    "InvalidClientException": "Invalid client provided",
    "InvalidClientMetadataException": "Invalid client metadata",
    "InvalidGrantException": "Invalid grant provided",
    "InvalidRedirectUriException": "Invalid redirect URI",
    "InvalidRequestException": "Invalid request",
    "InvalidScopeException": "Invalid scope requested",
    "SlowDownException": "Client is polling too quickly",
    "UnauthorizedClientException": "Client is not authorized for this grant",
    "UnsupportedGrantTypeException": "Unsupported grant type",
    "UnauthorizedException": "Session token not found or invalid",
    "ForbiddenException": "No access",
    "ResourceNotFoundException": "Resource not found",
    "TooManyRequestsException": "HTTP 429 Unknown Code",
    "MissingAuthenticationToken": "Request is missing Authentication Token",
    "IncompleteSignature": "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters",
    "InvalidClientTokenId": "The security token included in the request is invalid.",
    "SignatureDoesNotMatch": (
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret Access Key and signing method. Consult the service documentation for details."
    ),
    "ExpiredToken": "The security token included in the request is expired",
    "InvalidAction": "Could not find operation for version 2011-06-15",
    "Throttling": "Rate exceeded",
    "AccessDenied": "Access denied",
    "InternalFailure": "An internal error occurred",
}


class ApiError(Exception):
    """An error response of one of the three services. ``message`` must never contain a secret."""

    def __init__(self, service: str, code: str, message: str | None = None, *, reason: str | None = None):
        table = ERRORS_BY_SERVICE[service]
        if code not in table:
            raise ValueError(f"{code} is not an error the {service} emulator knows")
        super().__init__(code)
        self.service = service
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, code)
        self.reason = reason

    @property
    def status(self) -> int:
        entry = ERRORS_BY_SERVICE[self.service][self.code]
        return entry[0] if isinstance(entry, tuple) else entry


def oidc_error(code: str, message: str | None = None, **kwargs) -> ApiError:
    return ApiError(OIDC, code, message, **kwargs)


def portal_error(code: str, message: str | None = None) -> ApiError:
    return ApiError(PORTAL, code, message)


def sts_error(code: str, message: str | None = None) -> ApiError:
    return ApiError(STS, code, message)


@dataclass
class Request:
    method: str
    path: str  # without the query string, still percent-encoded
    query_string: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    request_id: str = ""

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    def query_one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def form(self) -> dict[str, str]:
        """An ``application/x-www-form-urlencoded`` body (first value of each field)."""
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def json(self) -> dict:
        """A rest-json body; an unreadable one is the service's InvalidRequestException."""
        if not self.body.strip():
            return {}
        try:
            value = json.loads(self.body)
        except ValueError:
            raise oidc_error("InvalidRequestException", "Request body is not valid JSON") from None
        if not isinstance(value, dict):
            raise oidc_error("InvalidRequestException", "Request body must be a JSON object")
        return value


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: object, status: int = 200) -> "Response":
        return cls(status, json.dumps(value).encode(), {"Content-Type": "application/json"})

    @classmethod
    def empty(cls) -> "Response":
        return cls(200, b"", {"Content-Type": "application/json"})

    @classmethod
    def html(cls, text: str, status: int = 200) -> "Response":
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})

    @classmethod
    def xml(cls, text: str, status: int = 200) -> "Response":
        return cls(status, text.encode(), {"Content-Type": "text/xml"})

    @classmethod
    def redirect(cls, location: str) -> "Response":
        return cls(302, b"", {"Location": location, "Cache-Control": "no-store"})


def encode_error(error: ApiError, request_id: str) -> Response:
    """The error response exactly as the real service would send it."""
    if error.service == STS:
        status, kind = STS_ERRORS[error.code]
        text = (
            f'<ErrorResponse xmlns="{STS_XMLNS}">\n'
            f"  <Error>\n    <Type>{kind}</Type>\n    <Code>{xml_escape(error.code)}</Code>\n"
            f"    <Message>{xml_escape(error.message)}</Message>\n  </Error>\n"
            f"  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
        )
        return Response.xml(text, status)
    if error.service == OIDC:
        status, oauth_code = OIDC_ERRORS[error.code]
        body: dict[str, str] = {"error": oauth_code, "error_description": error.message}
        if error.reason:
            body["reason"] = error.reason
        response = Response.json(body, status)
        response.headers["x-amzn-ErrorType"] = f"{error.code}:{_OIDC_NAMESPACE}"
        return response
    response = Response.json({"message": error.message}, PORTAL_ERRORS[error.code])
    response.headers["x-amzn-ErrorType"] = f"{error.code}:{_PORTAL_NAMESPACE}"
    return response


def unknown_operation() -> Response:
    """What the rest-json front ends answer for a method and path no operation has."""
    response = Response.json({"message": "The requested operation is not supported by this endpoint"}, 404)
    response.headers["x-amzn-ErrorType"] = "UnknownOperationException"
    return response
