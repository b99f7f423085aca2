"""Organisations (agencies, coal supervision, member units, enterprises, intermediaries) and users."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import ADMIN_ROLES, RoleCode
from anjian.core.models import ScopedQuerySet
from anjian.industries.choices import Sector


class OrgType(models.TextChoices):
    AGENCY = "agency", _("应急管理部门")
    COAL_SUPERVISION = "coal_supervision", _("煤矿安全监察机构")
    MEMBER_UNIT = "member_unit", _("安委会成员单位")
    ENTERPRISE = "enterprise", _("生产经营单位")
    INTERMEDIARY = "intermediary", _("中介机构")


class AgencyLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


GOVERNMENT_TYPES = frozenset({OrgType.AGENCY, OrgType.COAL_SUPERVISION, OrgType.MEMBER_UNIT})


class AccountQuerySet(ScopedQuerySet):
    """Account administrators (system and security administrators) reach every account; everyone
    else sees the organisations and users within their data scope."""

    def visible_to(self, user: Any) -> Self:
        if user is not None and (
            user.has_perm("accounts.manage_users") or user.has_perm("accounts.manage_roles")
        ):
            return self.all()
        return super().visible_to(user)


class AccountManager(UserManager.from_queryset(AccountQuerySet)):  # type: ignore[misc]
    pass


class Organization(models.Model):
    """An organisation a user belongs to; its region and sectors are the users' data scope."""

    name = models.CharField(_("机构名称"), max_length=128, unique=True)
    org_type = models.CharField(_("机构类型"), max_length=20, choices=OrgType.choices)
    level = models.CharField(_("层级"), max_length=12, choices=AgencyLevel.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("管辖区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示全国"),
    )
    sectors = models.JSONField(
        _("监管行业"), default=list, blank=True, help_text=_("为空表示全部行业；煤矿安全监察机构为“煤矿”")
    )
    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("对应企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organization",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)

    objects = AccountQuerySet.as_manager()
    scope_region: ClassVar[str | None] = "region__code"
    scope_sector: ClassVar[str | None] = None
    scope_enterprise: ClassVar[str | None] = "enterprise_id"

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["org_type", "region_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_government(self) -> bool:
        return self.org_type in GOVERNMENT_TYPES

    def clean(self) -> None:
        unknown = set(self.sectors or []) - set(Sector.values)
        if unknown:
            raise ValidationError(
                {"sectors": _("未知的监管行业：%(codes)s") % {"codes": "、".join(sorted(unknown))}}
            )
        if self.org_type == OrgType.AGENCY and not self.level:
            raise ValidationError({"level": _("应急管理部门必须填写层级。")})
        if self.org_type == OrgType.ENTERPRISE and self.enterprise_id is None:
            raise ValidationError({"enterprise": _("生产经营单位必须关联企业名录中的企业。")})
        if self.level and self.level != AgencyLevel.NATIONAL and self.region_id is None:
            raise ValidationError({"region": _("省级及以下机构必须填写管辖区域。")})


class Role(models.Model):
    """A row per role of the catalogue (accounts/roles.py), so assignments are data and audited."""

    code = models.CharField(_("角色代码"), max_length=32, choices=RoleCode.choices, unique=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def is_admin_role(self) -> bool:
        return self.code in ADMIN_ROLES


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    objects: ClassVar[Any] = AccountManager()
    scope_region: ClassVar[str | None] = "organization__region__code"
    scope_sector: ClassVar[str | None] = None
    scope_enterprise: ClassVar[str | None] = "organization__enterprise_id"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        permissions = [
            ("manage_users", _("管理账号")),
            ("manage_roles", _("分配角色与数据范围")),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.roles.values_list("code", flat=True))

    @property
    def holds_admin_role(self) -> bool:
        return bool(self.role_codes & ADMIN_ROLES)


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class APIToken(models.Model):
    """An API token. Only the SHA-256 of the key is stored; the key is shown once when created."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.username} {self.prefix}…"

    @classmethod
    def issue(cls, user: User, *, description: str = "", **extra: Any) -> tuple[APIToken, str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, prefix=key[:8], key_hash=hash_token(key), description=description, **extra
        )
        return token, key

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
