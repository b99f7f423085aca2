from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from anjian.core.tables import BaseTable
from anjian.core.views import ReferenceListView
from anjian.regions.api.views import RegionFilterSet
from anjian.regions.models import Region


class RegionTable(BaseTable):
    code = tables.Column(verbose_name=_("区划代码"))
    name = tables.Column(verbose_name=_("名称"))
    level = tables.Column(verbose_name=_("级别"))
    parent = tables.Column(accessor="parent__name", verbose_name=_("上级"))
    is_standard = tables.BooleanColumn(verbose_name=_("国标代码"))

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("code", "name", "level", "parent", "is_standard")


class RegionListView(ReferenceListView):
    title = _("行政区划")
    filterset = RegionFilterSet
    table = RegionTable

    @staticmethod
    def queryset(user: Any) -> Any:
        return Region.objects.select_related("parent")
