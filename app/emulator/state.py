"""What the emulated Identity Center remembers: clients, pending sign-ins, sessions, tokens, role keys.

All records live in one :class:`Store` guarded by one lock; handlers hold ``store.lock`` while they
read-modify-write. Times are epoch seconds on the emulator's clock (see ``Emulator.now``).
"""

from __future__ import annotations

import base64
import secrets
import string
import threading
from dataclasses import dataclass, field

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
AUTH_CODE_GRANT = "authorization_code"
REFRESH_GRANT = "refresh_token"
KNOWN_GRANTS = (
    DEVICE_GRANT,
    AUTH_CODE_GRANT,
    REFRESH_GRANT,
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
)
# A registration that names no grant types may use the device flow and refresh (what the CLI's
# device-flow registrations rely on).
DEFAULT_GRANTS = (DEVICE_GRANT, REFRESH_GRANT)

_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels, no look-alikes: no words, no 0/O confusion
_KEY_ALPHABET = string.ascii_uppercase + "234567"


def new_client_id() -> str:
    return secrets.token_urlsafe(24)


def new_secret(prefix: str = "", nbytes: int = 96) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def new_user_code() -> str:
    letters = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def normalise_user_code(code: str) -> str:
    """``abcd efgh`` / ``ABCDEFGH`` / ``abcd-efgh`` -> ``ABCD-EFGH`` (what people type)."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else code.strip().upper()


def new_access_key_id() -> str:
    return "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def new_secret_access_key() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode()


def new_session_token() -> str:
    return base64.b64encode(secrets.token_bytes(300)).decode()


@dataclass
class Client:
    client_id: str
    secret: str = field(repr=False)
    name: str
    scopes: tuple[str, ...]
    grant_types: tuple[str, ...] | None  # None: registered without grantTypes
    redirect_uris: tuple[str, ...]
    issuer_url: str | None
    issued_at: int
    expires_at: int

    def allows(self, grant: str) -> bool:
        return grant in (self.grant_types if self.grant_types is not None else DEFAULT_GRANTS)


@dataclass
class Session:
    """An Identity Center sign-in session: begins when the user approves, ends after session_ttl."""

    session_id: str
    start_url: str | None
    started: float
    ends_at: float
    ended: bool = False

    def alive(self, now: float) -> bool:
        return not self.ended and now < self.ends_at


@dataclass
class DeviceAuthorization:
    device_code: str = field(repr=False)
    user_code: str
    client_id: str
    start_url: str
    expires_at: float
    interval: int
    status: str = "pending"  # pending | approved | denied | used
    polls: int = 0
    last_poll: float | None = None
    early_polls_forgiven: int = 0
    session: Session | None = None


@dataclass
class PendingAuthorize:
    """A GET /authorize waiting for the person's Allow or Deny."""

    request_id: str
    client_id: str
    redirect_uri: str
    state: str
    scopes: tuple[str, ...]
    code_challenge: str
    expires_at: float


@dataclass
class AuthCode:
    code: str = field(repr=False)
    client_id: str
    redirect_uri: str
    code_challenge: str
    scopes: tuple[str, ...]
    session: Session
    expires_at: float
    used: bool = False
    issued_tokens: list[str] = field(default_factory=list, repr=False)


@dataclass
class AccessToken:
    client_id: str
    session: Session
    expires_at: float
    scopes: tuple[str, ...]
    revoked: bool = False

    def valid(self, now: float) -> bool:
        return not self.revoked and now < self.expires_at and self.session.alive(now)


@dataclass
class RefreshToken:
    client_id: str
    session: Session
    scopes: tuple[str, ...]
    used: bool = False


@dataclass
class RoleCredential:
    access_key_id: str = field(repr=False)
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    account_id: str
    role_name: str
    expires_at: float


class Store:
    """Every record, keyed by its (secret or public) identifier."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clients: dict[str, Client] = {}
        self.devices: dict[str, DeviceAuthorization] = {}  # by device code
        self.user_codes: dict[str, DeviceAuthorization] = {}  # by user code
        self.pending_authorize: dict[str, PendingAuthorize] = {}
        self.auth_codes: dict[str, AuthCode] = {}
        self.sessions: list[Session] = []
        self.portal_sessions: dict[str | None, Session] = {}  # the browser's sign-in, by start URL
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.role_credentials: dict[str, RoleCredential] = {}  # by access key id

    def new_session(self, start_url: str | None, now: float, ttl: float) -> Session:
        session = Session(secrets.token_hex(8), start_url, now, now + ttl)
        self.sessions.append(session)
        return session

    def portal_session(self, start_url: str | None, now: float, ttl: float) -> Session:
        """The person's sign-in to the portal at ``start_url``: the one still alive (approving again
        keeps its end, as Identity Center does), or a new one once it ended or was logged out."""
        current = self.portal_sessions.get(start_url)
        if current is not None and current.alive(now):
            return current
        session = self.portal_sessions[start_url] = self.new_session(start_url, now, ttl)
        return session

    def end_sessions(self) -> None:
        with self.lock:
            for session in self.sessions:
                session.ended = True
