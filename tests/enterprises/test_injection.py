"""Injection strings in every free-text field of the enterprise form are data, never code (issue 4,
"bad input and attacks"; MLPS level 3, 6: validity check of UI and interface input).

Each hostile string goes into every text field through the edit page (create and edit), the API
(create and update) and the import, and must come back exactly as typed: stored unchanged, shown as
escaped text on the detail, edit and list pages (never as a tag, an attribute or a script), and
returned unchanged by the API and the CSV export. A string longer than a field (``legacy_reg_no``
holds 15 characters, ``contact_phone`` 32) goes in cut to the field's length; the cut is just as
hostile (an unclosed tag or quote).

One known bug is pinned with ``expectedFailure``: the XLSX export turns text starting with ``=``
into a live spreadsheet formula (docs/security.md, G2).
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook
from rest_framework.test import APIClient

from anjian.accounts.models import User
from anjian.core.testing import provincial_inspector
from anjian.enterprises.forms import EnterpriseForm
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.regions.models import Region
from tests.enterprises.test_views import uscc_for

PAYLOADS = (
    "'; DROP TABLE enterprises_enterprise; --",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="x',
    "'><svg/onload=alert(1)>",
    "</dd></dl><b>x</b>",
    "{{ 7*7 }}",
    "{% debug %}",
    "%(x)s",
    "%s%s%n",
    "&lt;b&gt; &amp; &#x27;",
    '=HYPERLINK("http://evil.invalid","x")',
)

# Every free-text field of the form. ``uscc`` is not free text: it must pass the GB 32100 check.
TEXT_FIELDS = (
    "name",
    "address",
    "legal_representative",
    "contact_phone",
    "legacy_reg_no",
    "uscc_override_reason",
)
# Columns of the enterprise table, hence of the CSV export (legacy_reg_no and the override reason
# are not exported; the API returns them).
EXPORTED = {
    "name": "企业名称",
    "address": "地址",
    "legal_representative": "法定代表人",
    "contact_phone": "联系电话",
}
# Columns of the list page (address and contact_phone are hidden columns there).
LISTED = ("name", "legal_representative")


def max_lengths() -> dict[str, int]:
    form = EnterpriseForm(user=None)
    fields = {name: form.fields[name] for name in TEXT_FIELDS}
    return {name: int(getattr(field, "max_length", None) or 10_000) for name, field in fields.items()}


def hostile(payload: str) -> dict[str, str]:
    """The payload in every text field, cut to each field's maximum length."""
    return {name: payload[:length] for name, length in max_lengths().items()}


def form_data(uscc: str, values: dict[str, str]) -> dict[str, str]:
    return {
        "uscc": uscc,
        "region": "110105",
        "sector": "hazchem",
        "industry": "45",
        "status": "operating",
        "uscc_override": "on",  # so the override reason is also shown among the record's warnings
        **values,
    }


