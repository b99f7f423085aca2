"""Demo hidden dangers: about forty across the demo enterprises of several provinces, in every
state of the life cycle (some overdue, some major), and one major hidden danger of ent_bj's
enterprise listed for supervision by the Beijing bureau. Idempotent: each demo record has a
fixed uid."""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.dangers import services
from anjian.dangers.models import (
    MAJOR_REPORT_FIELDS,
    ChecklistItem,
    DangerLevel,
    DangerSource,
    DangerStatus,
    HiddenDanger,
    SupervisionListing,
)
from anjian.demo import ENT_BJ_USCC
from anjian.enterprises.models import Enterprise

SEED = 6
NAMESPACE = uuid.UUID("5b0c7a52-5f1e-4d38-9a0e-6d616e676572")
PROVINCES = ("11", "31", "13", "14", "32", "44")
PER_PROVINCE = 6

# (place, description, checklist code for a major one or "")
FINDINGS: dict[str, list[tuple[str, str, str]]] = {
    "hazchem": [
        ("液氯充装站", "液氯充装未使用万向管道充装系统", "HC-07"),
        ("罐区防火堤", "防火堤局部破损，排水阀常开", ""),
        ("合成车间", "可燃气体检测报警仪未按标准设置", "HC-12"),
        ("中控室", "操作规程未及时修订，现场与规程不一致", ""),
        ("仓库", "禁配物质混存", "HC-20"),
        ("装卸站台", "静电接地夹损坏", ""),
    ],
    "coal": [
        ("3101 综采工作面", "回风隅角瓦斯浓度超限仍作业", "MK-02"),
        ("主斜井", "架空乘人装置越位保护失效", ""),
        ("井下变电所", "单回路供电", "MK-11"),
        ("采区水泵房", "水仓清理不及时", ""),
    ],
    "noncoal_mine": [
        ("尾矿库", "排洪设施淤堵", ""),
        ("主井提升机房", "提升机防过卷装置未定期试验", ""),
        ("采场", "顶板浮石未及时清理", ""),
    ],
    "fireworks": [
        ("药物混合工房", "工房内存药量超过核定量", ""),
        ("成品仓库", "防雷设施检测过期", ""),
    ],
    "industry_trade": [
        ("抛光车间", "除尘系统未设置泄爆装置", "GZ-01"),
        ("冷库机房", "液氨管道阀门泄漏", "GZ-02"),
        ("冲压车间", "冲床光电保护失效", ""),
        ("污水池", "有限空间作业未执行审批", "GZ-03"),
        ("配电室", "配电柜前绝缘垫缺失", ""),
        ("叉车通道", "消防通道被成品堵塞", ""),
    ],
}
STATES = [
    DangerStatus.REPORTED,
    DangerStatus.RECTIFYING,
    DangerStatus.RECTIFYING,
    DangerStatus.AWAITING_VERIFICATION,
    DangerStatus.CLOSED,
    DangerStatus.CLOSED,
]
PEOPLE = ["王强", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "周杰"]


