"""Which role to offer first: the usual least-privileged choice (read-only) at the top, and the
administrator-like ones marked, at the bottom, so Enter never takes the most powerful role by default."""

from __future__ import annotations

import enum
import re
from typing import Iterable

_READ_ONLY = re.compile(r"readonly|viewonly", re.IGNORECASE)
_ADMIN_LIKE = re.compile(r"^(admin|poweruser)|administrator", re.IGNORECASE)

ASK_IT = "Not sure which role? Your IT team can tell you which one to use."


class RoleKind(enum.IntEnum):
    """In the order roles are offered."""

    READ_ONLY = 0
    OTHER = 1
    ADMIN_LIKE = 2


def role_kind(name: str) -> RoleKind:
    """``ReadOnly``, ``ViewOnlyAccess``, ``S3ReadOnly``: read-only; ``AdministratorAccess``,
    ``Admin*``, ``PowerUser*``: administrator-like; anything else in between."""
    if _ADMIN_LIKE.search(name):
        return RoleKind.ADMIN_LIKE
    if _READ_ONLY.search(name):
        return RoleKind.READ_ONLY
    return RoleKind.OTHER


def is_admin_like(name: str) -> bool:
    return role_kind(name) is RoleKind.ADMIN_LIKE


def order_roles(names: Iterable[str]) -> list[str]:
    """Read-only roles first, administrator-like ones last; the given order within each group."""
    return sorted(names, key=role_kind)
