"""The hidden danger life cycle: every allowed and refused move, the rules of registration
(deadlines, major criteria, the Art. 14/15 contents), evidence for closing, who may verify, the
automatic report of a major hidden danger, and the derived ``overdue``."""

from __future__ import annotations

import datetime
import itertools
from typing import Any, ClassVar

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from anjian.accounts.models import AgencyLevel, Organization, User
from anjian.accounts.roles import RoleCode
from anjian.audit.models import ChangeAction, ObjectChange
from anjian.core.testing import make_user, provincial_inspector
from anjian.dangers.models import DangerStatus, HiddenDanger, SupervisionListing
from anjian.dangers.services import ALLOWED_MOVES, Evidence, save_danger, save_listing, transition_danger
from anjian.enterprises.models import Enterprise
from anjian.notices.models import Notice
from tests.dangers.helpers import (
    attach_photo,
    county_regulator,
    criterion,
    danger,
    days,
    enterprise_user,
    regulator,
)
from tests.enterprises.test_views import sample_enterprises

S = DangerStatus


class LifeCycleTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    shanghai: ClassVar[list[Enterprise]]
    inspector: ClassVar[User]
    shanghai_inspector: ClassVar[User]
    owner: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_enterprises()
        cls.inspector = provincial_inspector("bj_inspector", "110000")
        cls.shanghai_inspector = provincial_inspector("sh_inspector", "310000")
        cls.owner = enterprise_user(cls.beijing[0], "ent_owner")

    def assert_unchanged(self, item: HiddenDanger, status: str, version: int) -> None:
        item.refresh_from_db()
        self.assertEqual((item.status, item.version), (status, version))

    def status_changes(self, item: HiddenDanger) -> list[tuple[str, str | None]]:
        rows = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(HiddenDanger),
            object_id=item.pk,
            action=ChangeAction.UPDATE,
        ).order_by("pk")
        return [(row.user_name, (row.after or {}).get("status")) for row in rows]

    def test_general_danger_full_cycle_by_the_enterprise(self) -> None:
        item = danger(self.beijing[0], user=self.owner)
        transition_danger(item, S.RECTIFYING, user=self.owner)
        transition_danger(item, S.AWAITING_VERIFICATION, user=self.owner)
        item = transition_danger(
            item, S.CLOSED, user=self.owner, evidence=Evidence(note="复查合格", verified_by="赵六")
        )
        self.assertEqual(item.status, S.CLOSED)
        self.assertEqual((item.verified_by, item.verification_note), ("赵六", "复查合格"))
        self.assertIsNotNone(item.rectified_at)
        self.assertIsNotNone(item.closed_at)
        self.assertEqual(
            self.status_changes(item),
            [("ent_owner", S.RECTIFYING), ("ent_owner", S.AWAITING_VERIFICATION), ("ent_owner", S.CLOSED)],
        )

    def test_every_move_outside_the_life_cycle_is_refused(self) -> None:
        item = danger(self.beijing[0])
        for start, to in itertools.product(S.values, S.values):
            if to in ALLOWED_MOVES[start]:
                continue
            with self.subTest(start=start, to=to):
                HiddenDanger.objects.filter(pk=item.pk).update(status=start)
                with self.assertRaises(ValidationError) as caught:
                    transition_danger(item, to, user=self.inspector, evidence=Evidence(note="x"))
                self.assertIn(
                    "须按 已登记 → 整改中 → 待验收 → 已销号 的顺序办理", caught.exception.messages[0]
                )
                self.assert_unchanged(item, start, 1)

    def test_reported_to_closed_is_refused_with_a_message(self) -> None:
        item = danger(self.beijing[0])
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.CLOSED, user=self.inspector, evidence=Evidence(note="已整改"))
        self.assertIn("不能将隐患从“已登记”变为“已销号”", caught.exception.messages[0])
        self.assert_unchanged(item, S.REPORTED, 1)

    def test_unknown_status_is_refused(self) -> None:
        item = danger(self.beijing[0])
        with self.assertRaises(ValidationError):
            transition_danger(item, "fixed", user=self.inspector)
        self.assert_unchanged(item, S.REPORTED, 1)

    def test_rejection_needs_a_reason_and_sends_it_back(self) -> None:
        item = danger(self.beijing[0], status=S.AWAITING_VERIFICATION)
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.RECTIFYING, user=self.inspector, reason="  ")
        self.assertIn("必须填写理由", caught.exception.messages[0])
        self.assert_unchanged(item, S.AWAITING_VERIFICATION, 1)
        item = transition_danger(item, S.RECTIFYING, user=self.inspector, reason="堵漏不彻底")
        self.assertEqual((item.status, item.rejection_reason), (S.RECTIFYING, "堵漏不彻底"))

    def test_closing_needs_verification_evidence(self) -> None:
        item = danger(self.beijing[0], status=S.AWAITING_VERIFICATION)
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.CLOSED, user=self.inspector)
        self.assertIn("销号须有验收证据", caught.exception.messages[0])
        self.assert_unchanged(item, S.AWAITING_VERIFICATION, 1)
        attach_photo(item, self.inspector)
        item = transition_danger(item, S.CLOSED, user=self.inspector)
        self.assertEqual(item.status, S.CLOSED)
        self.assertEqual(item.verified_by, "bj_inspector")

    def test_enterprise_never_verifies_its_own_major_danger(self) -> None:
        item = danger(self.beijing[0], level="major", status=S.AWAITING_VERIFICATION)
        attach_photo(item, self.owner)
        for to, kwargs in (
            (S.CLOSED, {"evidence": Evidence(note="自查合格")}),
            (S.RECTIFYING, {"reason": "x"}),
        ):
            with self.subTest(to=to), self.assertRaises(ValidationError) as caught:
                transition_danger(item, to, user=self.owner, **kwargs)
            self.assertIn("企业不能自行验收本企业的重大隐患", caught.exception.messages[0])
        self.assert_unchanged(item, S.AWAITING_VERIFICATION, 1)
        item = transition_danger(item, S.CLOSED, user=self.inspector, evidence=Evidence(note="现场复查合格"))
        self.assertEqual(item.status, S.CLOSED)

    def test_major_danger_needs_report_and_plan_before_rectification(self) -> None:
        item = danger(
            self.beijing[0], level="major", current_state="", plan_funding="", plan_safety_measures=""
        )
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.RECTIFYING, user=self.owner)
        message = caught.exception.messages[0]
        for label in ("隐患现状及其产生原因", "经费和物资的落实", "安全措施和应急预案"):
            self.assertIn(label, message)
        self.assertNotIn("治理的目标和任务", message)
        self.assert_unchanged(item, S.REPORTED, 1)
        item.current_state = item.plan_funding = item.plan_safety_measures = "已补全"
        save_danger(item, user=self.owner)
        self.assertEqual(transition_danger(item, S.RECTIFYING, user=self.owner).status, S.RECTIFYING)

    def test_listed_major_danger_closes_only_by_delisting(self) -> None:
        item = danger(self.beijing[0], level="major", status=S.AWAITING_VERIFICATION)
        save_listing(
            SupervisionListing(
                danger=item,
                document_no="京督〔2026〕1号",
                listed_at=days(-1),
                deadline=days(30),
                requirements="限期整改",
            ),
            user=self.inspector,
        )
        with self.assertRaises(ValidationError) as caught:
            transition_danger(item, S.CLOSED, user=self.inspector, evidence=Evidence(note="合格"))
        self.assertIn("须由督办单位审核摘牌后销号", caught.exception.messages[0])
        self.assert_unchanged(item, S.AWAITING_VERIFICATION, 1)

    def test_a_reader_or_another_province_cannot_move_it(self) -> None:
        item = danger(self.beijing[0])
        leader = make_user("bj_leader", self.inspector.organization, RoleCode.LEADER)
        for user in (leader, self.shanghai_inspector):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                transition_danger(item, S.RECTIFYING, user=user)
        self.assert_unchanged(item, S.REPORTED, 1)


class RegistrationRulesTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    shanghai: ClassVar[list[Enterprise]]
    owner: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_enterprises()
        cls.owner = enterprise_user(cls.beijing[0], "ent_owner")

    def check(self, field: str, text: str, **fields: Any) -> None:
        with self.assertRaises(ValidationError) as caught:
            danger(self.beijing[0], **fields)
        errors = caught.exception.message_dict
        self.assertIn(field, errors, errors)
        self.assertIn(text, " ".join(errors[field]))
        self.assertFalse(HiddenDanger.objects.exists())

    def test_deadline_before_the_finding_date(self) -> None:
        self.check("deadline", "不能早于发现日期", found_at=days(-3), deadline=days(-5))

    def test_found_in_the_future(self) -> None:
        self.check("found_at", "不能晚于今天", found_at=days(1), deadline=days(5))

    def test_major_criterion_makes_it_major(self) -> None:
        self.check("level", "必须为“重大隐患”", category=criterion("HC-07"))
        item = danger(self.beijing[0], category=criterion("HC-07"), level="major")
        self.assertTrue(item.is_major)

    def test_criterion_of_another_sector(self) -> None:
        self.check("category", "与企业的监管行业不符", category=criterion("MK-02"), level="major")

    def test_complaint_needs_its_reference(self) -> None:
        self.check("complaint_reference", "受理编号", source="complaint")
        self.assertEqual(
            danger(self.beijing[0], source="complaint", complaint_reference="JB-2026-001").source, "complaint"
        )

    def test_region_and_sector_follow_the_enterprise(self) -> None:
        item = danger(self.beijing[0])
        self.assertEqual((item.region_id, item.sector), ("110111", "hazchem"))
        item.enterprise = self.beijing[1]
        save_danger(item, user=None)
        item.refresh_from_db()
        self.assertEqual((item.region_id, item.sector), ("110108", "industry_trade"))

    def test_enterprise_cannot_register_for_another_enterprise(self) -> None:
        with self.assertRaises(ValidationError):
            danger(self.beijing[1], user=self.owner)
        self.assertFalse(HiddenDanger.objects.exists())

    def test_a_closed_danger_cannot_be_edited(self) -> None:
        item = danger(self.beijing[0], status=S.CLOSED)
        item.place = "改"
        with self.assertRaises(ValidationError):
            save_danger(item, user=None)


