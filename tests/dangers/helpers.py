"""Shared test data: Beijing and Shanghai enterprises, their regulators and enterprise users,
and hidden dangers in a chosen state."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.accounts.models import AgencyLevel, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.attachments import add_attachment
from anjian.core.testing import make_org, make_user
from anjian.dangers.models import MAJOR_REPORT_FIELDS, ChecklistItem, HiddenDanger
from anjian.dangers.services import save_danger
from anjian.enterprises.models import Enterprise

MAJOR_CONTENTS = {name: f"{name} 的内容" for name in MAJOR_REPORT_FIELDS}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def danger(
    enterprise: Enterprise,
    place: str = "储罐区",
    *,
    description: str = "防火堤破损",
    level: str = "general",
    status: str | None = None,
    found_at: datetime.date | None = None,
    deadline: datetime.date | None = None,
    source: str = "self_check",
    user: Any = None,
    **fields: Any,
) -> HiddenDanger:
    if level == "major":
        fields = MAJOR_CONTENTS | fields
    fields = {"found_by": "张三", "responsible_person": "王五"} | fields
    item = HiddenDanger(
        enterprise=enterprise,
        place=place,
        description=description,
        level=level,
        source=source,
        found_at=found_at or days(-10),
        deadline=deadline or days(20),
        **fields,
    )
    save_danger(item, user=user)
    if status is not None:
        # A danger past rectification carries the time it was reported rectified: verification
        # evidence is what is uploaded from then on.
        rectified = timezone.now() if status in ("awaiting_verification", "closed") else None
        HiddenDanger.objects.filter(pk=item.pk).update(status=status, rectified_at=rectified)
        item.refresh_from_db()
    return item


def enterprise_user(
    enterprise: Enterprise, username: str, role: str = RoleCode.ENTERPRISE_SAFETY_OFFICER
) -> User:
    org = make_org(
        enterprise.name, enterprise.region_id, level="", org_type=OrgType.ENTERPRISE, enterprise=enterprise
    )
    return make_user(username, org, role)


def regulator(username: str, name: str, region: str, level: str, role: str = RoleCode.INSPECTOR) -> User:
    return make_user(username, make_org(name, region, level=level), role)


def county_regulator(username: str = "fangshan", region: str = "110111") -> User:
    return regulator(username, f"{region} 县级应急管理局（测试）", region, AgencyLevel.COUNTY)


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def attach_photo(item: HiddenDanger, user: Any) -> None:
    add_attachment(item, photo(), user=user, description="验收照片")


def criterion(code: str) -> ChecklistItem:
    return ChecklistItem.objects.get(code=code)
