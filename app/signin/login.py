"""The login service: sign-in (PKCE or device code), token status, refresh and sign-out, sharing
one token cache with the AWS CLI v2 and botocore (interop spec §3–§7).

Every long call takes a :class:`~app.cancel.CancelToken` and reports through callbacks; nothing here
draws anything. A cancel takes effect at once wherever the call is: waiting for the browser (the
callback server is closed), between device-code polls, or in the middle of an AWS request (the
request's result is dropped). Errors are typed :class:`~app.errors.WizardError` subclasses from
:mod:`app.signin.errors`; no token, refresh token or client secret ever appears in a message or a log.

One browser flow per session: concurrent ``login()`` calls for the same sso-session in this process
share one flow (later callers wait for it, see its prompt and get its result); across processes a lock
file under the app's settings directory serialises them, and a process that waited re-reads the
cache before starting a flow of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from app import paths
from app.cancel import CancelToken
from app.config.model import DEFAULT_SCOPES, parse_registration_scopes
from app.errors import Cancelled, WizardError
from app.fsutil import LockTimeout, exclusive_lock
from app.signin.browser import Browser
from app.signin.clients import ClientFactory, run_cancellable
from app.signin.errors import (
    NotSignedIn,
    SessionExpired,
    SsoError,
    error_code,
    translate_error,
)
from app.signin.pkce import (
    AUTH_GRANT_TYPES,
    OVERALL_TIMEOUT,
    REDIRECT_URI_WITHOUT_PORT,
    authorize_url,
    code_challenge,
    make_code_verifier,
)
from app.signin.session_end import SessionStarts
from app.signin.state import EXPIRY_WINDOW, TokenState, TokenStatus, utc_now
from app.signin.target import SsoTarget
from app.signin.token_cache import (
    CachedToken,
    Registration,
    TokenCache,
    build_token_document,
    role_cache_dir,
    target_role_key,
    target_token_key,
)

log = logging.getLogger(__name__)

METHODS = ("pkce", "device")
PROBE_TIMEOUT = 10.0
LOGIN_LOCK_TIMEOUT = OVERALL_TIMEOUT + 300
REFRESH_LOCK_TIMEOUT = 30.0
WAITING_FOR_OTHER_WINDOW = (
    "A sign-in for {label} is already under way in another window; waiting for it to finish "
    "(Ctrl+C / Escape stops waiting)."
)


@dataclass(frozen=True)
class LoginPrompt:
    """What the person must do to finish signing in. ``url`` is the page to open (the authorize URL
    for PKCE, the pre-filled verification URL for a device code)."""

    method: str
    url: str
    verification_uri: str | None
    user_code: str | None
    expires_at: datetime
    browser_opened: bool


@dataclass(frozen=True)
class MethodChoice:
    """How a sign-in will go: ``method`` (``"pkce"``, the browser, or ``"device"``, a code),
    whether it was ``asked`` for or decided here, and ``reason``, why, in plain words."""

    method: str
    asked: bool
    reason: str
    fixed: bool = False  # the other method cannot be used (a profile without an sso-session)

    @property
    def with_browser(self) -> bool:
        return self.method == "pkce"


@dataclass(frozen=True)
class SignInResult:
    """What :meth:`LoginService.ensure_signed_in` ended with: the status, and whether it had to
    renew the token (``refreshed``) or run a sign-in (``signed_in``); neither when it was valid."""

    status: TokenStatus
    refreshed: bool = False
    signed_in: bool = False

    @property
    def already(self) -> bool:
        """The session was usable without a browser or a code."""
        return not self.signed_in


@dataclass(frozen=True)
class LogoutResult:
    server_ok: bool
    removed: tuple[Path, ...]
    message: str


class _Flight:
    """One sign-in in progress in this process; later callers for the same session wait on it
    and see its prompt (and its notice, while there is no prompt yet)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: TokenStatus | None = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._prompt: LoginPrompt | None = None
        self._notice: str | None = None
        self._listeners: list[Callable[[LoginPrompt], object]] = []
        self._notice_listeners: list[Callable[[str], object]] = []

    def listen(
        self, callback: Callable[[LoginPrompt], object] | None, on_notice: Callable[[str], object] | None = None
    ) -> None:
        with self._lock:
            if callback is not None:
                self._listeners.append(callback)
            if on_notice is not None:
                self._notice_listeners.append(on_notice)
            prompt, notice = self._prompt, self._notice
        if prompt is not None and callback is not None:
            _safe_call(callback, prompt)
        elif notice is not None and on_notice is not None:
            _safe_call(on_notice, notice)

    def publish(self, prompt: LoginPrompt) -> None:
        with self._lock:
            self._prompt = prompt
            listeners = list(self._listeners)
        for callback in listeners:
            _safe_call(callback, prompt)

    def notify(self, notice: str) -> None:
        with self._lock:
            self._notice = notice
            listeners = list(self._notice_listeners)
        for callback in listeners:
            _safe_call(callback, notice)

    def finish(self, result: TokenStatus | None, error: BaseException | None) -> None:
        self.result, self.error = result, error
        self.done.set()

    def wait(self, cancel: CancelToken) -> TokenStatus:
        while not self.done.wait(0.05):
            cancel.raise_if_cancelled()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


