"""Choice sets of risk grading and control: the four national levels, methods, point kinds,
GB/T 13861-2022 hazard factor categories and the levels that own a risk's control."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors


@with_colors(red="red", orange="orange", yellow="yellow", blue="blue")
class RiskLevel(models.TextChoices):
    """The four levels and colours, fixed nationally (安委办〔2016〕11号), most severe first."""

    RED = "red", _("重大风险（红）")
    ORANGE = "orange", _("较大风险（橙）")
    YELLOW = "yellow", _("一般风险（黄）")
    BLUE = "blue", _("低风险（蓝）")


# Rank for aggregation (an enterprise's highest level is the largest rank of its points).
LEVEL_RANK: dict[str, int] = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
RANK_LEVEL: dict[int, str] = {rank: level for level, rank in LEVEL_RANK.items()}

# Marker colours on maps (Tabler's palette, the same as the badges).
LEVEL_HEX: dict[str, str] = {"red": "#d63939", "orange": "#f76707", "yellow": "#f59f00", "blue": "#206bc4"}


class RiskMethod(models.TextChoices):
    LEC = "lec", _("作业条件危险性评价法（LEC）")
    MATRIX = "matrix", _("风险矩阵法（L×S）")


class PointKind(models.TextChoices):
    PLACE = "place", _("场所/区域")
    ACTIVITY = "activity", _("作业活动")
    EQUIPMENT = "equipment", _("设备设施")


class HazardFactor(models.TextChoices):
    """GB/T 13861-2022 生产过程危险和有害因素分类与代码: the second-level categories."""

    HUMAN_PHYSIOLOGICAL = "11", _("人的因素—心理、生理性危险和有害因素")
    HUMAN_BEHAVIOURAL = "12", _("人的因素—行为性危险和有害因素")
    OBJECT_PHYSICAL = "21", _("物的因素—物理性危险和有害因素")
    OBJECT_CHEMICAL = "22", _("物的因素—化学性危险和有害因素")
    OBJECT_BIOLOGICAL = "23", _("物的因素—生物性危险和有害因素")
    ENV_INDOOR = "31", _("环境因素—室内作业场所环境不良")
    ENV_OUTDOOR = "32", _("环境因素—室外作业场地环境不良")
    ENV_UNDERGROUND = "33", _("环境因素—地下（含水下）作业环境不良")
    ENV_OTHER = "39", _("环境因素—其他作业环境不良")
    MGMT_ORGANISATION = "41", _("管理因素—职业安全卫生管理机构设置和人员配备不健全")
    MGMT_RESPONSIBILITY = "42", _("管理因素—职业安全卫生责任制不完善或未落实")
    MGMT_RULES = "43", _("管理因素—职业安全卫生管理制度不完善或未落实")
    MGMT_FUNDING = "44", _("管理因素—职业安全卫生投入不足")
    MGMT_EMERGENCY = "45", _("管理因素—应急管理缺陷")
    MGMT_OTHER = "49", _("管理因素—其他管理因素缺陷")


class ResponsibleLevel(models.TextChoices):
    """Who owns the control of a risk (分级管控), highest first."""

    COMPANY = "company", _("公司级")
    WORKSHOP = "workshop", _("车间（部门）级")
    TEAM = "team", _("班组级")
    POST = "post", _("岗位级")
