"""Helpers shared by the profile-browser tests: config files and token-cache files written the way
the AWS CLI writes them (interop reference §4), independent of the login service's own writer."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from app.signin.target import SsoTarget
from helpers.sso import token_file, write_cli_token  # noqa: F401 - token_file is used through here

START_URL = "https://my-org.awsapps.com/start"
LEGACY_URL = "https://legacy-org.awsapps.com/start"

MIXED_CONFIG = f"""\
# my AWS config
[default]
region = eu-west-1
output = json

[sso-session my-sso]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile prod-admin]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = eu-west-1
output = json

[profile dev-readonly]
sso_session = my-sso
sso_account_id = 012345678901
sso_role_name = ReadOnly
region = us-west-2

[profile old-style]
sso_start_url = {LEGACY_URL}
sso_region = eu-central-1
sso_account_id = 444455556666
sso_role_name = PowerUser
region = eu-central-1

[profile keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
region = us-east-1

[profile jump]
role_arn = arn:aws:iam::777788889999:role/Jump
source_profile = keys

[profile proc]
credential_process = /usr/local/bin/get-creds --profile proc
"""


def write_config(path: Path, text: str = MIXED_CONFIG) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_token(
    home: Path,
    key: str,
    *,
    expires_in: timedelta,
    refresh: bool = False,
    start_url: str = START_URL,
    region: str = "us-east-1",
    now: datetime | None = None,
) -> Path:
    """A token file as `aws sso login` leaves it for ``key`` (an sso-session name, or a legacy
    profile's start URL); ``refresh`` gives it a refresh token."""
    target = SsoTarget(start_url, region, None if key == start_url else key)
    return write_cli_token(
        home,
        target,
        access_token="aoa-test-access-token-not-a-secret",
        expires_in=expires_in,
        refresh_token="aor-test-refresh-token" if refresh else None,
        now=now,
    )


def many_profiles_config(count: int, *, sessions: int = 2) -> str:
    """A config with ``count`` SSO profiles spread over ``sessions`` sso-sessions."""
    parts = []
    for s in range(sessions):
        parts.append(
            f"[sso-session org{s}]\nsso_start_url = https://org{s}.awsapps.com/start\n"
            f"sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
        )
    roles = ("AdministratorAccess", "PowerUser", "ReadOnly", "Billing")
    regions = ("eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2")
    for i in range(count):
        account = f"{100000000000 + (i // 4):012d}"
        parts.append(
            f"[profile team{i // 4:04d}-{roles[i % 4].lower()}-{i:05d}]\n"
            f"sso_session = org{i % sessions}\nsso_account_id = {account}\n"
            f"sso_role_name = {roles[i % 4]}\nregion = {regions[i % 4]}\noutput = json\n"
        )
    return "\n".join(parts)


PROFILE_JSON_KEYS = {
    "name", "kind", "sso_session", "sso_start_url", "sso_region", "account_id", "role_name",
    "region", "output", "status", "expires_at", "session_ends_at", "problem",
}
"""The keys of each profile in ``profiles --json``."""
