"""The audit event registry (Sentry ``audit_log``): each event type is declared once with its
Chinese label; the audit list, its filter and the export read this registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import with_colors


class EventType(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKOUT = "lockout", _("账号锁定")
    OTP_FAILED = "otp_failed", _("二次认证失败")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    ROLE_CHANGE = "role_change", _("角色或数据范围变更")
    TOKEN_CREATE = "token_create", _("签发接口令牌")
    TOKEN_REVOKE = "token_revoke", _("吊销接口令牌")
    EXPORT = "export", _("数据导出")
    DOWNLOAD = "download", _("文件下载")
    IMPORT = "import", _("批量导入")
    ACCESS_DENIED = "access_denied", _("越权访问")
    CONFIG_CHANGE = "config_change", _("配置变更")
    EXCHANGE_REJECTED = "exchange_rejected", _("交换数据被拒收")
    EXCHANGE_KEY = "exchange_key", _("生成或轮换节点密钥")
    EXCHANGE_PEER = "exchange_peer", _("交换对端变更")
    AUDIT_ARCHIVE = "audit_archive", _("审计日志归档")
    ACCOUNT_CREATE = "account_create", _("创建账号")
    ACCOUNT_DISABLE = "account_disable", _("停用账号")
    ACCOUNT_ENABLE = "account_enable", _("启用账号")
    PASSWORD_RESET = "password_reset", _("重置密码")
    REGISTRATION_SUBMIT = "registration_submit", _("提交企业注册申请")
    REGISTRATION_APPROVE = "registration_approve", _("批准企业注册")
    REGISTRATION_REJECT = "registration_reject", _("驳回企业注册")


@with_colors(success="green", failure="red", denied="orange")
class EventResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")
