"""Generated test cases for registered models (NetBox ``utilities/testing``).

A model's tests declare their data and inherit dozens of honest tests:

    class EnterpriseViewTest(ViewTestCases.PrimaryObjectViewTestCase):
        spec = enterprise_spec

        @classmethod
        def make_objects(cls):   # three in the user's scope (Beijing), three outside (Shanghai)
            ...
        form_data = {...}        # a valid new object inside the scope
        import_rows = [...]      # valid rows for an import file
        filter_params = {...}    # one value per filter: each must narrow the list

The acting user is a Beijing provincial inspector; ``other`` objects belong to Shanghai and must
answer 404 to every page and endpoint, and never appear in lists or exports.
"""

from __future__ import annotations

import csv
import io
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from anjian.accounts.models import AgencyLevel, APIToken, Organization, OrgType, Role, User
from anjian.accounts.roles import RoleCode
from anjian.audit.models import ChangeAction, ObjectChange
from anjian.core.registry import ModelSpec
from anjian.regions.models import Region

PASSWORD = "Test-Pass-2026"


def make_org(
    name: str, region: str | None, *, level: str = AgencyLevel.PROVINCIAL, **fields: Any
) -> Organization:
    org, _ = Organization.objects.get_or_create(
        name=name,
        defaults={
            "org_type": fields.pop("org_type", OrgType.AGENCY),
            "level": level,
            "region": Region.objects.get(code=region) if region else None,
            **fields,
        },
    )
    return org


def make_user(username: str, org: Organization | None, *roles: str) -> User:
    user: User = User.objects.create_user(username=username, password=PASSWORD, organization=org)
    user.roles.set(Role.objects.filter(code__in=roles))
    return user


def provincial_inspector(username: str, province: str) -> User:
    org = make_org(f"{province} 应急管理厅（测试）", province)
    return make_user(username, org, RoleCode.INSPECTOR)


def _form_errors(response: Any) -> Any:
    context = getattr(response, "context", None)
    return context["form"].errors if context and "form" in context else None


class ScopedTestCase(TestCase):
    """The acting user ``user`` is a Beijing inspector; ``objects`` are in scope, ``others`` not."""

    spec: ClassVar[ModelSpec]
    user: ClassVar[User]
    objects: ClassVar[list[Any]]
    others: ClassVar[list[Any]]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        raise NotImplementedError("declare make_objects(): (in-scope objects, out-of-scope objects)")

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("test_beijing", "110000")
        cls.objects, cls.others = cls.make_objects()

    def url(self, view: str, obj: Any = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(self.spec.url_name(view), args=args)

    def changes_for(self, obj: Any, action: str) -> int:
        return ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.spec.model), object_id=obj.pk, action=action
        ).count()

    def reader(self, username: str = "test_leader") -> User:
        """A Beijing user whose role may only look (for 403 tests)."""
        return make_user(username, self.user.organization, RoleCode.LEADER)


