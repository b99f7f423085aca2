"""Spreadsheet import: malformed files are refused whole with a clear message; bad rows are listed
with their reasons; nothing is written unless every row is good or the user picks the good rows."""

from __future__ import annotations

import io
import os
from typing import Any, ClassVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import Workbook

from anjian.accounts.models import User
from anjian.audit.models import ObjectChange
from anjian.core.testing import provincial_inspector
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import uscc_for

URL = reverse("enterprises:enterprise_import")
HEADER = ["统一社会信用代码", "企业名称", "所在区县", "监管行业"]


def row(n: int, region: str = "110105", sector: str = "hazchem") -> list[str]:
    return [uscc_for(region, f"9{n:07d}"), f"北京测试企业{n}有限公司", region, sector]


def csv_file(rows: list[list[str]], *, encoding: str = "utf-8", name: str = "e.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list[str]], name: str = "e.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


class ImportFileTest(TestCase):
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("bj", "110000")

    def setUp(self) -> None:
        self.client.force_login(self.user)

    def assert_file_refused(self, upload: SimpleUploadedFile, message: str) -> None:
        response = self.client.post(URL, {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, response.context["file_error"])
        self.assertContains(response, message, status_code=400)
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_xlsx_and_gbk_csv_are_read(self) -> None:
        for upload in (xlsx_file([HEADER, row(1)]), csv_file([HEADER, row(2)], encoding="gbk")):
            with self.subTest(file=upload.name):
                response = self.client.post(URL, {"file": upload})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["report"].good), 1)

    def test_columns_may_be_field_names(self) -> None:
        response = self.client.post(URL, {"file": csv_file([["uscc", "name", "region", "sector"], row(3)])})
        self.assertEqual(len(response.context["report"].good), 1)

    def test_wrong_columns(self) -> None:
        self.assert_file_refused(
            csv_file([["企业名称", "电话号码"], ["某公司", "1"]]), "无法识别的列：电话号码"
        )

    def test_missing_required_column(self) -> None:
        self.assert_file_refused(
            csv_file([["企业名称", "所在区县"], ["某公司", "110105"]]),
            "缺少必填列：统一社会信用代码、监管行业",
        )

    def test_duplicated_column(self) -> None:
        self.assert_file_refused(csv_file([[*HEADER, "name"], [*row(4), "x"]]), "列重复：name")

    def test_undecodable_csv(self) -> None:
        self.assert_file_refused(
            SimpleUploadedFile("e.csv", b"\x81\x30\xff\xfe\xfd" * 10),
            "文件编码无法识别，请使用 UTF-8 或 GBK 编码的 CSV。",
        )

    def test_empty_file(self) -> None:
        self.assert_file_refused(SimpleUploadedFile("e.csv", b""), "文件为空。")

    def test_header_only(self) -> None:
        self.assert_file_refused(csv_file([HEADER]), "文件只有表头，没有数据行。")

    def test_ten_megabytes_of_garbage(self) -> None:
        self.assert_file_refused(SimpleUploadedFile("e.csv", os.urandom(10 * 1024 * 1024)), "文件过大")

    @override_settings(IMPORT_MAX_BYTES=20 * 1024 * 1024)
    def test_binary_garbage_under_the_size_limit(self) -> None:
        self.assert_file_refused(
            SimpleUploadedFile("e.csv", os.urandom(1024 * 1024)), "CSV 文件包含二进制内容"
        )

    def test_xlsx_that_is_not_a_workbook(self) -> None:
        self.assert_file_refused(SimpleUploadedFile("e.xlsx", b"not a zip file"), "不是有效的 Excel 文件")

    def test_unsupported_extension(self) -> None:
        self.assert_file_refused(SimpleUploadedFile("e.txt", b"a,b"), "仅支持 .xlsx 或 .csv 文件。")

    @override_settings(IMPORT_MAX_ROWS=2)
    def test_too_many_rows(self) -> None:
        self.assert_file_refused(
            csv_file([HEADER, row(1), row(2), row(3)]), "数据行过多（3 行），单次最多导入 2 行。"
        )

    def test_no_file(self) -> None:
        response = self.client.post(URL, {})
        self.assertContains(response, "请选择要导入的文件。", status_code=400)


