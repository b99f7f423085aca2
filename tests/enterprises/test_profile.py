"""The enterprise basic database (licences, standardisation, personnel, training, occupational
health, emergency plans/resources/drills): generated page and API tests for every record type,
plus the validity rules, expiry reminders, enterprise self-service scope and personal data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from django.utils import timezone

from anjian.core.testing import APIViewTestCases, ViewTestCases
from anjian.enterprises.models import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyResource,
    EnterpriseRecord,
    Licence,
    OccupationalHealth,
    SafetyPerson,
    StandardisationGrade,
    TrainingRecord,
    id_check_char,
)
from anjian.enterprises.services import save_profile_record
from anjian.enterprises.specs import (
    emergency_drill_spec,
    emergency_plan_spec,
    emergency_resource_spec,
    licence_spec,
    occupational_health_spec,
    safety_person_spec,
    standardisation_grade_spec,
    training_record_spec,
)
from tests.enterprises.test_views import sample_enterprises, uscc_for

ENTERPRISE_COLUMN = "企业（统一社会信用代码）"
BJ_USCC = [uscc_for("110111", "10000001"), uscc_for("110108", "10000002"), uscc_for("110109", "10000003")]


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


def filed(model: type[EnterpriseRecord], rows: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Three records of Beijing enterprises and three of Shanghai ones, one per enterprise."""
    beijing, shanghai = sample_enterprises()
    made = [
        save_profile_record(model(enterprise=enterprise, **row), user=None)
        for enterprise, row in zip(beijing + shanghai, rows, strict=True)
    ]
    return made[:3], made[3:]


def licences() -> tuple[list[Any], list[Any]]:
    row = {"kind": "safety_production", "issuer": "北京市应急管理局", "valid_from": date(2024, 1, 1)}
    return filed(
        Licence,
        [
            row | {"number": "JW-2024-0001", "valid_to": days(20), "licensed_scope": "危险化学品生产"},
            row
            | {
                "number": "JW-2023-0002",
                "kind": "hazchem_operation",
                "issuer": "海淀区应急管理局",
                "valid_from": date(2023, 1, 1),
                "valid_to": days(400),
            },
            row | {"number": "JW-2020-0003", "kind": "other", "valid_to": days(-10)},
            row | {"number": "HU-2024-0101", "valid_to": days(30)},
            row | {"number": "HU-2024-0102", "valid_to": days(300)},
            row | {"number": "HU-2024-0103", "valid_to": days(3)},
        ],
    )


class LicenceViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = licence_spec
    filter_params: ClassVar[dict[str, str]] = {
        "q": "0002",
        "enterprise": BJ_USCC[1],
        "region": "110108",
        "sector": "hazchem",
        "kind": "other",
        "number": "0003",
        "issuer": "海淀",
        "valid_from": "2023-01-01",
        "licensed_scope": "生产",
        "expires_within": "90",
        "expired": "true",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "kind": "safety_production",
        "number": "JW-2025-0009",
        "issuer": "北京市应急管理局",
        "valid_from": "2025-01-01",
        "valid_to": "2028-01-01",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "证照类型": "危险化学品经营许可证",
            "证照编号": "JW-IMP-0001",
            "发证机关": "房山区应急管理局",
            "有效期起": "2025-01-01",
            "有效期至": "2028-01-01",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "证照类型": "safety_production",
            "证照编号": "JW-IMP-0002",
            "发证机关": "北京市应急管理局",
            "有效期起": "2025-03-01",
            "有效期至": "2028-02-28",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return licences()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "kind": obj.kind,
            "number": obj.number,
            "issuer": f"{obj.issuer}（换证）",
            "valid_from": obj.valid_from.isoformat(),
            "valid_to": obj.valid_to.isoformat(),
        }

    def test_list_shows_expiry_badges(self) -> None:
        self.client.force_login(self.user)
        response = self.client.get(self.url("list"))
        for text in ("30 天内到期", "已过期", "有效"):
            self.assertContains(response, text)