class ViewTestCases:
    class ListViewTestCase(ScopedTestCase):
        filter_params: ClassVar[dict[str, str]] = {}

        def test_list_requires_login(self) -> None:
            response = self.client.get(self.url("list"))
            self.assertEqual(response.status_code, 302)

        def test_list_shows_only_objects_in_scope(self) -> None:
            self.client.force_login(self.user)
            response = self.client.get(self.url("list"))
            self.assertEqual(response.status_code, 200)
            for obj in self.objects:
                self.assertContains(response, str(obj))
            for obj in self.others:
                self.assertNotContains(response, str(obj))

        def test_list_filters_narrow_the_list(self) -> None:
            self.client.force_login(self.user)
            full = self.client.get(self.url("list")).context["table"].paginator.count
            for name, value in self.filter_params.items():
                with self.subTest(filter=name):
                    response = self.client.get(self.url("list"), {name: value})
                    self.assertEqual(response.status_code, 200)
                    count = response.context["table"].paginator.count
                    self.assertGreaterEqual(count, 1, f"filter {name}={value} matched nothing")
                    self.assertLess(count, full, f"filter {name}={value} did not narrow the list")

        def test_htmx_request_returns_only_the_table(self) -> None:
            self.client.force_login(self.user)
            response = self.client.get(
                self.url("list"), headers={"HX-Request": "true", "HX-Target": "object-table"}
            )
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, 'id="object-table"')
            self.assertNotContains(response, "<html")

    class DetailViewTestCase(ScopedTestCase):
        def test_detail_in_scope(self) -> None:
            self.client.force_login(self.user)
            response = self.client.get(self.url("detail", self.objects[0]))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, str(self.objects[0]))

        def test_detail_out_of_scope_is_404(self) -> None:
            self.client.force_login(self.user)
            self.assertEqual(self.client.get(self.url("detail", self.others[0])).status_code, 404)

    class CreateViewTestCase(ScopedTestCase):
        form_data: ClassVar[dict[str, Any]]

        def test_create(self) -> None:
            self.client.force_login(self.user)
            before = self.spec.model.objects.count()
            response = self.client.post(self.url("add"), self.form_data)
            self.assertEqual(response.status_code, 302, _form_errors(response))
            self.assertEqual(self.spec.model.objects.count(), before + 1)
            obj = self.spec.model.objects.latest("pk")
            self.assertEqual(obj.version, 1)
            self.assertEqual(obj.created_by, self.user)
            self.assertEqual(self.changes_for(obj, ChangeAction.CREATE), 1)

        def test_create_with_empty_form_writes_nothing(self) -> None:
            self.client.force_login(self.user)
            before = self.spec.model.objects.count()
            response = self.client.post(self.url("add"), {})
            self.assertEqual(response.status_code, 400)
            self.assertEqual(self.spec.model.objects.count(), before)

        def test_create_needs_the_role(self) -> None:
            self.client.force_login(self.reader())
            self.assertEqual(self.client.get(self.url("add")).status_code, 403)
            before = self.spec.model.objects.count()
            self.assertEqual(self.client.post(self.url("add"), self.form_data).status_code, 403)
            self.assertEqual(self.spec.model.objects.count(), before)

    class EditViewTestCase(ScopedTestCase):
        edit_data: ClassVar[dict[str, Any]]

        def get_edit_data(self, obj: Any) -> dict[str, Any]:
            """The form data that edits ``obj`` (override when it depends on the object)."""
            return dict(self.edit_data)

        def test_edit(self) -> None:
            self.client.force_login(self.user)
            obj = self.objects[0]
            self.assertEqual(self.client.get(self.url("edit", obj)).status_code, 200)
            response = self.client.post(self.url("edit", obj), self.get_edit_data(obj))
            self.assertEqual(response.status_code, 302, _form_errors(response))
            obj.refresh_from_db()
            self.assertEqual(obj.version, 2)
            self.assertEqual(self.changes_for(obj, ChangeAction.UPDATE), 1)

        def test_edit_out_of_scope_is_404(self) -> None:
            self.client.force_login(self.user)
            other = self.others[0]
            self.assertEqual(self.client.get(self.url("edit", other)).status_code, 404)
            self.assertEqual(
                self.client.post(self.url("edit", other), self.get_edit_data(other)).status_code, 404
            )
            other.refresh_from_db()
            self.assertEqual(other.version, 1)

    class DeleteViewTestCase(ScopedTestCase):
        def test_delete(self) -> None:
            self.client.force_login(self.user)
            obj = self.objects[-1]
            self.assertEqual(self.client.get(self.url("delete", obj)).status_code, 200)
            self.assertEqual(self.client.post(self.url("delete", obj)).status_code, 302)
            self.assertFalse(self.spec.model.objects.filter(pk=obj.pk).exists())
            self.assertEqual(self.changes_for(obj, ChangeAction.DELETE), 1)

        def test_delete_out_of_scope_is_404(self) -> None:
            self.client.force_login(self.user)
            other = self.others[-1]
            self.assertEqual(self.client.get(self.url("delete", other)).status_code, 404)
            self.assertEqual(self.client.post(self.url("delete", other)).status_code, 404)
            self.assertTrue(self.spec.model.objects.filter(pk=other.pk).exists())

    class ExportViewTestCase(ScopedTestCase):
        def test_export_xlsx_holds_only_objects_in_scope(self) -> None:
            self.client.force_login(self.user)
            response = self.client.get(self.url("export"), {"export": "xlsx"})
            self.assertEqual(response.status_code, 200)
            sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
            cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row}
            for obj in self.objects:
                self.assertIn(str(obj), cells)
            for obj in self.others:
                self.assertNotIn(str(obj), cells)

        def test_export_csv(self) -> None:
            self.client.force_login(self.user)
            response = self.client.get(self.url("export"), {"export": "csv"})
            self.assertEqual(response.status_code, 200)
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            self.assertEqual(len(rows), len(self.objects) + 1)

    class ImportViewTestCase(ScopedTestCase):
        import_rows: ClassVar[list[dict[str, str]]]

        def import_file(self, rows: list[dict[str, str]], name: str = "import.csv") -> SimpleUploadedFile:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")

        def test_import_previews_then_writes(self) -> None:
            self.client.force_login(self.user)
            before = self.spec.model.objects.count()
            response = self.client.post(self.url("import"), {"file": self.import_file(self.import_rows)})
            self.assertEqual(response.status_code, 200)
            report = response.context["report"]
            self.assertEqual([r.errors for r in report.bad], [])
            self.assertEqual(self.spec.model.objects.count(), before, "the preview must not write")
            response = self.client.post(self.url("import"), {"token": response.context["token"]})
            self.assertEqual(response.status_code, 302)
            self.assertEqual(self.spec.model.objects.count(), before + len(self.import_rows))

        def test_import_template_download(self) -> None:
            self.client.force_login(self.user)
            response = self.client.get(self.url("import"), {"template": "1"})
            self.assertEqual(response.status_code, 200)
            header = next(
                load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
            )
            self.assertTrue(all(header))

    class PrimaryObjectViewTestCase(
        ListViewTestCase,
        DetailViewTestCase,
        CreateViewTestCase,
        EditViewTestCase,
        DeleteViewTestCase,
        ExportViewTestCase,
        ImportViewTestCase,
    ):
        pass


