"""Attachments: checked uploads, scoped downloads (404 and an audit event outside the scope)."""

from __future__ import annotations

import io
import tempfile
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import Workbook

from anjian.accounts.models import User
from anjian.accounts.roles import RoleCode
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.crypto import digest
from anjian.core.models import Attachment
from anjian.core.testing import make_user, provincial_inspector
from anjian.core.uploads import validate_document
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import sample_enterprises

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


class UploadValidatorTest(TestCase):
    def check(self, name: str, content: bytes) -> str | None:
        try:
            validate_document(SimpleUploadedFile(name, content))
        except ValidationError as e:
            return e.messages[0]
        return None

    def test_real_files_pass(self) -> None:
        self.assertIsNone(self.check("licence.pdf", PDF))
        self.assertIsNone(self.check("photo.PNG", PNG))
        self.assertIsNone(self.check("list.xlsx", xlsx_bytes()))

    def test_content_must_match_the_extension(self) -> None:
        self.assertEqual(
            self.check("licence.pdf", PNG), "文件内容与扩展名 .pdf 不符，请上传真实的 .pdf 文件。"
        )
        self.assertEqual(
            self.check("list.xlsx", b"PK\x03\x04 not really"),
            "文件内容与扩展名 .xlsx 不符，请上传真实的 .xlsx 文件。",
        )
        self.assertEqual(
            self.check("report.docx", xlsx_bytes()), "文件内容与扩展名 .docx 不符，请上传真实的 .docx 文件。"
        )

    def test_type_and_size(self) -> None:
        self.assertIn("不支持的文件类型 .exe", self.check("tool.exe", b"MZ") or "")
        self.assertEqual(self.check("empty.pdf", b""), "文件为空。")
        with override_settings(UPLOAD_MAX_BYTES=10):
            self.assertIn("文件过大", self.check("big.pdf", PDF) or "")


class AttachmentViewsTest(TestCase):
    beijing_objects: ClassVar[list[Enterprise]]
    shanghai_objects: ClassVar[list[Enterprise]]
    user: ClassVar[User]
    shanghai: ClassVar[User]
    leader: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing_objects, cls.shanghai_objects = sample_enterprises()
        cls.user = provincial_inspector("bj", "110000")
        cls.shanghai = provincial_inspector("sh", "310000")
        cls.leader = make_user("leader", cls.user.organization, RoleCode.LEADER)

    def setUp(self) -> None:
        self.media = tempfile.TemporaryDirectory()
        self.settings_override = override_settings(MEDIA_ROOT=self.media.name)
        self.settings_override.enable()
        self.obj = self.beijing_objects[0]

    def tearDown(self) -> None:
        self.settings_override.disable()
        self.media.cleanup()

    def upload(self, name: str, content: bytes) -> Any:
        url = reverse("core:attachment_upload", args=["enterprises", "enterprise", self.obj.pk])
        return self.client.post(
            url, {"file": SimpleUploadedFile(name, content), "description": "营业执照"}, follow=True
        )

    def test_upload_list_and_download(self) -> None:
        self.client.force_login(self.user)
        response = self.upload("营业执照.pdf", PDF)
        self.assertContains(response, "已上传：营业执照.pdf")
        attachment = Attachment.objects.get()
        self.assertEqual((attachment.size, attachment.digest), (len(PDF), digest(PDF)))
        self.assertContains(self.client.get(self.obj.get_absolute_url()), "营业执照.pdf")
        download = self.client.get(reverse("core:attachment_download", args=[attachment.pk]))
        self.assertEqual(b"".join(download.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.DOWNLOAD, object_id=str(attachment.pk)).exists()
        )

    def test_a_file_that_is_not_what_it_says_is_refused(self) -> None:
        self.client.force_login(self.user)
        response = self.upload("营业执照.pdf", PNG)
        self.assertContains(response, "文件内容与扩展名 .pdf 不符")
        self.assertEqual(Attachment.objects.count(), 0)

    def test_another_province_gets_404_and_an_audit_event(self) -> None:
        self.client.force_login(self.user)
        self.upload("营业执照.pdf", PDF)
        attachment = Attachment.objects.get()
        self.client.force_login(self.shanghai)
        self.assertEqual(
            self.client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code, 404
        )
        url = reverse("core:attachment_upload", args=["enterprises", "enterprise", self.obj.pk])
        self.assertEqual(self.client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("core:attachment_delete", args=[attachment.pk])).status_code, 404
        )
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED).count(), 3)
        self.assertEqual(Attachment.objects.count(), 1)

    def test_view_only_roles_download_but_do_not_upload_or_delete(self) -> None:
        self.client.force_login(self.user)
        self.upload("营业执照.pdf", PDF)
        attachment = Attachment.objects.get()
        self.client.force_login(self.leader)
        self.assertEqual(
            self.client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code, 200
        )
        url = reverse("core:attachment_upload", args=["enterprises", "enterprise", self.obj.pk])
        self.assertEqual(self.client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code, 403)
        self.assertEqual(
            self.client.post(reverse("core:attachment_delete", args=[attachment.pk])).status_code, 403
        )

    def test_delete(self) -> None:
        self.client.force_login(self.user)
        self.upload("营业执照.pdf", PDF)
        attachment = Attachment.objects.get()
        response = self.client.post(reverse("core:attachment_delete", args=[attachment.pk]), follow=True)
        self.assertContains(response, "已删除附件：营业执照.pdf")
        self.assertEqual(Attachment.objects.count(), 0)


class FileFieldDownloadTest(TestCase):
    """A record's own file field (an investigation report) downloads within the scope only."""

    def test_investigation_report_file(self) -> None:
        from django.core.files.base import ContentFile

        from anjian.accidents.models import Investigation
        from tests.accidents.helpers import new_report

        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            report = new_report("110105", deaths=3)
            investigation = Investigation(
                report=report, team_leader="组长", team_members="成员", source_node="000000", version=1
            )
            investigation.report_file.save("调查报告.pdf", ContentFile(PDF), save=False)
            investigation.save()
            beijing = provincial_inspector("bj", "110000")
            shanghai = provincial_inspector("sh", "310000")
            url = reverse(
                "core:file_field_download",
                args=["accidents", "investigation", investigation.pk, "report_file"],
            )
            self.client.force_login(beijing)
            page = self.client.get(reverse("accidents:investigation_detail", args=[investigation.pk]))
            self.assertContains(page, f'href="{url}"')
            response = self.client.get(url)
            self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
            self.client.force_login(shanghai)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.client.force_login(beijing)
            bad = reverse(
                "core:file_field_download", args=["accidents", "investigation", investigation.pk, "findings"]
            )
            self.assertEqual(self.client.get(bad).status_code, 404)
