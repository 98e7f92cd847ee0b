"""The AWS access portal's console shortcut link for an account and role.

The portal (IAM Identity Center) accepts ``{start_url}/#/console?account_id=ID&role_name=ROLE``
and, optionally, ``&destination=URL-ENCODED-CONSOLE-URL``. Opening it in a browser that is
signed in to the portal goes straight to the console as that role; otherwise the portal asks
the person to sign in first. The link carries no credentials and costs no API call.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode, urlsplit

from app.errors import WizardError

_ACCOUNT_ID = re.compile(r"^\d{12}$")


class ConsoleUrlError(WizardError):
    """The profile lacks what a console link needs."""


def portal_base(start_url: str) -> str:
    """The start URL without the trailing ``/``, ``#`` or ``#/`` people sometimes paste."""
    base = start_url.strip()
    while base.endswith(("/", "#")):
        base = base[:-1]
    return base


def console_url(start_url: str, account_id: str, role_name: str, *, destination: str | None = None) -> str:
    """The portal shortcut that opens the console as ``role_name`` in ``account_id``.

    ``destination`` (optional) is a console page to land on, such as
    ``https://console.aws.amazon.com/s3/home``; it must be an https AWS console URL.
    """
    if not start_url or urlsplit(start_url.strip()).scheme != "https":
        raise ConsoleUrlError(
            "This profile has no https SSO start URL, so there is no portal to open the console from.",
            hint="Check the profile's sso_start_url (or its sso-session) in the AWS config file.",
        )
    if not account_id or not _ACCOUNT_ID.match(account_id):
        raise ConsoleUrlError(
            f"The account id {account_id!r} is not a 12-digit AWS account id.",
            hint="Check the profile's sso_account_id in the AWS config file.",
        )
    if not role_name:
        raise ConsoleUrlError(
            "This profile names no role (sso_role_name), so the console cannot be opened for it.",
            hint="Add sso_role_name to the profile, or create the profile again with the wizard.",
        )
    params = {"account_id": account_id, "role_name": role_name}
    if destination:
        parts = urlsplit(destination)
        host = parts.hostname or ""
        if parts.scheme != "https" or not (
            host.endswith(".aws.amazon.com") or host == "aws.amazon.com" or host.endswith(".amazonaws.cn")
        ):
            raise ConsoleUrlError(
                f"{destination!r} is not an AWS console address.",
                hint="Use an https://…console.aws.amazon.com/… page as the destination.",
            )
        params["destination"] = destination
    return f"{portal_base(start_url)}/#/console?{urlencode(params, quote_via=quote)}"