class APIViewTestCases:
    class APITestCase(ScopedTestCase):
        api_create_data: ClassVar[dict[str, Any]]
        api_update_data: ClassVar[dict[str, Any]]
        api_invalid_data: ClassVar[dict[str, Any]]
        filter_params: ClassVar[dict[str, str]] = {}

        def setUp(self) -> None:
            self.api = APIClient()
            _token, key = APIToken.issue(self.user)
            self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

        def api_url(self, obj: Any = None) -> str:
            if obj is None:
                return reverse(f"api:{self.spec.model_name}-list")
            return reverse(f"api:{self.spec.model_name}-detail", args=[obj.pk])

        def test_api_requires_authentication(self) -> None:
            self.assertEqual(APIClient().get(self.api_url()).status_code, 401)

        def test_api_list_only_in_scope(self) -> None:
            response = self.api.get(self.api_url())
            self.assertEqual(response.status_code, 200)
            body = response.json()
            self.assertEqual(set(body), {"count", "next", "previous", "results"})
            ids = {row["id"] for row in body["results"]}
            self.assertEqual(ids, {obj.pk for obj in self.objects})

        def test_api_filters_narrow_the_list(self) -> None:
            for name, value in self.filter_params.items():
                with self.subTest(filter=name):
                    response = self.api.get(self.api_url(), {name: value})
                    self.assertEqual(response.status_code, 200)
                    self.assertGreaterEqual(response.json()["count"], 1)
                    self.assertLess(response.json()["count"], len(self.objects))

        def test_api_retrieve(self) -> None:
            response = self.api.get(self.api_url(self.objects[0]))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json()["uid"], str(self.objects[0].uid))

        def test_api_retrieve_out_of_scope_is_404(self) -> None:
            self.assertEqual(self.api.get(self.api_url(self.others[0])).status_code, 404)

        def test_api_create(self) -> None:
            before = self.spec.model.objects.count()
            response = self.api.post(self.api_url(), self.api_create_data, format="json")
            self.assertEqual(response.status_code, 201, response.content.decode())
            self.assertEqual(self.spec.model.objects.count(), before + 1)
            obj = self.spec.model.objects.get(pk=response.json()["id"])
            self.assertEqual(self.changes_for(obj, ChangeAction.CREATE), 1)

        def test_api_create_invalid_is_400_and_writes_nothing(self) -> None:
            before = self.spec.model.objects.count()
            response = self.api.post(self.api_url(), self.api_invalid_data, format="json")
            self.assertEqual(response.status_code, 400)
            self.assertTrue(set(response.json()) & set(self.api_invalid_data), response.json())
            self.assertEqual(self.spec.model.objects.count(), before)

        def test_api_update(self) -> None:
            obj = self.objects[0]
            response = self.api.patch(self.api_url(obj), self.api_update_data, format="json")
            self.assertEqual(response.status_code, 200, response.content.decode())
            obj.refresh_from_db()
            self.assertEqual(obj.version, 2)

        def test_api_update_out_of_scope_is_404(self) -> None:
            other = self.others[0]
            response = self.api.patch(self.api_url(other), self.api_update_data, format="json")
            self.assertEqual(response.status_code, 404)
            other.refresh_from_db()
            self.assertEqual(other.version, 1)

        def test_api_delete(self) -> None:
            obj = self.objects[-1]
            self.assertEqual(self.api.delete(self.api_url(obj)).status_code, 204)
            self.assertFalse(self.spec.model.objects.filter(pk=obj.pk).exists())

        def test_api_delete_out_of_scope_is_404(self) -> None:
            other = self.others[-1]
            self.assertEqual(self.api.delete(self.api_url(other)).status_code, 404)
            self.assertTrue(self.spec.model.objects.filter(pk=other.pk).exists())

        def test_api_write_needs_the_role(self) -> None:
            api = APIClient()
            api.force_authenticate(self.reader())
            self.assertEqual(api.get(self.api_url(self.objects[0])).status_code, 200)
            self.assertEqual(api.post(self.api_url(), self.api_create_data, format="json").status_code, 403)
            self.assertEqual(api.delete(self.api_url(self.objects[0])).status_code, 403)
