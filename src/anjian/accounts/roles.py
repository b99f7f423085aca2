"""The role catalogue: what each role may do. Roles decide *actions*; the organisation decides
*which data* (see core/scope.py).

Business roles grant actions on business models (subclasses of ``BusinessModel``) within the
user's data scope. The three administrator roles (三员分立) are mutually exclusive and grant no
business data: the system administrator manages accounts and configuration, the security
administrator roles and data scopes, the auditor reads the audit and change logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    INSPECTOR = "inspector", _("监管执法人员")
    LEADER = "leader", _("领导")
    DATA_OFFICER = "data_officer", _("数据管理员")
    ENTERPRISE_ADMIN = "enterprise_admin", _("企业管理员")
    ENTERPRISE_SAFETY_OFFICER = "enterprise_safety_officer", _("企业安全管理人员")
    INTERMEDIARY_STAFF = "intermediary_staff", _("中介机构人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


ADMIN_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR})


@dataclass(frozen=True)
class RoleGrant:
    business_actions: frozenset[str] = frozenset()
    # The role acts for an enterprise or an intermediary: it never writes regulator-only records.
    outside_government: bool = False
    # The role files its own enterprise's records: add/import/delete on enterprise-reportable models.
    reports_own: bool = False
    permissions: frozenset[str] = frozenset()  # exact "app_label.codename" grants


# "personal": see personal identifiers (phone and ID numbers) unmasked in lists and exports.
ALL_ACTIONS = frozenset({"view", "add", "change", "delete", "export", "import", "personal"})

# Everyone with a business role may look up the organisations and users within their scope.
DIRECTORY = frozenset({"accounts.view_organization", "accounts.view_user"})

# Regulators watch the data exchange between nodes (per-peer backlog, lag, quarantine).
EXCHANGE_MONITOR = frozenset({"exchange.monitor_exchange"})

# What an enterprise files itself: its own accident reports (Decree 493 Art. 9).
UNIT_REPORTS = frozenset({"accidents.add_accidentreport"})

GRANTS: dict[str, RoleGrant] = {
    RoleCode.INSPECTOR: RoleGrant(business_actions=ALL_ACTIONS, permissions=DIRECTORY | EXCHANGE_MONITOR),
    RoleCode.LEADER: RoleGrant(business_actions=frozenset({"view", "export"}), permissions=DIRECTORY),
    RoleCode.DATA_OFFICER: RoleGrant(
        business_actions=frozenset({"view", "add", "change", "export", "import", "personal"}),
        permissions=DIRECTORY | EXCHANGE_MONITOR,
    ),
    RoleCode.ENTERPRISE_ADMIN: RoleGrant(
        business_actions=frozenset({"view", "change", "export", "personal"}),
        permissions=DIRECTORY | UNIT_REPORTS,
        outside_government=True,
        reports_own=True,
    ),
    RoleCode.ENTERPRISE_SAFETY_OFFICER: RoleGrant(
        business_actions=frozenset({"view", "change", "export", "personal"}),
        permissions=DIRECTORY | UNIT_REPORTS,
        outside_government=True,
        reports_own=True,
    ),
    RoleCode.INTERMEDIARY_STAFF: RoleGrant(
        business_actions=frozenset({"view"}), permissions=DIRECTORY, outside_government=True
    ),
    RoleCode.SYSTEM_ADMIN: RoleGrant(
        permissions=frozenset({"accounts.view_user", "accounts.manage_users", "accounts.view_organization"})
    ),
    RoleCode.SECURITY_ADMIN: RoleGrant(
        permissions=frozenset({"accounts.view_user", "accounts.manage_roles", "accounts.view_organization"})
    ),
    RoleCode.AUDITOR: RoleGrant(permissions=frozenset({"audit.view_audit", "audit.view_objectchange"})),
}
