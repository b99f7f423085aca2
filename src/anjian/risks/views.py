"""Pages beyond the generic ones: the four-colour risk map (an enterprise's site plan with its
points; for regulators, the enterprises in scope coloured by their highest risk), placing a point
on the plan, reassessment, and the grading configurations with their versions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from anjian.audit.services import record_denied_access
from anjian.core.scope import scope_for
from anjian.enterprises.models import Enterprise
from anjian.industries.choices import Sector
from anjian.risks import grading, maps, services
from anjian.risks.choices import LEVEL_HEX, RiskLevel
from anjian.risks.forms import ConfigRevisionForm, SitePlanForm
from anjian.risks.models import RiskMethodConfig, RiskPoint, SitePlan


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _visible_enterprise(request: HttpRequest, pk: int) -> Enterprise:
    enterprise: Enterprise | None = (
        Enterprise.objects.visible_to(request.user).select_related("region").filter(pk=pk).first()
    )
    if enterprise is None:
        record_denied_access(request, Enterprise, pk, reason="scope")
        raise Http404
    return enterprise


def _visible_point(request: HttpRequest, pk: int) -> RiskPoint:
    point: RiskPoint | None = (
        RiskPoint.objects.visible_to(request.user).select_related("enterprise").filter(pk=pk).first()
    )
    if point is None:
        record_denied_access(request, RiskPoint, pk, reason="scope")
        raise Http404
    return point


def level_counts(points: QuerySet[RiskPoint]) -> list[dict[str, Any]]:
    counted = maps.points_by_level(points)
    return [
        {"level": level, "label": RiskLevel(level).label, "count": counted[level]}
        for level in RiskLevel.values
    ]


class SitePlanView(LoginRequiredMixin, View):
    """An enterprise's site plan with its risk points as coloured markers; enterprise users (and
    regulators with the change role) upload the plan and place points by clicking."""

    def get(self, request: HttpRequest, enterprise_pk: int) -> HttpResponse:
        _require(request, "risks.view_riskpoint")
        enterprise = _visible_enterprise(request, enterprise_pk)
        return render(request, "risks/site_plan.html", self.context(request, enterprise, SitePlanForm()))

    def post(self, request: HttpRequest, enterprise_pk: int) -> HttpResponse:
        enterprise = _visible_enterprise(request, enterprise_pk)
        plan = SitePlan.objects.filter(enterprise=enterprise).first()
        _require(request, "risks.change_siteplan" if plan else "risks.add_siteplan")
        form = SitePlanForm(request.POST, request.FILES, instance=plan or SitePlan(enterprise=enterprise))
        if form.is_valid():
            try:
                services.save_site_plan(form.save(commit=False), user=request.user)
            except ValidationError as e:
                for name, errors in e.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("已上传厂区平面图。"))
                return redirect("risks:plan", enterprise_pk=enterprise.pk)
        return render(request, "risks/site_plan.html", self.context(request, enterprise, form), status=400)

    def context(self, request: HttpRequest, enterprise: Enterprise, form: SitePlanForm) -> dict[str, Any]:
        plan = SitePlan.objects.filter(enterprise=enterprise).first()
        points = RiskPoint.objects.visible_to(request.user).filter(enterprise=enterprise)
        can_place = request.user.has_perm("risks.change_riskpoint") and enterprise.is_local
        markers = [
            {
                "id": p.pk,
                "name": p.name,
                "level": p.level,
                "label": p.get_level_display(),
                "color": LEVEL_HEX[p.level],
                "x": float(p.plan_x) if p.plan_x is not None else None,
                "y": float(p.plan_y) if p.plan_y is not None else None,
                "url": p.get_absolute_url(),
                "place": reverse("risks:place", args=[p.pk]),
            }
            for p in points.order_by("-level_rank", "name")
        ]
        data = {
            "image": reverse("risks:plan_image", args=[enterprise.pk]) if plan else None,
            "width": plan.width if plan else 0,
            "height": plan.height if plan else 0,
            "markers": markers,
            "canPlace": can_place,
        }
        perm = "risks.change_siteplan" if plan else "risks.add_siteplan"
        return {
            "enterprise": enterprise,
            "plan": plan,
            "points": points.order_by("-level_rank", "name"),
            "unplaced": [m for m in markers if m["x"] is None],
            "counts": level_counts(points),
            "form": form,
            "can_upload": request.user.has_perm(perm),
            "can_place": can_place,
            "can_add": request.user.has_perm("risks.add_riskpoint"),
            "plan_data": data,
        }


def plan_image(request: HttpRequest, enterprise_pk: int) -> FileResponse:
    """The plan image, inline, within the caller's scope (shown under the markers)."""
    if not request.user.is_authenticated:
        raise Http404
    _require(request, "risks.view_siteplan")
    plan = SitePlan.objects.visible_to(request.user).filter(enterprise_id=enterprise_pk).first()
    if plan is None or not plan.image:
        raise Http404
    return FileResponse(plan.image.open("rb"))


