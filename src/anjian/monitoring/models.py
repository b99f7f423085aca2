"""Monitoring points (监测点位), their alarms, and the telemetry tables.

Raw readings are not ORM objects: the ingest worker writes them in bulk into ``monitoring_reading``
(day partitions on PostgreSQL, see migrations/0002 and ``storage.py``). Hourly rollups and the
last value of each point are small tables written by the worker with upserts.
"""

from __future__ import annotations

from itertools import pairwise
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors
from anjian.core.models import BusinessModel
from anjian.monitoring.rules import METHANE_BASIS, METHANE_LIMITS, MethanePlacement


class PointType(models.TextChoices):
    METHANE = "methane", _("甲烷")
    CO = "co", _("一氧化碳")
    O2 = "o2", _("氧气")
    WIND_SPEED = "wind_speed", _("风速")
    TEMPERATURE = "temperature", _("温度")
    PRESSURE = "pressure", _("压力")
    LEVEL = "level", _("液位")
    FLOW = "flow", _("流量")
    FLAMMABLE_GAS = "flammable_gas", _("可燃气体")
    TOXIC_GAS = "toxic_gas", _("有毒气体")
    OTHER = "other", _("其他")


LEVEL_LABELS = {"low_low": _("低低限"), "low": _("低限"), "high": _("高限"), "high_high": _("高高限")}


