"""The SSO portal API for one signed-in target: accounts, roles, role credentials and "who am I".

Listing calls go through one :class:`~app.signin.rate_limit.AdaptiveRateLimiter` per client, with botocore's
own retries turned off so the limiter sees every ``TooManyRequestsException``; a throttled request is
retried after a short jittered pause for as long as requests keep succeeding. ``discover_roles`` fans
``ListAccountRoles`` out over a bounded pool of worker threads, reports progress on the caller's
thread, tries failing accounts again at the end and returns a
:class:`~app.signin.discovery.RoleDiscovery` naming those left out; it returns within 200 ms of a cancel.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable

from app.cancel import CancelToken
from app.errors import Cancelled, WizardError
from app.signin.clients import run_cancellable
from app.signin.discovery import EVERY_ACCOUNT_ERRORS, RoleDiscovery, failure_reason
from app.signin.errors import (
    REJECTED_CREDENTIAL_CODES,
    THROTTLE_CODES,
    ServiceError,
    SessionExpired,
    Throttled,
    error_code,
    http_status,
    translate_error,
)
from app.signin.rate_limit import AdaptiveRateLimiter, Ticket
from app.signin.target import SsoTarget

if TYPE_CHECKING:
    from app.config.model import AwsConfig
    from app.signin.clients import ClientFactory
    from app.signin.login import LoginService

log = logging.getLogger(__name__)

PAGE_SIZE = 100
DISCOVERY_WORKERS = 16
DISCOVERY_ROUNDS = 3  # the first pass over every account, then the failed ones again at the end, twice
ROUND_PAUSE = 0.5  # seconds (jittered) before the second pass; doubled before the third
STALL_TIMEOUT = 120.0  # give up on throttling only after this long without a single success
TRANSIENT_ATTEMPTS = 4  # network hiccups and 5xx per request before giving up
TRANSIENT_PAUSE = 0.1  # seconds before the first retry of one (jittered down to half), doubling per retry
THROTTLE_PAUSE = 0.02  # a refused request waits a jittered 0-40 ms, doubling per refusal in a row...
THROTTLE_PAUSE_CAP = 0.5  # ...up to half a second; the other workers keep sending meanwhile


@dataclass(frozen=True)
class Account:
    account_id: str
    account_name: str | None = None
    email: str | None = None

    @property
    def label(self) -> str:
        """The CLI's display: ``name, email (id)``, degrading when fields are missing."""
        if self.account_name and self.email:
            return f"{self.account_name}, {self.email} ({self.account_id})"
        if self.account_name:
            return f"{self.account_name} ({self.account_id})"
        if self.email:
            return f"{self.email} ({self.account_id})"
        return self.account_id

    def sort_key(self) -> tuple[int, str]:
        """The CLI's order: named/emailed accounts first, then by the first present field, lower-cased."""
        first = self.account_name or self.email or self.account_id
        return (0 if (self.account_name or self.email) else 1, first.lower())


@dataclass(frozen=True)
class RoleCredentials:
    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime

    def __repr__(self) -> str:
        return f"RoleCredentials(access_key_id='…', expiration={self.expiration.isoformat()})"

    __str__ = __repr__


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str
    user_id: str


def _is_transient(error: BaseException) -> bool:
    """Worth another try: network trouble and 5xx, not a rejected request."""
    code = error_code(error)
    if code is not None:
        return http_status(error) >= 500 or code == "InternalServerException"
    try:
        from botocore.exceptions import ConnectionError as BotoConnectionError, HTTPClientError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(error, (BotoConnectionError, HTTPClientError, OSError))


