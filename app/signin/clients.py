"""One lazily created botocore session and a cache of clients shared across threads.

* The session is built on first use, under a lock (botocore sessions are not thread-safe while
  creating clients; the clients themselves are).
* ``sso`` and ``sso-oidc`` clients are unsigned (every call of both APIs is ``noAuth``), with the
  region given explicitly and the standard retry mode (3 attempts), as the AWS CLI v2 uses. Their
  region must be one where IAM Identity Center sign-in exists (RegionError before any request).
* Timeouts are short: every call here is a small JSON request that AWS answers in well under a
  second, so an endpoint that accepts the connection and never answers fails in at most
  ``ATTEMPTS × READ_TIMEOUT`` plus botocore's backoff (under 1 s, then under 2 s): about 20 s, not
  the 3 × 60 s of botocore's defaults. A slow but working endpoint (seconds per answer) still works.
* Endpoint overrides (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_SSO``, ``..._SSO_OIDC``, ``..._STS``,
  ``[services]`` and ``endpoint_url`` in the profile), ``AWS_CA_BUNDLE`` and proxies are honoured
  by botocore itself; the client cache key includes those environment values, so a changed
  environment gets fresh clients.
* If the user's config or credentials file cannot be read (a syntax error, a missing
  ``AWS_PROFILE``), the factory falls back to a session that ignores both files, so sign-in still
  works; environment overrides still apply.

boto3/botocore are imported inside functions only.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable, TypeVar

from app import __version__

log = logging.getLogger(__name__)

UNSIGNED_SERVICES = frozenset({"sso", "sso-oidc"})
_ENV_KEYS = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CA_BUNDLE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_PROFILE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "https_proxy",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "HOME",
)
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 6  # seconds of silence after the request is sent
ATTEMPTS = 3  # botocore's standard retry mode: throttling, 5xx and network errors (timeouts included)


T = TypeVar("T")


def run_cancellable(function: Callable[[], T], cancel: Any = None, *, poll: float = 0.05) -> T:
    """Run one blocking AWS call so that ``cancel`` (a CancelToken) interrupts the *wait* for it.

    The call runs on a daemon thread; when ``cancel`` fires the caller gets ``Cancelled`` within
    ``poll`` seconds and the call's eventual result is dropped. Without a cancel token the call
    simply runs here.
    """
    if cancel is None:
        return function()
    from app.errors import Cancelled

    cancel.raise_if_cancelled()
    done = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = function()
        except BaseException as error:  # handed back to the caller's thread
            box["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name="aws-call", daemon=True).start()
    while not done.wait(poll):
        if cancel.cancelled:
            raise Cancelled()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _require_sso_region(region: str) -> None:
    """RegionError unless IAM Identity Center sign-in exists in ``region`` (a misspelt region would
    otherwise fail with a DNS error at AWS, or not at all against an endpoint override)."""
    from app.signin.regions import check_region

    problem = check_region(region)
    if problem is not None:
        from app.signin.errors import RegionError

        raise RegionError(problem, hint="Fix sso_region in the AWS config file, then try again.", code="InvalidRegion")


def _env_snapshot() -> tuple[tuple[str, str | None], ...]:
    return tuple((key, os.environ.get(key)) for key in _ENV_KEYS)


class ClientFactory:
    """Creates and caches botocore clients. Safe to share between threads."""

    def __init__(self, *, connect_timeout: float | None = None, read_timeout: float | None = None) -> None:
        # None: the module's values when a client is made (tests may shorten them)
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._lock = threading.RLock()
        self._session: Any = None
        self._session_env: tuple | None = None
        self._fallback = False
        self._clients: dict[tuple, Any] = {}

    # -- sessions

    def _new_session(self, *, ignore_files: bool) -> Any:
        import botocore.session

        session_vars = None
        if ignore_files:
            # No config or credentials file, and no AWS_PROFILE lookup (a missing profile would
            # fail every client); endpoint and CA-bundle environment variables still apply.
            session_vars = {
                "profile": (None, None, None, None),
                "config_file": (None, None, os.devnull, None),
                "credentials_file": (None, None, os.devnull, None),
            }
        session = botocore.session.Session(session_vars=session_vars)
        session.user_agent_extra = f"aws-sso-wizard/{__version__}"
        return session

    def session(self) -> Any:
        """The shared botocore session (created on first use)."""
        with self._lock:
            env = _env_snapshot()
            if self._session is None or env != self._session_env:
                self._session = self._new_session(ignore_files=False)
                self._session_env = env
                self._fallback = False
                self._clients.clear()
            return self._session

    @property
    def connect_timeout(self) -> float:
        return self._connect_timeout if self._connect_timeout is not None else CONNECT_TIMEOUT

    @property
    def read_timeout(self) -> float:
        return self._read_timeout if self._read_timeout is not None else READ_TIMEOUT

    @property
    def using_fallback(self) -> bool:
        """True when the user's config file could not be read and it is being ignored."""
        return self._fallback

    def _use_fallback(self, error: BaseException) -> None:
        log.info(
            "Ignoring the AWS config file for sign-in: it could not be read (%s).", type(error).__name__
        )
        self._session = self._new_session(ignore_files=True)
        self._fallback = True
        self._clients.clear()

    # -- clients

    def client(
        self,
        service: str,
        region: str,
        *,
        retries: bool = True,
        max_pool_connections: int | None = None,
        credentials: Any = None,
    ) -> Any:
        """A client for ``service`` in ``region`` (cached unless ``credentials`` are given).

        ``retries=False`` turns botocore's own retries off (one attempt), for callers that do their
        own throttling. ``credentials`` (an object with ``access_key_id``, ``secret_access_key``,
        ``session_token``) makes a signed, uncached client.
        """
        from botocore import UNSIGNED
        from botocore.config import Config
        from botocore.exceptions import ConfigParseError, InvalidConfigError, ProfileNotFound

        if not region:
            from app.signin.errors import RegionError

            raise RegionError(
                "No SSO region is set.", hint="Set sso_region to the region of your IAM Identity Center."
            )
        if service in UNSIGNED_SERVICES:
            _require_sso_region(region)
        key = (service, region, retries, max_pool_connections, self.connect_timeout, self.read_timeout)
        with self._lock:
            self.session()
            if credentials is None and key in self._clients:
                return self._clients[key]
            options: dict[str, Any] = {
                "region_name": region,
                "retries": {"mode": "standard", "total_max_attempts": ATTEMPTS}
                if retries
                else {"mode": "standard", "total_max_attempts": 1},
                "connect_timeout": self.connect_timeout,
                "read_timeout": self.read_timeout,
            }
            if service in UNSIGNED_SERVICES and credentials is None:
                options["signature_version"] = UNSIGNED
            if max_pool_connections:
                options["max_pool_connections"] = max_pool_connections
            kwargs: dict[str, Any] = {"config": Config(**options)}
            if credentials is not None:
                kwargs.update(
                    aws_access_key_id=credentials.access_key_id,
                    aws_secret_access_key=credentials.secret_access_key,
                    aws_session_token=credentials.session_token,
                )
            try:
                client = self._session.create_client(service, **kwargs)
            except (ConfigParseError, ProfileNotFound, InvalidConfigError) as error:
                if self._fallback:
                    raise
                self._use_fallback(error)
                client = self._session.create_client(service, **kwargs)
            if credentials is None:
                self._clients[key] = client
            return client

    def oidc_base_url(self, region: str) -> str:
        """The sso-oidc endpoint as ``scheme://host[:port]``, after every override — what the CLI
        uses as the base of the PKCE authorize URL (it simulates a RegisterClient call and keeps
        only the scheme and host of the URL botocore would send it to)."""
        from urllib.parse import urlsplit

        from botocore.awsrequest import AWSResponse

        client = self.client("sso-oidc", region)
        captured: dict[str, str] = {}
        marker = threading.local()

        def capture(params: dict, **_: Any):
            if getattr(marker, "active", False) and params.get("url"):
                parts = urlsplit(params["url"])
                captured["base"] = f"{parts.scheme}://{parts.netloc}"
                return AWSResponse(None, 200, {}, None), {}
            return None

        event = "before-call.sso-oidc.RegisterClient"
        client.meta.events.register(event, capture)
        marker.active = True
        try:
            client.register_client(clientName="temp", clientType="public")
        finally:
            marker.active = False
            client.meta.events.unregister(event, capture)
        if "base" not in captured:  # pragma: no cover - botocore always fills the URL
            parts = urlsplit(client.meta.endpoint_url)
            return f"{parts.scheme}://{parts.netloc}"
        return captured["base"]
