"""Demo data for ``make run``: organisations, the demo accounts, and enterprises with valid USCCs.

Idempotent: organisations and users are found by name, enterprises by USCC; the enterprise set
is generated from a fixed seed, so every run produces the same codes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from anjian.accounts.models import AgencyLevel, Organization, OrgType, Role, User
from anjian.accounts.roles import RoleCode
from anjian.core.uscc import CHARS, make_uscc, org_code_check_char
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.industries.choices import Sector
from anjian.regions.models import Region

SEED = 20261129

# Province prefix → sectors with weights: coal where coal is mined, fireworks where they are made.
PROVINCES: dict[str, dict[str, int]] = {
    "11": {"hazchem": 4, "industry_trade": 5, "noncoal_mine": 1},
    "31": {"hazchem": 5, "industry_trade": 6},
    "13": {"hazchem": 3, "industry_trade": 4, "noncoal_mine": 3, "coal": 1},
    "14": {"coal": 7, "hazchem": 2, "industry_trade": 2, "noncoal_mine": 2},
    "15": {"coal": 6, "noncoal_mine": 3, "hazchem": 2},
    "32": {"hazchem": 6, "industry_trade": 5, "fireworks": 1},
    "33": {"hazchem": 4, "industry_trade": 6},
    "37": {"hazchem": 6, "industry_trade": 4, "noncoal_mine": 2, "coal": 2},
    "41": {"coal": 3, "noncoal_mine": 2, "hazchem": 3, "industry_trade": 3},
    "43": {"fireworks": 6, "industry_trade": 3, "noncoal_mine": 2},
    "36": {"fireworks": 5, "noncoal_mine": 2, "industry_trade": 2},
    "44": {"hazchem": 4, "industry_trade": 6, "fireworks": 1},
    "61": {"coal": 5, "hazchem": 3, "noncoal_mine": 2},
    "65": {"coal": 3, "hazchem": 3, "noncoal_mine": 3},
}
PER_PROVINCE = 16

BRANDS = [
    "华瑞", "恒泰", "宏达", "金鼎", "鑫源", "安泰", "永盛", "瑞丰", "天成", "长兴", "兴隆", "国信",
    "中盛", "海川", "东方", "新华", "盛世", "富源", "昌盛", "泰和", "德润", "鸿运", "广汇", "嘉禾",
]  # fmt: skip
KIND: dict[str, list[tuple[str, str]]] = {
    "hazchem": [("化工有限公司", "26"), ("石化有限公司", "25"), ("精细化工有限公司", "26"),
                ("气体有限公司", "26"), ("化学品储运有限公司", "59"), ("制药有限公司", "27")],
    "coal": [("煤业有限责任公司", "06"), ("煤矿", "06"), ("能源有限公司", "06")],
    "noncoal_mine": [("矿业有限公司", "10"), ("铁矿", "08"), ("石材有限公司", "10"), ("有色矿业有限公司", "09")],
    "fireworks": [("烟花爆竹有限公司", "26"), ("花炮厂", "26"), ("烟花制造有限公司", "26")],
    "industry_trade": [("钢铁有限公司", "31"), ("机械制造有限公司", "34"), ("纺织有限公司", "17"),
                       ("食品有限公司", "14"), ("建材有限公司", "30"), ("铝业有限公司", "32"),
                       ("家具有限公司", "21"), ("冷链物流有限公司", "59")],
}  # fmt: skip
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "秀英", "华", "平", "刚", "建国", "志强",
]  # fmt: skip

ENT_BJ_USCC = make_uscc("91110111" + "MA01BJ7Q" + org_code_check_char("MA01BJ7Q"))


@dataclass
class DemoResult:
    organizations: int
    users: int
    enterprises_created: int
    enterprises_total: int
    # County, city and provincial accounts in one province, for the accident reporting chain.
    chain_users: int = 0


def _role(code: str) -> Role:
    return Role.objects.get(code=code)


def _org(name: str, **fields: Any) -> Organization:
    org, _created = Organization.objects.update_or_create(name=name, defaults=fields)
    return org


def _user(username: str, org: Organization, role: str, full_name: str, password: str) -> User:
    user: User | None = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password)
    user.organization = org
    user.full_name = full_name
    user.save()
    user.roles.set([_role(role)])
    return user


def _leaf_counties(prefix: str) -> list[Region]:
    children = Region.objects.filter(parent=OuterRef("pk"))
    return list(
        Region.objects.filter(code__startswith=prefix, longitude__isnull=False, valid_to__isnull=True)
        .exclude(level="province")
        .exclude(Exists(children))
        .order_by("code")
    )


def _jitter(rng: random.Random, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    # About ±2 km around the county seat, so the point stays inside the county.
    return (value + Decimal(rng.uniform(-0.02, 0.02))).quantize(Decimal("0.000001"))


def _make_enterprise(rng: random.Random, county: Region, sector: str, used: set[str]) -> Enterprise:
    while True:
        body = "".join(rng.choice(CHARS) for _ in range(8))
        uscc = make_uscc(f"91{county.code}{body}{org_code_check_char(body)}")
        if uscc not in used:
            used.add(uscc)
            break
    suffix, industry = rng.choice(KIND[sector])
    place = county.name.rstrip("区县市旗") if len(county.name) > 2 else county.name
    return Enterprise(
        uscc=uscc,
        name=f"{place}{rng.choice(BRANDS)}{suffix}",
        region=county,
        sector=sector,
        industry_id=industry,
        address=f"{county.full_name()}{rng.choice(BRANDS)}路{rng.randint(1, 300)}号",
        legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
        contact_phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
        longitude=_jitter(rng, county.longitude),
        latitude=_jitter(rng, county.latitude),
    )


def _unique_name(enterprise: Enterprise, taken: set[str]) -> None:
    base, n = enterprise.name, 2
    while enterprise.name in taken:
        enterprise.name = f"{base}（{n}）"
        n += 1
    taken.add(enterprise.name)


@transaction.atomic
def load_demo() -> DemoResult:
    password = settings.DEMO_PASSWORD
    rng = random.Random(SEED)
    generated: set[str] = set()  # independent of the database, so every run draws the same codes
    taken_names = set(Enterprise.objects.values_list("name", flat=True))
    created = 0

    def add(enterprise: Enterprise) -> Enterprise:
        nonlocal created
        existing: Enterprise | None = Enterprise.objects.filter(uscc=enterprise.uscc).first()
        if existing is not None:
            return existing
        _unique_name(enterprise, taken_names)
        created += 1
        return save_enterprise(enterprise, user=None)

    ent_bj = add(
        Enterprise(
            uscc=ENT_BJ_USCC,
            name="北京燕山华瑞化工有限公司",
            region=Region.objects.get(code="110111"),
            sector=Sector.HAZCHEM,
            industry_id="26",
            address="北京市房山区燕山东流水路 8 号",
            legal_representative="王建国",
            contact_phone="13900000001",
            longitude=Decimal("115.971000"),
            latitude=Decimal("39.725000"),
        )
    )
    for prefix, weights in PROVINCES.items():
        counties = _leaf_counties(prefix)
        sectors = [s for s, w in weights.items() for _ in range(w)]
        for i in range(PER_PROVINCE):
            # Every sector of the province appears at least once, then by weight.
            sector = list(weights)[i] if i < len(weights) else rng.choice(sectors)
            add(_make_enterprise(rng, rng.choice(counties), sector, generated))

    province = {code: Region.objects.get(code=code) for code in ("110000", "310000", "140000")}
    ministry = _org("应急管理部", org_type=OrgType.AGENCY, level=AgencyLevel.NATIONAL, region=None)
    beijing = _org(
        "北京市应急管理局",
        org_type=OrgType.AGENCY,
        level=AgencyLevel.PROVINCIAL,
        region=province["110000"],
        parent=ministry,
    )
    shanghai = _org(
        "上海市应急管理局",
        org_type=OrgType.AGENCY,
        level=AgencyLevel.PROVINCIAL,
        region=province["310000"],
        parent=ministry,
    )
    _org(
        "国家矿山安全监察局山西局",
        org_type=OrgType.COAL_SUPERVISION,
        level=AgencyLevel.PROVINCIAL,
        region=province["140000"],
        sectors=[Sector.COAL],
    )
    enterprise_org = _org(
        ent_bj.name, org_type=OrgType.ENTERPRISE, region=ent_bj.region, enterprise=ent_bj, uscc=ent_bj.uscc
    )
    users = [
        _user("national", ministry, RoleCode.INSPECTOR, "国家监管员", password),
        _user("beijing", beijing, RoleCode.INSPECTOR, "北京监管员", password),
        _user("shanghai", shanghai, RoleCode.INSPECTOR, "上海监管员", password),
        _user("ent_bj", enterprise_org, RoleCode.ENTERPRISE_SAFETY_OFFICER, "企业安全员", password),
        _user("sysadmin", ministry, RoleCode.SYSTEM_ADMIN, "系统管理员", password),
        _user("secadmin", ministry, RoleCode.SECURITY_ADMIN, "安全管理员", password),
        _user("auditor", ministry, RoleCode.AUDITOR, "安全审计员", password),
    ]
    chain_users = _reporting_chain_users(ministry, password)
    return DemoResult(
        chain_users=len(chain_users),
        organizations=Organization.objects.count(),
        users=len(users),
        enterprises_created=created,
        enterprises_total=Enterprise.objects.count(),
    )


def _reporting_chain_users(ministry: Organization, password: str) -> list[User]:
    """Hebei at three levels (河北省 → 石家庄市 → 井陉县): an accident in 井陉县 is reported up this chain."""
    region = {code: Region.objects.get(code=code) for code in ("130000", "130100", "130121")}
    hebei = _org(
        "河北省应急管理厅",
        org_type=OrgType.AGENCY,
        level=AgencyLevel.PROVINCIAL,
        region=region["130000"],
        parent=ministry,
    )
    shijiazhuang = _org(
        "石家庄市应急管理局",
        org_type=OrgType.AGENCY,
        level=AgencyLevel.CITY,
        region=region["130100"],
        parent=hebei,
    )
    jingxing = _org(
        "井陉县应急管理局",
        org_type=OrgType.AGENCY,
        level=AgencyLevel.COUNTY,
        region=region["130121"],
        parent=shijiazhuang,
    )
    return [
        _user("hebei", hebei, RoleCode.INSPECTOR, "河北监管员", password),
        _user("shijiazhuang", shijiazhuang, RoleCode.INSPECTOR, "石家庄监管员", password),
        _user("jingxing", jingxing, RoleCode.INSPECTOR, "井陉县监管员", password),
    ]