class LicenceAPITest(APIViewTestCases.APITestCase):
    spec = licence_spec
    filter_params: ClassVar[dict[str, str]] = {"kind": "other", "expires_within": "90", "expired": "true"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "kind": "hazchem_use",
        "number": "JW-API-0001",
        "issuer": "门头沟区应急管理局",
        "valid_from": "2025-01-01",
        "valid_to": "2028-01-01",
    }
    api_update_data: ClassVar[dict[str, Any]] = {"issuer": "北京市应急管理局（换证）"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {
        "valid_from": "2025-06-01",
        "valid_to": "2025-01-01",
    }

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return licences()

    def test_api_shows_expiry_status(self) -> None:
        body = self.api.get(self.api_url(self.objects[0])).json()
        self.assertEqual(body["expiry_status"], "within_30")


def grades() -> tuple[list[Any], list[Any]]:
    return filed(
        StandardisationGrade,
        [
            {"grade": "1", "certificate_number": "BZH-B-001", "valid_until": days(500)},
            {"grade": "2", "certificate_number": "BZH-B-002", "valid_until": days(60)},
            {"grade": "3", "certificate_number": "BZH-B-003", "valid_until": days(-5)},
            {"grade": "1", "certificate_number": "BZH-S-101", "valid_until": days(500)},
            {"grade": "2", "certificate_number": "BZH-S-102", "valid_until": days(500)},
            {"grade": "3", "certificate_number": "BZH-S-103", "valid_until": days(500)},
        ],
    )


class StandardisationGradeViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = standardisation_grade_spec
    filter_params: ClassVar[dict[str, str]] = {
        "grade": "2",
        "certificate_number": "003",
        "enterprise": BJ_USCC[0],
        "expires_within": "90",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "grade": "3",
        "certificate_number": "BZH-B-009",
        "valid_until": "2028-12-31",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "标准化等级": "二级",
            "证书编号": "BZH-IMP-1",
            "有效期至": "2028-01-01",
        },
        {ENTERPRISE_COLUMN: BJ_USCC[1], "标准化等级": "3", "证书编号": "BZH-IMP-2", "有效期至": "2029-01-01"},
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return grades()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "grade": "1",
            "certificate_number": obj.certificate_number,
            "valid_until": "2030-01-01",
        }


class StandardisationGradeAPITest(APIViewTestCases.APITestCase):
    spec = standardisation_grade_spec
    filter_params: ClassVar[dict[str, str]] = {"grade": "1", "expired": "true"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "grade": "2",
        "certificate_number": "BZH-API-1",
        "valid_until": "2029-01-01",
    }
    api_update_data: ClassVar[dict[str, Any]] = {"valid_until": "2031-01-01"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"grade": "4"}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return grades()


def people() -> tuple[list[Any], list[Any]]:
    return filed(
        SafetyPerson,
        [
            {"name": "张建国", "role": "principal", "id_number": id_number("11010819700101123")},
            {
                "name": "李卫东",
                "role": "safety_manager",
                "id_number": id_number("11010819800202234"),
                "certificate_kind": "安全管理人员考核合格证",
                "certificate_number": "AQ-2024-01",
                "valid_to": days(200),
            },
            {
                "name": "王海燕",
                "role": "special_operator",
                "id_number": id_number("11010919900303345"),
                "certificate_kind": "特种作业操作证（电工作业）",
                "certificate_number": "T-2024-02",
                "valid_to": days(15),
            },
            {"name": "陈浦东", "role": "principal", "id_number": id_number("31011519700101123")},
            {"name": "周宝山", "role": "safety_manager", "id_number": id_number("31011319800101123")},
            {"name": "吴金山", "role": "special_operator", "id_number": id_number("31011619900101123")},
        ],
    )


class SafetyPersonViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = safety_person_spec
    filter_params: ClassVar[dict[str, str]] = {
        "role": "special_operator",
        "name": "卫东",
        "q": "张建国",
        "certificate_kind": "电工",
        "expires_within": "30",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "name": "赵永刚",
        "role": "special_operator",
        "id_number": id_number("11010919850505456"),
        "certificate_kind": "特种作业操作证（焊接与热切割作业）",
        "certificate_number": "T-2025-09",
        "valid_to": "2029-05-01",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "姓名": "孙立新",
            "人员类别": "安全管理人员",
            "身份证号码": id_number("11011119750606567"),
            "证书类别": "",
            "证书编号": "",
            "证书有效期至": "",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "姓名": "钱晓红",
            "人员类别": "特种作业人员",
            "身份证号码": id_number("11010819880707678").lower(),
            "证书类别": "特种作业操作证（高处作业）",
            "证书编号": "T-2025-10",
            "证书有效期至": "2030-01-01",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return people()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "name": obj.name,
            "role": obj.role,
            "id_number": obj.id_number,
            "certificate_kind": "安全管理人员考核合格证",
            "certificate_number": "AQ-2025-99",
        }


