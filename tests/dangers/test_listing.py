"""Supervised rectification (挂牌督办): who may list, the listing's visibility down the region
tree, progress, the closure application with evidence, the review window, delisting and
rejection, and the generated listing document."""

from __future__ import annotations

import datetime
import io
from typing import Any, ClassVar

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from docx import Document

from anjian.accounts.models import AgencyLevel, User
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.core.attachments import attachments_of
from anjian.core.testing import provincial_inspector
from anjian.dangers import services
from anjian.dangers.models import DangerStatus, HiddenDanger, ListingStatus, SupervisionListing
from anjian.enterprises.models import Enterprise
from anjian.notices.models import Notice
from tests.dangers.helpers import county_regulator, danger, days, enterprise_user, photo, regulator
from tests.enterprises.test_views import enterprise, sample_enterprises

NOW = datetime.datetime(2026, 5, 4, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing


def listing_for(item: HiddenDanger, user: Any, no: str = "京应急督〔2026〕1号") -> SupervisionListing:
    return services.save_listing(
        SupervisionListing(
            danger=item,
            document_no=no,
            listed_at=days(0),
            deadline=days(60),
            requirements="停产整改\n限期完成改造",
        ),
        user=user,
    )


class ListingTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    shanghai: ClassVar[list[Enterprise]]
    province: ClassVar[User]
    shanghai_inspector: ClassVar[User]
    county: ClassVar[User]
    owner: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_enterprises()
        cls.province = provincial_inspector("bj_inspector", "110000")
        cls.shanghai_inspector = provincial_inspector("sh_inspector", "310000")
        cls.county = county_regulator()
        cls.owner = enterprise_user(cls.beijing[0], "ent_owner")

    def major(self, status: str = DangerStatus.RECTIFYING) -> HiddenDanger:
        return danger(self.beijing[0], level="major", status=status)

    def test_a_regulator_lists_a_major_danger_in_its_scope(self) -> None:
        listing = listing_for(self.major(), self.province)
        self.assertEqual(
            (listing.status, listing.authority), (ListingStatus.LISTED, self.province.organization)
        )
        self.assertEqual(listing.version, 1)

    def test_another_province_cannot_list_a_beijing_danger(self) -> None:
        item = self.major()
        with self.assertRaises(ValidationError) as caught:
            listing_for(item, self.shanghai_inspector)
        self.assertIn("不在您的管辖范围内", caught.exception.messages[0])
        self.assertFalse(SupervisionListing.objects.exists())

    def test_another_province_is_refused_on_the_page(self) -> None:
        item = self.major()
        self.client.force_login(self.shanghai_inspector)
        data = {
            "danger": item.pk,
            "document_no": "沪督1号",
            "listed_at": days(0).isoformat(),
            "deadline": days(30).isoformat(),
            "requirements": "整改",
        }
        response = self.client.post(reverse("dangers:supervisionlisting_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "只能挂牌督办您管辖范围内", status_code=400)
        self.assertFalse(SupervisionListing.objects.exists())

    def test_only_major_dangers_are_listed(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            listing_for(danger(self.beijing[0]), self.province)
        self.assertIn("只有重大隐患可以挂牌督办", caught.exception.messages[0])

    def test_no_second_listing_while_one_is_open(self) -> None:
        item = self.major()
        listing_for(item, self.province)
        with self.assertRaises(ValidationError) as caught:
            listing_for(item, self.county, "房督1号")
        self.assertIn("不能重复挂牌", caught.exception.messages[0])

    def test_deadline_before_listing_date(self) -> None:
        listing = SupervisionListing(
            danger=self.major(), document_no="x", listed_at=days(0), deadline=days(-1), requirements="x"
        )
        with self.assertRaises(ValidationError) as caught:
            services.save_listing(listing, user=self.province)
        self.assertIn("deadline", caught.exception.message_dict)

    def test_an_enterprise_cannot_list(self) -> None:
        with self.assertRaises(PermissionDenied):
            listing_for(self.major(), self.owner)
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(reverse("dangers:supervisionlisting_add")).status_code, 403)

    def test_a_city_or_county_lists_too_but_not_a_member_unit_without_level(self) -> None:
        jingxing = enterprise("井陉县恒泰化工有限公司", "130121", "hazchem", "40000001")
        city = regulator("sjz", "石家庄市应急管理局（测试）", "130100", AgencyLevel.CITY)
        item = danger(jingxing, level="major", status=DangerStatus.RECTIFYING)
        self.assertEqual(listing_for(item, city).authority, city.organization)
        flat = regulator("no_level", "无层级机构（测试）", "110000", "")
        with self.assertRaises(PermissionDenied):
            listing_for(danger(self.beijing[0], level="major", place="二号"), flat)

    def test_a_province_listing_is_visible_to_the_county_below(self) -> None:
        listing = listing_for(self.major(), self.province)
        self.assertTrue(SupervisionListing.objects.visible_to(self.county).filter(pk=listing.pk).exists())
        self.assertFalse(SupervisionListing.objects.visible_to(self.shanghai_inspector).exists())
        self.client.force_login(self.county)
        response = self.client.get(reverse("dangers:supervisionlisting_list"))
        self.assertContains(response, "京应急督〔2026〕1号")
        self.assertEqual(self.client.get(listing.get_absolute_url()).status_code, 200)
        self.client.force_login(self.shanghai_inspector)
        self.assertEqual(self.client.get(listing.get_absolute_url()).status_code, 404)

    def test_the_county_cannot_review_the_province_listing(self) -> None:
        listing = listing_for(self.major(), self.province)
        services.apply_for_closure(listing, user=self.owner, note="已完成", files=[photo()])
        with self.assertRaises(ValidationError) as caught:
            services.delist(listing, user=self.county)
        self.assertIn("须由挂牌单位或其上级审核", caught.exception.messages[0])
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.CLOSURE_APPLIED)

    def test_closure_flow_with_the_review_window(self) -> None:
        with time_machine.travel(NOW, tick=False):
            item = self.major()
            listing = listing_for(item, self.province)
            services.report_progress(listing, user=self.owner, content="设备已采购")
            self.assertEqual(listing.progress.count(), 1)
            with self.assertRaises(ValidationError) as caught:
                services.apply_for_closure(listing, user=self.owner, note="已完成")
            self.assertIn("须上传整改完成的照片", caught.exception.messages[0])
            listing.refresh_from_db()
            self.assertEqual(listing.status, ListingStatus.LISTED)
            services.apply_for_closure(listing, user=self.owner, note="已完成改造", files=[photo("a.png")])
            listing.refresh_from_db()
            item.refresh_from_db()
            self.assertEqual(listing.status, ListingStatus.CLOSURE_APPLIED)
            self.assertEqual(listing.review_deadline, datetime.date(2026, 5, 14))
            self.assertEqual(item.status, DangerStatus.AWAITING_VERIFICATION)
            self.assertEqual(attachments_of(item).count(), 1)
            self.assertTrue(
                Notice.objects.filter(
                    recipient=self.province, key__startswith="dangers:closure-applied"
                ).exists()
            )
        with time_machine.travel(datetime.datetime(2026, 5, 14, 15, 0, tzinfo=datetime.UTC), tick=False):
            self.assertFalse(listing.is_review_overdue)  # day 10, 23:00 in Beijing
        with time_machine.travel(datetime.datetime(2026, 5, 14, 16, 0, tzinfo=datetime.UTC), tick=False):
            self.assertTrue(listing.is_review_overdue)
            self.assertEqual(
                list(SupervisionListing.objects.filter(review_deadline__lt=datetime.date(2026, 5, 15))),
                [listing],
            )

    @override_settings(DANGER_REVIEW_DAYS=5)
    def test_review_window_is_configurable(self) -> None:
        with time_machine.travel(NOW, tick=False):
            listing = listing_for(self.major(), self.province)
            services.apply_for_closure(listing, user=self.owner, note="已完成", files=[photo()])
            listing.refresh_from_db()
            self.assertEqual(listing.review_deadline, datetime.date(2026, 5, 9))

    def test_delisting_closes_the_danger(self) -> None:
        item = self.major()
        listing = listing_for(item, self.province)
        with self.assertRaises(ValidationError):
            services.delist(listing, user=self.province)  # no application yet
        services.apply_for_closure(listing, user=self.owner, note="已完成", files=[photo()])
        services.delist(listing, user=self.province, note="现场审核合格")
        listing.refresh_from_db()
        item.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.DELISTED)
        self.assertIsNotNone(listing.delisted_at)
        self.assertEqual(
            (item.status, item.verified_by, item.verification_note),
            (DangerStatus.CLOSED, "bj_inspector", "现场审核合格"),
        )

    def test_the_enterprise_cannot_delist(self) -> None:
        listing = listing_for(self.major(), self.province)
        services.apply_for_closure(listing, user=self.owner, note="已完成", files=[photo()])
        with self.assertRaises(PermissionDenied):
            services.delist(listing, user=self.owner)
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.CLOSURE_APPLIED)

    def test_rejection_needs_a_reason_and_sends_both_back(self) -> None:
        item = self.major()
        listing = listing_for(item, self.province)
        services.apply_for_closure(listing, user=self.owner, note="已完成", files=[photo()])
        with self.assertRaises(ValidationError):
            services.reject_closure(listing, user=self.province, reason="")
        services.reject_closure(listing, user=self.province, reason="泄漏检测报警仪未安装")
        listing.refresh_from_db()
        item.refresh_from_db()
        self.assertEqual(
            (listing.status, listing.review_note, listing.review_deadline),
            (ListingStatus.LISTED, "泄漏检测报警仪未安装", None),
        )
        self.assertEqual(
            (item.status, item.rejection_reason), (DangerStatus.RECTIFYING, "泄漏检测报警仪未安装")
        )
        self.assertTrue(
            Notice.objects.filter(recipient=self.owner, key__startswith="dangers:closure-rejected").exists()
        )

    def test_applying_from_reported_needs_the_complete_plan(self) -> None:
        item = danger(self.beijing[0], level="major", plan_methods="")
        listing = listing_for(item, self.province)
        with self.assertRaises(ValidationError) as caught:
            services.apply_for_closure(listing, user=self.owner, note="x", files=[photo()])
        self.assertIn("采取的方法和措施", caught.exception.messages[0])
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.LISTED)
        self.assertFalse(attachments_of(item).exists())
        item.plan_methods = "更换为万向管道充装系统"
        services.save_danger(item, user=self.owner)
        services.apply_for_closure(listing, user=self.owner, note="x", files=[photo()])
        item.refresh_from_db()
        self.assertEqual(item.status, DangerStatus.AWAITING_VERIFICATION)

    def test_pages_run_the_whole_flow(self) -> None:
        item = self.major()
        listing = listing_for(item, self.province)
        self.client.force_login(self.owner)
        page = self.client.get(listing.get_absolute_url())
        self.assertContains(page, 'id="closure-form"')
        self.assertNotContains(page, 'id="review-form"')
        self.client.post(reverse("dangers:listing_progress", args=[listing.pk]), {"content": "已停用充装站"})
        self.client.post(
            reverse("dangers:listing_closure", args=[listing.pk]),
            {"note": "改造完成", "evidence": [photo("1.png"), photo("2.png")]},
        )
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.CLOSURE_APPLIED)
        self.assertEqual(attachments_of(item).count(), 2)
        self.client.force_login(self.province)
        page = self.client.get(listing.get_absolute_url())
        self.assertContains(page, 'id="review-form"')
        self.assertContains(page, "已停用充装站")
        self.client.post(
            reverse("dangers:listing_review", args=[listing.pk]), {"decision": "delist", "reason": "合格"}
        )
        listing.refresh_from_db()
        self.assertEqual(listing.status, ListingStatus.DELISTED)
        page = self.client.get(listing.get_absolute_url())
        self.assertContains(page, 'id="listing-timeline"')
        self.assertContains(page, "已摘牌")

    def test_listing_document_docx_is_generated_and_audited(self) -> None:
        listing = listing_for(self.major(), self.province)
        self.client.force_login(self.owner)  # the enterprise may read its own listing document
        response = self.client.get(reverse("dangers:listing_document", args=[listing.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("wordprocessingml", response["Content-Type"])
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        for expected in (
            "重大事故隐患挂牌督办通知书",
            "京应急督〔2026〕1号",
            "限期完成改造",
            str(self.province.organization),
        ):
            self.assertIn(expected, text)
        self.assertTrue(
            AuditEvent.objects.filter(event_type=EventType.DOWNLOAD, user_id=self.owner.pk).exists()
        )
        self.client.force_login(self.shanghai_inspector)
        self.assertEqual(
            self.client.get(reverse("dangers:listing_document", args=[listing.pk])).status_code, 404
        )