class PlacePointView(LoginRequiredMixin, View):
    """POST x, y (percent of the plan image): puts the point on the site plan."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, "risks.change_riskpoint")
        point = _visible_point(request, pk)
        try:
            services.place_point(point, user=request.user, x=request.POST.get("x"), y=request.POST.get("y"))
        except ValidationError as e:
            return JsonResponse({"errors": e.messages}, status=400)
        return JsonResponse({"id": point.pk, "x": float(point.plan_x or 0), "y": float(point.plan_y or 0)})


class ReassessView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, "risks.change_riskpoint")
        point = _visible_point(request, pk)
        try:
            services.reassess_point(point, user=request.user)
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("已按现行配置 %(config)s 重新评估：%(level)s")
                % {"config": point.config, "level": point.get_level_display()},
            )
        return redirect("risks:riskpoint_detail", pk=point.pk)


class RiskMapView(LoginRequiredMixin, View):
    """Regulators: enterprises in scope coloured by their highest risk level, with counts by colour
    and a filterable list. An enterprise user goes to its own site plan."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request, "risks.view_riskpoint")
        scope = scope_for(request.user)
        if scope.enterprise_id is not None:
            return redirect("risks:plan", enterprise_pk=scope.enterprise_id)
        points = RiskPoint.objects.visible_to(request.user)
        level = request.GET.get("level", "")
        sector = request.GET.get("sector", "")
        region = request.GET.get("region", "").strip()
        if sector in Sector.values:
            points = points.filter(enterprise__sector=sector)
        if region:
            points = points.filter(enterprise__region__code__startswith=_prefix(region))
        result = maps.risk_map(points, level=level, limit=settings.RISK_MAP_MAX_ENTERPRISES)
        sectors = dict(Sector.choices)
        enterprises = [
            {
                "id": row["enterprise_id"],
                "name": row["enterprise__name"],
                "sector": str(sectors.get(row["enterprise__sector"], "")),
                "region": row["enterprise__region__name"],
                "level": row["level"],
                "label": str(RiskLevel(row["level"]).label),
                "color": row["color"],
                "counts": [row["red"], row["orange"], row["yellow"], row["blue"]],
                "total": row["total"],
                "lon": _coordinate(row["enterprise__longitude"], row["enterprise__region__longitude"]),
                "lat": _coordinate(row["enterprise__latitude"], row["enterprise__region__latitude"]),
                "url": reverse("risks:plan", args=[row["enterprise_id"]]),
            }
            for row in result.rows
        ]
        summary = [
            {
                "level": lv,
                "label": RiskLevel(lv).label,
                "count": result.enterprises_by_top[lv],
                "points": result.points_by_level[lv],
            }
            for lv in RiskLevel.values
        ]
        context = {
            "enterprises": enterprises,
            "summary": summary,
            "total": result.total,
            "truncated": result.total > len(enterprises),
            "levels": RiskLevel.choices,
            "sectors": Sector.choices,
            "selected": {"level": level, "sector": sector, "region": region},
            "map_data": {
                "geojson": settings.MAP_GEOJSON_URL,
                "enterprises": [e for e in enterprises if e["lon"] is not None and e["lat"] is not None],
            },
            "map_review_number": settings.MAP_REVIEW_NUMBER,
        }
        return render(request, "risks/risk_map.html", context)


def _prefix(code: str) -> str:
    code = code.rstrip("0")
    return code[: len(code) + len(code) % 2] if code else ""


def _coordinate(own: Any, fallback: Any) -> float | None:
    value = own if own is not None else fallback
    return float(value) if value is not None else None


# --- grading configurations --------------------------------------------------------------------------


class ConfigListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require(request, "risks.view_riskmethodconfig")
        configs = RiskMethodConfig.objects.select_related("province").order_by(
            "method", "province_id", "sector", "-edition"
        )
        return render(request, "risks/config_list.html", {"configs": configs})


def _config(request: HttpRequest, pk: int) -> RiskMethodConfig:
    _require(request, "risks.view_riskmethodconfig")
    config: RiskMethodConfig | None = (
        RiskMethodConfig.objects.select_related("province").filter(pk=pk).first()
    )
    if config is None:
        raise Http404
    return config


class ConfigDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        config = _config(request, pk)
        method_config = config.as_config()
        bands = [
            {
                "level": b.level,
                "label": RiskLevel(b.level).label,
                "range": b.describe().replace("x", "R" if config.method == "matrix" else "D"),
            }
            for b in method_config.bands
        ]
        context = {
            "config": config,
            "factors": method_config.factors,
            "bands": bands,
            "grid": grading.matrix_grid(method_config) if config.method == grading.MATRIX else None,
            "grid_header": sorted(method_config.factor("s").values)
            if config.method == grading.MATRIX
            else [],
            "history": RiskMethodConfig.objects.filter(
                method=config.method, province_id=config.province_id, sector=config.sector
            ).order_by("-edition"),
            "points_using": RiskPoint.objects.visible_to(request.user).filter(config=config).count(),
            "can_revise": config.is_current
            and services.can_configure(request.user, services.target_province(request.user, config)),
        }
        return render(request, "risks/config_detail.html", context)


class ConfigReviseView(LoginRequiredMixin, View):
    """A new version of a configuration (the old one stays, for the points graded with it)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.config = _config(request, kwargs["pk"])
            self.province = services.target_province(request.user, self.config)
            if not self.config.is_current or not services.can_configure(request.user, self.province):
                raise PermissionDenied(_("只有省级及以上监管部门可以修订本辖区的风险分级配置。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = ConfigRevisionForm(base=self.config)
        return render(request, "risks/config_revise.html", self.context(form))

    def context(self, form: ConfigRevisionForm) -> dict[str, Any]:
        return {"config": self.config, "form": form, "province": self.province}

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = ConfigRevisionForm(request.POST, base=self.config)
        if form.is_valid():
            try:
                new = services.publish_config(
                    user=request.user,
                    method=self.config.method,
                    province=self.province,
                    sector=form.cleaned_data["sector"],
                    name=form.cleaned_data["name"],
                    config=form.cleaned_data["config"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as e:
                form.add_error(None, e.messages)
            else:
                messages.success(request, _("已发布新版本：%(config)s") % {"config": new})
                return redirect("risks:config_detail", pk=new.pk)
        return render(request, "risks/config_revise.html", self.context(form), status=400)
