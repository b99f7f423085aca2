"""Write path of risk grading and control. Grading happens in ``RiskPoint.clean`` (so forms, the
API and imports show the same messages); these verbs add the rules about who may do what."""

from __future__ import annotations

import struct
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.scope import scope_for
from anjian.core.services import delete_object, save_object
from anjian.regions.models import Region
from anjian.risks import grading
from anjian.risks.models import RiskMethodConfig, RiskPoint, SitePlan


@transaction.atomic
def save_point(point: RiskPoint, *, user: Any, scope_error_field: str | None = "enterprise") -> RiskPoint:
    """Create or change a risk point; the inputs are graded with the applicable configuration."""
    return save_object(point, user=user, scope_error_field=scope_error_field)


@transaction.atomic
def delete_point(point: RiskPoint, *, user: Any) -> None:
    delete_object(point, user=user)


@transaction.atomic
def reassess_point(point: RiskPoint, *, user: Any) -> RiskPoint:
    """Grade the point again with the configuration now current (after a configuration change)."""
    point.config = None
    return save_object(point, user=user)


@transaction.atomic
def place_point(point: RiskPoint, *, user: Any, x: Any, y: Any) -> RiskPoint:
    """Put the point on the site plan at (x, y), in percent of the image's width and height."""
    try:
        cent = Decimal("0.01")
        px = Decimal(str(x)).quantize(cent, rounding=ROUND_HALF_UP)
        py = Decimal(str(y)).quantize(cent, rounding=ROUND_HALF_UP)
    except ArithmeticError as e:
        raise ValidationError({"plan_x": [_("坐标应为 0 到 100 之间的数。")]}) from e
    if not (0 <= px <= 100 and 0 <= py <= 100):
        raise ValidationError({"plan_x": [_("坐标应为 0 到 100 之间的数。")]})
    point.plan_x, point.plan_y = px, py
    return save_object(point, user=user)


# --- site plans ------------------------------------------------------------------------------------


def image_size(upload: Any) -> tuple[int, int]:
    """Width and height of a PNG or JPEG (read from its header; no imaging library needed)."""
    upload.seek(0)
    head = upload.read(32)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        upload.seek(0)
        return int(width), int(height)
    if head.startswith(b"\xff\xd8"):
        upload.seek(2)
        while True:
            marker = upload.read(2)
            if len(marker) < 2 or marker[0] != 0xFF:
                break
            length_bytes = upload.read(2)
            if len(length_bytes) < 2:
                break
            (length,) = struct.unpack(">H", length_bytes)
            if marker[1] in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                data = upload.read(5)
                if len(data) < 5:  # a truncated file: no dimensions to read
                    break
                height, width = struct.unpack(">HH", data[1:5])
                upload.seek(0)
                return int(width), int(height)
            upload.seek(length - 2, 1)
    upload.seek(0)
    raise ValidationError({"image": [_("无法读取图片尺寸，请上传有效的 PNG 或 JPG 图片。")]})


@transaction.atomic
def save_site_plan(plan: SitePlan, *, user: Any, scope_error_field: str | None = "enterprise") -> SitePlan:
    if plan.image:
        plan.width, plan.height = image_size(plan.image)
        if plan.width == 0 or plan.height == 0:
            raise ValidationError({"image": [_("图片尺寸为 0，请上传有效的图片。")]})
    return save_object(plan, user=user, scope_error_field=scope_error_field)


# --- grading configurations ------------------------------------------------------------------------


def can_configure(user: Any, province: Region | None) -> bool:
    """Provincial regulators configure their province; the national default needs a national scope."""
    if user is None or not user.has_perm("risks.add_riskmethodconfig"):
        return False
    scope = scope_for(user)
    if scope.nothing or scope.enterprise_id is not None:
        return False
    if province is None:
        return scope.regions is None and scope.sectors is None
    return scope.covers_region(province.code) and all(len(prefix) <= 2 for prefix in scope.regions or ("",))


def target_province(user: Any, base: RiskMethodConfig) -> Region | None:
    """Where a revision of ``base`` applies: its own province, or, for a national configuration
    revised by a provincial regulator, that regulator's province (a province's first version)."""
    if base.province_id:
        return base.province
    scope = scope_for(user)
    if scope.regions is not None and len(scope.regions) == 1 and len(scope.regions[0]) == 2:
        return Region.objects.filter(code=f"{scope.regions[0]}0000").first()
    return None


@transaction.atomic
def publish_config(
    *,
    user: Any,
    method: str,
    province: Region | None,
    sector: str,
    name: str,
    config: grading.MethodConfig,
    note: str = "",
) -> RiskMethodConfig:
    """Publish a new version of the configuration for (province, sector, method). The previous
    version stays, no longer current; points graded with it keep it until they are reassessed."""
    if not can_configure(user, province):
        raise PermissionDenied(_("只有省级及以上监管部门可以修订本辖区的风险分级配置。"))
    if config.method != method:
        raise ValidationError({"method": [_("配置内容的评价方法与所选方法不一致。")]})
    existing = RiskMethodConfig.objects.select_for_update().filter(
        method=method, province=province, sector=sector
    )
    previous = list(existing.order_by("-edition"))
    new = RiskMethodConfig(
        province=province,
        sector=sector,
        method=method,
        edition=(previous[0].edition + 1) if previous else 1,
        name=name,
        note=note,
        is_current=True,
        **{key: value for key, value in config.as_dict().items() if key in ("factors", "bands")},
    )
    for old in previous:
        if old.is_current:
            old.is_current = False
            save_object(old, user=user)
    return save_object(new, user=user)


def default_config_rows() -> list[dict[str, Any]]:
    """The national defaults as stored rows (seeded by migration 0002)."""
    return [
        {
            "method": method,
            "name": name,
            **{
                key: value
                for key, value in grading.DEFAULT_CONFIGS[method].as_dict().items()
                if key != "method"
            },
        }
        for method, name in (
            (grading.LEC, "全国默认 LEC 法"),
            (grading.MATRIX, "全国默认风险矩阵（A 方案）"),
        )
    ]