class SafetyPersonAPITest(APIViewTestCases.APITestCase):
    spec = safety_person_spec
    filter_params: ClassVar[dict[str, str]] = {"role": "principal", "expires_within": "30"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "name": "郑国强",
        "role": "safety_manager",
        "id_number": id_number("11010919820808789"),
    }
    api_update_data: ClassVar[dict[str, Any]] = {"certificate_kind": "安全管理人员考核合格证"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"id_number": "110109198208087890"}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return people()


def trainings() -> tuple[list[Any], list[Any]]:
    return filed(
        TrainingRecord,
        [
            {"course": "危化品安全操作培训", "hours": 8, "people": 30, "held_on": date(2026, 3, 1)},
            {"course": "特种作业复训", "hours": 16, "people": 12, "held_on": date(2026, 5, 1)},
            {"course": "新员工三级安全教育", "hours": 24, "people": 50, "held_on": date(2025, 9, 1)},
            {"course": "浦东应急知识讲座", "hours": 2, "people": 80, "held_on": date(2026, 1, 1)},
            {"course": "宝山煤气防护培训", "hours": 4, "people": 40, "held_on": date(2026, 1, 1)},
            {"course": "金山储运安全培训", "hours": 8, "people": 20, "held_on": date(2026, 1, 1)},
        ],
    )


class TrainingRecordViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = training_record_spec
    filter_params: ClassVar[dict[str, str]] = {
        "course": "复训",
        "hours_min": "20",
        "people_min": "40",
        "held_after": "2026-04-01",
        "held_before": "2025-12-31",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "course": "矿山救护知识培训",
        "hours": "6.5",
        "people": "18",
        "held_on": "2026-06-01",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "培训课程": "消防器材使用",
            "学时": "2",
            "参训人数": "40",
            "培训日期": "2026-02-01",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "培训课程": "机械防护",
            "学时": "4",
            "参训人数": "15",
            "培训日期": "2026-02-02",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return trainings()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "course": obj.course,
            "hours": str(obj.hours + 1),
            "people": str(obj.people),
            "held_on": obj.held_on.isoformat(),
        }

    def test_absurd_hours_and_people_are_refused(self) -> None:
        self.client.force_login(self.user)
        before = TrainingRecord.objects.count()
        for bad in ({"hours": "0"}, {"hours": "5000"}, {"people": "0"}, {"people": "-3"}):
            with self.subTest(bad=bad):
                response = self.client.post(self.url("add"), self.form_data | bad)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(TrainingRecord.objects.count(), before)


class TrainingRecordAPITest(APIViewTestCases.APITestCase):
    spec = training_record_spec
    filter_params: ClassVar[dict[str, str]] = {"course": "复训", "hours_min": "20"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "course": "井下避险培训",
        "hours": "8",
        "people": 20,
        "held_on": "2026-06-02",
    }
    api_update_data: ClassVar[dict[str, Any]] = {"people": 21}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"hours": "0"}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return trainings()


def health() -> tuple[list[Any], list[Any]]:
    return filed(
        OccupationalHealth,
        [
            {
                "hazard_factor": "电焊烟尘",
                "exposed_workers": 12,
                "last_monitored_on": date(2026, 3, 1),
                "result": "pass",
            },
            {
                "hazard_factor": "矽尘",
                "exposed_workers": 40,
                "last_monitored_on": date(2026, 4, 1),
                "result": "fail",
            },
            {"hazard_factor": "氨气", "exposed_workers": 5, "note": "待检测"},
            {"hazard_factor": "苯系物", "exposed_workers": 30},
            {"hazard_factor": "高温作业", "exposed_workers": 60},
            {"hazard_factor": "一氧化碳", "exposed_workers": 8},
        ],
    )


class OccupationalHealthViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = occupational_health_spec
    filter_params: ClassVar[dict[str, str]] = {
        "hazard_factor": "矽",
        "result": "fail",
        "exposed_workers_min": "20",
        "monitored_after": "2026-03-15",
        "q": "待检测",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "hazard_factor": "噪声",
        "exposed_workers": "25",
        "last_monitored_on": "2026-05-01",
        "result": "pass",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "职业病危害因素": "硫化氢",
            "接触人数": "6",
            "最近检测日期": "",
            "检测结果": "",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "职业病危害因素": "工频电场",
            "接触人数": "0",
            "最近检测日期": "2026-01-05",
            "检测结果": "合格",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return health()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "hazard_factor": obj.hazard_factor,
            "exposed_workers": "99",
        }

    def test_result_needs_a_monitoring_date(self) -> None:
        self.client.force_login(self.user)
        data = self.form_data | {"last_monitored_on": ""}
        response = self.client.post(self.url("add"), data)
        self.assertContains(response, "填写检测结果时必须填写检测日期。", status_code=400)


class OccupationalHealthAPITest(APIViewTestCases.APITestCase):
    spec = occupational_health_spec
    filter_params: ClassVar[dict[str, str]] = {"result": "pass", "hazard_factor": "矽"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "hazard_factor": "柴油机尾气",
        "exposed_workers": 14,
    }
    api_update_data: ClassVar[dict[str, Any]] = {"note": "已安装通风设施"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"exposed_workers": -1}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return health()


def plans() -> tuple[list[Any], list[Any]]:
    row = {"revised_on": date(2025, 6, 1), "filed_with": "北京市应急管理局"}
    return filed(
        EmergencyPlan,
        [
            row | {"title": "燕山化工综合预案", "level": "comprehensive"},
            row | {"title": "海淀机械火灾专项预案", "level": "special", "filed_with": "海淀区应急管理局"},
            row | {"title": "门头沟透水现场处置方案", "level": "onsite"},
            row | {"title": "浦东石化泄漏专项预案", "level": "special"},
            row | {"title": "宝山钢铁煤气中毒预案", "level": "special"},
            row | {"title": "金山储运综合预案", "level": "comprehensive"},
        ],
    )


class EmergencyPlanViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = emergency_plan_spec
    filter_params: ClassVar[dict[str, str]] = {"level": "onsite", "filed_with": "海淀", "title": "燕山"}
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "title": "门头沟冒顶片帮专项预案",
        "level": "special",
        "filed_with": "门头沟区应急管理局",
        "revised_on": "2026-01-15",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "预案名称": "燕山储罐区现场处置方案",
            "预案级别": "现场处置方案",
            "修订日期": "2026-01-01",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "预案名称": "海淀综合预案",
            "预案级别": "comprehensive",
            "修订日期": "2026-01-02",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return plans()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "title": obj.title,
            "level": obj.level,
            "revised_on": "2026-02-01",
        }

    def test_plan_file_must_be_what_its_extension_says(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.user)
        fake = SimpleUploadedFile("plan.pdf", b"not a pdf at all", content_type="application/pdf")
        before = EmergencyPlan.objects.count()
        response = self.client.post(self.url("add"), self.form_data | {"file": fake})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(EmergencyPlan.objects.count(), before)


class EmergencyPlanAPITest(APIViewTestCases.APITestCase):
    spec = emergency_plan_spec
    filter_params: ClassVar[dict[str, str]] = {"level": "special", "title": "透水"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "title": "门头沟火灾专项预案",
        "level": "special",
        "revised_on": "2026-01-15",
    }
    api_update_data: ClassVar[dict[str, Any]] = {"filed_with": "门头沟区应急管理局"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"level": "national"}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return plans()


def resources() -> tuple[list[Any], list[Any]]:
    return filed(
        EmergencyResource,
        [
            {"kind": "team", "name": "厂区专职消防队", "quantity": 1, "unit": "支", "location": "消防站"},
            {
                "kind": "equipment",
                "name": "正压式空气呼吸器",
                "quantity": 20,
                "unit": "套",
                "location": "应急仓库",
            },
            {"kind": "material", "name": "吸附棉", "quantity": 500, "unit": "千克", "location": "罐区"},
            {"kind": "team", "name": "浦东救援队", "quantity": 1, "unit": "支", "location": "浦东"},
            {"kind": "equipment", "name": "宝山防化服", "quantity": 30, "unit": "套", "location": "宝山"},
            {"kind": "material", "name": "金山围油栏", "quantity": 800, "unit": "米", "location": "金山"},
        ],
    )


class EmergencyResourceViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = emergency_resource_spec
    filter_params: ClassVar[dict[str, str]] = {
        "kind": "material",
        "location": "仓库",
        "name": "消防",
        "unit": "套",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "kind": "equipment",
        "name": "矿用自救器",
        "quantity": "120",
        "unit": "台",
        "location": "井口灯房",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "资源类别": "应急物资",
            "名称": "沙袋",
            "数量": "200",
            "计量单位": "袋",
            "存放地点": "1 号库",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "资源类别": "equipment",
            "名称": "灭火器",
            "数量": "0",
            "计量单位": "具",
            "存放地点": "车间",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return resources()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "kind": obj.kind,
            "name": obj.name,
            "quantity": str(obj.quantity + 1),
            "unit": obj.unit,
            "location": obj.location,
        }


class EmergencyResourceAPITest(APIViewTestCases.APITestCase):
    spec = emergency_resource_spec
    filter_params: ClassVar[dict[str, str]] = {"kind": "team", "location": "罐区"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "kind": "material",
        "name": "急救药箱",
        "quantity": "10",
        "unit": "个",
        "location": "办公楼",
    }
    api_update_data: ClassVar[dict[str, Any]] = {"quantity": "12"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"quantity": "-1"}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return resources()


def drills() -> tuple[list[Any], list[Any]]:
    return filed(
        EmergencyDrill,
        [
            {
                "held_on": date(2026, 4, 1),
                "scenario": "液氨泄漏演练",
                "participants": 60,
                "evaluation": "响应及时",
            },
            {"held_on": date(2026, 5, 1), "scenario": "车间火灾疏散演练", "participants": 150},
            {"held_on": date(2025, 11, 1), "scenario": "井下透水演练", "participants": 40},
            {"held_on": date(2026, 4, 1), "scenario": "苯罐区着火演练", "participants": 30},
            {"held_on": date(2026, 4, 1), "scenario": "煤气柜泄漏演练", "participants": 30},
            {"held_on": date(2026, 4, 1), "scenario": "码头溢油演练", "participants": 30},
        ],
    )


class EmergencyDrillViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = emergency_drill_spec
    filter_params: ClassVar[dict[str, str]] = {
        "scenario": "火灾",
        "participants_min": "100",
        "held_before": "2025-12-31",
        "q": "响应及时",
    }
    form_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "held_on": "2026-06-10",
        "scenario": "井下火灾避灾演练",
        "participants": "80",
        "evaluation": "路线熟悉",
    }
    import_rows: ClassVar[list[dict[str, str]]] = [
        {
            ENTERPRISE_COLUMN: BJ_USCC[0],
            "演练日期": "2026-02-01",
            "演练科目": "氯气泄漏演练",
            "参演人数": "45",
        },
        {
            ENTERPRISE_COLUMN: BJ_USCC[1],
            "演练日期": "2026-02-02",
            "演练科目": "触电急救演练",
            "参演人数": "12",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return drills()

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "enterprise": obj.enterprise.uscc,
            "held_on": obj.held_on.isoformat(),
            "scenario": obj.scenario,
            "participants": str(obj.participants + 5),
        }


class EmergencyDrillAPITest(APIViewTestCases.APITestCase):
    spec = emergency_drill_spec
    filter_params: ClassVar[dict[str, str]] = {"scenario": "透水", "participants_min": "100"}
    api_create_data: ClassVar[dict[str, Any]] = {
        "enterprise": BJ_USCC[2],
        "held_on": "2026-06-11",
        "scenario": "瓦斯突出演练",
        "participants": 90,
    }
    api_update_data: ClassVar[dict[str, Any]] = {"evaluation": "撤离用时 12 分钟"}
    api_invalid_data: ClassVar[dict[str, Any]] = api_create_data | {"participants": 0}

    @classmethod
    def make_objects(cls) -> tuple[list[Any], list[Any]]:
        return drills()
