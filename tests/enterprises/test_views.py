"""Enterprise pages and API: generated from the kernel's test bases, plus the registry's own rules."""

from __future__ import annotations

from typing import Any

from anjian.core.testing import APIViewTestCases, ViewTestCases
from anjian.core.uscc import make_uscc, org_code_check_char
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import save_enterprise
from anjian.enterprises.specs import enterprise_spec
from anjian.regions.models import Region


def uscc_for(region: str, body: str) -> str:
    return make_uscc(f"91{region}{body}{org_code_check_char(body)}")


def enterprise(name: str, region: str, sector: str, body: str, **fields: Any) -> Enterprise:
    return save_enterprise(
        Enterprise(
            uscc=uscc_for(region, body),
            name=name,
            region=Region.objects.get(code=region),
            sector=sector,
            **fields,
        ),
        user=None,
    )


def sample_enterprises() -> tuple[list[Enterprise], list[Enterprise]]:
    beijing = [
        enterprise("北京燕山化工有限公司", "110111", "hazchem", "10000001", industry_id="26"),
        enterprise("北京海淀精密机械有限公司", "110108", "industry_trade", "10000002", industry_id="34"),
        enterprise("北京门头沟矿业有限公司", "110109", "noncoal_mine", "10000003", status="suspended"),
    ]
    shanghai = [
        enterprise("上海浦东石化有限公司", "310115", "hazchem", "20000001"),
        enterprise("上海宝山钢铁有限公司", "310113", "industry_trade", "20000002"),
        enterprise("上海金山化学品储运有限公司", "310116", "hazchem", "20000003"),
    ]
    return beijing, shanghai


class EnterpriseViewTest(ViewTestCases.PrimaryObjectViewTestCase):
    spec = enterprise_spec
    filter_params = {
        "q": "燕山",
        "sector": "hazchem",
        "status": "suspended",
        "region": "110108",
        "industry": "26",
        "uscc": uscc_for("110111", "10000001"),
        "name": "机械",
        "legal_representative": "李",
    }
    form_data = {
        "uscc": uscc_for("110105", "30000001"),
        "name": "北京朝阳燃气有限公司",
        "region": "110105",
        "sector": "hazchem",
        "industry": "45",
        "address": "北京市朝阳区某路 1 号",
        "legal_representative": "赵六",
        "longitude": "116.443",
        "latitude": "39.921",
        "status": "operating",
    }
    edit_data = form_data | {"name": "北京燕山化工股份有限公司", "region": "110111"}
    import_rows = [
        {
            "统一社会信用代码": uscc_for("110106", "40000001"),
            "企业名称": "北京丰台化工有限公司",
            "所在区县": "110106",
            "监管行业": "hazchem",
        },
        {
            "统一社会信用代码": uscc_for("110107", "40000002"),
            "企业名称": "北京石景山机械有限公司",
            "所在区县": "110107",
            "监管行业": "industry_trade",
        },
    ]

    @classmethod
    def make_objects(cls) -> tuple[list[Enterprise], list[Enterprise]]:
        beijing, shanghai = sample_enterprises()
        Enterprise.objects.filter(pk=beijing[1].pk).update(legal_representative="李四")
        return beijing, shanghai

    def get_edit_data(self, obj: Any) -> dict[str, Any]:
        return self.edit_data | {"uscc": obj.uscc}  # the code is not editable


class EnterpriseAPITest(APIViewTestCases.APITestCase):
    spec = enterprise_spec
    filter_params = {"sector": "hazchem", "region": "110108", "q": "矿业", "status": "suspended"}
    api_create_data = {
        "uscc": uscc_for("110105", "50000001"),
        "name": "北京朝阳气体有限公司",
        "region": "110105",
        "sector": "hazchem",
    }
    api_update_data = {"address": "北京市房山区燕山岗南路 9 号"}
    api_invalid_data = {
        "uscc": "91110108551385082A",
        "name": "校验位错误的企业",
        "region": "110108",
        "sector": "hazchem",
    }

    @classmethod
    def make_objects(cls) -> tuple[list[Enterprise], list[Enterprise]]:
        return sample_enterprises()
