"""The :class:`Emulator`: lifecycle, knobs, fault injection and the call log."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Callable, NamedTuple

from app.emulator.faults import THROTTLE, FaultDice, PortalFaults
from app.emulator.limits import LIMIT_KINDS, WINDOW, RequestLimit, make_limit
from app.emulator.org import DemoOrg
from app.emulator.state import Store
from app.emulator.wire import ERRORS_BY_SERVICE, PORTAL, ApiError, portal_error

if TYPE_CHECKING:
    from app.emulator.server import _Server

CALL_LOG_LIMIT = 200_000


class Call(NamedTuple):
    operation: str  # e.g. "ListAccounts", "CreateToken", "GetCallerIdentity", "Authorize"
    when: float  # time.monotonic() when the request arrived


class ErrorCall(NamedTuple):
    operation: str
    code: str  # e.g. "TooManyRequestsException"
    when: float


class SignedIn(NamedTuple):
    """Tokens of a session created by :meth:`Emulator.issue_token` (secrets: never print them)."""

    access_token: str
    refresh_token: str | None
    expires_in: int
    client_id: str
    client_secret: str
    client_secret_expires_at: int  # epoch seconds

    def __repr__(self) -> str:
        refreshable = bool(self.refresh_token)
        return f"SignedIn(client_id={self.client_id!r}, expires_in={self.expires_in}, refreshable={refreshable})"


class Emulator:
    """A loopback AWS IAM Identity Center: sso-oidc + SSO portal + STS on one base URL.

    Knobs are plain attributes and may be changed while it runs (``emu.latency_ms = 100``):
    ``latency_ms`` (added to every request, half before and half after handling), ``page_size``
    (portal page size when the client sends no ``max_result``; None = 20), ``rate_limit`` (portal
    requests per second; None = unlimited; beyond it 429 TooManyRequestsException), ``rate_limit_kind``
    (``window``: at most that many in any one second, by count; ``bucket``: a token bucket, by rate,
    with bursts of ``rate_limit_burst``, default a quarter second's worth), ``faults`` (a
    :class:`~app.emulator.faults.PortalFaults`: seeded random 429s, HTTP 500s and connection resets,
    and accounts whose roles always fail), ``auto_approve`` (the user is already signed in: device codes are
    approved on the first poll, /authorize redirects straight back), ``auto_approve_after`` (device
    codes approved once polled N times), ``auto_deny`` (every sign-in is refused),
    ``access_token_ttl``, ``session_ttl`` (the Identity Center session: refresh stops working when
    it ends) and ``device_code_ttl`` (seconds).

    Like Identity Center, approving a sign-in while the person's portal session is still running
    reuses that session, so re-authenticating keeps its end; sso:Logout (or :meth:`end_sessions`)
    ends it, and the next approval starts a new one (``store.portal_sessions``, by start URL).
    """

    def __init__(
        self,
        *,
        accounts: int = 12,
        latency_ms: float = 0,
        page_size: int | None = None,
        rate_limit: float | None = None,
        rate_limit_kind: str = WINDOW,
        rate_limit_burst: float | None = None,
        faults: PortalFaults | None = None,
        auto_approve: bool = False,
        auto_approve_after: int | None = None,
        port: int = 0,
        access_token_ttl: int = 3600,
        session_ttl: int = 8 * 3600,
        device_code_ttl: int = 600,
        auto_deny: bool = False,
        org: DemoOrg | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if auto_approve_after is not None and auto_approve_after < 0:
            raise ValueError("auto_approve_after must be 0 or more")
        if rate_limit is not None and rate_limit <= 0:
            raise ValueError("rate_limit must be more than 0 (None: no limit)")
        if rate_limit_kind not in LIMIT_KINDS:
            raise ValueError(f"rate_limit_kind must be one of {', '.join(LIMIT_KINDS)}")
        if page_size is not None and page_size < 1:
            raise ValueError("page_size must be 1 or more")
        self.org = org if org is not None else DemoOrg.build(accounts)
        self.latency_ms = latency_ms
        self.page_size = page_size
        self.rate_limit = rate_limit
        self.rate_limit_kind = rate_limit_kind
        self.rate_limit_burst = rate_limit_burst
        self.faults = faults
        self.auto_approve = auto_approve
        self.auto_approve_after = auto_approve_after
        self.auto_deny = auto_deny
        self.access_token_ttl = access_token_ttl
        self.session_ttl = session_ttl
        self.device_code_ttl = device_code_ttl
        self.debug = False
        self.store = Store()
        self.page_key = secrets.token_bytes(16)
        self._requested_port = port
        self._log_sink = log
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._clock_offset = 0.0
        # Bounded, so a demo emulator left running for days does not grow without end.
        self._calls: deque[Call] = deque(maxlen=CALL_LOG_LIMIT)
        self._errors: deque[ErrorCall] = deque(maxlen=CALL_LOG_LIMIT)
        self._calls_lock = threading.Lock()
        self._failures: dict[str, list[tuple[str, int]]] = {}
        self._limiter: RequestLimit | None = None
        self._limiter_knobs: tuple | None = None
        self._dice: FaultDice | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "Emulator":
        from app.emulator.server import _Server

        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = server = _Server(self, self._requested_port)
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sso-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"Emulator({where}, accounts={len(self.org.accounts)}, latency_ms={self.latency_ms})"

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint_env(self) -> dict[str, str]:
        """The standard endpoint overrides that point botocore (and the AWS CLI) at this emulator."""
        return {
            "AWS_ENDPOINT_URL_SSO": self.base_url,
            "AWS_ENDPOINT_URL_SSO_OIDC": self.base_url,
            "AWS_ENDPOINT_URL_STS": self.base_url,
        }

    # -- the emulated person and organisation -----------------------------------------------

    def approve(self, user_code: str) -> None:
        """Press Approve on the device page for this user code (ValueError if unknown/expired/denied)."""
        from app.emulator.signin import decide_device

        decide_device(self, user_code, True)

    def deny(self, user_code: str) -> None:
        """Press Deny on the device page for this user code."""
        from app.emulator.signin import decide_device

        decide_device(self, user_code, False)

    def pending_user_codes(self) -> list[str]:
        """User codes still waiting for Approve/Deny (not expired)."""
        now = self.now()
        with self.store.lock:
            return [d.user_code for d in self.store.devices.values() if d.status == "pending" and now < d.expires_at]

    def allow_authorizations(self) -> list[str]:
        """Press "Allow" on every open consent page; returns the redirect URLs the browser would follow."""
        from app.emulator.signin import decide_authorize

        return decide_authorize(self, True)

    def deny_authorizations(self) -> list[str]:
        """Press "Deny" on every open consent page; returns the redirect URLs."""
        from app.emulator.signin import decide_authorize

        return decide_authorize(self, False)

    def issue_token(
        self,
        *,
        scopes: tuple[str, ...] = ("sso:account:access",),
        start_url: str | None = None,
        client_name: str = "emulator-test-client",
    ) -> SignedIn:
        """A signed-in session without a browser: registers a client and issues its tokens directly.

        What a completed login would have returned (no refresh token when ``scopes`` is empty). For
        tests and demos that need a token but are not about the login itself.
        """
        from app.emulator.oidc import issue_signed_in

        return issue_signed_in(self, scopes=tuple(scopes), start_url=start_url, client_name=client_name)

    def end_sessions(self) -> None:
        """Every Identity Center session ends: access tokens get 401, refresh gets InvalidGrant."""
        self.store.end_sessions()

    def fail_next(self, operation: str, code: str, count: int = 1) -> None:
        """Make the next ``count`` calls of ``operation`` fail with the real error ``code``."""
        from app.emulator.server import OPERATIONS

        service = OPERATIONS.get(operation)
        if service is None:
            raise ValueError(f"unknown operation {operation!r}; one of {', '.join(sorted(OPERATIONS))}")
        if code not in ERRORS_BY_SERVICE[service]:
            raise ValueError(f"{code!r} is not an error {operation} can return")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._calls_lock:
            self._failures.setdefault(operation, []).append((code, count))

    # -- clock -------------------------------------------------------------------------------

    def now(self) -> float:
        """The emulator's clock: epoch seconds, plus whatever :meth:`advance` added."""
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward: tokens, codes, sessions and role keys age at once."""
        self._clock_offset += seconds

    # -- call log ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request so far (the last 200,000) as (operation, monotonic time), oldest first.

        Never holds secrets. Operations are the API names plus the browser pages "Authorize",
        "AuthorizeDecision", "DeviceVerification", "DeviceDecision", "Index" and "Unknown".
        """
        with self._calls_lock:
            return list(self._calls)

    @property
    def errors(self) -> list[ErrorCall]:
        """Every error answer so far as (operation, code, monotonic time)."""
        with self._calls_lock:
            return list(self._errors)

    def call_count(self, operation: str) -> int:
        with self._calls_lock:
            return sum(1 for call in self._calls if call.operation == operation)

    def clear_calls(self) -> None:
        with self._calls_lock:
            self._calls.clear()
            self._errors.clear()

    # -- used by the request handler ------------------------------------------------------

    def _record_call(self, operation: str) -> None:
        with self._calls_lock:
            self._calls.append(Call(operation, time.monotonic()))

    def _record_error(self, operation: str, code: str) -> None:
        with self._calls_lock:
            self._errors.append(ErrorCall(operation, code, time.monotonic()))

    def _delay(self) -> None:
        """Half the configured latency (called before and after handling a request)."""
        if self.latency_ms:
            self._stopping.wait(self.latency_ms / 2000)

    def _fault(self, operation: str, service: str, account_id: str | None, page: str | None) -> str | None:
        """The seeded fate of a portal request: ``throttle``, ``server-error``, ``reset`` or None."""
        faults = self.faults
        if service != PORTAL or faults is None:
            return None
        with self._calls_lock:
            if self._dice is None or self._dice.faults is not faults:
                self._dice = FaultDice(faults)
            dice = self._dice
        return dice.draw(operation, account_id, page)

    def _before(self, operation: str, service: str, account_id: str | None = None, page: str | None = None) -> str | None:
        """Injected failures first, then seeded faults, then the portal's rate limit. Raises the API
        errors; returns ``server-error`` or ``reset`` for the server to act out (None: answer)."""
        with self._calls_lock:
            queue = self._failures.get(operation)
            if queue:
                code, remaining = queue[0]
                if remaining <= 1:
                    queue.pop(0)
                else:
                    queue[0] = (code, remaining - 1)
                raise ApiError(service, code)
        fault = self._fault(operation, service, account_id, page)
        if fault == THROTTLE:
            raise portal_error("TooManyRequestsException")
        if fault is not None:
            self._record_error(operation, fault)
            return fault
        if service == PORTAL and self.rate_limit:
            limiter = self._current_limiter(self.rate_limit)
            if not limiter.admit():
                raise portal_error("TooManyRequestsException")
        return None

    def _current_limiter(self, rate: float) -> RequestLimit:
        with self._calls_lock:
            knobs = (rate, self.rate_limit_kind, self.rate_limit_burst)
            if self._limiter is None or self._limiter_knobs != knobs:
                self._limiter = make_limit(self.rate_limit_kind, float(rate), self.rate_limit_burst)
                self._limiter_knobs = knobs
            return self._limiter

    def _log(self, line: str) -> None:
        if self._log_sink is not None:
            self._log_sink(line)
