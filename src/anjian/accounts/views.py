from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anjian.accounts.filtersets import OrganizationFilterSet, UserFilterSet
from anjian.accounts.models import Organization, User
from anjian.accounts.tables import OrganizationTable, UserTable
from anjian.core.views import ReferenceListView


class OrganizationListView(ReferenceListView):
    title = _("机构")
    perm = "accounts.view_organization"
    filterset = OrganizationFilterSet
    table = OrganizationTable

    @staticmethod
    def queryset(user: Any) -> Any:
        return Organization.objects.visible_to(user).select_related("region")


class UserListView(ReferenceListView):
    title = _("用户")
    perm = "accounts.view_user"
    filterset = UserFilterSet
    table = UserTable

    @staticmethod
    def queryset(user: Any) -> Any:
        return User.objects.visible_to(user).select_related("organization").prefetch_related("roles")
