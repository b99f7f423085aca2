"""Account administration imports (preview, then confirm; nothing is written when any row is bad).

* Accounts (system administrator): 账号, 姓名, 所属机构, 联系电话. Each row is checked by the
  same form as the 新建账号 page; the generated initial passwords are shown once.
* Role assignments (security administrator): 账号, 角色. Each row is checked by ``role_set_errors``,
  as the API and the 分配角色 page are.

Reading, stashing between preview and confirmation, and column mapping are core.importer's.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from anjian.accounts.administration import assign_roles, create_account, parse_role_codes, role_set_errors
from anjian.accounts.forms import AccountForm
from anjian.accounts.models import User
from anjian.audit.events import EventType
from anjian.audit.services import record_event
from anjian.core.importer import ImportColumn, ImportFileError, ImportReport, ImportRow, map_columns


def account_columns() -> list[ImportColumn]:
    # The Chinese titles are accepted whatever the UI language, so one template serves everyone.
    return [
        ImportColumn("username", _("账号"), True, None, aliases=("账号",)),
        ImportColumn("full_name", _("姓名"), True, None, aliases=("姓名",)),
        ImportColumn("organization", _("所属机构"), True, None, aliases=("所属机构",)),
        ImportColumn("phone", _("联系电话"), False, None, aliases=("联系电话",)),
    ]


def role_columns() -> list[ImportColumn]:
    return [
        ImportColumn("username", _("账号"), True, None, aliases=("账号",)),
        ImportColumn("roles", _("角色"), True, None, aliases=("角色",)),
    ]


def _rows(columns: list[ImportColumn], header: list[str], body: list[list[str]]) -> ImportReport:
    names = map_columns(columns, header)
    report = ImportReport(columns=names, rows=[])
    for number, values in enumerate(body, start=2):
        data = {name: (values[i] if i < len(values) else "") for i, name in enumerate(names)}
        report.rows.append(ImportRow(number=number, data=data))
    return report


def _mark_duplicates(report: ImportReport) -> None:
    seen: dict[str, int] = {}
    for row in report.rows:
        key = row.data.get("username", "").strip().casefold()
        if key and key in seen:
            row.errors.append(_("账号与第 %(row)d 行重复。") % {"row": seen[key]})
        elif key:
            seen[key] = row.number


def _field_errors(form: AccountForm) -> list[str]:
    """Each message prefixed with its column, in the order of the columns."""
    messages: list[str] = [str(error) for error in form.non_field_errors()]
    for name, form_field in form.fields.items():
        messages.extend(f"{form_field.label}：{error}" for error in form.errors.get(name, []))
    return messages


def validate_accounts(header: list[str], body: list[list[str]]) -> ImportReport:
    report = _rows(account_columns(), header, body)
    for row in report.rows:
        form = AccountForm(data=row.data)
        if form.is_valid():
            row.instance = form.cleaned_data
        else:
            row.errors = _field_errors(form)
    _mark_duplicates(report)
    return report


@transaction.atomic
def apply_accounts(
    actor: Any, report: ImportReport, *, request: HttpRequest | None = None
) -> list[tuple[User, str]]:
    """Create every account of a report without errors; all or nothing. Returns (account, initial
    password) pairs, to show once."""
    if report.bad:
        raise ImportFileError(_("文件中有 %(n)d 行错误，未导入任何数据。") % {"n": len(report.bad)})
    created = []
    for row in report.rows:
        data = row.instance
        try:
            created.append(
                create_account(
                    actor,
                    data["username"],
                    data["full_name"],
                    data["organization"],
                    data["phone"],
                    request=request,
                )
            )
        except ValidationError as e:  # e.g. the account was created meanwhile
            raise ImportFileError(
                _("第 %(row)d 行：%(errors)s") % {"row": row.number, "errors": "；".join(e.messages)}
            ) from e
    record_event(
        EventType.IMPORT,
        request=request,
        user=actor,
        details={"model": "accounts.user", "rows": len(created), "skipped": 0},
    )
    return created


def validate_roles(actor: Any, header: list[str], body: list[list[str]]) -> ImportReport:
    report = _rows(role_columns(), header, body)
    usernames = [row.data["username"].strip() for row in report.rows]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    for row in report.rows:
        username = row.data["username"].strip()
        user = users.get(username)
        if not username:
            row.errors.append(_("账号：请填写账号。"))
        elif user is None:
            row.errors.append(_("账号：账号“%(username)s”不存在。") % {"username": username})
        elif user.pk == actor.pk:
            row.errors.append(_("不能修改自己的角色或数据范围。"))
        codes = parse_role_codes(row.data["roles"])
        if not codes:
            row.errors.append(_("角色：请填写角色。"))
        row.errors.extend(_("角色：%(error)s") % {"error": error} for error in role_set_errors(codes))
        if not row.errors:
            row.instance = (user, codes)
    _mark_duplicates(report)
    return report


@transaction.atomic
def apply_roles(actor: Any, report: ImportReport, *, request: HttpRequest | None = None) -> int:
    """Set the roles of every row (each change audited by ``assign_roles``); all or nothing."""
    if report.bad:
        raise ImportFileError(_("文件中有 %(n)d 行错误，未导入任何数据。") % {"n": len(report.bad)})
    for row in report.rows:
        user, codes = row.instance
        assign_roles(user, codes, actor=actor, request=request)
    record_event(
        EventType.IMPORT,
        request=request,
        user=actor,
        details={"model": "accounts.role_assignment", "rows": len(report.rows), "skipped": 0},
    )
    return len(report.rows)


def passwords_workbook(created: list[tuple[User, str]]) -> bytes:
    """The new accounts and their initial passwords as an XLSX file, built in memory only."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([_("账号"), _("姓名"), _("所属机构"), _("初始密码")])
    for user, password in created:
        sheet.append([user.username, user.full_name, str(user.organization or ""), password])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(columns: list[ImportColumn]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([column.label for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
