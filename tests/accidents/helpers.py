"""Shared test data: agencies at every level in Hebei (石家庄市井陉县), Beijing and Shanghai."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from anjian.accidents.models import AccidentReport
from anjian.accidents.services import save_accident
from anjian.accounts.models import AgencyLevel, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_org, make_user
from anjian.regions.models import Region

CST = ZoneInfo("Asia/Shanghai")


def agency_user(username: str, region: str | None, level: str) -> User:
    org = make_org(f"{region or '全国'} {level} 应急管理部门（测试）", region, level=level)
    return make_user(username, org, RoleCode.INSPECTOR)


def hebei_users() -> dict[str, User]:
    return {
        "county": agency_user("jingxing", "130121", AgencyLevel.COUNTY),
        "city": agency_user("shijiazhuang", "130100", AgencyLevel.CITY),
        "province": agency_user("hebei", "130000", AgencyLevel.PROVINCIAL),
        "national": agency_user("ministry", None, AgencyLevel.NATIONAL),
    }


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CST)


def new_report(region: str = "130121", *, user: Any = None, **fields: Any) -> AccidentReport:
    values: dict[str, Any] = {
        "unit_name": "井陉县某建材有限公司",
        "sector": "industry_trade",
        "region": Region.objects.get(code=region),
        "occurred_at": timezone.now() - timedelta(minutes=30),
        "place": "厂区料仓",
        "accident_type": "collapse",
        "course": "料仓坍塌，作业人员被埋。",
        "reporter": "张三",
        "reporter_phone": "13800000000",
    }
    return save_accident(AccidentReport(**(values | fields)), user=user)