class ImportRowsTest(TestCase):
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("bj", "110000")

    def setUp(self) -> None:
        self.client.force_login(self.user)

    def preview(self, rows: list[list[str]]) -> Any:
        response = self.client.post(URL, {"file": csv_file([HEADER, *rows])})
        self.assertEqual(response.status_code, 200)
        return response

    def test_bad_rows_are_listed_with_row_number_and_reason(self) -> None:
        bad_check = row(2)
        bad_check[0] = bad_check[0][:17] + ("0" if bad_check[0][17] != "0" else "1")
        response = self.preview([row(1), bad_check, row(3, region="310115"), row(1)])
        report = response.context["report"]
        self.assertEqual([r.number for r in report.bad], [3, 4, 5])
        self.assertIn("统一社会信用代码：统一社会信用代码校验位错误", report.bad[0].errors[0])
        self.assertEqual(report.bad[1].errors, ["所在区县：310115（上海市浦东新区）不在您的管辖范围内。"])
        self.assertEqual(report.bad[2].errors, ["与第 2 行重复。"])
        self.assertContains(response, "仅导入有效的 1 行")
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_confirm_without_choosing_good_rows_writes_nothing(self) -> None:
        response = self.preview([row(1), row(2, region="310115")])
        token = response.context["token"]
        response = self.client.post(URL, {"token": token})
        self.assertContains(response, "文件中有 1 行错误，未导入任何数据。", status_code=400)
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_importing_only_the_good_rows(self) -> None:
        response = self.preview([row(1), row(2, region="310115"), row(3)])
        token = response.context["token"]
        response = self.client.post(URL, {"token": token, "only_valid": "1"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Enterprise.objects.count(), 2)
        self.assertEqual(ObjectChange.objects.filter(action="create").count(), 2)
        self.assertTrue(all(e.created_by == self.user for e in Enterprise.objects.all()))

    def test_a_token_is_used_once_and_only_by_its_owner(self) -> None:
        token = self.preview([row(1)]).context["token"]
        other = provincial_inspector("bj2", "110000")
        self.client.force_login(other)
        response = self.client.post(URL, {"token": token})
        self.assertContains(response, "导入会话已失效，请重新上传文件。", status_code=400)
        self.client.force_login(self.user)
        self.assertEqual(self.client.post(URL, {"token": token}).status_code, 302)
        response = self.client.post(URL, {"token": token})
        self.assertContains(response, "导入会话已失效，请重新上传文件。", status_code=400)
        self.assertEqual(Enterprise.objects.count(), 1)

    def test_rows_that_became_invalid_after_the_preview_are_shown_again(self) -> None:
        token = self.preview([row(1), row(2)]).context["token"]
        Enterprise.objects.create(
            uscc=row(2)[0],
            name="抢先登记",
            region_id="110105",
            sector="hazchem",
            source_node="000000",
            version=1,
        )
        response = self.client.post(URL, {"token": token})
        self.assertContains(response, "文件中有 1 行错误，未导入任何数据。", status_code=400)
        self.assertContains(response, "该统一社会信用代码已登记", status_code=400)
        self.assertEqual(Enterprise.objects.count(), 1)


class ImportCellValuesTest(TestCase):
    """Cells may hold the Chinese labels people see on screen, and 是/否 for yes/no columns."""

    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("bj", "110000")

    def setUp(self) -> None:
        self.client.force_login(self.user)

    def test_choice_labels_and_yes_no(self) -> None:
        header = [*HEADER, "经营状态", "校验位人工核准"]
        rows = [[*row(1, sector="危险化学品"), "停产停业", "否"], [*row(2), "在营", "0"]]
        response = self.client.post(URL, {"file": csv_file([header, *rows])})
        report = response.context["report"]
        self.assertEqual([r.errors for r in report.rows], [[], []])
        self.client.post(URL, {"token": response.context["token"]})
        first = Enterprise.objects.get(name="北京测试企业1有限公司")
        self.assertEqual((first.sector, first.status, first.uscc_override), ("hazchem", "suspended", False))

    def test_a_yes_no_cell_with_another_word_is_an_error(self) -> None:
        header = [*HEADER, "校验位人工核准"]
        response = self.client.post(URL, {"file": csv_file([header, [*row(1), "也许"]])})
        self.assertIn(
            "校验位人工核准：应填写“是”或“否”，而不是“也许”。", response.context["report"].bad[0].errors
        )


class PendingImportFilesTest(TestCase):
    def test_previews_are_private_and_abandoned_ones_are_pruned(self) -> None:
        import os
        import time

        from anjian.core import importer

        user = provincial_inspector("bj", "110000")
        old = importer.stash(user, ["a"], [["1"]])
        old_path = importer._pending_dir() / f"{old}.json"
        self.assertEqual(os.stat(old_path).st_mode & 0o777, 0o600)
        stale = time.time() - (importer.PENDING_HOURS + 1) * 3600
        os.utime(old_path, (stale, stale))
        new = importer.stash(user, ["a"], [["2"]])
        self.assertFalse(old_path.exists())
        self.assertEqual(importer.unstash(user, new), (["a"], [["2"]]))
        importer.discard(new)
