"""The UI shell: home dashboard, health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from anjian.core.scope import scope_for
from anjian.enterprises.stats import enterprise_counts

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    sees_business = not scope.nothing
    counts = enterprise_counts(request.user) if sees_business else None
    context = {
        "counts": counts,
        "sees_business": sees_business,
        "map_geojson_url": settings.MAP_GEOJSON_URL,
        "map_review_number": settings.MAP_REVIEW_NUMBER,
    }
    return render(request, "core/home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # the health check reports any database failure, whatever its type
        logger.exception("health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "node": settings.NODE_CODE, "role": settings.NODE_ROLE})
