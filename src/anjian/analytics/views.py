from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anjian.analytics.stats import LICENCE_DAYS, enterprise_dashboard
from anjian.enterprises.models import StandardGrade


@login_required
def enterprises_dashboard(request: HttpRequest) -> HttpResponse:
    """企业监管看板: enterprises by sector and standardisation grade, expiring licences, major
    hazard sources by grade on the province map, and late submitters, within the user's scope."""
    if not request.user.has_perm("enterprises.view_enterprise"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    context = enterprise_dashboard(request.user) | {
        "grade_labels": [label for _value, label in StandardGrade.choices],
        "licence_days": LICENCE_DAYS,
        "map_geojson_url": settings.MAP_GEOJSON_URL,
        "map_review_number": settings.MAP_REVIEW_NUMBER,
    }
    return render(request, "analytics/enterprises.html", context)
