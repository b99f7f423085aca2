"""Hidden danger and supervision listing pages and API: generated from the kernel's test bases,
plus the transition page and endpoint, the listing actions endpoint, and the checklist page."""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.accounts.models import APIToken, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import APIViewTestCases, ViewTestCases, make_user, provincial_inspector
from anjian.dangers.models import ChecklistItem, DangerStatus, HiddenDanger, ListingStatus, SupervisionListing
from anjian.dangers.services import save_listing
from anjian.dangers.specs import hidden_danger_spec, supervision_listing_spec
from tests.dangers.helpers import (
    MAJOR_CONTENTS,
    attach_photo,
    criterion,
    danger,
    days,
    enterprise_user,
)
from tests.enterprises.test_views import sample_enterprises, uscc_for


def sample_dangers() -> tuple[list[HiddenDanger], list[HiddenDanger]]:
    beijing, shanghai = sample_enterprises()
    return (
        [
            danger(
                beijing[0],
                "液氯充装站",
                description="未使用万向管道充装",
                level="major",
                category=criterion("HC-07"),
                source="inspection",
                status=DangerStatus.RECTIFYING,
            ),
            danger(
                beijing[1], "冲压车间", description="冲床光电保护失效", deadline=days(-2), found_by="李四"
            ),
            danger(beijing[2], "主井口", description="防坠器未检测", found_at=days(-40), deadline=days(5)),
        ],
        [
            danger(shanghai[0], "苯罐区", description="呼吸阀堵塞"),
            danger(shanghai[1], "煤气柜", description="检测报警仪失效", level="major"),
            danger(shanghai[2], "液氯库", description="喷淋失效"),
        ],
    )


def danger_form(enterprise_uscc: str, **extra: str) -> dict[str, str]:
    return {
        "enterprise": enterprise_uscc,
        "place": "门头沟选矿车间",
        "description": "皮带机防护罩缺失",
        "level": "general",
        "source": "inspection",
        "found_by": "监管员甲",
        "found_at": days(-1).isoformat(),
        "deadline": days(14).isoformat(),
        "responsible_person": "钱七",
        "funds": "1.5",
    } | extra


class HiddenDangerViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = hidden_danger_spec
    filter_params = {
        "q": "冲床",
        "enterprise": uscc_for("110108", "10000002"),
        "region": "110108",
        "sector": "industry_trade",
        "status": "rectifying",
        "level": "major",
        "source": "inspection",
        "overdue": "true",
        "found_at_before": days(-20).isoformat(),
        "deadline_after": days(10).isoformat(),
        "category": "HC-07",
        "place": "主井",
        "found_by": "李四",
    }
    form_data = danger_form(uscc_for("110109", "10000003"))
    import_rows = [
        {
            "企业（统一社会信用代码）": uscc_for("110111", "10000001"),
            "隐患部位": "液氨冷库",
            "隐患描述": "液氨充装未使用万向管道",
            "隐患类别（排查清单条目）": "HC-07",
            "隐患级别": "重大隐患",
            "发现途径": "企业自查",
            "发现人": "孙八",
            "发现日期": days(-3).isoformat(),
            "整改期限": days(30).isoformat(),
            "整改责任人": "周九",
            "整改资金（万元）": "3",
        },
        {
            "企业（统一社会信用代码）": uscc_for("110108", "10000002"),
            "隐患部位": "仓库",
            "隐患描述": "消防通道堵塞",
            "隐患类别（排查清单条目）": "",
            "隐患级别": "general",
            "发现途径": "self_check",
            "发现人": "孙八",
            "发现日期": days(-3).isoformat(),
            "整改期限": days(3).isoformat(),
            "整改责任人": "周九",
            "整改资金（万元）": "0.2",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[HiddenDanger], list[HiddenDanger]]:
        return sample_dangers()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return danger_form(
            obj.enterprise.uscc,
            place=f"{obj.place}（改）",
            level=obj.level,
            category=str(obj.category_id or ""),
            found_at=obj.found_at.isoformat(),
            deadline=obj.deadline.isoformat(),
        ) | (MAJOR_CONTENTS if obj.level == "major" else {})

    def test_import_marks_major_from_the_criterion_code(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post(self.url("import"), {"file": self.import_file(self.import_rows[:1])})
        self.client.post(self.url("import"), {"token": response.context["token"]})
        created = HiddenDanger.objects.get(place="液氨冷库")
        self.assertEqual(
            (created.level, created.category.code if created.category else None), ("major", "HC-07")
        )
        self.assertIsNotNone(created.reported_to_regulator_at)

    def test_import_refuses_bad_rows_with_the_reason(self) -> None:
        self.client.force_login(self.user)
        rows = [
            self.import_rows[1] | {"整改期限": days(-30).isoformat()},
            self.import_rows[1] | {"隐患类别（排查清单条目）": "GM-02"},
            self.import_rows[1] | {"企业（统一社会信用代码）": uscc_for("310115", "20000001")},
        ]
        response = self.client.post(self.url("import"), {"file": self.import_file(rows)})
        errors = [" ".join(row.errors) for row in response.context["report"].bad]
        self.assertEqual(len(errors), 3)
        self.assertIn("不能早于发现日期", errors[0])
        self.assertIn("必须为“重大隐患”", errors[1])
        self.assertIn("企业名录中没有", errors[2])

    def test_create_refuses_deadline_before_finding(self) -> None:
        self.client.force_login(self.user)
        data = self.form_data | {"deadline": days(-5).isoformat()}
        response = self.client.post(self.url("add"), data)
        self.assertContains(response, "不能早于发现日期", status_code=400)

    def test_detail_offers_the_moves_of_the_user(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get(self.url("detail", self.objects[1]))
        self.assertContains(response, 'id="move-rectifying"')
        self.assertNotContains(response, 'id="move-closed"')
        self.assertContains(response, 'id="danger-overdue"')
        response = self.client.get(self.url("detail", self.objects[0]))
        self.assertContains(response, 'id="move-awaiting_verification"')
        self.assertContains(response, 'id="danger-list-for-supervision"')

    def test_transition_page_moves_and_refuses(self) -> None:
        self.client.force_login(self.user)
        obj = self.objects[1]
        url = reverse("dangers:transition", args=[obj.pk])
        response = self.client.post(url, {"to": "closed", "note": "合格"}, follow=True)
        self.assertContains(response, "不能将隐患从“已登记”变为“已销号”")
        obj.refresh_from_db()
        self.assertEqual(obj.status, DangerStatus.REPORTED)
        self.client.post(url, {"to": "rectifying"})
        obj.refresh_from_db()
        self.assertEqual(obj.status, DangerStatus.RECTIFYING)
        response = self.client.get(self.url("detail", obj))
        self.assertContains(response, 'id="danger-timeline"')
        self.assertContains(response, "整改中")

    def test_transition_page_out_of_scope_is_404(self) -> None:
        self.client.force_login(self.user)
        other = self.others[0]
        self.assertEqual(
            self.client.post(
                reverse("dangers:transition", args=[other.pk]), {"to": "rectifying"}
            ).status_code,
            404,
        )
        other.refresh_from_db()
        self.assertEqual(other.status, DangerStatus.REPORTED)

    def test_listed_filter(self) -> None:
        save_listing(
            SupervisionListing(
                danger=self.objects[0],
                document_no="京督1号",
                listed_at=days(0),
                deadline=days(30),
                requirements="x",
            ),
            user=self.user,
        )
        self.client.force_login(self.user)
        response = self.client.get(self.url("list"), {"listed": "true"})
        self.assertEqual(response.context["table"].paginator.count, 1)

    def test_enterprise_user_sees_and_registers_only_its_own(self) -> None:
        owner = enterprise_user(self.objects[0].enterprise, "ent_owner")
        self.client.force_login(owner)
        response = self.client.get(self.url("list"))
        self.assertEqual(response.context["table"].paginator.count, 1)
        self.assertEqual(self.client.get(self.url("detail", self.objects[1])).status_code, 404)
        response = self.client.post(self.url("add"), self.form_data)
        self.assertEqual(response.status_code, 400)
        own = danger_form(self.objects[0].enterprise.uscc, source="self_check")
        self.assertEqual(self.client.post(self.url("add"), own).status_code, 302)


class HiddenDangerAPITest(APIViewTestCases.APITestCase):
    spec = hidden_danger_spec
    filter_params = {
        "level": "major",
        "overdue": "true",
        "source": "inspection",
        "region": "110108",
        "status": "rectifying",
    }
    api_create_data = {
        "enterprise": uscc_for("110109", "10000003"),
        "place": "尾矿库",
        "description": "排洪设施淤堵",
        "level": "general",
        "source": "inspection",
        "found_by": "监管员乙",
        "found_at": days(-1).isoformat(),
        "deadline": days(10).isoformat(),
        "responsible_person": "吴十",
    }
    api_update_data = {"measures": "更换光电保护装置"}
    api_invalid_data = api_create_data | {"deadline": days(-10).isoformat()}

    @classmethod
    def make_objects(cls) -> tuple[list[HiddenDanger], list[HiddenDanger]]:
        return sample_dangers()

    def transition(self, obj: HiddenDanger, body: dict[str, Any], api: APIClient | None = None) -> Any:
        url = reverse("api:hiddendanger-transition", args=[obj.pk])
        return (api or self.api).post(url, body, format="json")

    def test_transition_moves_and_answers_the_record(self) -> None:
        obj = self.objects[1]
        response = self.transition(obj, {"to": "rectifying"})
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(response.json()["status"], "rectifying")
        self.assertEqual(self.transition(obj, {"to": "awaiting_verification"}).status_code, 200)
        response = self.transition(obj, {"to": "closed", "note": "复查合格", "verified_by": "郑一"})
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual((response.json()["status"], response.json()["verified_by"]), ("closed", "郑一"))

    def test_refused_transition_is_400_with_the_reason_and_changes_nothing(self) -> None:
        obj = self.objects[1]
        response = self.transition(obj, {"to": "closed", "note": "合格"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能将隐患从“已登记”变为“已销号”", response.json()["to"][0])
        obj.refresh_from_db()
        self.assertEqual((obj.status, obj.version), (DangerStatus.REPORTED, 1))
        self.assertEqual(self.transition(obj, {"to": "bogus"}).status_code, 400)

    def test_closing_without_evidence_is_400(self) -> None:
        obj = self.objects[1]
        HiddenDanger.objects.filter(pk=obj.pk).update(
            status=DangerStatus.AWAITING_VERIFICATION, rectified_at=timezone.now()
        )
        response = self.transition(obj, {"to": "closed"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("销号须有验收证据", response.json()["evidence"][0])
        attach_photo(obj, self.user)
        self.assertEqual(self.transition(obj, {"to": "closed"}).status_code, 200)

    def test_enterprise_closing_its_own_major_is_400(self) -> None:
        obj = self.objects[0]
        HiddenDanger.objects.filter(pk=obj.pk).update(
            status=DangerStatus.AWAITING_VERIFICATION, rectified_at=timezone.now()
        )
        api = APIClient()
        api.force_authenticate(enterprise_user(obj.enterprise, "ent_owner"))
        response = self.transition(obj, {"to": "closed", "note": "自查合格"}, api)
        self.assertEqual(response.status_code, 400)
        self.assertIn("企业不能自行验收本企业的重大隐患", response.json()["detail"][0])

    def test_transition_out_of_scope_is_404_and_reader_is_403(self) -> None:
        self.assertEqual(self.transition(self.others[0], {"to": "rectifying"}).status_code, 404)
        api = APIClient()
        api.force_authenticate(self.reader())
        self.assertEqual(self.transition(self.objects[1], {"to": "rectifying"}, api).status_code, 403)
        self.assertEqual(
            APIClient().post(reverse("api:hiddendanger-transition", args=[1]), {}).status_code, 401
        )

    def test_create_for_another_province_enterprise_is_400(self) -> None:
        data = self.api_create_data | {"enterprise": uscc_for("310115", "20000001")}
        response = self.api.post(self.api_url(), data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("enterprise", response.json())

    def test_status_cannot_be_written(self) -> None:
        obj = self.objects[1]
        self.api.patch(self.api_url(obj), {"status": "closed"}, format="json")
        obj.refresh_from_db()
        self.assertEqual(obj.status, DangerStatus.REPORTED)


class ListingFixture:
    free: ClassVar[list[HiddenDanger]]

    @classmethod
    def make_objects(cls) -> tuple[list[SupervisionListing], list[SupervisionListing]]:
        beijing, shanghai = sample_enterprises()
        province = {
            "11": provincial_inspector("bj_lister", "110000"),
            "31": provincial_inspector("sh_lister", "310000"),
        }

        def listed(ent: Any, place: str, no: str, **fields: Any) -> SupervisionListing:
            item = danger(ent, place, level="major", status=DangerStatus.RECTIFYING)
            listing = SupervisionListing(
                danger=item, document_no=no, listed_at=days(-5), deadline=days(60), requirements="停产整改"
            )
            save_listing(listing, user=province[ent.region_id[:2]])
            if fields:
                SupervisionListing.objects.filter(pk=listing.pk).update(**fields)
                listing.refresh_from_db()
            return listing

        cls.free = [danger(beijing[0], f"未督办{i}", level="major") for i in range(2)]
        return (
            [
                listed(beijing[0], "液氯库", "京应急督〔2026〕1号"),
                listed(
                    beijing[1],
                    "冲压车间",
                    "京应急督〔2026〕2号",
                    status=ListingStatus.CLOSURE_APPLIED,
                    review_deadline=days(-1),
                ),
                listed(beijing[2], "主井", "京应急督〔2026〕3号"),
            ],
            [
                listed(shanghai[0], "苯罐区", "沪应急督〔2026〕1号"),
                listed(shanghai[1], "煤气柜", "沪应急督〔2026〕2号"),
                listed(shanghai[2], "液氯库", "沪应急督〔2026〕3号"),
            ],
        )


class SupervisionListingViewTest(
    ListingFixture,
    ViewTestCases.ListViewTestCase,
    ViewTestCases.DetailViewTestCase,
    ViewTestCases.CreateViewTestCase,
    ViewTestCases.EditViewTestCase,
    ViewTestCases.DeleteViewTestCase,
    ViewTestCases.ExportViewTestCase,
):
    spec = supervision_listing_spec
    filter_params = {
        "q": "冲压",
        "enterprise": uscc_for("110108", "10000002"),
        "region": "110109",
        "document_no": "3号",
        "status": "closure_applied",
        "review_overdue": "true",
    }
    edit_data = {
        "document_no": "京应急督〔2026〕1号（更正）",
        "listed_at": days(-5).isoformat(),
        "deadline": days(90).isoformat(),
        "requirements": "停产整改，限期完成",
    }

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form_data = {
            "danger": cls.free[0].pk,
            "document_no": "京应急督〔2026〕9号",
            "listed_at": days(0).isoformat(),
            "deadline": days(30).isoformat(),
            "requirements": "立即停止作业",
        }

    def test_created_listing_names_the_user_organisation(self) -> None:
        self.client.force_login(self.user)
        self.client.post(self.url("add"), self.form_data)
        self.assertEqual(
            SupervisionListing.objects.get(document_no="京应急督〔2026〕9号").authority,
            self.user.organization,
        )

    def test_detail_shows_review_overdue(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get(self.url("detail", self.objects[1]))
        self.assertContains(response, 'id="listing-review-overdue"')
        self.assertContains(response, 'id="review-form"')


class SupervisionListingAPITest(ListingFixture, APIViewTestCases.APITestCase):
    spec = supervision_listing_spec
    filter_params = {"status": "closure_applied", "review_overdue": "true", "region": "110109"}
    api_update_data = {"requirements": "停产整改并每周报告进展"}

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.api_create_data = {
            "danger": cls.free[1].pk,
            "document_no": "京应急督〔2026〕10号",
            "listed_at": days(0).isoformat(),
            "deadline": days(30).isoformat(),
            "requirements": "限期整改",
        }
        cls.api_invalid_data = cls.api_create_data | {"danger": cls.others[0].danger_id}

    def action(self, obj: SupervisionListing, body: dict[str, Any], api: APIClient | None = None) -> Any:
        return (api or self.api).post(
            reverse("api:supervisionlisting-action", args=[obj.pk]), body, format="json"
        )

    def test_actions_run_the_flow(self) -> None:
        obj = self.objects[0]
        owner_api = APIClient()
        owner_api.force_authenticate(enterprise_user(obj.danger.enterprise, "ent_owner"))
        self.assertEqual(
            self.action(obj, {"action": "progress", "content": "已采购"}, owner_api).status_code, 200
        )
        response = self.action(obj, {"action": "apply_closure", "content": "已完成"}, owner_api)
        self.assertEqual(response.status_code, 400)
        self.assertIn("照片", str(response.json()))
        attach_photo(obj.danger, owner_api.handler._force_user)  # type: ignore[attr-defined]
        response = self.action(obj, {"action": "apply_closure", "content": "已完成"}, owner_api)
        self.assertEqual(response.json()["status"], "closure_applied")
        self.assertEqual(self.action(obj, {"action": "delist", "content": "x"}, owner_api).status_code, 403)
        response = self.action(obj, {"action": "delist", "content": "合格"})
        self.assertEqual(response.json()["status"], "delisted", response.content.decode())
        obj.danger.refresh_from_db()
        self.assertEqual(obj.danger.status, DangerStatus.CLOSED)

    def test_actions_out_of_scope_are_404(self) -> None:
        self.assertEqual(self.action(self.others[0], {"action": "progress", "content": "x"}).status_code, 404)

    def test_another_province_cannot_list_a_beijing_danger(self) -> None:
        api = APIClient()
        _token, key = APIToken.issue(provincial_inspector("sh_api", "310000"))
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        before = SupervisionListing.objects.count()
        response = api.post(self.api_url(), self.api_create_data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("danger", response.json())
        self.assertEqual(SupervisionListing.objects.count(), before)


class ChecklistPageTest(TestCase):
    inspector: ClassVar[User]
    officer: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.inspector = provincial_inspector("bj_inspector", "110000")
        cls.officer = make_user("bj_data", cls.inspector.organization, RoleCode.DATA_OFFICER)

    def test_preloaded_major_criteria(self) -> None:
        major = ChecklistItem.objects.filter(major_criterion=True)
        self.assertEqual(major.filter(sector="hazchem", standard="安监总管三〔2017〕121号").count(), 20)
        self.assertEqual(major.filter(sector="coal", standard="应急管理部令第4号").count(), 15)
        self.assertEqual(major.filter(sector="industry_trade", code__startswith="GM-").count(), 3)
        self.assertEqual(major.filter(sector="industry_trade", code__startswith="GZ-").count(), 3)

    def test_browse_by_sector(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("dangers:checklist"), {"sector": "coal"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["table"].paginator.count, 15)
        self.assertContains(response, "瓦斯超限作业")
        self.assertNotContains(response, 'id="checklist-add"')

    def test_data_officer_adds_an_item(self) -> None:
        self.client.force_login(self.inspector)
        data = {
            "sector": "fireworks",
            "code": "YH-01",
            "title": "工房超员",
            "major_criterion": "on",
            "standard": "安监总管三〔2017〕121号",
            "edition": "2017",
        }
        self.assertEqual(self.client.post(reverse("dangers:checklist_add"), data).status_code, 403)
        self.client.force_login(self.officer)
        self.assertContains(self.client.get(reverse("dangers:checklist")), 'id="checklist-add"')
        self.assertEqual(self.client.post(reverse("dangers:checklist_add"), data).status_code, 302)
        self.assertTrue(ChecklistItem.objects.filter(code="YH-01", major_criterion=True).exists())
        response = self.client.post(reverse("dangers:checklist_add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(ChecklistItem.objects.filter(code="YH-01").count(), 1)

    def test_enterprise_cannot_add(self) -> None:
        beijing, _ = sample_enterprises()
        self.client.force_login(enterprise_user(beijing[0], "ent_owner", RoleCode.ENTERPRISE_ADMIN))
        self.assertEqual(self.client.get(reverse("dangers:checklist_add")).status_code, 403)
        self.assertEqual(self.client.get(reverse("dangers:checklist")).status_code, 200)


class DeleteRulesTest(TestCase):
    def test_only_a_reported_unlisted_danger_is_deleted(self) -> None:
        beijing, _ = sample_enterprises()
        inspector = provincial_inspector("bj_inspector", "110000")
        started = danger(beijing[0], status=DangerStatus.RECTIFYING)
        listed = danger(beijing[1], "冲压车间", level="major")
        listing = save_listing(
            SupervisionListing(
                danger=listed, document_no="京督1号", listed_at=days(0), deadline=days(30), requirements="x"
            ),
            user=inspector,
        )
        self.client.force_login(inspector)
        for item in (started, listed):
            with self.subTest(item=item.place):
                response = self.client.post(reverse("dangers:hiddendanger_delete", args=[item.pk]))
                self.assertEqual(response.status_code, 403)
                self.assertTrue(HiddenDanger.objects.filter(pk=item.pk).exists())
        api = APIClient()
        api.force_authenticate(inspector)
        refused = api.delete(reverse("api:hiddendanger-detail", args=[started.pk]))
        self.assertEqual(refused.status_code, 403)
        self.assertIn("不能删除", refused.json()["detail"])
        progress_url = reverse("api:supervisionlisting-action", args=[listing.pk])
        api.post(progress_url, {"action": "progress", "content": "已停产"}, format="json")
        self.assertEqual(
            api.delete(reverse("api:supervisionlisting-detail", args=[listing.pk])).status_code, 403
        )
        self.assertTrue(SupervisionListing.objects.filter(pk=listing.pk).exists())
