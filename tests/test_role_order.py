"""The role list offers the usual least-privileged role first and marks the powerful ones."""

from __future__ import annotations

import pytest

from app.signin.role_order import RoleKind, is_admin_like, order_roles, role_kind


def test_read_only_roles_come_first_and_administrator_like_ones_last():
    roles = ["Administrator", "AdministratorAccess", "Billing", "DataEngineer", "PowerUserAccess",
             "ReadOnly", "S3ReadOnlyAccess", "ViewOnlyAccess"]
    assert order_roles(roles) == ["ReadOnly", "S3ReadOnlyAccess", "ViewOnlyAccess", "Billing", "DataEngineer",
                                  "Administrator", "AdministratorAccess", "PowerUserAccess"]


def test_the_order_within_a_group_is_kept():
    assert order_roles(["ViewOnly", "ReadOnlyAccess", "Zeta", "Alpha"]) == ["ViewOnly", "ReadOnlyAccess", "Zeta", "Alpha"]


@pytest.mark.parametrize("name, kind", [
    ("ReadOnly", RoleKind.READ_ONLY),
    ("readonly-auditors", RoleKind.READ_ONLY),
    ("ViewOnlyAccess", RoleKind.READ_ONLY),
    ("CatalogueReadOnly", RoleKind.READ_ONLY),
    ("AdministratorAccess", RoleKind.ADMIN_LIKE),
    ("Admin", RoleKind.ADMIN_LIKE),
    ("AdminReadOnly", RoleKind.ADMIN_LIKE),  # an admin role's name is not made safe by a suffix
    ("PowerUserAccess", RoleKind.ADMIN_LIKE),
    ("DatabaseAdministrator", RoleKind.ADMIN_LIKE),
    ("Billing", RoleKind.OTHER),
    ("Developer", RoleKind.OTHER),
])
def test_role_kinds(name, kind):
    assert role_kind(name) is kind
    assert is_admin_like(name) == (kind is RoleKind.ADMIN_LIKE)
