"""What the onboarding wizard has learnt so far, and the config edits it adds up to.

UI-free: the Textual screens fill it in step by step, ``setup --yes`` fills it from flags, and
both turn it into the same :class:`~app.config.edits.UpsertProfile` / ``UpsertSsoSession`` edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.settings import DEFAULT_SCOPES, Preset

if TYPE_CHECKING:
    from app.signin.portal import Account
    from app.signin.target import SsoTarget

DEFAULT_SSO_REGION = "us-east-1"
DEFAULT_OUTPUT = "json"


@dataclass(frozen=True)
class PortalChoice:
    """The sign-in portal picked on step 2: an existing sso-session or a new one."""

    session_name: str
    start_url: str
    sso_region: str
    scopes: str | None = DEFAULT_SCOPES  # raw sso_registration_scopes; None when an existing session has none
    existing: bool = False  # an [sso-session] already in the config (then nothing is written for it)


@dataclass(frozen=True)
class ProfileChoice:
    name: str
    region: str | None
    output: str | None
    overwrite: bool = False


@dataclass
class WizardState:
    preset: Preset | None = None
    portal: PortalChoice | None = None
    login_method: str | None = None  # "pkce" | "device"; None = decide from the browser
    force_login: bool = False  # the portal rejected the cached token: sign in again even if it looks valid
    accounts: list[Any] | None = None  # every account the user can use (cached for Back / "add another")
    account: Account | None = None
    roles: dict[str, list[str]] = field(default_factory=dict)  # account id -> role names (cache)
    role: str | None = None
    profile: ProfileChoice | None = None
    auto_chosen: set[str] = field(default_factory=set)  # steps decided without asking (single item, valid token)
    written: list[Any] = field(default_factory=list)  # WriteResult of each profile written in this run
    last_write: Any | None = None  # the WriteResult of the last review (None: nothing needed writing)
    written_names: list[str] = field(default_factory=list)
    identity: Any | None = None  # the last "who am I" answer

    def target(self) -> "SsoTarget":
        from app.config.model import parse_registration_scopes
        from app.signin.target import SsoTarget

        portal = self.portal
        if portal is None:
            raise ValueError("no sign-in portal chosen yet")
        return SsoTarget(
            start_url=portal.start_url,
            region=portal.sso_region,
            session_name=portal.session_name,
            scopes=parse_registration_scopes(portal.scopes) if portal.scopes is not None else (),
            registration_scopes=portal.scopes,
        )

    def edits(self) -> list:
        """The config edits for the current choice: the profile first, then a new sso-session
        (the order ``aws configure sso`` writes them in)."""
        from app.config.edits import UpsertProfile, UpsertSsoSession

        if self.portal is None or self.account is None or self.role is None or self.profile is None:
            raise ValueError("the wizard has not collected everything yet")
        edits: list = [
            UpsertProfile(
                name=self.profile.name,
                account_id=self.account.account_id,
                role_name=self.role,
                sso_session=self.portal.session_name,
                region=self.profile.region or None,
                output=self.profile.output or None,
            )
        ]
        if not self.portal.existing:
            edits.append(
                UpsertSsoSession(
                    name=self.portal.session_name,
                    start_url=self.portal.start_url,
                    region=self.portal.sso_region,
                    registration_scopes=self.portal.scopes or DEFAULT_SCOPES,
                )
            )
        return edits

    def start_another_profile(self) -> None:
        """Keep the portal, the login and the account list; forget the account/role/profile picked."""
        self.account = None
        self.role = None
        self.profile = None
        self.identity = None
        self.auto_chosen -= {"accounts", "roles"}
        if self.portal is not None and not self.portal.existing:
            # The session was written with the first profile: from now on it exists.
            self.portal = PortalChoice(
                session_name=self.portal.session_name,
                start_url=self.portal.start_url,
                sso_region=self.portal.sso_region,
                scopes=self.portal.scopes,
                existing=True,
            )
