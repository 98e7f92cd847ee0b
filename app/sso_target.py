"""What one sign-in is for: an sso-session (or, legacy, a bare start URL) in an SSO region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import WizardError

if TYPE_CHECKING:
    from app.aws_config import Profile, SsoSession


def parse_registration_scopes(raw: str) -> tuple[str, ...]:
    """``sso_registration_scopes`` as the CLI parses it: split on ``,``, strip, drop empties."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


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
        missing = [
            key for key, value in (("sso_start_url", session.start_url), ("sso_region", session.region)) if not value
        ]
        if missing:
            raise WizardError(
                f"The sso-session “{session.name}” is missing {', '.join(missing)}.",
                hint="Add the missing settings to the sso-session (or run the setup wizard again).",
            )
        raw = session.registration_scopes
        scopes = tuple(session.scopes) if session.scopes else (parse_registration_scopes(raw) if raw else ())
        return cls(
            start_url=session.start_url,  # type: ignore[arg-type]
            region=session.region,  # type: ignore[arg-type]
            session_name=session.name,
            scopes=scopes,
            registration_scopes=raw,
        )

    @classmethod
    def from_profile(cls, profile: "Profile") -> "SsoTarget":
        """The sign-in a profile uses. WizardError when it is not an SSO profile or is incomplete."""
        kind = getattr(profile.kind, "value", profile.kind)
        if kind not in ("sso", "sso-legacy"):
            raise WizardError(
                f"The profile “{profile.name}” does not use IAM Identity Center (SSO).",
                hint="Choose an SSO profile, or set one up with the wizard.",
            )
        if profile.problem:
            raise WizardError(
                f"The profile “{profile.name}” cannot be used: {profile.problem}",
                hint="Fix the profile in the AWS config file, or set it up again with the wizard.",
            )
        if kind == "sso":
            if profile.session is None:
                raise WizardError(
                    f"The profile “{profile.name}” refers to an sso-session that does not exist"
                    + (f" (“{profile.sso_session}”)." if profile.sso_session else "."),
                    hint="Add the [sso-session] section, or set the profile up again with the wizard.",
                )
            return cls.from_session(profile.session)
        missing = [
            key for key, value in (("sso_start_url", profile.start_url), ("sso_region", profile.sso_region)) if not value
        ]
        if missing:
            raise WizardError(
                f"The profile “{profile.name}” is missing {', '.join(missing)}.",
                hint="Add the missing settings to the profile, or set it up again with the wizard.",
            )
        return cls(start_url=profile.start_url, region=profile.sso_region)  # type: ignore[arg-type]

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