def _uid(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def _advance(danger: HiddenDanger, target: str, verifier: str) -> None:
    path: list[str] = [DangerStatus.RECTIFYING, DangerStatus.AWAITING_VERIFICATION, DangerStatus.CLOSED]
    for step in path[: path.index(target) + 1] if target in path else []:
        evidence = services.Evidence(note="现场复查，整改到位", verified_by=verifier)
        danger = services.transition_danger(danger, step, user=None, evidence=evidence)


def _make(
    key: str, enterprise: Enterprise, finding: tuple[str, str, str], status: str, rng: random.Random
) -> HiddenDanger | None:
    uid = _uid(key)
    if HiddenDanger.objects.filter(uid=uid).exists():
        return None
    place, description, code = finding
    today = timezone.localdate()
    found_at = today - datetime.timedelta(days=rng.randint(5, 150))
    deadline = found_at + datetime.timedelta(days=rng.choice([7, 15, 30, 60, 90]))
    category = ChecklistItem.objects.filter(code=code).order_by("-edition").first() if code else None
    major = category is not None
    danger = HiddenDanger(
        uid=uid,
        enterprise=enterprise,
        place=place,
        description=description,
        category=category,
        level=DangerLevel.MAJOR if major else DangerLevel.GENERAL,
        source=rng.choice([DangerSource.SELF_CHECK, DangerSource.SELF_CHECK, DangerSource.INSPECTION]),
        found_by=rng.choice(PEOPLE),
        found_at=found_at,
        deadline=deadline,
        responsible_person=rng.choice(PEOPLE),
        measures="落实专人整改，整改期间加强巡检" if not major else "制定治理方案，停用相关设施",
        funds=Decimal(rng.randint(1, 400)) / 10,
        interim_safeguards="设置警戒区域，专人监护" if major else "",
    )
    if major:
        for field in HiddenDanger._meta.concrete_fields:
            if field.name in MAJOR_REPORT_FIELDS:
                setattr(danger, field.name, f"{field.verbose_name}：见治理方案（演示）")
    services.save_danger(danger, user=None)
    _advance(danger, status, rng.choice(PEOPLE))
    return danger


def _beijing_listing() -> int:
    """ent_bj's major hidden danger listed by the Beijing bureau, with one progress report."""
    inspector = User.objects.filter(username="beijing").first()
    enterprise = Enterprise.objects.filter(uscc=ENT_BJ_USCC).first()
    if inspector is None or enterprise is None:
        return 0
    uid = _uid("listing:ent_bj")
    if SupervisionListing.objects.filter(uid=uid).exists():
        return 0
    rng = random.Random(SEED)
    danger = HiddenDanger.objects.filter(uid=_uid("danger:ent_bj:major")).first() or _make(
        "danger:ent_bj:major", enterprise, FINDINGS["hazchem"][0], DangerStatus.RECTIFYING, rng
    )
    assert danger is not None
    today = timezone.localdate()
    listing = services.save_listing(
        SupervisionListing(
            uid=uid,
            danger=danger,
            document_no=f"京应急督〔{today.year}〕1号",
            listed_at=today - datetime.timedelta(days=20),
            deadline=today + datetime.timedelta(days=70),
            requirements="立即停止液氯充装作业；90 日内完成万向管道充装系统改造；每半月报告整改进展。",
        ),
        user=inspector,
    )
    reporter = User.objects.filter(username="ent_bj").first()
    if reporter is not None:
        services.report_progress(listing, user=reporter, content="已完成万向管道充装系统设计，设备已订货。")
    return 1


@transaction.atomic
def load_demo() -> str:
    rng = random.Random(SEED)
    created = 0
    ent_bj = Enterprise.objects.filter(uscc=ENT_BJ_USCC).first()
    if ent_bj is not None:
        for i, finding in enumerate(FINDINGS["hazchem"][1:4]):
            state = [DangerStatus.REPORTED, DangerStatus.RECTIFYING, DangerStatus.CLOSED][i]
            created += _make(f"danger:ent_bj:{i}", ent_bj, finding, state, rng) is not None
    for prefix in PROVINCES:
        enterprises = list(
            Enterprise.objects.filter(region__code__startswith=prefix).order_by("uscc")[:PER_PROVINCE]
        )
        for n, enterprise in enumerate(enterprises):
            findings = FINDINGS.get(enterprise.sector, FINDINGS["industry_trade"])
            finding = findings[n % len(findings)]
            created += (
                _make(f"danger:{enterprise.uscc}:{n}", enterprise, finding, STATES[n % len(STATES)], rng)
                is not None
            )
    listed = _beijing_listing()
    total = HiddenDanger.objects.count()
    overdue = HiddenDanger.objects.overdue().count()
    return (
        f"dangers: {created} hidden dangers created ({total} in all, {overdue} overdue), "
        f"{listed} listing created"
    )
