"""Demo data: a site plan and a dozen risk points of all four colours for ent_bj's enterprise, and a
few points for other demo enterprises so the regulators' map has colour. Idempotent: points are
found by (enterprise, name), the plan by enterprise."""

from __future__ import annotations

import random
import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from anjian.demo import ENT_BJ_USCC
from anjian.enterprises.models import Enterprise
from anjian.risks.models import RiskPoint, SitePlan
from anjian.risks.services import save_point, save_site_plan

PLAN_SIZE = (1200, 800)

# (x, y, width, height, RGB): the yard, roads and buildings of a small chemical plant.
PLAN_SHAPES: list[tuple[int, int, int, int, tuple[int, int, int]]] = [
    (0, 0, 1200, 800, (236, 240, 233)),
    (40, 40, 1120, 720, (250, 250, 247)),
    (40, 380, 1120, 40, (200, 200, 196)),
    (580, 40, 40, 720, (200, 200, 196)),
    (80, 80, 220, 140, (189, 208, 230)),  # office
    (330, 80, 220, 260, (214, 214, 214)),  # workshop 1
    (660, 80, 460, 120, (214, 214, 214)),  # workshop 2
    (660, 230, 200, 120, (230, 214, 190)),  # warehouse
    (890, 230, 230, 120, (230, 214, 190)),  # hazchem store
    (80, 460, 240, 260, (240, 220, 220)),  # tank farm
    (350, 460, 200, 120, (214, 214, 214)),  # boiler house
    (350, 610, 200, 110, (214, 230, 214)),  # waste water
    (660, 460, 240, 260, (214, 214, 214)),  # synthesis unit
    (930, 460, 190, 120, (230, 214, 190)),  # loading
    (930, 610, 190, 110, (214, 214, 214)),  # substation
]
TANKS = [(130, 520), (230, 520), (130, 640), (230, 640)]


