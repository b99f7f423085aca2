"""Choice sets of accident reporting: GB 6441 accident types, Decree 493 grades, reporting levels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors


class AccidentType(models.TextChoices):
    """The 20 accident categories of GB 6441-1986 (企业职工伤亡事故分类), in the standard's order."""

    OBJECT_STRIKE = "object_strike", _("物体打击")
    VEHICLE_INJURY = "vehicle_injury", _("车辆伤害")
    MACHINERY_INJURY = "machinery_injury", _("机械伤害")
    LIFTING_INJURY = "lifting_injury", _("起重伤害")
    ELECTRIC_SHOCK = "electric_shock", _("触电")
    DROWNING = "drowning", _("淹溺")
    BURNS = "burns", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL_FROM_HEIGHT = "fall_from_height", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    WATER_INRUSH = "water_inrush", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVE_EXPLOSION = "explosive_explosion", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸（含煤尘爆炸）")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其他爆炸")
    POISONING_SUFFOCATION = "poisoning_suffocation", _("中毒和窒息")
    OTHER = "other", _("其他伤害")


@with_colors(general="blue", larger="yellow", major="orange", extraordinary="red")
class AccidentGrade(models.TextChoices):
    """Decree 493 Art. 3, lowest first."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    EXTRAORDINARY = "extraordinary", _("特别重大事故")


GRADE_ORDER: tuple[str, ...] = tuple(AccidentGrade.values)


def grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade)


class ReportLevel(models.TextChoices):
    """The levels a report passes through (Decree 493 Arts. 9–10), lowest first."""

    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


LEVEL_ORDER: tuple[str, ...] = tuple(ReportLevel.values)


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


class Criterion(models.TextChoices):
    DEATHS = "deaths", _("死亡（含下落不明）人数")
    SERIOUS_INJURIES = "serious_injuries", _("重伤（含急性工业中毒）人数")
    DIRECT_LOSS = "direct_loss_yuan", _("直接经济损失")


@with_colors(reporting="yellow", investigating="blue", closed="green")
class AccidentStatus(models.TextChoices):
    REPORTING = "reporting", _("报送中")
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("已结案")


class RevisionKind(models.TextChoices):
    INITIAL = "initial", _("首报")
    SUPPLEMENT = "supplement", _("续报/补报")


@with_colors(ongoing="blue", extended="yellow", closed="green")
class InvestigationStatus(models.TextChoices):
    ONGOING = "ongoing", _("调查中")
    EXTENDED = "extended", _("已延期")
    CLOSED = "closed", _("已结案")
