"""What the onboarding wizard has learnt so far, and the config edits it adds up to.

UI-free: the Textual screens fill it in step by step, ``setup --yes`` fills it from flags, and
both turn it into the same :class:`~app.config.edits.UpsertProfile` / ``UpsertSsoSession`` edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from app.config.model import DEFAULT_SCOPES, parse_registration_scopes
from app.settings import Preset

if TYPE_CHECKING:
    from app.config.model import SsoSession
    from app.signin.portal import Account
    from app.signin.target import SsoTarget

DEFAULT_SSO_REGION = "us-east-1"
DEFAULT_OUTPUT = "json"


@dataclass(frozen=True)
class PortalChoice:
    """The sign-in portal picked on step 2: an existing sso-session or a new one; or (``setup --yes
    --legacy``) a profile that names the portal itself, with no sso-session (``session_name`` empty)."""

    session_name: str
    start_url: str
    sso_region: str
    scopes: str | None = DEFAULT_SCOPES  # raw sso_registration_scopes; None when an existing session has none
    existing: bool = False  # an [sso-session] already in the config (then nothing is written for it)
    legacy: bool = False

    @classmethod
    def of_session(cls, session: "SsoSession") -> "PortalChoice":
        """An sso-session already in the config, as it is there."""
        return cls(session_name=session.name, start_url=session.start_url or "", sso_region=session.region or "",
                   scopes=session.registration_scopes, existing=True)

    @classmethod
    def without_session(cls, start_url: str, sso_region: str) -> "PortalChoice":
        """A legacy profile's portal: no sso-session, no registration scopes."""
        return cls(session_name="", start_url=start_url, sso_region=sso_region, scopes=None, legacy=True)


@dataclass(frozen=True)
class ProfileChoice:
    name: str
    region: str | None
    output: str | None
    overwrite: bool = False


@dataclass(frozen=True)
class BulkChoice:
    """The naming step's answers for many profiles: the name template, and the region and output
    every one of them gets."""

    template: str
    region: str | None
    output: str | None


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
    ticked: list[Any] = field(default_factory=list)  # accounts ticked on the account step (none: one profile)
    pairs: list[Any] = field(default_factory=list)  # app.config.bulk.Pair ticked on the role step
    bulk: BulkChoice | None = None  # the naming step's answers for those pairs
    bulk_plan: Any | None = None  # the app.config.bulk.BulkPlan the review showed

    @property
    def many(self) -> bool:
        """Whether this run writes several profiles (accounts were ticked)."""
        return bool(self.ticked)

    def plan_bulk(self, config) -> tuple[Any, list]:
        """The plan for the ticked pairs against ``config`` and the edits it adds up to (a new
        sso-session last, as for one profile)."""
        from app.config.bulk import existing_for_session, name_pairs, plan_profiles, profile_edits

        portal, bulk = self.portal, self.bulk
        if portal is None or bulk is None or not self.pairs or portal.legacy:
            raise ValueError("the wizard has not collected everything for several profiles yet")
        naming = name_pairs(self.pairs, bulk.template, taken=config.profiles,
                            existing=existing_for_session(config, portal.session_name), session=portal.session_name)
        plan = plan_profiles(config, portal.session_name, naming, region=bulk.region, output=bulk.output)
        edits = profile_edits(plan)
        if not portal.existing:
            edits.append(self._session_edit())
        return plan, edits

    def needing_care(self) -> list[tuple[str, str]]:
        """(profile name, account) of each profile this review writes that reaches an account the
        preset marks critical with a role that is not read-only."""
        from app.guard import account_text, guard_of

        guard = guard_of(self.preset)
        if not guard:
            return []
        if self.many:
            from app.config.bulk import ADD, UPDATE

            items = self.bulk_plan.items if self.bulk_plan is not None else []
            return [(item.name, account_text(item.account_id, item.account_name)) for item in items
                    if item.action in (ADD, UPDATE) and guard.needs_care(item.account_id, item.account_name,
                                                                          item.role_name)]
        account, profile = self.account, self.profile
        if account is None or profile is None or not guard.needs_care(account.account_id, account.account_name,
                                                                        self.role):
            return []
        return [(profile.name, account_text(account.account_id, account.account_name))]

    def _session_edit(self):
        from app.config.edits import UpsertSsoSession

        assert self.portal is not None
        return UpsertSsoSession(name=self.portal.session_name, start_url=self.portal.start_url,
                                region=self.portal.sso_region, registration_scopes=self.portal.scopes or DEFAULT_SCOPES)

    def target(self) -> "SsoTarget":
        from app.signin.target import SsoTarget

        portal = self.portal
        if portal is None:
            raise ValueError("no sign-in portal chosen yet")
        if portal.legacy:
            return SsoTarget(start_url=portal.start_url, region=portal.sso_region)
        return SsoTarget(
            start_url=portal.start_url,
            region=portal.sso_region,
            session_name=portal.session_name,
            scopes=parse_registration_scopes(portal.scopes) if portal.scopes is not None else (),
            registration_scopes=portal.scopes,
        )

    def edits(self) -> list:
        """The config edits for the current choice: the profile first, then a new sso-session
        (the order ``aws configure sso`` writes them in); a legacy portal is written into the profile."""
        from app.config.edits import UpsertProfile

        if self.portal is None or self.account is None or self.role is None or self.profile is None:
            raise ValueError("the wizard has not collected everything yet")
        if self.portal.legacy:
            return [
                UpsertProfile(
                    name=self.profile.name,
                    account_id=self.account.account_id,
                    role_name=self.role,
                    region=self.profile.region or None,
                    output=self.profile.output or None,
                    legacy=True,
                    start_url=self.portal.start_url,
                    sso_region=self.portal.sso_region,
                )
            ]
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
            edits.append(self._session_edit())
        return edits

    def start_another_profile(self) -> None:
        """Keep the portal, the login and the account list; forget the account/role/profile picked."""
        self.account = None
        self.role = None
        self.profile = None
        self.identity = None
        self.ticked, self.pairs, self.bulk, self.bulk_plan = [], [], None, None
        self.auto_chosen -= {"accounts", "roles"}
        if self.portal is not None and not self.portal.existing:
            # The session was written with the first profile: from now on it exists.
            self.portal = replace(self.portal, existing=True)
