"""Monitoring pages and API: the generated kernel tests for points, the alarm list and handling,
live values, trends, the overview, and readings over HTTP."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.accounts.models import APIToken, OrgType, User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import APIViewTestCases, ViewTestCases, make_org, make_user, provincial_inspector
from anjian.enterprises.models import Enterprise
from anjian.monitoring import storage
from anjian.monitoring.models import Alarm, AlarmStatus, MonitoringPoint
from anjian.monitoring.pipeline import Pipeline
from anjian.monitoring.specs import point_spec
from tests.enterprises.test_views import sample_enterprises, uscc_for
from tests.monitoring.factories import level_point, methane_point, now_ms, send


def sample_points() -> tuple[list[MonitoringPoint], list[MonitoringPoint]]:
    beijing, shanghai = sample_enterprises()
    return (
        [
            level_point(beijing[0], code="BJ-T101", name="燕山 1# 罐液位"),
            level_point(beijing[0], code="BJ-GAS1", name="燕山可燃气体", point_type="flammable_gas",
                        unit="%LEL", range_high=100.0, low=None, high=25.0, high_high=50.0,
                        location="罐区东侧"),
            methane_point(beijing[2], code="BJ-CH4", cycle_s=20),
        ],
        [
            level_point(shanghai[0], code="SH-T201", name="浦东罐液位"),
            level_point(shanghai[2], code="SH-T301", name="金山罐液位"),
        ],
    )  # fmt: skip


class MonitoringPointViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = point_spec
    filter_params = {
        "q": "燕山可燃",
        "enterprise": uscc_for("110109", "10000003"),
        "region": "110109",
        "sector": "hazchem",
        "code": "CH4",
        "name": "液位",
        "point_type": "methane",
        "placement": "longwall_face",
        "location": "东侧",
        "cycle_s": "20",
    }
    form_data = {
        "enterprise": uscc_for("110108", "10000002"),
        "code": "HD-P01",
        "name": "空压机储气罐压力",
        "point_type": "pressure",
        "unit": "MPa",
        "range_low": "0",
        "range_high": "1.6",
        "high": "0.8",
        "high_high": "1.0",
        "hysteresis": "0.02",
        "cycle_s": "30",
        "active": "on",
    }
    import_rows = [
        {
            "企业（统一社会信用代码）": uscc_for("110111", "10000001"),
            "点位编码": "BJ-T102",
            "点位名称": "燕山 2# 罐液位",
            "监测类型": "液位",
            "计量单位": "m",
            "甲烷传感器设置地点": "",
            "高限": "9.5",
            "回差": "0.1",
            "上传周期（秒）": "30",
        },
        {
            "企业（统一社会信用代码）": uscc_for("110109", "10000003"),
            "点位编码": "BJ-CH4-2",
            "点位名称": "掘进工作面甲烷",
            "监测类型": "methane",
            "计量单位": "",
            "甲烷传感器设置地点": "掘进工作面",
            "高限": "",
            "回差": "0",
            "上传周期（秒）": "10",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[MonitoringPoint], list[MonitoringPoint]]:
        return sample_points()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "code": obj.code,
            "name": f"{obj.name}（改）",
            "point_type": obj.point_type,
            "unit": obj.unit,
            "placement": obj.placement,
            "hysteresis": "0",
            "cycle_s": "60",
            "active": "on",
        }

    def test_imported_methane_point_takes_the_regulation_values(self) -> None:
        self.test_import_previews_then_writes()
        point = MonitoringPoint.objects.get(code="BJ-CH4-2")
        self.assertEqual(
            (point.alarm_at, point.power_off_at, point.restore_at, point.unit), (1.0, 1.5, 1.0, "%CH4")
        )

    def test_wrong_threshold_order_is_refused_with_a_clear_message(self) -> None:
        self.client.force_login(self.user)
        response = self.client.post(self.url("add"), self.form_data | {"high": "1.2", "high_high": "1.0"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("依次递增", str(response.context["form"].errors["high_high"]))

    def test_detail_flags_settings_looser_than_the_regulations(self) -> None:
        point = self.objects[2]
        MonitoringPoint.objects.filter(pk=point.pk).update(alarm_at=1.2)
        self.client.force_login(self.user)
        response = self.client.get(self.url("detail", point))
        self.assertContains(response, "宽于规程规定")


class MonitoringPointAPITest(APIViewTestCases.APITestCase):
    spec = point_spec
    filter_params = {"point_type": "methane", "code": "GAS"}
    api_create_data = {
        "enterprise": uscc_for("110108", "10000002"),
        "code": "HD-P02",
        "name": "储气罐压力",
        "point_type": "pressure",
        "unit": "MPa",
        "high": 0.8,
        "cycle_s": 30,
    }
    api_update_data = {"name": "燕山 1# 罐液位（新）"}
    api_invalid_data = {
        "enterprise": uscc_for("110108", "10000002"),
        "code": "A/B",
        "name": "储气罐压力",
        "point_type": "pressure",
        "unit": "MPa",
        "high": 0.8,
        "high_high": 0.5,
    }

    def test_api_invalid_thresholds_name_the_field(self) -> None:
        response = self.api.post(self.api_url(), self.api_invalid_data, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"code", "high_high"})

    @classmethod
    def make_objects(cls) -> tuple[list[MonitoringPoint], list[MonitoringPoint]]:
        return sample_points()


class AlarmPagesTest(TestCase):
    inspector: ClassVar[User]
    shanghai: ClassVar[User]
    officer: ClassVar[User]
    tank: ClassVar[MonitoringPoint]
    gas: ClassVar[MonitoringPoint]
    ch4: ClassVar[MonitoringPoint]
    sh_tank: ClassVar[MonitoringPoint]
    alarm: ClassVar[Alarm]
    sh_alarm: ClassVar[Alarm]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.inspector = provincial_inspector("t_beijing", "110000")
        cls.shanghai = provincial_inspector("t_shanghai", "310000")
        (cls.tank, cls.gas, cls.ch4), (cls.sh_tank, _other) = sample_points()
        enterprise: Enterprise = cls.tank.enterprise
        org = make_org(
            enterprise.name, enterprise.region.code, org_type=OrgType.ENTERPRISE, enterprise=enterprise
        )
        cls.officer = make_user("t_officer", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)
        pipeline = Pipeline()
        pipeline.refresh()
        send(pipeline, cls.tank, 5.0, 9.8)
        send(pipeline, cls.sh_tank, 10.8)
        pipeline.flush_aggregates()
        cls.alarm = Alarm.objects.get(point=cls.tank)
        cls.sh_alarm = Alarm.objects.get(point=cls.sh_tank, kind="high_high")

    def test_alarm_list_is_scoped(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("monitoring:alarm_list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["table"].paginator.count, 1)
        self.assertContains(response, "燕山")
        self.assertNotContains(response, "浦东")
        self.assertEqual(
            self.client.get(reverse("monitoring:alarm_detail", args=[self.sh_alarm.pk])).status_code, 404
        )

    def test_alarm_list_filters(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("monitoring:alarm_list"), {"status": "closed"})
        self.assertEqual(response.context["table"].paginator.count, 0)

    def test_enterprise_acknowledges_and_handles(self) -> None:
        self.client.force_login(self.officer)
        url = reverse("monitoring:alarm_action", args=[self.alarm.pk, "acknowledge"])
        self.assertEqual(self.client.post(url).status_code, 302)
        self.alarm.refresh_from_db()
        self.assertEqual(self.alarm.status, AlarmStatus.ACKNOWLEDGED)
        handle = reverse("monitoring:alarm_action", args=[self.alarm.pk, "handle"])
        response = self.client.post(handle, {"cause": "", "measures": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "必填", status_code=400)
        self.client.post(handle, {"cause": "进料阀未及时关闭", "measures": "关闭进料阀，倒罐"})
        self.alarm.refresh_from_db()
        self.assertEqual(self.alarm.status, AlarmStatus.HANDLED)
        self.assertEqual(self.alarm.handled_by, self.officer)

    def test_other_province_cannot_act(self) -> None:
        self.client.force_login(self.shanghai)
        url = reverse("monitoring:alarm_action", args=[self.alarm.pk, "acknowledge"])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.alarm.refresh_from_db()
        self.assertEqual(self.alarm.status, AlarmStatus.OPEN)

    def test_a_reader_cannot_act(self) -> None:
        leader = make_user("t_leader", self.inspector.organization, RoleCode.LEADER)
        self.client.force_login(leader)
        self.assertEqual(
            self.client.get(reverse("monitoring:alarm_detail", args=[self.alarm.pk])).status_code, 200
        )
        url = reverse("monitoring:alarm_action", args=[self.alarm.pk, "acknowledge"])
        self.assertEqual(self.client.post(url).status_code, 403)

    def test_alarm_api_is_scoped_and_acts_through_the_services(self) -> None:
        api = APIClient()
        _token, key = APIToken.issue(self.officer)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        body = api.get("/api/v1/monitoring/alarms/").json()
        self.assertEqual([row["id"] for row in body["results"]], [self.alarm.pk])
        self.assertEqual(api.get(f"/api/v1/monitoring/alarms/{self.sh_alarm.pk}/").status_code, 404)
        response = api.post(
            f"/api/v1/monitoring/alarms/{self.alarm.pk}/handle/",
            {"cause": "", "measures": "x"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        response = api.post(
            f"/api/v1/monitoring/alarms/{self.alarm.pk}/handle/",
            {"cause": "液位计漂移", "measures": "校准液位计"},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "handled")
        response = api.post(f"/api/v1/monitoring/alarms/{self.alarm.pk}/acknowledge/", format="json")
        self.assertEqual(response.status_code, 400)  # already past acknowledgement

    def test_live_values_of_the_own_enterprise(self) -> None:
        self.client.force_login(self.officer)
        response = self.client.get(reverse("monitoring:live"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "BJ-T101")
        self.assertContains(response, "9.8")
        self.assertContains(response, 'hx-trigger="every 10s"')
        self.assertNotContains(response, "SH-T201")
        fragment = self.client.get(reverse("monitoring:live"), headers={"HX-Request": "true"})
        self.assertContains(fragment, 'id="live-table"')
        self.assertNotContains(fragment, "<html")

    def test_live_values_of_another_province_enterprise_is_404(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("monitoring:live"), {"enterprise": self.sh_tank.enterprise.uscc})
        self.assertEqual(response.status_code, 404)

    def test_trend_page_and_data(self) -> None:
        self.client.force_login(self.inspector)
        self.assertEqual(self.client.get(reverse("monitoring:trend", args=[self.tank.pk])).status_code, 200)
        data = self.client.get(reverse("monitoring:trend_data", args=[self.tank.pk]), {"range": "6h"}).json()
        self.assertEqual(data["kind"], "raw")
        self.assertEqual([v for _t, v in data["points"]], [5.0, 9.8])
        self.assertEqual(data["thresholds"]["high"], 9.5)
        hourly = self.client.get(
            reverse("monitoring:trend_data", args=[self.tank.pk]), {"range": "7d"}
        ).json()
        self.assertEqual(hourly["kind"], "hourly")
        self.assertEqual(hourly["points"][0][3], 9.8)
        other = reverse("monitoring:trend_data", args=[self.sh_tank.pk])
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_overview(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("monitoring:overview"))
        self.assertEqual(response.status_code, 200)
        states = {s["name"]: s["state"] for s in response.context["states"]}
        self.assertEqual(states[self.tank.enterprise.name], "alarm")
        self.assertNotIn(self.sh_tank.enterprise.name, states)
        self.assertEqual([r["name"] for r in response.context["top"]], [self.tank.enterprise.name])
        self.assertEqual(response.context["open_count"], 1)
        self.assertEqual(self.client.get(reverse("monitoring:overview"), {"day": "bad"}).status_code, 200)


class ReadingsAPITest(TestCase):
    tank: ClassVar[MonitoringPoint]
    gas: ClassVar[MonitoringPoint]
    sh_tank: ClassVar[MonitoringPoint]
    gateway: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        (cls.tank, cls.gas, _ch4), (cls.sh_tank, _other) = sample_points()
        enterprise = cls.tank.enterprise
        org = make_org(
            enterprise.name, enterprise.region.code, org_type=OrgType.ENTERPRISE, enterprise=enterprise
        )
        cls.gateway = make_user("t_gateway", org, RoleCode.ENTERPRISE_SAFETY_OFFICER)

    def client_for(self, user: User) -> APIClient:
        api = APIClient()
        _token, key = APIToken.issue(user)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return api

    def test_batches_are_accepted_and_refusals_reported(self) -> None:
        t = now_ms() - 5000
        body = {
            "batches": [
                {
                    "point": self.tank.code,
                    "readings": [{"t": t, "v": 5.0}, {"t": t + 1000, "v": 10.9}, {"t": t + 2000, "v": "x"}],
                },
                {"point": self.gas.code, "readings": {"t": t, "v": 3.0}},
                {"point": self.sh_tank.code, "readings": {"t": t, "v": 3.0}},  # another enterprise's point
            ]
        }
        response = self.client_for(self.gateway).post("/api/v1/monitoring/readings/", body, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        result = response.json()
        self.assertEqual((result["accepted"], result["rejected"]), (3, 2))
        self.assertEqual(result["reasons"], {"non_numeric": 1, "unknown_point": 1})
        self.assertIn("未登记", result["messages"]["unknown_point"])
        self.assertEqual(storage.count_readings([self.tank.pk, self.gas.pk]), 3)
        self.assertEqual(storage.count_readings([self.sh_tank.pk]), 0)
        self.assertTrue(Alarm.objects.filter(point=self.tank, kind="high_high").exists())
        # The same batch again: every reading is a duplicate.
        again = self.client_for(self.gateway).post("/api/v1/monitoring/readings/", body, format="json").json()
        self.assertEqual(again["accepted"], 0)
        self.assertEqual(again["reasons"]["duplicate"], 3)

    def test_a_regulator_cannot_send_readings(self) -> None:
        inspector = provincial_inspector("t_beijing", "110000")
        body = {"batches": [{"point": self.tank.code, "readings": {"t": now_ms(), "v": 5.0}}]}
        response = self.client_for(inspector).post("/api/v1/monitoring/readings/", body, format="json")
        self.assertEqual(response.status_code, 403)

    def test_malformed_body_is_400(self) -> None:
        response = self.client_for(self.gateway).post(
            "/api/v1/monitoring/readings/", {"batches": []}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        response = self.client_for(self.gateway).post(
            "/api/v1/monitoring/readings/", json.dumps({"x": 1}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