def _safe_call(callback: Callable[[Any], object], value: Any) -> None:
    try:
        callback(value)
    except Exception:  # a display callback must not break the sign-in
        log.debug("a sign-in display callback failed", exc_info=True)


class LoginService:
    """Sign-in, status, refresh and sign-out for SSO targets. Safe to share between threads."""

    def __init__(
        self,
        *,
        clients: ClientFactory | None = None,
        browser: Browser | None = None,
        cache: TokenCache | None = None,
        clock: Callable[[], datetime] = utc_now,
        session_starts: SessionStarts | None = None,
    ) -> None:
        self.clients = clients or ClientFactory()
        self.browser = browser or Browser()
        self.cache = cache or TokenCache()
        self._clock = clock
        self.session_starts = session_starts or SessionStarts()
        self._flights: dict[str, _Flight] = {}
        self._flights_lock = threading.Lock()
        self._refresh_locks: dict[str, threading.Lock] = {}

    # ------------------------------------------------------------------ status

    @staticmethod
    def _renewable(target: SsoTarget, token: CachedToken | None, now: datetime) -> bool:
        """botocore refreshes only sso-session tokens, and only with every refresh ingredient present."""
        return token is not None and not target.is_legacy and token.has_refresh_material(now)

    def _state_of(self, target: SsoTarget, token: CachedToken | None, now: datetime) -> TokenState:
        if token is None:
            return TokenState.SIGNED_OUT
        remaining = token.expires_at - now
        if remaining >= EXPIRY_WINDOW:
            return TokenState.VALID
        if remaining > timedelta(0):
            return TokenState.EXPIRING
        if self._renewable(target, token, now):
            return TokenState.REFRESHABLE
        return TokenState.EXPIRED

    def now(self) -> datetime:
        """The service's clock (the emulator's, in tests that move time)."""
        return self._clock()

    def status(self, target: SsoTarget) -> TokenStatus:
        """Where the sign-in for ``target`` stands, from the token cache alone (no network)."""
        token = self.cache.load_token(target)
        now = self._clock()
        return TokenStatus(
            state=self._state_of(target, token, now),
            expires_at=token.expires_at if token else None,
            token_path=self.cache.token_path(target),
            renewable=self._renewable(target, token, now),
        )

    # ------------------------------------------------------------------ login

    def choose_method(self, target: SsoTarget | None = None, requested: str | None = None) -> MethodChoice:
        """The sign-in method every caller uses: ``requested`` when given, else the browser where one
        can open and a code where none can (SSH without a display, no display at all). A profile
        without an sso-session always signs in with a code, as the AWS CLI does."""
        if requested is not None and requested not in METHODS:
            raise ValueError(f"unknown sign-in method {requested!r}; use one of {METHODS}")
        if target is not None and target.is_legacy:
            return MethodChoice("device", requested == "device",
                                "a profile without an sso-session signs in with a code", fixed=True)
        if requested is not None:
            return MethodChoice(requested, True, "as asked")
        if self.browser.likely():
            return MethodChoice("pkce", False, "a browser can open here")
        why = getattr(self.browser, "why_not", lambda: None)() or "no browser can open here"
        return MethodChoice("device", False, why)

    def login(
        self,
        target: SsoTarget,
        *,
        method: str = "pkce",
        open_browser: bool = True,
        force: bool = False,
        on_prompt: Callable[[LoginPrompt], object] | None = None,
        on_notice: Callable[[str], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> TokenStatus:
        """Sign in to ``target`` and return the new status.

        Returns at once when the cached token is valid for 15 minutes or more (unless ``force``);
        an expiring token is first renewed with its refresh token when possible. ``method`` is
        ``"pkce"`` (browser, the default) or ``"device"`` (a code to enter, for SSH/headless); legacy
        targets (no sso-session) always use the device flow, as the AWS CLI does. ``on_prompt``
        receives the URL (and code) to show. ``on_notice`` receives one-line news for the person
        while nothing is asked of them: that a sign-in for the same session is under way in another
        window and this one waits for it (:data:`WAITING_FOR_OTHER_WINDOW`). The SSO region and the
        start URL are checked before any network call (RegionError, StartUrlError). Raises
        LoginDenied, LoginExpired, LoginFailed, NetworkError, ... and Cancelled when ``cancel`` fires.
        """
        if method not in METHODS:
            raise ValueError(f"unknown sign-in method {method!r}; use one of {METHODS}")
        target.require_valid_region()
        target.require_valid_start_url()
        cancel = cancel or CancelToken()
        key = target_token_key(target)
        while True:
            cancel.raise_if_cancelled()
            if not force:
                ready = self._reusable(target, cancel)
                if ready is not None:
                    return ready
            with self._flights_lock:
                flight = self._flights.get(key)
                leader = flight is None
                if leader:
                    flight = self._flights[key] = _Flight()
            assert flight is not None
            if not leader:
                flight.listen(on_prompt, on_notice)
                try:
                    return flight.wait(cancel)
                except Cancelled:
                    if cancel.cancelled:
                        raise
                    continue  # the other caller cancelled its sign-in; run our own
            flight.listen(on_prompt, on_notice)
            try:
                result = self._login_across_processes(
                    target, method, open_browser, force, flight.publish, cancel, notify=flight.notify
                )
            except BaseException as error:
                self._land(key, flight, None, error)
                raise
            self._land(key, flight, result, None)
            return result

    def ensure_signed_in(
        self,
        target: SsoTarget,
        *,
        method: str = "pkce",
        open_browser: bool = True,
        force: bool = False,
        on_sign_in: Callable[[], object] | None = None,
        on_prompt: Callable[[LoginPrompt], object] | None = None,
        on_notice: Callable[[str], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> SignInResult:
        """The one sign-in use case: when ``target``'s session is valid, or renews with its refresh
        token, return its status; otherwise (or with ``force``) sign in with ``method``.

        ``on_sign_in`` is called once, just before a sign-in starts (the cached session cannot be
        used); ``on_prompt``, ``on_notice`` and ``cancel`` are those of :meth:`login`.
        """
        cancel = cancel or CancelToken()
        if not force:
            before = self.status(target).state
            ready = self._reusable(target, cancel)
            if ready is not None:
                return SignInResult(ready, refreshed=before is not TokenState.VALID)
        if on_sign_in is not None:
            _safe_call(lambda _: on_sign_in(), None)
        # the cached token was just found unusable (or ``force``): sign in without trying it again
        status = self.login(
            target,
            method=method,
            open_browser=open_browser,
            force=True,
            on_prompt=on_prompt,
            on_notice=on_notice,
            cancel=cancel,
        )
        return SignInResult(status, signed_in=True)

    def _land(self, key: str, flight: _Flight, result: TokenStatus | None, error: BaseException | None) -> None:
        """End a flight: forget it first, so a waiter that retries starts a new one, then wake waiters."""
        with self._flights_lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight.finish(result, error)

    def _reusable(self, target: SsoTarget, cancel: CancelToken) -> TokenStatus | None:
        status = self.status(target)
        if status.state is TokenState.VALID:
            return status
        if status.state in (TokenState.EXPIRING, TokenState.REFRESHABLE) and status.renewable:
            try:
                refreshed = self._refresh_if_needed(target, cancel=cancel)
            except Cancelled:
                raise
            except SsoError as error:
                log.info("renewing %s failed (%s); signing in again", target.label, type(error).__name__)
                return None
            if refreshed is not None and self._state_of(target, refreshed, self._clock()) is TokenState.VALID:
                return self.status(target)
        return None

    def lock_path(self, target: SsoTarget, purpose: str = "login") -> Path:
        """The cross-process lock of a sign-in (``login``) or a renewal (``refresh``), kept in the app's
        settings folder, out of ``~/.aws/sso/cache``, which other tools list."""
        return paths.settings_dir() / "locks" / f"{purpose}-{target_token_key(target)}.lock"

    def _locked(
        self,
        target: SsoTarget,
        purpose: str,
        timeout: float,
        cancel: CancelToken | None,
        on_busy: Callable[[], None] | None = None,
    ) -> ExitStack:
        """Hold :meth:`lock_path` (exit the returned stack to release it); a plain WizardError when
        the lock file cannot be made at all. ``on_busy`` is called once, before waiting, when
        another process holds the lock."""
        path = self.lock_path(target, purpose)
        stack = ExitStack()
        try:
            if on_busy is not None:
                try:
                    stack.enter_context(exclusive_lock(path, timeout=0, cancel=cancel))
                    return stack
                except LockTimeout:
                    on_busy()
            stack.enter_context(exclusive_lock(path, timeout=timeout, cancel=cancel))
        except OSError as error:
            raise WizardError(
                f"Could not create the lock file {path} ({error.strerror or type(error).__name__}).",
                hint=f"Make sure you own {path.parent.parent} and can write to it, then try again.",
            ) from None
        return stack

    def _login_across_processes(
        self,
        target: SsoTarget,
        method: str,
        open_browser: bool,
        force: bool,
        publish: Callable[[LoginPrompt], object],
        cancel: CancelToken,
        *,
        notify: Callable[[str], object] | None = None,
    ) -> TokenStatus:
        started_ns = time.time_ns()

        def busy() -> None:
            log.info("a sign-in for %s is under way in another process; waiting for it", target.label)
            if notify is not None:
                notify(WAITING_FOR_OTHER_WINDOW.format(label=target.label))

        try:
            locked = self._locked(target, "login", LOGIN_LOCK_TIMEOUT, cancel, on_busy=busy)
        except LockTimeout:
            raise LockTimeout(
                f"The sign-in for {target.label} in another window did not finish within "
                f"{round(LOGIN_LOCK_TIMEOUT / 60)} minutes.",
                hint="Finish or close the sign-in in the other window (or end that program), then try again.",
            ) from None
        with locked:
            # Another process may have signed in while we waited for the lock.
            token = self.cache.load_token(target)
            if token is not None and self._state_of(target, token, self._clock()) is TokenState.VALID:
                written_ns = _mtime_ns(token.path)
                if not force or (written_ns is not None and written_ns > started_ns):
                    return self.status(target)
            return self._run_flow(target, method, open_browser, publish, cancel)

    def _run_flow(
        self,
        target: SsoTarget,
        method: str,
        open_browser: bool,
        publish: Callable[[LoginPrompt], object],
        cancel: CancelToken,
    ) -> TokenStatus:
        issuer = run_cancellable(lambda: self._issuer_url(target), cancel)
        had_token = self.cache.load_token(target) is not None
        if method == "pkce" and not target.is_legacy:
            document = self._pkce_flow(target, issuer, open_browser, publish, cancel)
        else:
            document = self._device_flow(target, issuer, open_browser, publish, cancel)
        self.cache.save_token(target, document)
        self.session_starts.signed_in(session_key(target), target.start_url, self._clock(), had_token=had_token)
        log.info("signed in to %s", target.label)
        return self.status(target)

    def _issuer_url(self, target: SsoTarget) -> str:
        """The start URL the sign-in calls use: resolved for a vanity URL, unchanged (and no network)
        for an AWS-owned host. The CLI's rules (https only, ...) apply to every start URL first."""
        from app.signin.start_url import resolve_start_url

        target.require_valid_start_url()
        return resolve_start_url(target.start_url).resolved_url

    def _oidc(self, target: SsoTarget) -> Any:
        try:
            return self.clients.client("sso-oidc", target.region)
        except WizardError:
            raise
        except Exception as error:
            raise translate_error(error, operation="RegisterClient", context="login") from None

    def _call(
        self,
        function: Callable[..., dict],
        operation: str,
        context: str = "login",
        cancel: CancelToken | None = None,
        **kwargs: Any,
    ) -> dict:
        try:
            return run_cancellable(lambda: function(**kwargs), cancel)
        except Exception as error:
            raise translate_error(error, operation=operation, context=context) from None

    # -- registration

    def _cached_registration(self, target: SsoTarget, *, pkce: bool) -> Registration | None:
        """The cached client registration for this flow, when it can still be used."""
        cached = self.cache.load_registration(target)
        if cached is not None and cached.usable(self._clock()) and cached.for_auth_code == pkce:
            return cached
        return None

    def _registration(
        self,
        target: SsoTarget,
        oidc: Any,
        *,
        pkce: bool,
        issuer: str,
        cancel: CancelToken | None = None,
        renew: bool = False,
    ) -> Registration:
        if not renew:
            cached = self._cached_registration(target, pkce=pkce)
            if cached is not None:
                return cached
        name = target.session_name if target.session_name is not None else str(int(self._clock().timestamp()))
        request: dict[str, Any] = {"clientName": f"botocore-client-{name}", "clientType": "public"}
        if pkce:
            request.update(
                grantTypes=list(AUTH_GRANT_TYPES),
                redirectUris=[REDIRECT_URI_WITHOUT_PORT],
                issuerUrl=issuer,
                scopes=list(target.scopes or parse_registration_scopes(DEFAULT_SCOPES)),
            )
        elif target.scopes:
            request["scopes"] = list(target.scopes)
        response = self._call(oidc.register_client, "RegisterClient", cancel=cancel, **request)
        expires_at = datetime.fromtimestamp(int(response["clientSecretExpiresAt"]), timezone.utc)
        document: dict[str, Any] = {
            "clientId": response["clientId"],
            "clientSecret": response["clientSecret"],
            "expiresAt": expires_at,
        }
        if "scopes" in request:
            document["scopes"] = request["scopes"]
        if pkce:
            document["grantTypes"] = request["grantTypes"]
        return self.cache.save_registration(target, document)

    def _token_document(self, target: SsoTarget, registration: Registration, response: dict) -> dict[str, Any]:
        return build_token_document(
            start_url=target.start_url,
            region=target.region,
            access_token=response["accessToken"],
            expires_at=self._clock() + timedelta(seconds=int(response["expiresIn"])),
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            registration_expires_at=registration.expires_at_raw,
            refresh_token=response.get("refreshToken"),
        )

    # -- PKCE

    def _pkce_flow(
        self,
        target: SsoTarget,
        issuer: str,
        open_browser: bool,
        publish: Callable[[LoginPrompt], object],
        cancel: CancelToken,
    ) -> dict[str, Any]:
        import uuid

        from app.signin.callback import CallbackServer  # http.server: only for a browser sign-in

        state = str(uuid.uuid4())
        server = CallbackServer(state)  # first, like the CLI: no point registering without it
        cancel.on_cancel(server.close)
        try:
            verifier = make_code_verifier()
            challenge = code_challenge(verifier)
            oidc = self._oidc(target)
            try:
                base = self.clients.oidc_base_url(target.region)
            except Exception as error:
                raise translate_error(error, operation="RegisterClient", context="login") from None
            registration = self._cached_registration(target, pkce=True)
            if registration is None:  # registering asks the service: it answered
                registration = self._registration(target, oidc, pkce=True, issuer=issuer, cancel=cancel, renew=True)
            else:  # nothing asked the service yet: make sure it answers before waiting on the browser
                run_cancellable(lambda: probe_service(base), cancel)
            cancel.raise_if_cancelled()
            url = authorize_url(
                base,
                client_id=registration.client_id,
                redirect_uri=server.redirect_uri,
                state=state,
                scopes=target.scopes,
                challenge=challenge,
            )
            self._show(publish, "pkce", url, open_browser, self._clock() + timedelta(seconds=OVERALL_TIMEOUT))
            code = server.wait(timeout=OVERALL_TIMEOUT, cancel=cancel)
        finally:
            server.close()
        cancel.raise_if_cancelled()
        response = self._call(
            oidc.create_token,
            "CreateToken",
            cancel=cancel,
            grantType="authorization_code",
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            redirectUri=server.redirect_uri,
            codeVerifier=verifier,
            code=code,
        )
        return self._token_document(target, registration, response)

    def _show(
        self,
        publish: Callable[[LoginPrompt], object],
        method: str,
        url: str,
        open_browser: bool,
        expires_at: datetime,
        *,
        verification_uri: str | None = None,
        user_code: str | None = None,
    ) -> None:
        """Open ``url`` in a browser when asked (a failure only means the URL is shown), then hand the
        prompt to the caller."""
        opened = False
        if open_browser:
            try:
                opened = bool(self.browser.open(url))
            except Exception:
                log.debug("opening the browser failed", exc_info=True)
        publish(
            LoginPrompt(
                method=method,
                url=url,
                verification_uri=verification_uri,
                user_code=user_code,
                expires_at=expires_at,
                browser_opened=opened,
            )
        )

    # -- device code

    def _device_flow(
        self,
        target: SsoTarget,
        issuer: str,
        open_browser: bool,
        publish: Callable[[LoginPrompt], object],
        cancel: CancelToken,
    ) -> dict[str, Any]:
        from app.signin.device_flow import DEVICE_GRANT_TYPE, DeviceAuthorization, attempt, poll

        oidc = self._oidc(target)
        registration = self._registration(target, oidc, pkce=False, issuer=issuer, cancel=cancel)
        for renewed in (False, True):
            try:
                started = run_cancellable(
                    lambda: oidc.start_device_authorization(
                        clientId=registration.client_id, clientSecret=registration.client_secret, startUrl=issuer  # noqa: B023
                    ),
                    cancel,
                )
                break
            except Cancelled:
                raise
            except Exception as error:
                if renewed or error_code(error) != "InvalidClientException":
                    raise translate_error(error, operation="StartDeviceAuthorization", context="login") from None
            # the cached registration was revoked or expired early: register again, once
            registration = self._registration(target, oidc, pkce=False, issuer=issuer, cancel=cancel, renew=True)
        authorization = DeviceAuthorization.from_response(started)
        expires_at = self._clock() + timedelta(seconds=authorization.expires_in)

        def create_token() -> dict:
            return run_cancellable(
                lambda: oidc.create_token(
                    grantType=DEVICE_GRANT_TYPE,
                    clientId=registration.client_id,
                    clientSecret=registration.client_secret,
                    deviceCode=authorization.device_code,
                ),
                cancel,
            )

        cancel.raise_if_cancelled()
        # one attempt before showing anything: the client may already be authorised
        interval, response = attempt(create_token, authorization.interval)
        if response is None:
            self._show(
                publish,
                "device",
                authorization.verification_uri_complete,
                open_browser,
                expires_at,
                verification_uri=authorization.verification_uri,
                user_code=authorization.user_code,
            )
            response = poll(create_token, authorization, interval=interval, cancel=cancel)
        return self._token_document(target, registration, response)

    # ------------------------------------------------------------------ tokens and refresh

    def _not_signed_in(self, target: SsoTarget) -> NotSignedIn:
        """"Not signed in", naming the cache file when one is there but cannot be read."""
        path = self.cache.token_path(target)
        why = self.cache.unreadable(path)
        if why is None:
            return NotSignedIn(f"You are not signed in to {target.label}.", hint=target.sign_in_hint())
        return NotSignedIn(f"The sign-in file {paths.display_path(path)} for {target.label} cannot be read: {why}.",
                           hint=f"{target.sign_in_hint(again=True)} (that replaces the file).")

    def access_token(self, target: SsoTarget, *, cancel: CancelToken | None = None) -> str:
        """A usable access token for ``target``: the cached one, renewed first when it has less than
        15 minutes left and can be renewed. NotSignedIn / SessionExpired otherwise."""
        if cancel is not None:
            cancel.raise_if_cancelled()
        token = self.cache.load_token(target)
        if token is None:
            raise self._not_signed_in(target)
        now = self._clock()
        state = self._state_of(target, token, now)
        if state is TokenState.VALID:
            return token.access_token
        if self._renewable(target, token, now):  # expiring or expired: renew first, as botocore does
            try:
                refreshed = self._refresh_if_needed(target, cancel=cancel)
            except SsoError:
                refreshed = None
                if token.expires_at > self._clock():
                    return token.access_token  # botocore keeps using a still-valid token
                raise
            if refreshed is not None and refreshed.expires_at > self._clock():
                return refreshed.access_token
        if token.expires_at > self._clock():
            return token.access_token
        raise SessionExpired(f"Your sign-in to {target.label} has expired.", hint=target.sign_in_hint(again=True))

    def refresh(self, target: SsoTarget) -> TokenStatus:
        """Renew the access token with the refresh token now, under botocore's rules (§5), and write
        it back as botocore does. SessionExpired when it cannot be renewed."""
        self._refresh(target, only_if_needed=False)
        return self.status(target)

    def _refresh_if_needed(self, target: SsoTarget, cancel: CancelToken | None = None) -> CachedToken | None:
        return self._refresh(target, only_if_needed=True, cancel=cancel)

    def _refresh_lock(self, key: str) -> threading.Lock:
        with self._flights_lock:
            return self._refresh_locks.setdefault(key, threading.Lock())

    def _refresh(
        self, target: SsoTarget, *, only_if_needed: bool, cancel: CancelToken | None = None
    ) -> CachedToken | None:
        if target.is_legacy:
            raise SessionExpired(
                f"The sign-in for {target.start_url} cannot be renewed automatically "
                "(profiles without an sso-session never can).",
                hint=target.sign_in_hint(again=True),
            )
        target.require_valid_region()
        key = target_token_key(target)
        with self._refresh_lock(key), self._locked(target, "refresh", REFRESH_LOCK_TIMEOUT, cancel):
            token = self.cache.load_token(target)
            if token is None:
                raise self._not_signed_in(target)
            now = self._clock()
            if only_if_needed and token.expires_at - now >= EXPIRY_WINDOW:
                return token  # someone renewed it while we waited
            if not token.has_refresh_material(now):
                raise SessionExpired(
                    f"The sign-in for {target.label} cannot be renewed (no usable refresh token).",
                    hint=target.sign_in_hint(again=True),
                )
            oidc = self._oidc(target)
            try:
                response = self._call(
                    oidc.create_token,
                    "CreateToken",
                    context="refresh",
                    cancel=cancel,
                    grantType="refresh_token",
                    clientId=token.client_id,
                    clientSecret=token.client_secret,
                    refreshToken=token.refresh_token,
                )
            except SessionExpired:
                # botocore (in another program) may have renewed it first with the same, now used,
                # refresh token: its write-back is as good as ours
                current = self.cache.load_token(target)
                if (
                    current is not None
                    and current.access_token != token.access_token
                    and current.expires_at - self._clock() >= EXPIRY_WINDOW
                ):
                    return current
                self.session_starts.refused(session_key(target), self._clock())
                raise
            document = build_token_document(
                start_url=target.start_url,
                region=target.region,
                access_token=response["accessToken"],
                expires_at=self._clock() + timedelta(seconds=int(response["expiresIn"])),
                client_id=token.client_id,
                client_secret=token.client_secret,
                registration_expires_at=token.registration_expires_at,  # copied through verbatim
                refresh_token=response.get("refreshToken"),  # only if the service sent one
            )
            self.cache.save_token(target, document)
            log.info("renewed the sign-in for %s", target.label)
            return self.cache.load_token(target)

    # ------------------------------------------------------------------ renew

    def renew(
        self,
        target: SsoTarget,
        *,
        method: str = "pkce",
        open_browser: bool = True,
        on_prompt: Callable[[LoginPrompt], object] | None = None,
        on_notice: Callable[[str], object] | None = None,
        cancel: CancelToken | None = None,
    ) -> TokenStatus:
        """Start a new session, so its end moves: end the current one at AWS (sso:Logout), remove its
        token, then sign in again (``method``, ``on_prompt``… as for :meth:`login`). Signing in again
        without the sign-out would keep the old end. A WizardError, before anything is removed, when
        AWS cannot be told to end the session."""
        target.require_valid_region()
        target.require_valid_start_url()
        token = self.cache.load_token(target)
        if token is not None:
            try:  # sso:Logout needs a live access token: an expired one would leave the session running
                access = self.access_token(target, cancel=cancel)
            except SessionExpired:
                access = None  # the renewal was refused: the session has ended already
            ok, note = True, None
            if access is not None:
                ok, note = self._server_logout(access, token.region or target.region)
            if not ok:
                raise WizardError(
                    f"Could not end the session for {target.label} at AWS ({_parenthetical(note)}), so a new "
                    "sign-in would keep the old end.",
                    hint="Check the connection and try again (--force signs in again without moving the end).",
                )
            try:
                self.cache.token_path(target).unlink()
            except FileNotFoundError:
                pass
        self.session_starts.forget(session_key(target))
        return self.login(
            target, method=method, open_browser=open_browser, force=True, on_prompt=on_prompt,
            on_notice=on_notice, cancel=cancel,
        )

    # ------------------------------------------------------------------ logout

    def _server_logout(self, access_token: str, region: str) -> tuple[bool, str | None]:
        """(server session known ended, a note for people when not)."""
        from botocore.exceptions import ClientError

        try:
            sso = self.clients.client("sso", region)
            sso.logout(accessToken=access_token)
            return True, None
        except ClientError as error:
            if error_code(error) == "UnauthorizedException":
                return True, None  # the session had already ended
            typed = translate_error(error, operation="Logout")
            return False, typed.message
        except Exception as error:
            typed = translate_error(error, operation="Logout")
            return False, typed.message

    def logout(
        self, target: SsoTarget, *, role_pairs: Iterable[tuple[str, str]] = (), profiles: Iterable[str] = ()
    ) -> LogoutResult:
        """Sign out of ``target``: sso:Logout with its token, then remove its token file and the AWS CLI's
        cached role credentials of the given (account id, role name) pairs. Local files are removed
        even when AWS cannot be reached; ``server_ok`` and ``message`` say so (naming ``profiles``,
        the profiles that shared the sign-in, when there was one)."""
        removed: list[Path] = []
        token = self.cache.load_token(target)
        server_ok, note = True, None
        if token is not None:
            server_ok, note = self._server_logout(token.access_token, token.region or target.region)
        if server_ok:
            self.session_starts.forget(session_key(target))
        path = self.cache.token_path(target)
        unreadable = self.cache.unreadable(path) if token is None else None
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
        except OSError as error:
            log.info("could not remove the token file: %s", type(error).__name__)
        roles_removed = 0
        for account_id, role_name in role_pairs:
            role_path = role_cache_dir() / f"{target_role_key(target, account_id, role_name)}.json"
            try:
                role_path.unlink()
            except FileNotFoundError:
                continue
            except OSError:
                continue
            removed.append(role_path)
            roles_removed += 1
        names = ", ".join(profiles)
        shared = f" (profiles: {names})" if names else ""
        if token is None and unreadable and path in removed:
            message = (f"Removed the sign-in file {paths.display_path(path)} of {target.label}, which could not "
                       f"be read: {unreadable}. You were not signed in.")
        elif token is None:
            message = f"You were not signed in to {target.label}."
        elif server_ok:
            message = f"Signed out of {target.label}{shared}."
        else:
            message = (
                f"Removed the local sign-in for {target.label}{shared}, but could not end the session at AWS "
                f"({_parenthetical(note)}). It ends by itself when it expires."
            )
        if roles_removed:
            message += f" Removed {_role_keys(roles_removed)}."
        return LogoutResult(server_ok=server_ok, removed=tuple(removed), message=message)

    def logout_all(self) -> LogoutResult:
        """What ``aws sso logout`` does — sign out of every cached token (files with ``accessToken``),
        keep registrations, delete every ``"ProviderType": "sso"`` file in ``~/.aws/cli/cache`` — but
        never stops half-way: a failed sso:Logout is noted and the sweep goes on."""
        removed: list[Path] = []
        sessions = failures = 0
        notes: list[str] = []
        for path, document in self.cache.iter_documents():
            if "accessToken" not in document:  # a client registration: kept, as the CLI keeps it
                continue
            access_token, region = document["accessToken"], document.get("region")
            if isinstance(access_token, str) and access_token and isinstance(region, str) and region:
                ok, note = self._server_logout(access_token, region)
                if not ok:
                    failures += 1
                    if note and note not in notes:
                        notes.append(note)
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
            sessions += 1
        roles = 0
        directory = role_cache_dir()
        try:
            candidates = sorted(directory.glob("*.json"))
        except OSError:
            candidates = []
        for path in candidates:
            role_keys = self.cache.read_document(path)
            if not role_keys or role_keys.get("ProviderType") != "sso":
                continue
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
            roles += 1
        if failures == 0:
            self.session_starts.forget_all()
        if sessions == 0 and roles == 0:
            message = "You were not signed in to any IAM Identity Center portal."
        else:
            message = f"Signed out of {sessions} sign-in{'s' if sessions != 1 else ''}"
            if roles:
                message += f" and removed {_role_keys(roles)}"
            message += "."
        if failures:
            message += (
                f" Could not end {failures} session{'s' if failures != 1 else ''} at AWS"
                + (f" ({_parenthetical(notes[0])})" if notes else "")
                + "; the local sign-in was removed anyway and the session ends by itself when it expires."
            )
        return LogoutResult(server_ok=failures == 0, removed=tuple(removed), message=message)


def session_key(target: SsoTarget) -> str:
    """The name a sign-in is known by (its sso-session, or a legacy profile's start URL), as the
    profile rows and :mod:`app.signin.session_end` use it."""
    return target.session_name if target.session_name is not None else target.start_url


def probe_service(base_url: str, timeout: float = PROBE_TIMEOUT) -> None:
    """Check that the sign-in service at ``base_url`` answers at all (any HTTP answer will do), so a
    browser sign-in that cannot reach it fails now; NetworkError, as for any AWS call, when not.
    A TLS failure is left to the real calls, which use botocore's certificate settings."""
    import ssl
    import urllib.error
    import urllib.request

    from app.signin.errors import network_error

    request = urllib.request.Request(base_url.rstrip("/") + "/", method="GET",
                                     headers={"User-Agent": "aws-sso-wizard"})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return
    except urllib.error.HTTPError as error:
        error.close()  # the service answered, if only to say no
    except ssl.SSLError:
        log.debug("the sign-in service's TLS check failed in the probe; the sign-in calls decide")
    except urllib.error.URLError as error:
        if isinstance(error.reason, ssl.SSLError):
            return
        cause = error.reason if isinstance(error.reason, BaseException) else error
        raise network_error(cause, url=base_url, operation="CreateToken") from None
    except OSError as error:
        raise network_error(error, url=base_url, operation="CreateToken") from None


def _role_keys(count: int) -> str:
    """``the AWS CLI's temporary keys for 2 roles``: the role credential files, in plain words."""
    return f"the AWS CLI's temporary keys for {count} role{'s' if count != 1 else ''}"


def _parenthetical(sentence: str | None) -> str:
    """A sentence to put inside brackets in the middle of another: without its own full stop, so
    "(Could not connect to 127.0.0.1:9)." reads as one sentence ("?" and "!" are kept)."""
    text = (sentence or "").strip()
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text


def _mtime_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None