class MonitoringPoint(BusinessModel):
    """A sensor or tag of a major hazard source or a coal mine, with its alarm settings."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="points"
    )
    hazard_unit = models.ForeignKey(
        "hazards.HazardUnit",
        verbose_name=_("重大危险源单元"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="points",
    )
    code = models.CharField(
        _("点位编码"),
        max_length=64,
        help_text=_("企业内唯一，即 MQTT 主题 anjian/v1/<统一社会信用代码>/<点位编码> 的最后一段"),
    )
    name = models.CharField(_("点位名称"), max_length=100)
    point_type = models.CharField(_("监测类型"), max_length=16, choices=PointType.choices)
    unit = models.CharField(
        _("计量单位"), max_length=16, blank=True, help_text=_("如 %CH4、ppm、℃、MPa、m；甲烷传感器可留空")
    )
    range_low = models.FloatField(_("量程下限"), null=True, blank=True)
    range_high = models.FloatField(_("量程上限"), null=True, blank=True)
    location = models.CharField(_("安装位置"), max_length=200, blank=True)
    placement = models.CharField(
        _("甲烷传感器设置地点"),
        max_length=24,
        choices=MethanePlacement.choices,
        blank=True,
        help_text=_("甲烷传感器按设置地点预置报警、断电、复电浓度（煤矿安全规程）"),
    )
    low_low = models.FloatField(_("低低限"), null=True, blank=True)
    low = models.FloatField(_("低限"), null=True, blank=True)
    high = models.FloatField(_("高限"), null=True, blank=True)
    high_high = models.FloatField(_("高高限"), null=True, blank=True)
    hysteresis = models.FloatField(
        _("回差"), default=0, help_text=_("越限后恢复到限值内侧至少这么多才算恢复，避免在限值附近反复报警")
    )
    alarm_at = models.FloatField(_("报警浓度"), null=True, blank=True)
    power_off_at = models.FloatField(_("断电浓度"), null=True, blank=True)
    restore_at = models.FloatField(_("复电浓度"), null=True, blank=True)
    rate_limit = models.FloatField(
        _("变化率上限（每分钟）"), null=True, blank=True, help_text=_("相邻两次读数折算每分钟变化量的上限")
    )
    threshold_basis = models.CharField(
        _("阈值依据"), max_length=100, blank=True, help_text=_("阈值来源及版本，如煤矿安全规程（2022）")
    )
    cycle_s = models.PositiveIntegerField(
        _("上传周期（秒）"), default=30, help_text=_("期望的数据上传间隔；连续若干周期无数据即判为离线")
    )
    active = models.BooleanField(_("启用"), default=True)

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"
    enterprise_reportable: ClassVar[bool] = True

    class Meta:
        verbose_name = _("监测点位")
        verbose_name_plural = _("监测点位")
        ordering = ["enterprise_id", "code"]
        indexes = [models.Index(fields=["point_type"]), models.Index(fields=["active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code"],
                name="monitoring_point_unique_code",
                violation_error_message=_("该企业已有此点位编码。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.code and ("/" in self.code or "+" in self.code or "#" in self.code):
            errors.setdefault("code", []).append(gettext("点位编码不能含有 /、+、#（MQTT 主题保留字符）。"))
        if self.range_low is not None and self.range_high is not None and self.range_low >= self.range_high:
            errors.setdefault("range_high", []).append(gettext("量程上限应大于量程下限。"))
        if self.hysteresis is not None and self.hysteresis < 0:
            errors.setdefault("hysteresis", []).append(gettext("回差不能为负数。"))
        if self.rate_limit is not None and self.rate_limit <= 0:
            errors.setdefault("rate_limit", []).append(gettext("变化率上限应大于 0。"))
        if self.cycle_s is not None and not 1 <= self.cycle_s <= 86400:
            errors.setdefault("cycle_s", []).append(gettext("上传周期应在 1 秒到 1 天之间。"))
        levels = [(n, getattr(self, n)) for n in ("low_low", "low", "high", "high_high")]
        given = [(n, v) for n, v in levels if v is not None]
        for (_lower_name, lower), (name, value) in pairwise(given):
            if value <= lower:
                errors.setdefault(name, []).append(
                    gettext("限值应依次递增：低低限 < 低限 < 高限 < 高高限（%(name)s 不大于 %(lower)s）。")
                    % {"name": LEVEL_LABELS[name], "lower": lower}
                )
        if self.placement:
            if self.point_type and self.point_type != PointType.METHANE:
                errors.setdefault("placement", []).append(gettext("只有甲烷传感器填写设置地点。"))
            else:
                self.fill_methane_defaults()
        if not self.unit:
            errors.setdefault("unit", []).append(gettext("必须填写计量单位。"))
        if self.alarm_at is not None and self.power_off_at is not None and self.power_off_at < self.alarm_at:
            errors.setdefault("power_off_at", []).append(gettext("断电浓度不能低于报警浓度。"))
        if self.alarm_at is not None and self.restore_at is not None and self.restore_at > self.alarm_at:
            errors.setdefault("restore_at", []).append(gettext("复电浓度不能高于报警浓度。"))
        if (self.power_off_at is not None or self.restore_at is not None) and self.alarm_at is None:
            errors.setdefault("alarm_at", []).append(gettext("填写断电或复电浓度时必须填写报警浓度。"))
        if errors:
            raise ValidationError(errors)

    def fill_methane_defaults(self) -> None:
        """Blank methane settings take the values of the regulations for the placement."""
        limits = METHANE_LIMITS.get(self.placement)
        if limits is None:
            return
        filled = False
        for name, value in zip(("alarm_at", "power_off_at", "restore_at"), limits, strict=True):
            if getattr(self, name) is None and value is not None:
                setattr(self, name, value)
                filled = True
        if filled and not self.threshold_basis:
            self.threshold_basis = METHANE_BASIS
        if not self.unit:
            self.unit = "%CH4"

    @property
    def data_warnings(self) -> list[str]:
        """Settings looser than the regulations for a methane sensor's placement (shown on its page)."""
        limits = METHANE_LIMITS.get(self.placement) if self.placement else None
        if limits is None:
            return []
        warnings = []
        labels = {"alarm_at": _("报警浓度"), "power_off_at": _("断电浓度"), "restore_at": _("复电浓度")}
        for name, rule in zip(("alarm_at", "power_off_at", "restore_at"), limits, strict=True):
            value = getattr(self, name)
            if rule is not None and (value is None or value > rule):
                warnings.append(
                    gettext("%(label)s %(value)s 宽于规程规定的 %(rule)s（%(placement)s）。")
                    % {
                        "label": labels[name],
                        "value": "—" if value is None else value,
                        "rule": rule,
                        "placement": self.get_placement_display(),
                    }
                )
        return warnings

    @property
    def offline_after_s(self) -> int:
        return self.cycle_s * settings.MONITORING_OFFLINE_CYCLES