class SsoClient:
    """Portal calls for one target, with the token from a :class:`LoginService`."""

    def __init__(
        self,
        login: "LoginService",
        target: SsoTarget,
        *,
        clients: "ClientFactory | None" = None,
        limiter: AdaptiveRateLimiter | None = None,
        workers: int = DISCOVERY_WORKERS,
        stall_timeout: float = STALL_TIMEOUT,
    ) -> None:
        self.login = login
        self.target = target
        self.clients = clients or login.clients
        self.limiter = limiter or AdaptiveRateLimiter()
        self.workers = max(1, int(workers))
        self.stall_timeout = stall_timeout
        self._progress_lock = threading.Lock()
        self._last_success = time.monotonic()

    # ------------------------------------------------------------------ plumbing

    def _portal(self) -> Any:
        """The sso client for listing: no botocore retries (the limiter handles throttling)."""
        try:
            return self.clients.client(
                "sso", self.target.region, retries=False, max_pool_connections=self.workers + 2
            )
        except WizardError:
            raise
        except Exception as error:
            raise translate_error(error, operation="ListAccounts") from None

    def _token(self, cancel: CancelToken | None) -> str:
        return self.login.access_token(self.target, cancel=cancel)

    def _note_success(self) -> None:
        with self._progress_lock:
            self._last_success = time.monotonic()

    def _stalled(self) -> bool:
        with self._progress_lock:
            return time.monotonic() - self._last_success > self.stall_timeout

    def _limited_call(
        self,
        function: Callable[..., dict],
        operation: str,
        cancel: CancelToken,
        *,
        detach: bool = False,
        **kwargs: Any,
    ) -> dict:
        """One portal call through the limiter: retried on throttling while progress is being made,
        a few times on network trouble or 5xx; typed errors otherwise. ``detach`` lets ``cancel``
        interrupt the wait for an in-flight request (for calls on the caller's thread)."""
        transient = throttled = 0
        while True:
            ticket: Ticket = self.limiter.acquire(cancel)
            try:
                response = run_cancellable(lambda: function(**kwargs), cancel) if detach else function(**kwargs)
            except Cancelled:
                raise
            except Exception as error:
                code = error_code(error)
                if code in THROTTLE_CODES:
                    self.limiter.on_throttle(ticket)
                    if self._stalled():
                        raise Throttled(
                            f"AWS kept refusing {operation} requests as too many for "
                            f"{int(self.stall_timeout)} seconds.",
                            hint="Wait a few minutes, then try again.",
                            code=code,
                            operation=operation,
                        ) from None
                    throttled += 1
                    if cancel.wait(random.uniform(0.0, min(THROTTLE_PAUSE_CAP, THROTTLE_PAUSE * 2**throttled))):
                        raise Cancelled() from None
                    continue
                if _is_transient(error) and transient < TRANSIENT_ATTEMPTS - 1:
                    transient += 1
                    if cancel.wait(TRANSIENT_PAUSE * 2**transient * random.uniform(0.5, 1.0)):
                        raise Cancelled() from None
                    continue
                raise translate_error(error, operation=operation) from None
            self.limiter.on_success(ticket)
            self._note_success()
            return response

    # ------------------------------------------------------------------ listing

    def list_accounts(self, *, cancel: CancelToken | None = None) -> list[Account]:
        """Every account (all pages, 100 per page), sorted as the CLI sorts them."""
        cancel = cancel or CancelToken()
        token = self._token(cancel)
        portal = self._portal()
        self._note_success()
        accounts: list[Account] = []
        next_token: str | None = None
        while True:
            cancel.raise_if_cancelled()
            kwargs: dict[str, Any] = {"accessToken": token, "maxResults": PAGE_SIZE}
            if next_token:
                kwargs["nextToken"] = next_token
            page = self._limited_call(portal.list_accounts, "ListAccounts", cancel, detach=True, **kwargs)
            for item in page.get("accountList") or []:
                accounts.append(
                    Account(
                        account_id=str(item["accountId"]),
                        account_name=item.get("accountName") or None,
                        email=item.get("emailAddress") or None,
                    )
                )
            next_token = page.get("nextToken")
            if not next_token:
                break
        accounts.sort(key=Account.sort_key)
        return accounts

    def _roles_pages(
        self, portal: Any, token: str, account_id: str, cancel: CancelToken, *, detach: bool = False
    ) -> list[str]:
        roles: list[str] = []
        next_token: str | None = None
        while True:
            cancel.raise_if_cancelled()
            kwargs: dict[str, Any] = {"accessToken": token, "accountId": account_id, "maxResults": PAGE_SIZE}
            if next_token:
                kwargs["nextToken"] = next_token
            page = self._limited_call(
                portal.list_account_roles, "ListAccountRoles", cancel, detach=detach, **kwargs
            )
            roles.extend(str(item["roleName"]) for item in page.get("roleList") or [])
            next_token = page.get("nextToken")
            if not next_token:
                return sorted(roles, key=str.lower)

    def list_account_roles(self, account_id: str, *, cancel: CancelToken | None = None) -> list[str]:
        """The role names of one account (all pages), sorted case-insensitively."""
        cancel = cancel or CancelToken()
        token = self._token(cancel)
        self._note_success()
        return self._roles_pages(self._portal(), token, account_id, cancel, detach=True)

    def discover_roles(
        self,
        accounts: Iterable[Account | str],
        *,
        progress: Callable[[int, int], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> RoleDiscovery:
        """The roles of many accounts at once: ``{account_id: [role, ...]}`` in the given order.

        The token is checked (and renewed if needed) once before fanning out. ``progress(done, total)``
        is called on the caller's thread. An account whose roles cannot be listed (server errors or
        network trouble after retries, access refused) does not stop the others: such accounts are
        tried again at the end, after a pause, and those that still fail are left out of the result
        and named in its ``failed``. Raises what concerns every account (expired session, Throttled
        when AWS refused everything for a long time), the error itself when no account could be
        listed, and Cancelled within 200 ms of ``cancel``.
        """
        cancel = cancel or CancelToken()
        given = list(accounts)
        ids = list(dict.fromkeys(a.account_id if isinstance(a, Account) else str(a) for a in given))
        labels = {a.account_id: a.label for a in given if isinstance(a, Account)}
        total = len(ids)
        if progress:
            progress(0, total)
        if not ids:
            return RoleDiscovery(total=0)
        token = self._token(cancel)
        portal = self._portal()
        self._note_success()

        found: dict[str, list[str]] = {}
        errors: dict[str, WizardError] = {}
        pending = ids
        for round_number in range(DISCOVERY_ROUNDS):
            if round_number:
                pause = ROUND_PAUSE * 2 ** (round_number - 1) * random.uniform(0.75, 1.25)
                if cancel.wait(pause):
                    raise Cancelled()
                log.debug("listing the roles of %d accounts again", len(pending))
            errors = self._discover_round(pending, portal, token, cancel, found, progress, total)
            pending = [account_id for account_id in pending if account_id in errors]
            if not pending:
                break
        if errors and not found:
            raise next(iter(errors.values()))
        if progress and errors:
            progress(total, total)
        return RoleDiscovery(
            {account_id: found[account_id] for account_id in ids if account_id in found},
            failed={account_id: failure_reason(errors[account_id]) for account_id in pending},
            labels={account_id: labels.get(account_id, account_id) for account_id in pending},
            total=total,
        )

    def _discover_round(
        self,
        ids: list[str],
        portal: Any,
        token: str,
        cancel: CancelToken,
        found: dict[str, list[str]],
        progress: Callable[[int, int], None] | None,
        total: int,
    ) -> dict[str, WizardError]:
        """List the roles of ``ids`` on a pool of workers into ``found``; the accounts that failed, with why."""
        work: queue.SimpleQueue[str] = queue.SimpleQueue()
        for account_id in ids:
            work.put(account_id)
        results: queue.SimpleQueue[tuple[str, list[str] | None, BaseException | None]] = queue.SimpleQueue()
        stop = CancelToken()  # ends the workers: the caller cancelled, or an error that concerns every account
        cancel.on_cancel(stop.cancel)

        def worker() -> None:
            while not stop.cancelled:
                try:
                    account_id = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    roles = self._roles_pages(portal, token, account_id, stop)
                except Cancelled:
                    return
                except BaseException as error:  # handed to the caller's thread
                    results.put((account_id, None, error))
                    continue
                results.put((account_id, roles, None))

        threads = [
            threading.Thread(target=worker, name=f"sso-roles-{n}", daemon=True)
            for n in range(min(self.workers, len(ids)))
        ]
        for thread in threads:
            thread.start()
        errors: dict[str, WizardError] = {}
        waiting = len(ids)
        try:
            while waiting:
                if cancel.cancelled:
                    raise Cancelled()
                try:
                    account_id, roles, error = results.get(timeout=0.05)
                except queue.Empty:
                    if cancel.cancelled:
                        raise Cancelled() from None
                    if not any(thread.is_alive() for thread in threads) and results.empty():
                        raise ServiceError(
                            "Role discovery stopped before every account was listed.",
                            hint="Try again; if it keeps happening, run with --debug and report it.",
                        ) from None
                    continue
                waiting -= 1
                if error is not None:
                    wizard = error if isinstance(error, WizardError) else translate_error(
                        error, operation="ListAccountRoles"
                    )
                    if isinstance(wizard, EVERY_ACCOUNT_ERRORS):
                        raise wizard
                    log.debug("roles of %s not listed: %s", account_id, type(wizard).__name__)
                    errors[account_id] = wizard
                    continue
                assert roles is not None
                found[account_id] = roles
                if progress:
                    progress(len(found), total)
        finally:
            stop.cancel()
        return errors

    # ------------------------------------------------------------------ credentials

    def get_role_credentials(
        self, account_id: str, role_name: str, *, cancel: CancelToken | None = None
    ) -> RoleCredentials:
        """Temporary credentials for one role (GetRoleCredentials; ``expiration`` from epoch milliseconds)."""
        token = self._token(cancel)
        try:
            portal = self.clients.client("sso", self.target.region)
            response = run_cancellable(
                lambda: portal.get_role_credentials(accessToken=token, accountId=account_id, roleName=role_name),
                cancel,
            )
        except WizardError:
            raise
        except Exception as error:
            raise translate_error(error, operation="GetRoleCredentials", context="role") from None
        creds = response.get("roleCredentials") or {}
        try:
            return RoleCredentials(
                access_key_id=creds["accessKeyId"],
                secret_access_key=creds["secretAccessKey"],
                session_token=creds["sessionToken"],
                expiration=datetime.fromtimestamp(int(creds["expiration"]) / 1000, timezone.utc),
            )
        except (KeyError, TypeError, ValueError):
            raise ServiceError(
                "AWS returned role credentials this app cannot read.",
                hint="Try again; if it keeps happening, run with --debug and report it.",
                operation="GetRoleCredentials",
            ) from None

    def whoami(
        self, account_id: str, role_name: str, *, region: str | None = None, cancel: CancelToken | None = None
    ) -> Identity:
        """GetRoleCredentials, then sts:GetCallerIdentity with them."""
        credentials = self.get_role_credentials(account_id, role_name, cancel=cancel)
        return _caller_identity(self.clients, region or self.target.region, credentials, cancel)


def _caller_identity(clients: "ClientFactory", region: str, credentials: Any, cancel: Any = None) -> Identity:
    try:
        sts = clients.client("sts", region, credentials=credentials)
        response = run_cancellable(sts.get_caller_identity, cancel)
    except WizardError:
        raise
    except Exception as error:
        raise translate_error(error, operation="GetCallerIdentity") from None
    return Identity(account=response["Account"], arn=response["Arn"], user_id=response["UserId"])


def whoami_profile(
    profile_name: str,
    *,
    login: "LoginService | None" = None,
    config: "AwsConfig | None" = None,
    cancel: CancelToken | None = None,
) -> Identity:
    """Who a profile signs in as. SSO profiles use this app's sign-in (its cached token, renewed when
    needed); other profiles use botocore's own credential chain for that profile."""
    from app.config.model import load_aws_config
    from app.program import command
    from app.signin.login import LoginService

    config = config or load_aws_config()
    profile = config.profiles.get(profile_name)
    if profile is None:
        raise WizardError(
            f"There is no profile named “{profile_name}” in {config.path}.",
            hint=f"Check the name ({command('profiles')} lists them).",
        )
    login = login or LoginService()
    if profile.is_sso:
        target = SsoTarget.from_profile(profile)
        if not profile.account_id or not profile.role_name:
            raise WizardError(
                f"The profile “{profile_name}” has no account or role to sign in to.",
                hint="Add sso_account_id and sso_role_name, or set the profile up again with the wizard.",
            )
        client = SsoClient(login, target)
        return client.whoami(
            profile.account_id, profile.role_name, region=profile.region or target.region, cancel=cancel
        )
    return _profile_identity(login.clients, profile_name, profile.region, cancel)


def _profile_identity(
    clients: "ClientFactory", profile_name: str, region: str | None, cancel: CancelToken | None = None
) -> Identity:
    import botocore.session

    def call() -> dict:
        session = botocore.session.Session(profile=profile_name)
        sts = session.create_client("sts", region_name=region or "us-east-1")
        return sts.get_caller_identity()

    try:
        response = run_cancellable(call, cancel)
    except Cancelled:
        raise
    except Exception as error:
        name = type(error).__name__
        if name in ("NoCredentialsError", "PartialCredentialsError"):
            raise SessionExpired(
                f"The profile “{profile_name}” has no usable credentials.",
                hint="Check the profile's credentials or sign in again.",
            ) from None
        if name in ("UnauthorizedSSOTokenError", "SSOTokenLoadError", "TokenRetrievalError"):
            raise SessionExpired(
                f"The sign-in for profile “{profile_name}” has expired.", hint="Sign in again."
            ) from None
        code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
        if code in REJECTED_CREDENTIAL_CODES:
            # not an SSO sign-in: the profile's own keys (or what its source gives) were refused
            raise WizardError(
                f"AWS refused the credentials of profile “{profile_name}” ({code}).",
                hint="Check its keys (aws_access_key_id / aws_secret_access_key), or what its source profile "
                     "or credential_process gives.",
            ) from None
        raise translate_error(error, operation="GetCallerIdentity") from None
    return Identity(account=response["Account"], arn=response["Arn"], user_id=response["UserId"])