def plan_png() -> bytes:
    """A simple plan drawn pixel by pixel (no imaging library in the environment)."""
    width, height = PLAN_SIZE
    rows = [bytearray(b"\x00" + bytes((255, 255, 255)) * width) for _ in range(height)]
    for x0, y0, w, h, colour in PLAN_SHAPES:
        pixel = bytes(colour)
        for y in range(y0, min(y0 + h, height)):
            rows[y][1 + 3 * x0 : 1 + 3 * min(x0 + w, width)] = pixel * (min(x0 + w, width) - x0)
        outline = bytes((120, 120, 120))
        for y in (y0, min(y0 + h, height) - 1):
            rows[y][1 + 3 * x0 : 1 + 3 * min(x0 + w, width)] = outline * (min(x0 + w, width) - x0)
        for y in range(y0, min(y0 + h, height)):
            rows[y][1 + 3 * x0 : 4 + 3 * x0] = outline
            right = min(x0 + w, width) - 1
            rows[y][1 + 3 * right : 4 + 3 * right] = outline
    for cx, cy in TANKS:
        for y in range(cy - 40, cy + 41):
            for x in range(cx - 40, cx + 41):
                d = (x - cx) ** 2 + (y - cy) ** 2
                if d <= 1600:
                    rows[y][1 + 3 * x : 4 + 3 * x] = (
                        bytes((150, 150, 160)) if d >= 1450 else bytes((225, 225, 235))
                    )
    raw = b"".join(bytes(r) for r in rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


LEC, MATRIX = "lec", "matrix"

# name, location, kind, factor, accident types, method, (L, E, C) or (L, S), level, x, y, measures
ENT_BJ_POINTS: list[tuple[Any, ...]] = [
    (
        "液氨储罐区",
        "罐区 1 号防火堤",
        "place",
        "22",
        ["poisoning_suffocation", "vessel_explosion"],
        LEC,
        ("3", "6", "40"),
        "company",
        16,
        74,
    ),
    (
        "液氯钢瓶库",
        "危化品库房",
        "place",
        "22",
        ["poisoning_suffocation"],
        LEC,
        ("6", "6", "15"),
        "company",
        83,
        36,
    ),
    (
        "合成反应釜",
        "合成装置",
        "equipment",
        "21",
        ["fire", "other_explosion"],
        MATRIX,
        ("5", "4"),
        "company",
        65,
        70,
    ),
    ("动火作业", "全厂", "activity", "12", ["fire", "burns"], LEC, ("3", "6", "15"), "workshop", 72, 60),
    (
        "受限空间作业",
        "污水处理站",
        "activity",
        "12",
        ["poisoning_suffocation", "drowning"],
        MATRIX,
        ("3", "4"),
        "workshop",
        37,
        82,
    ),
    (
        "燃气锅炉",
        "锅炉房",
        "equipment",
        "21",
        ["boiler_explosion", "burns"],
        LEC,
        ("3", "6", "7"),
        "workshop",
        37,
        65,
    ),
    ("装卸栈台", "装卸区", "place", "21", ["vehicle_injury", "fire"], MATRIX, ("2", "4"), "team", 85, 65),
    ("高处作业", "二车间", "activity", "12", ["fall_from_height"], LEC, ("1", "6", "15"), "team", 70, 17),
    (
        "10kV 变配电室",
        "变电所",
        "place",
        "21",
        ["electric_shock", "fire"],
        LEC,
        ("1", "6", "7"),
        "team",
        85,
        83,
    ),
    (
        "桥式起重机",
        "一车间",
        "equipment",
        "21",
        ["lifting_injury", "object_strike"],
        MATRIX,
        ("1", "3"),
        "post",
        36,
        20,
    ),
    ("叉车作业", "仓库", "activity", "12", ["vehicle_injury"], LEC, ("1", "3", "3"), "post", 63, 36),
    ("办公楼", "办公区", "place", "39", ["fire"], MATRIX, ("1", "2"), "post", 15, 18),
]

UNITS = {"company": "安全环保部", "workshop": "生产车间", "team": "运行班组", "post": "岗位"}
MEASURES = {
    "company": ("紧急切断、可燃/有毒气体检测报警、SIS 联锁", "公司级风险，主要负责人包保，每月专项检查"),
    "workshop": ("安全阀、压力报警、通风设施", "作业票证审批，车间每周检查"),
    "team": ("防护栏、接地、警示标识", "班组每班巡检"),
    "post": ("设备本质安全防护", "岗位交接班检查"),
}


def _point(enterprise: Enterprise, row: tuple[Any, ...]) -> bool:
    name, location, kind, factor, accidents, method, inputs, level, x, y = row
    if RiskPoint.objects.filter(enterprise=enterprise, name=name).exists():
        return False
    engineering, management = MEASURES[level]
    point = RiskPoint(
        enterprise=enterprise,
        name=name,
        location=location,
        kind=kind,
        hazard_factor=factor,
        accident_types=",".join(accidents),
        method=method,
        likelihood=Decimal(inputs[0]),
        exposure=Decimal(inputs[1]) if method == LEC else None,
        severity=Decimal(inputs[-1]),
        measures_engineering=engineering,
        measures_management=management,
        measures_training="岗位安全操作规程培训，持证上岗",
        measures_ppe="按岗位配备防护用品",
        measures_emergency="现场处置方案，每半年演练一次",
        responsible_level=level,
        responsible_unit={
            "company": "安全环保部",
            "workshop": "生产车间",
            "team": "运行班组",
            "post": "岗位",
        }[level],
        responsible_person="王建国",
        plan_x=Decimal(x) if x is not None else None,
        plan_y=Decimal(y) if y is not None else None,
    )
    save_point(point, user=None)
    return True


# Points for other demo enterprises: one of each template, levels spread by a fixed seed.
OTHER_TEMPLATES: list[tuple[Any, ...]] = [
    ("主要生产装置", "生产区", "place", "21", ["fire", "other_explosion"], LEC),
    ("检维修作业", "全厂", "activity", "12", ["machinery_injury", "object_strike"], MATRIX),
    ("配电室", "配电室", "place", "21", ["electric_shock"], LEC),
]
LEC_CHOICES = [
    ("6", "6", "15"),
    ("3", "6", "15"),
    ("3", "6", "7"),
    ("1", "3", "7"),
]  # red, orange, yellow, blue
MATRIX_CHOICES = [("5", "4"), ("3", "4"), ("2", "3"), ("1", "2")]
OTHER_PROVINCES = ("11", "13", "31", "14", "32", "44")
PER_PROVINCE = 5


@transaction.atomic
def load_demo() -> str:
    enterprise = Enterprise.objects.filter(uscc=ENT_BJ_USCC).first()
    created = 0
    plans = 0
    if enterprise is not None:
        if not SitePlan.objects.filter(enterprise=enterprise).exists():
            plan = SitePlan(enterprise=enterprise, title="厂区平面布置图（示意）")
            plan.image.save("demo-plan.png", ContentFile(plan_png()), save=False)
            save_site_plan(plan, user=None)
            plans += 1
        created += sum(_point(enterprise, row) for row in ENT_BJ_POINTS)
    rng = random.Random(20261129)
    for prefix in OTHER_PROVINCES:
        others = (
            Enterprise.objects.filter(region__code__startswith=prefix)
            .exclude(uscc=ENT_BJ_USCC)
            .order_by("uscc")[:PER_PROVINCE]
        )
        for other in others:
            for name, location, kind, factor, accidents, method in OTHER_TEMPLATES:
                # Weighted towards the lower levels, as in practice.
                index = rng.choices(range(4), weights=[1, 2, 3, 4])[0]
                inputs = (LEC_CHOICES if method == LEC else MATRIX_CHOICES)[index]
                created += _point(
                    other,
                    (name, location, kind, factor, accidents, method, inputs, "workshop", None, None),
                )
    total = RiskPoint.objects.count()
    return f"risks: {plans} site plan(s), {created} risk points created, {total} in total"
