"""What one sign-in is for: an sso-session (or, legacy, a bare start URL) in an SSO region."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import WizardError

if TYPE_CHECKING:
    from app.config.model import Profile, SsoSession


def _missing(start_url: str | None, region: str | None) -> str:
    """The names of the sign-in settings that are not set, for messages ("" when none)."""
    return ", ".join(key for key, value in (("sso_start_url", start_url), ("sso_region", region)) if not value)


@dataclass(frozen=True)
class SsoTarget:
    """One token-cache entry's worth of identity: the tokens of every profile that shares it.

    ``session_name`` None means a legacy profile (token keyed by the start URL). ``scopes`` are the
    parsed ``sso_registration_scopes``; ``registration_scopes`` keeps the raw configured string (None
    when the key is absent), which is what decides ``null`` versus ``[]`` in the registration cache key.
    """

    start_url: str
    region: str
    session_name: str | None = None
    scopes: tuple[str, ...] = ()
    registration_scopes: str | None = None

    @classmethod
    def from_session(cls, session: "SsoSession") -> "SsoTarget":
        missing = _missing(session.start_url, session.region)
        if missing:
            raise WizardError(
                f"The sso-session “{session.name}” is missing {missing}.",
                hint="Add the missing settings to the sso-session (or run the setup wizard again).",
            )
        return cls(
            start_url=session.start_url,  # type: ignore[arg-type]
            region=session.region,  # type: ignore[arg-type]
            session_name=session.name,
            scopes=tuple(session.scopes),
            registration_scopes=session.registration_scopes,
        )

    @classmethod
    def from_profile(cls, profile: "Profile") -> "SsoTarget":
        """The sign-in a profile uses. WizardError when it is not an SSO profile or is incomplete."""
        from app.config.model import ProfileKind

        if not profile.is_sso:
            raise WizardError(
                f"The profile “{profile.name}” does not use IAM Identity Center (SSO).",
                hint="Choose an SSO profile, or set one up with the wizard.",
            )
        if profile.problem:
            raise WizardError(
                f"The profile “{profile.name}” cannot be used: {profile.problem}",
                hint="Fix the profile in the AWS config file, or set it up again with the wizard.",
            )
        if profile.kind is ProfileKind.SSO:
            if profile.session is None:
                raise WizardError(
                    f"The profile “{profile.name}” refers to an sso-session that does not exist"
                    + (f" (“{profile.sso_session}”)." if profile.sso_session else "."),
                    hint="Add the [sso-session] section, or set the profile up again with the wizard.",
                )
            return cls.from_session(profile.session)
        missing = _missing(profile.start_url, profile.sso_region)
        if missing:
            raise WizardError(
                f"The profile “{profile.name}” is missing {missing}.",
                hint="Add the missing settings to the profile, or set it up again with the wizard.",
            )
        return cls(start_url=profile.start_url, region=profile.sso_region)  # type: ignore[arg-type]

    def region_problem(self) -> str | None:
        """Why ``region`` cannot work for sign-in (botocore's sso-oidc regions, every partition), or
        None. Reading a config for display never needs this; every network call does."""
        from app.signin.regions import check_region

        return check_region(self.region)

    def require_valid_region(self) -> None:
        """RegionError (with "Did you mean …?" where there is a near miss) unless ``region`` is a region
        where IAM Identity Center sign-in exists. Call before any network call for this target."""
        from app.signin.errors import RegionError

        self._refuse(self.region_problem(), RegionError, "sso_region", "InvalidRegion")

    def require_valid_start_url(self) -> None:
        """StartUrlError unless ``start_url`` follows the CLI's rules (https only, a real host name),
        whatever its host; no network."""
        from app.signin.errors import StartUrlError
        from app.signin.start_url import check_start_url

        self._refuse(check_start_url(self.start_url), StartUrlError, "sso_start_url", "InvalidStartUrl")

    def _refuse(self, problem: str | None, error_type: type, key: str, code: str) -> None:
        if problem is None:
            return
        where = f"the sso-session “{self.session_name}”" if self.session_name is not None else "the profile"
        raise error_type(
            f"Cannot sign in to {self.label}: {problem}",
            hint=f"Fix {key} in {where} in the AWS config file, then try again.",
            code=code,
        )

    def sign_in_hint(self, *, again: bool = False) -> str:
        """The next step after "not signed in" / "expired", with the command when one names it."""
        from app.program import command

        words = "Sign in again" if again else "Sign in first"
        if self.session_name is None:
            return f"{words} ({command('login', 'PROFILE')}, with one of its profiles)."
        return f"{words}: {command('login', '--sso-session', shlex.quote(self.session_name))}"

    @property
    def label(self) -> str:
        """How messages name this sign-in: ``sso-session NAME`` or the start URL."""
        return f"sso-session {self.session_name}" if self.session_name is not None else self.start_url

    @property
    def is_legacy(self) -> bool:
        return self.session_name is None

    def registration_scope_list(self) -> list[str] | None:
        """The ``scopes`` value of the CLI's registration cache key: the parsed list when the session
        configures ``sso_registration_scopes`` (even if it parses to nothing), else None."""
        if self.session_name is None:
            return None
        if self.scopes or self.registration_scopes is not None:
            return list(self.scopes)
        return None