class MajorReportTest(TestCase):
    beijing: ClassVar[list[Enterprise]]
    shanghai: ClassVar[list[Enterprise]]
    county: ClassVar[User]
    province: ClassVar[User]
    shanghai_inspector: ClassVar[User]
    coal_station: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, cls.shanghai = sample_enterprises()
        cls.county = county_regulator()
        cls.province = provincial_inspector("bj_inspector", "110000")
        cls.shanghai_inspector = provincial_inspector("sh_inspector", "310000")
        cls.coal_station = regulator("coal", "房山煤矿安全监察站（测试）", "110111", AgencyLevel.COUNTY)
        Organization.objects.filter(users=cls.coal_station).update(sectors=["coal"])

    def test_major_danger_is_reported_to_the_county_regulator_once(self) -> None:
        item = danger(self.beijing[0], level="major")
        self.assertIsNotNone(item.reported_to_regulator_at)
        notices = Notice.objects.filter(key=f"dangers:major:{item.uid}")
        self.assertEqual([n.recipient for n in notices], [self.county])
        self.assertIn(self.beijing[0].name, notices[0].title)
        reported = item.reported_to_regulator_at
        item.place = "二号罐区"
        save_danger(item, user=None)
        item.refresh_from_db()
        self.assertEqual((item.reported_to_regulator_at, notices.count()), (reported, 1))

    def test_general_danger_is_not_reported(self) -> None:
        item = danger(self.beijing[0])
        self.assertIsNone(item.reported_to_regulator_at)
        self.assertFalse(Notice.objects.exists())

    def test_upgraded_to_major_is_reported_then(self) -> None:
        item = danger(self.beijing[0])
        item.level = "major"
        save_danger(item, user=None)
        self.assertIsNotNone(item.reported_to_regulator_at)
        self.assertEqual(Notice.objects.filter(recipient=self.county).count(), 1)

    def test_without_a_county_regulator_the_next_level_receives_it(self) -> None:
        item = danger(self.beijing[1], level="major")  # 海淀区: no county organisation here
        self.assertEqual(
            [n.recipient for n in Notice.objects.filter(key=f"dangers:major:{item.uid}")], [self.province]
        )


class OverdueTest(TestCase):
    beijing: ClassVar[list[Enterprise]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing, _ = sample_enterprises()

    def test_overdue_is_derived_from_the_deadline(self) -> None:
        with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
            item = danger(
                self.beijing[0], found_at=datetime.date(2026, 2, 1), deadline=datetime.date(2026, 3, 10)
            )
            closed = danger(
                self.beijing[1],
                found_at=datetime.date(2026, 2, 1),
                deadline=datetime.date(2026, 3, 1),
                status=S.CLOSED,
            )
        with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 59, tzinfo=datetime.UTC), tick=False):
            self.assertFalse(item.is_overdue)  # 23:59 on the deadline day in Beijing
            self.assertFalse(HiddenDanger.objects.overdue().exists())
        with time_machine.travel(datetime.datetime(2026, 3, 10, 16, 0, tzinfo=datetime.UTC), tick=False):
            self.assertEqual(timezone.localdate(), datetime.date(2026, 3, 11))
            self.assertTrue(item.is_overdue)
            self.assertEqual(list(HiddenDanger.objects.overdue()), [item])
            self.assertFalse(closed.is_overdue)
