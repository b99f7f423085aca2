"""Organisations (agencies, coal supervision, member units, enterprises, intermediaries) and users."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import ADMIN_ROLES, RoleCode
from anjian.core.fields import EncryptedCharField
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
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("初始密码或重置后的密码：下次登录时必须修改")
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``_password`` holds the raw password after set_password() until saved; Django clears it
        # before saving a mere hash upgrade, so this is a real change of password.
        changed = self._password is not None  # type: ignore[attr-defined]
        if changed:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)
        if changed and self.has_usable_password():
            PasswordHistory.remember(self)


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so that none of the last N is chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"

    @classmethod
    def remember(cls, user: User) -> None:
        cls.objects.create(user=user, password=user.password)
        stale = cls.objects.filter(user=user).values_list("pk", flat=True)[settings.PASSWORD_HISTORY_COUNT :]
        cls.objects.filter(pk__in=list(stale)).delete()


class LoginThrottle(models.Model):
    """Failed logins counted per account and per source address; reaching the limit locks the
    account or the address for a while (accounts/lockout.py)."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("账号")
        ADDRESS = "address", _("来源地址")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("账号或地址"), max_length=150)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    first_failure_at = models.DateTimeField(_("首次失败时间"), default=timezone.now)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="accounts_login_throttle_key")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class UserSession(models.Model):
    """A signed-in browser session, so that users see and end their other sessions (我的会话)."""

    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="sessions")
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近活动"), default=timezone.now)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.session_key[:8]}…"


def parse_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``10.1.0.0/16, 192.0.2.7`` as networks (a bare address is a /32 or /128)."""
    return [ipaddress.ip_network(item.strip(), strict=False) for item in value.split(",") if item.strip()]


def validate_networks(value: str) -> None:
    for item in value.split(","):
        if not item.strip():
            continue
        try:
            ipaddress.ip_network(item.strip(), strict=False)
        except ValueError as e:
            raise ValidationError(
                _("“%(item)s”不是有效的地址或网段（如 192.0.2.7 或 10.1.0.0/16）。") % {"item": item.strip()}
            ) from e


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
    allowed_ips = models.CharField(
        _("允许的来源地址"),
        max_length=500,
        blank=True,
        validators=[validate_networks],
        help_text=_("逗号分隔的地址或网段（CIDR），如 10.1.0.0/16,192.0.2.7；为空表示不限"),
    )

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.username} {self.prefix}…"

    @classmethod
    def issue(cls, user: User, *, description: str = "", **extra: Any) -> tuple[APIToken, str]:
        key = secrets.token_urlsafe(32)
        while key.startswith("-"):  # a leading dash would read as an option in ``anjian token --revoke``
            key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, prefix=key[:8], key_hash=hash_token(key), description=description, **extra
        )
        return token, key

    def allows_address(self, address: str | None) -> bool:
        """Whether a request from ``address`` may use this token (no restriction: any address)."""
        if not self.allowed_ips.strip():
            return True
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in parse_networks(self.allowed_ips))

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
