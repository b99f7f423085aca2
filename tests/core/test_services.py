"""The kernel's write path: versions, change log, scope re-check after save, read-only copies."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings

from anjian.accounts.models import User
from anjian.audit.models import ObjectChange
from anjian.core import importer
from anjian.core.services import OutOfScope, delete_object, save_object
from anjian.core.testing import provincial_inspector
from anjian.enterprises.models import Enterprise
from anjian.enterprises.specs import enterprise_spec
from anjian.regions.models import Region
from tests.enterprises.test_views import uscc_for


def new_enterprise(region: str = "110105", body: str = "11111111") -> Enterprise:
    return Enterprise(
        uscc=uscc_for(region, body),
        name=f"测试企业{body}",
        region=Region.objects.get(code=region),
        sector="hazchem",
    )


class SaveObjectTest(TestCase):
    beijing: ClassVar[User]
    shanghai: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing = provincial_inspector("bj", "110000")
        cls.shanghai = provincial_inspector("sh", "310000")

    def test_create_stamps_node_version_and_user_and_logs(self) -> None:
        obj = save_object(new_enterprise(), user=self.beijing)
        self.assertEqual(
            (obj.source_node, obj.version, obj.created_by, obj.updated_by),
            ("000000", 1, self.beijing, self.beijing),
        )
        change = ObjectChange.objects.get(object_id=obj.pk)
        self.assertEqual(
            (change.action, change.user, change.object_version, change.before),
            ("create", self.beijing, 1, None),
        )
        self.assertEqual((change.after or {})["uscc"], obj.uscc)
        self.assertNotIn("version", change.after or {})

    def test_update_raises_version_and_records_before_and_after(self) -> None:
        obj = save_object(new_enterprise(), user=self.beijing)
        obj.name = "改名后的企业"
        save_object(obj, user=self.beijing)
        change = ObjectChange.objects.filter(object_id=obj.pk, action="update").get()
        self.assertEqual(change.changed_fields(), [("name", "测试企业11111111", "改名后的企业")])
        self.assertEqual(obj.version, 2)

    def test_saving_without_a_change_writes_nothing(self) -> None:
        obj = save_object(new_enterprise(), user=self.beijing)
        save_object(obj, user=self.beijing)
        obj.refresh_from_db()
        self.assertEqual(obj.version, 1)
        self.assertEqual(ObjectChange.objects.filter(object_id=obj.pk).count(), 1)

    def test_moving_a_record_out_of_scope_is_rolled_back(self) -> None:
        obj = save_object(new_enterprise(), user=self.beijing)
        obj.region = Region.objects.get(code="310115")
        with self.assertRaises(OutOfScope) as e:
            save_object(obj, user=self.beijing, scope_error_field="region")
        self.assertEqual(e.exception.message_dict, {"region": ["保存后的记录不在您的管辖范围内，未保存。"]})
        obj.refresh_from_db()
        self.assertEqual((obj.region_id, obj.version), ("110105", 1))
        self.assertEqual(ObjectChange.objects.filter(object_id=obj.pk).count(), 1)

    def test_creating_outside_scope_leaves_nothing(self) -> None:
        with self.assertRaises(OutOfScope):
            save_object(new_enterprise("310115"), user=self.beijing)
        self.assertEqual(Enterprise.objects.count(), 0)
        self.assertEqual(ObjectChange.objects.count(), 0)

    def test_invalid_record_is_refused_before_writing(self) -> None:
        obj = new_enterprise()
        obj.uscc = obj.uscc[:17] + ("0" if obj.uscc[17] != "0" else "1")
        with self.assertRaises(ValidationError):
            save_object(obj, user=self.beijing)
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_copies_from_another_node_are_read_only(self) -> None:
        obj = save_object(new_enterprise(), user=self.beijing)
        Enterprise.objects.filter(pk=obj.pk).update(source_node="110000")
        obj.refresh_from_db()
        self.assertFalse(obj.is_local)
        obj.name = "本节点不得修改"
        with self.assertRaisesMessage(PermissionDenied, "该记录来自节点 110000，本节点只读，不能修改。"):
            save_object(obj, user=self.beijing)
        with self.assertRaises(PermissionDenied):
            delete_object(obj, user=self.beijing)
        self.client.force_login(self.beijing)
        self.assertEqual(self.client.get(f"/enterprises/{obj.pk}/edit/").status_code, 403)
        self.assertContains(self.client.get(f"/enterprises/{obj.pk}/"), "来自节点 110000，只读")

    @override_settings(NODE_CODE="110000")
    def test_source_node_comes_from_settings(self) -> None:
        self.assertEqual(save_object(new_enterprise(), user=self.beijing).source_node, "110000")

    def test_delete_logs_the_last_state(self) -> None:
        obj = save_object(new_enterprise(), user=self.beijing)
        pk = obj.pk
        delete_object(obj, user=self.beijing)
        change = ObjectChange.objects.get(object_id=pk, action="delete")
        self.assertEqual(((change.before or {})["name"], change.after), ("测试企业11111111", None))

    def test_import_apply_is_all_or_nothing(self) -> None:
        header = ["统一社会信用代码", "企业名称", "所在区县", "监管行业"]
        body = [
            [uscc_for("310115", "22222221"), "上海甲公司", "310115", "hazchem"],
            [uscc_for("110105", "22222222"), "北京乙公司", "110105", "hazchem"],
        ]
        report = importer.validate(enterprise_spec, self.shanghai, header, body)
        self.assertEqual(len(report.good), 1)
        # Applied by a user whose scope covers only the first row: the second fails, the first is undone.
        report = importer.validate(enterprise_spec, None, header, body)
        with self.assertRaisesMessage(importer.ImportFileError, "第 3 行"):
            importer.apply(enterprise_spec, self.shanghai, report, only_valid=False)
        self.assertEqual(Enterprise.objects.count(), 0)


class ChangeLogDisplayTest(TestCase):
    def test_changes_read_with_labels(self) -> None:
        user = provincial_inspector("bj", "110000")
        obj = save_object(new_enterprise(), user=user)
        obj.status = "suspended"
        save_object(obj, user=user)
        change = ObjectChange.objects.get(object_id=obj.pk, action="update")
        self.assertEqual(change.labelled_changes(), [("经营状态", "在营", "停产停业")])
        self.client.force_login(user)
        self.assertContains(self.client.get(f"/enterprises/{obj.pk}/"), "经营状态：在营 → 停产停业")
