"""系统管理 pages: the organisation and user lists, and account administration under three-role
separation: the system administrator creates, disables, re-enables accounts and resets passwords;
the security administrator assigns roles and organisations; the auditor reaches none of it."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from anjian.accounts import imports
from anjian.accounts.administration import (
    assign_organization,
    assign_roles,
    create_account,
    reset_password,
    set_account_active,
)
from anjian.accounts.filtersets import OrganizationFilterSet, UserFilterSet
from anjian.accounts.forms import AccountForm, RoleAssignmentForm, add_service_errors
from anjian.accounts.models import Organization, User
from anjian.accounts.tables import OrganizationTable, UserTable
from anjian.core import importer
from anjian.core.views import ReferenceListView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OrganizationListView(ReferenceListView):
    title = gettext_lazy("机构")
    perm = "accounts.view_organization"
    filterset = OrganizationFilterSet
    table = OrganizationTable

    @staticmethod
    def queryset(user: Any) -> Any:
        return Organization.objects.visible_to(user).select_related("region")


class UserListView(ReferenceListView):
    title = gettext_lazy("用户")
    perm = "accounts.view_user"
    filterset = UserFilterSet
    template_name = "accounts/user_list.html"

    @staticmethod
    def queryset(user: Any) -> Any:
        return User.objects.visible_to(user).select_related("organization").prefetch_related("roles")

    def table(self, queryset: Any) -> UserTable:
        user = self.request.user
        administers = user.has_perm("accounts.manage_users") or user.has_perm("accounts.manage_roles")
        return UserTable(queryset, exclude=() if administers else ("actions",))

    def extra_context(self, filterset: Any) -> dict[str, Any]:
        user = self.request.user
        return {
            "can_manage_users": user.has_perm("accounts.manage_users"),
            "can_manage_roles": user.has_perm("accounts.manage_roles"),
        }


class AdministrationView(LoginRequiredMixin, View):
    """A page of one administrator role: any other user gets 403."""

    permission = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def target(self, pk: int) -> User:
        user: User = get_object_or_404(User.objects.visible_to(self.request.user), pk=pk)
        return user


def password_page(request: HttpRequest, title: str, user: User, password: str) -> HttpResponse:
    """The one page that shows an initial password; it must not be kept by any cache."""
    response = render(
        request, "accounts/initial_password.html", {"title": title, "account": user, "password": password}
    )
    add_never_cache_headers(response)
    return response


class AccountCreateView(AdministrationView):
    permission = "accounts.manage_users"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/account_form.html", {"form": AccountForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AccountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, password = create_account(
                    request.user,
                    data["username"],
                    data["full_name"],
                    data["organization"],
                    data["phone"],
                    request=request,
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                return password_page(request, _("账号已创建"), user, password)
        return render(request, "accounts/account_form.html", {"form": form}, status=400)


class AccountActiveView(AdministrationView):
    permission = "accounts.manage_users"
    active = True

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = self.target(pk)
        try:
            changed = set_account_active(request.user, user, self.active, request=request)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            if changed and self.active:
                messages.success(request, _("已启用账号：%(username)s") % {"username": user.username})
            elif changed:
                messages.success(request, _("已停用账号：%(username)s") % {"username": user.username})
        return redirect("accounts:user_list")


class PasswordResetView(AdministrationView):
    permission = "accounts.manage_users"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = self.target(pk)
        try:
            password = reset_password(request.user, user, request=request)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return redirect("accounts:user_list")
        return password_page(request, _("密码已重置"), user, password)


class RoleAssignView(AdministrationView):
    permission = "accounts.manage_roles"

    def render_form(self, form: RoleAssignmentForm, user: User, status: int = 200) -> HttpResponse:
        return render(self.request, "accounts/role_form.html", {"form": form, "account": user}, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = self.target(pk)
        form = RoleAssignmentForm(
            initial={"roles": sorted(user.role_codes), "organization": user.organization}
        )
        return self.render_form(form, user)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = self.target(pk)
        form = RoleAssignmentForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    assign_roles(user, form.cleaned_data["roles"], actor=request.user, request=request)
                    assign_organization(
                        user, form.cleaned_data["organization"], actor=request.user, request=request
                    )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(
                    request, _("已保存角色与数据范围：%(username)s") % {"username": user.username}
                )
                return redirect("accounts:user_list")
        return self.render_form(form, user, status=400)


class ImportPage(AdministrationView):
    """Upload, preview (nothing written), confirm (all rows or none)."""

    title: Any = ""
    template_prefix = ""
    intro: Any = ""

    def columns(self) -> list[importer.ImportColumn]:
        raise NotImplementedError

    def validate(self, header: list[str], body: list[list[str]]) -> importer.ImportReport:
        raise NotImplementedError

    def apply(self, report: importer.ImportReport) -> HttpResponse:
        raise NotImplementedError

    def page(self, status: int = 200, **context: Any) -> HttpResponse:
        context = {"title": self.title, "intro": self.intro, "columns": self.columns(), **context}
        return render(self.request, "accounts/import.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("template"):
            response = HttpResponse(imports.template_workbook(self.columns()), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{self.template_prefix}-template.xlsx"'
            return response
        return self.page()

    def post(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        try:
            if token:
                header, body = importer.unstash(request.user, token)
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise importer.ImportFileError(_("请选择要导入的文件。"))
                header, body = importer.read_table(upload)
            # Validated again at confirmation: the accounts may have changed since the preview.
            report = self.validate(header, body)
        except importer.ImportFileError as e:
            return self.page(status=400, file_error=str(e))
        if not token:
            return self.page(report=report, token=importer.stash(request.user, header, body))
        if report.bad:
            error = _("文件中有 %(n)d 行错误，未导入任何数据。") % {"n": len(report.bad)}
            return self.page(status=400, report=report, token=token, file_error=error)
        try:
            response = self.apply(report)
        except importer.ImportFileError as e:
            return self.page(status=400, report=report, token=token, file_error=str(e))
        importer.discard(token)
        return response


class AccountImportView(ImportPage):
    permission = "accounts.manage_users"
    title = gettext_lazy("批量导入账号")
    template_prefix = "accounts"
    intro = gettext_lazy(
        "每行一个账号。所属机构填写机构名称。新账号没有角色（由安全管理员分配），"
        "初始密码由系统生成，只在导入结果页显示一次，首次登录时必须修改。"
    )

    def columns(self) -> list[importer.ImportColumn]:
        return imports.account_columns()

    def validate(self, header: list[str], body: list[list[str]]) -> importer.ImportReport:
        return imports.validate_accounts(header, body)

    def apply(self, report: importer.ImportReport) -> HttpResponse:
        created = imports.apply_accounts(self.request.user, report, request=self.request)
        workbook = base64.b64encode(imports.passwords_workbook(created)).decode()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = render(
            self.request,
            "accounts/import_passwords.html",
            {
                "created": created,
                "download_url": f"data:{XLSX};base64,{workbook}",
                "download_name": f"initial-passwords-{stamp}.xlsx",
            },
        )
        add_never_cache_headers(response)
        return response


class RoleImportView(ImportPage):
    permission = "accounts.manage_roles"
    title = gettext_lazy("批量分配角色")
    template_prefix = "roles"
    intro = gettext_lazy(
        "每行一个账号。角色填写角色代码或中文名称，多个角色用顿号或逗号分隔；该账号的角色将被设为所列角色。"
        "三员分立：系统管理员、安全管理员、安全审计员互斥，且不得与业务角色兼任。"
    )

    def columns(self) -> list[importer.ImportColumn]:
        return imports.role_columns()

    def validate(self, header: list[str], body: list[list[str]]) -> importer.ImportReport:
        return imports.validate_roles(self.request.user, header, body)

    def apply(self, report: importer.ImportReport) -> HttpResponse:
        count = imports.apply_roles(self.request.user, report, request=self.request)
        messages.success(self.request, _("已为 %(n)d 个账号设置角色。") % {"n": count})
        return redirect("accounts:user_list")
