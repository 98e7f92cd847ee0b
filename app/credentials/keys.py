"""A profile's temporary role keys: from the AWS CLI's role-credential cache while they last
(no network, no boto3), else from GetRoleCredentials through the shared sign-in, then cached
for the AWS CLI and this app alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.credentials.role_cache import EXPIRY_WINDOW, RoleCache, RoleKeys
from app.errors import WizardError
from app.signin.target import SsoTarget

if TYPE_CHECKING:  # pragma: no cover
    from app.cancel import CancelToken
    from app.config.model import Profile
    from app.signin.login import LoginService


@dataclass(frozen=True)
class RoleOf:
    """The role a profile's keys are for: its sign-in, account and role."""

    profile: str
    target: SsoTarget
    account_id: str
    role_name: str
    region: str | None = None


def role_of(profile: "Profile") -> RoleOf:
    """The role an SSO profile signs in to; WizardError when it names none."""
    target = SsoTarget.from_profile(profile)
    if not profile.account_id or not profile.role_name:
        raise WizardError(
            f"The profile “{profile.name}” has no account or role to get keys for.",
            hint="Add sso_account_id and sso_role_name, or set the profile up again with the wizard.",
        )
    return RoleOf(profile.name, target, profile.account_id, profile.role_name, profile.region)


def cached_keys(
    role: RoleOf, *, cache: RoleCache | None = None, now: datetime | None = None, window: timedelta = EXPIRY_WINDOW
) -> RoleKeys | None:
    """The cached keys when they have at least ``window`` left; never touches the network."""
    keys = (cache or RoleCache()).load(role.target, role.account_id, role.role_name)
    return keys if keys is not None and keys.fresh(now, window) else None


def fetch_keys(
    role: RoleOf, *, login: "LoginService | None" = None, cache: RoleCache | None = None,
    cancel: "CancelToken | None" = None,
) -> RoleKeys:
    """New keys from GetRoleCredentials (the sign-in renewed first when it can be), cached.
    NotSignedIn / SessionExpired when the sign-in cannot be used."""
    from app.signin.errors import SessionExpired
    from app.signin.login import LoginService
    from app.signin.portal import SsoClient

    client = SsoClient(login or LoginService(), role.target)
    try:
        creds = client.get_role_credentials(role.account_id, role.role_name, cancel=cancel)
    except SessionExpired as error:  # the portal's refusal does not know which sign-in it was
        raise SessionExpired(error.message, hint=role.target.sign_in_hint(again=True), code=error.code,
                             operation=error.operation) from None
    keys = RoleKeys(
        access_key_id=creds.access_key_id,
        secret_access_key=creds.secret_access_key,
        session_token=creds.session_token,
        expiration=creds.expiration.replace(microsecond=0),  # to the second, as botocore caches it
        account_id=role.account_id,
    )
    try:
        (cache or RoleCache()).save(role.target, role.account_id, role.role_name, keys)
    except OSError as error:  # the keys are good; only the next caller has to fetch again
        import logging

        logging.getLogger(__name__).warning("could not cache the role keys: %s", error.strerror or type(error).__name__)
    return keys


def role_keys(
    role: RoleOf, *, login: "LoginService | None" = None, cache: RoleCache | None = None,
    cancel: "CancelToken | None" = None, window: timedelta = EXPIRY_WINDOW,
) -> RoleKeys:
    """The cached keys while they have ``window`` left, else :func:`fetch_keys`."""
    cache = cache or RoleCache()
    return cached_keys(role, cache=cache, window=window) or fetch_keys(role, login=login, cache=cache, cancel=cancel)