class PointStatus(models.Model):
    """The last value of a point, kept by the ingest worker (one row per point)."""

    point = models.OneToOneField(
        MonitoringPoint,
        verbose_name=_("监测点位"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="status",
    )
    last_t = models.BigIntegerField(_("最近数据时间（毫秒）"))
    last_value = models.FloatField(_("最近值"))
    last_quality = models.SmallIntegerField(_("质量码"), default=0)
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        verbose_name = _("点位实时状态")
        verbose_name_plural = _("点位实时状态")

    def __str__(self) -> str:
        return f"{self.point_id}: {self.last_value}"


class ReadingRollup(models.Model):
    """Readings of one point in one hour: min, max, sum and count (the average is sum / count)."""

    id = models.BigAutoField(primary_key=True)
    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("监测点位"), on_delete=models.CASCADE, related_name="rollups"
    )
    hour = models.DateTimeField(_("小时"))
    min_value = models.FloatField(_("最小值"))
    max_value = models.FloatField(_("最大值"))
    sum_value = models.FloatField(_("合计"))
    count = models.PositiveIntegerField(_("读数条数"))

    class Meta:
        verbose_name = _("小时统计")
        verbose_name_plural = _("小时统计")
        constraints = [
            models.UniqueConstraint(fields=["point", "hour"], name="monitoring_rollup_unique_hour")
        ]
        indexes = [models.Index(fields=["hour"])]

    def __str__(self) -> str:
        return f"{self.point_id} {self.hour:%Y-%m-%d %H}:00"


@with_colors(
    high="orange",
    high_high="red",
    low="orange",
    low_low="red",
    methane_alarm="orange",
    methane_power_off="red",
    rate="yellow",
    offline="secondary",
    fault="purple",
)
class AlarmKind(models.TextChoices):
    HIGH = "high", _("超高限")
    HIGH_HIGH = "high_high", _("超高高限")
    LOW = "low", _("低于低限")
    LOW_LOW = "low_low", _("低于低低限")
    METHANE_ALARM = "methane_alarm", _("甲烷超限报警")
    METHANE_POWER_OFF = "methane_power_off", _("甲烷断电")
    RATE = "rate", _("变化率异常")
    OFFLINE = "offline", _("传感器离线")
    FAULT = "fault", _("传感器故障")


@with_colors(open="red", acknowledged="orange", handled="blue", closed="green")
class AlarmStatus(models.TextChoices):
    OPEN = "open", _("未确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已关闭")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("未通知")
    ENTERPRISE = 1, _("企业值班人员")
    COUNTY = 2, _("县级监管部门")
    CITY = 3, _("市级监管部门")
    PROVINCE = 4, _("省级监管部门")


class Alarm(BusinessModel):
    """One alarm of one kind on one point: at most one is not closed (de-duplicated), updated with
    the peak value while it lasts; ``open → acknowledged → handled → closed``."""

    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("监测点位"), on_delete=models.PROTECT, related_name="alarms"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="alarms"
    )
    kind = models.CharField(_("报警类型"), max_length=20, choices=AlarmKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("报警时间"), db_index=True)
    threshold = models.FloatField(_("触发限值"), null=True, blank=True)
    first_value = models.FloatField(_("首次值"), null=True, blank=True)
    peak_value = models.FloatField(_("峰值"), null=True, blank=True)
    last_value = models.FloatField(_("最近值"), null=True, blank=True)
    recovered_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cause = models.TextField(_("原因分析"), blank=True)
    measures = models.TextField(_("处置措施"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("已通知到"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )

    scope_region: ClassVar[str | None] = "enterprise__region__code"
    scope_sector: ClassVar[str | None] = "enterprise__sector"
    scope_enterprise: ClassVar[str | None] = "enterprise_id"

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "status"]), models.Index(fields=["kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "kind"],
                condition=~Q(status="closed"),
                name="monitoring_alarm_one_open",
                violation_error_message=_("该点位已有同类未关闭的报警。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:alarm_detail", args=[self.pk])

    def clean(self) -> None:
        if self.status == AlarmStatus.HANDLED and not (self.cause.strip() and self.measures.strip()):
            raise ValidationError({"measures": [gettext("处置时必须填写原因分析和处置措施。")]})