class Markup(HTMLParser):
    """The elements, attributes and text of a page, as a browser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.text_after: dict[int, str] = {}  # index of a start tag -> the text right after it
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        self.text_after.setdefault(len(self.tags) - 1, data)

    def shows_text(self, value: str) -> bool:
        return any(value in text for text in self.texts)

    def input_value(self, name: str) -> str | None:
        for tag, attrs in self.tags:
            if tag == "input" and attrs.get("name") == name:
                return attrs.get("value", "")
        return None


class InjectionTestCase(TestCase):
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("test_beijing", "110000")

    def setUp(self) -> None:
        self.client.force_login(self.user)
        self.api = APIClient()
        self.api.force_authenticate(self.user)

    def stored(self, obj: Enterprise) -> dict[str, str]:
        fresh = Enterprise.objects.get(pk=obj.pk)
        return {name: getattr(fresh, name) for name in TEXT_FIELDS}

    def make(self, n: int, values: dict[str, str]) -> Enterprise:
        return save_enterprise(
            Enterprise(
                uscc=uscc_for("110105", f"{90000000 + n}"),
                region=Region.objects.get(code="110105"),
                sector="hazchem",
                uscc_override=True,
                **values,
            ),
            user=self.user,
        )

    def assert_no_live_markup(self, html: str, page: str) -> Markup:
        """No injected element or attribute: the application's own pages have no inline script and
        no event-handler attribute, so any of them would come from the data."""
        markup = Markup(html)
        for index, (tag, attrs) in enumerate(markup.tags):
            handlers = [name for name in attrs if name.startswith("on")]
            self.assertEqual(handlers, [], f"event handler attribute in {page}: <{tag} {attrs}>")
            if tag == "script":
                self.assertTrue(
                    attrs.get("src") or attrs.get("type") == "application/json",
                    f"inline script in {page}: {attrs}",
                )
            self.assertFalse(tag == "img" and attrs.get("src") == "x", f"injected <img> in {page}")
            self.assertFalse(tag == "b" and markup.text_after.get(index) == "x", f"injected <b> in {page}")
        return markup

    def assert_shown_as_text(self, html: str, value: str, page: str) -> None:
        self.assertTrue(escape(value) in html, f"{value!r} not shown escaped in {page}")
        self.assertTrue(Markup(html).shows_text(value), f"{value!r} not shown as text in {page}")
        if escape(value) != value:
            self.assertFalse(value in html, f"{value!r} appears unescaped in {page}")


class FormFieldsTest(TestCase):
    def test_every_free_text_field_is_covered(self) -> None:
        form = EnterpriseForm(user=None)
        free_text = {
            name
            for name, field in form.fields.items()
            if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField)
        }
        self.assertEqual(free_text, {*TEXT_FIELDS, "uscc"})

    def test_payloads_fit_the_wide_fields_whole(self) -> None:
        lengths = max_lengths()
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                for name in ("name", "address", "legal_representative", "uscc_override_reason"):
                    self.assertEqual(hostile(payload)[name], payload)
                self.assertLessEqual(len(hostile(payload)["legacy_reg_no"]), lengths["legacy_reg_no"])


class EditPageRoundTripTest(InjectionTestCase):
    def test_create_through_the_edit_page_stores_and_shows_text(self) -> None:
        for n, payload in enumerate(PAYLOADS):
            values = hostile(payload)
            with self.subTest(payload=payload):
                uscc = uscc_for("110105", f"{91000000 + n}")
                response = self.client.post(reverse("enterprises:enterprise_add"), form_data(uscc, values))
                self.assertEqual(
                    response.status_code, 302, response.context and response.context["form"].errors
                )
                obj = Enterprise.objects.get(uscc=uscc)
                self.assertEqual(self.stored(obj), values)

                detail = self.client.get(reverse("enterprises:enterprise_detail", args=[obj.pk]))
                self.assertEqual(detail.status_code, 200)
                html = detail.content.decode()
                self.assert_no_live_markup(html, "detail page")
                for name, value in values.items():
                    self.assert_shown_as_text(html, value, f"detail page ({name})")

                edit = self.client.get(reverse("enterprises:enterprise_edit", args=[obj.pk]))
                markup = self.assert_no_live_markup(edit.content.decode(), "edit page")
                for name, value in values.items():
                    self.assertEqual(markup.input_value(name), value, f"edit page input {name}")

    def test_edit_through_the_edit_page_stores_the_text_unchanged(self) -> None:
        obj = self.make(0, {"name": "北京朝阳燃气有限公司", "uscc_override_reason": "核对营业执照"})
        for payload in PAYLOADS:
            values = hostile(payload)
            with self.subTest(payload=payload):
                response = self.client.post(
                    reverse("enterprises:enterprise_edit", args=[obj.pk]), form_data(obj.uscc, values)
                )
                self.assertEqual(
                    response.status_code, 302, response.context and response.context["form"].errors
                )
                self.assertEqual(self.stored(obj), values)

    def test_refused_input_is_echoed_escaped(self) -> None:
        """A form sent back with errors shows the hostile values in its inputs, as values."""
        values = hostile('" onmouseover="x')
        data = form_data("'; DROP TABLE enterprises_enterprise; --", values)
        before = Enterprise.objects.count()
        response = self.client.post(reverse("enterprises:enterprise_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("uscc", response.context["form"].errors)
        self.assertEqual(Enterprise.objects.count(), before)
        markup = self.assert_no_live_markup(response.content.decode(), "refused form")
        self.assertEqual(markup.input_value("uscc"), data["uscc"])
        for name, value in values.items():
            self.assertEqual(markup.input_value(name), value, f"refused form input {name}")


class ListAndExportTest(InjectionTestCase):
    records: list[tuple[Enterprise, dict[str, str]]]

    def setUp(self) -> None:
        super().setUp()
        self.records = [(self.make(n, hostile(p)), hostile(p)) for n, p in enumerate(PAYLOADS)]

    def test_list_shows_the_text_escaped(self) -> None:
        response = self.client.get(reverse("enterprises:enterprise_list"), {"per_page": 200})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assert_no_live_markup(html, "list page")
        for _obj, values in self.records:
            for name in LISTED:
                with self.subTest(payload=values[name], field=name):
                    self.assert_shown_as_text(html, values[name], f"list page ({name})")

    def test_search_for_a_payload_finds_exactly_the_records_holding_it(self) -> None:
        for payload in PAYLOADS:
            with self.subTest(payload=payload):
                expected = {obj.pk for obj, values in self.records if payload in values["name"]}
                response = self.client.get(reverse("enterprises:enterprise_list"), {"q": payload})
                self.assertEqual(response.status_code, 200)
                found = {row.record.pk for row in response.context["table"].rows}
                self.assertEqual(found, expected)
                markup = self.assert_no_live_markup(response.content.decode(), "search page")
                self.assertEqual(markup.input_value("q"), payload)
                api = self.api.get(reverse("api:enterprise-list"), {"name": payload})
                self.assertEqual({row["id"] for row in api.json()["results"]}, expected)

    def test_csv_export_returns_the_text_unchanged(self) -> None:
        response = self.client.get(reverse("enterprises:enterprise_export"), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        by_uscc = {row["统一社会信用代码"]: row for row in rows}
        for obj, values in self.records:
            with self.subTest(payload=values["name"]):
                row = by_uscc[obj.uscc]
                self.assertEqual(
                    {name: row[label] for name, label in EXPORTED.items()},
                    {name: values[name] for name in EXPORTED},
                )

    def test_xlsx_export_keeps_formula_like_text_as_text(self) -> None:
        """A text that starts with ``=`` reaches the spreadsheet as a text cell, not as a live
        formula (CWE-1236): opening the export must not run ``=HYPERLINK(...)``."""
        response = self.client.get(reverse("enterprises:enterprise_export"), {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=")]
        self.assertTrue(cells)
        self.assertEqual({cell.data_type for cell in cells}, {"s"})

    def test_the_table_survived(self) -> None:
        self.assertIn("enterprises_enterprise", connection.introspection.table_names())
        self.assertEqual(Enterprise.objects.count(), len(PAYLOADS))


class APIRoundTripTest(InjectionTestCase):
    def test_create_and_read_back_through_the_api(self) -> None:
        for n, payload in enumerate(PAYLOADS):
            values = hostile(payload)
            with self.subTest(payload=payload):
                data = {
                    "uscc": uscc_for("110105", f"{92000000 + n}"),
                    "region": "110105",
                    "sector": "hazchem",
                    "uscc_override": True,
                    **values,
                }
                response = self.api.post(reverse("api:enterprise-list"), data, format="json")
                self.assertEqual(response.status_code, 201, response.content.decode())
                body = response.json()
                self.assertEqual({name: body[name] for name in TEXT_FIELDS}, values)
                obj = Enterprise.objects.get(pk=body["id"])
                self.assertEqual(self.stored(obj), values)
                again = self.api.get(reverse("api:enterprise-detail", args=[obj.pk])).json()
                self.assertEqual({name: again[name] for name in TEXT_FIELDS}, values)

    def test_update_through_the_api(self) -> None:
        obj = self.make(0, {"name": "北京朝阳燃气有限公司", "uscc_override_reason": "核对营业执照"})
        url = reverse("api:enterprise-detail", args=[obj.pk])
        for payload in PAYLOADS:
            values = hostile(payload)
            with self.subTest(payload=payload):
                response = self.api.patch(url, values, format="json")
                self.assertEqual(response.status_code, 200, response.content.decode())
                self.assertEqual({name: response.json()[name] for name in TEXT_FIELDS}, values)
                self.assertEqual(self.stored(obj), values)

    def test_json_is_served_as_json(self) -> None:
        obj = self.make(0, hostile("<script>alert(1)</script>"))
        response = self.api.get(
            reverse("api:enterprise-detail", args=[obj.pk]), HTTP_ACCEPT="application/json"
        )
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")


class ImportRoundTripTest(InjectionTestCase):
    def test_import_stores_the_text_unchanged(self) -> None:
        rows: list[dict[str, Any]] = []
        for n, payload in enumerate(PAYLOADS):
            rows.append(
                form_data(uscc_for("110105", f"{93000000 + n}"), hostile(payload)) | {"uscc_override": "是"}
            )
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        upload = SimpleUploadedFile("import.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")
        url = reverse("enterprises:enterprise_import")
        preview = self.client.post(url, {"file": upload})
        self.assertEqual(preview.status_code, 200)
        self.assertEqual([row.errors for row in preview.context["report"].bad], [])
        self.assert_no_live_markup(preview.content.decode(), "import preview")
        self.assertEqual(self.client.post(url, {"token": preview.context["token"]}).status_code, 302)
        for row in rows:
            with self.subTest(payload=row["name"]):
                obj = Enterprise.objects.get(uscc=row["uscc"])
                self.assertEqual(self.stored(obj), {name: row[name] for name in TEXT_FIELDS})
