"""Accident reporting as the county, city, province and ministry use it, each in their own browser
session against a real server: a 较大 accident goes up to the province, a supplementary report
raises the deaths to 10 and the report continues to the national level.

Screenshots of every step go to var/e2e/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import login_in


def confirm(page: Page, url: str, level: str) -> None:
    page.goto(url)
    row = page.locator(f'#report-chain tr[data-level="{level}"]')
    row.get_by_role("button", name="确认接收").click()
    expect(page.locator(".alert-success")).to_contain_text("已确认接收")
    expect(row.locator(".step-status")).to_contain_text("已接收")


@pytest.mark.e2e
def test_larger_accident_reaches_the_ministry_after_deaths_rise(
    new_context: Callable[[], BrowserContext], screenshot_dir: Path
) -> None:
    county = login_in(new_context(), "jingxing")
    county.goto("/accidents/reports/add/")
    occurred = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=20)
    county.get_by_label("事故单位名称").fill("井陉县华瑞建材有限公司")
    county.get_by_label("监管行业").select_option("industry_trade")
    county.get_by_label("事故发生地（区县）").select_option("130121")
    county.get_by_label("发生时间").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    county.get_by_label("发生地点").fill("厂区原料仓库")
    county.get_by_label("事故类别").select_option("collapse")
    county.get_by_label("事故简要经过").fill("原料仓库料仓坍塌，多名作业人员被埋。")
    county.get_by_label("死亡人数").fill("3")
    county.get_by_label("重伤人数").fill("2")
    county.get_by_label("已经采取的措施").fill("已组织救援，封锁现场。")
    county.get_by_label("报告人").fill("井陉县监管员")
    county.get_by_label("联系电话").fill("0311-82000000")
    county.screenshot(path=screenshot_dir / "accident-01-file.png", full_page=True)
    county.get_by_role("button", name="保存").click()
    county.wait_for_url(lambda url: "/accidents/reports/" in url and url.rstrip("/").split("/")[-1].isdigit())
    url = county.url
    expect(county.locator("#accident-grade")).to_contain_text("较大事故")
    expect(county.locator("#grade-basis")).to_contain_text("死亡（含下落不明）人数")
    levels = county.locator("#report-chain tbody tr").evaluate_all("rows => rows.map(r => r.dataset.level)")
    assert levels == ["county", "city", "province"]
    expect(county.locator('#report-chain tr[data-level="county"] .step-status')).to_contain_text("已接收")
    county.screenshot(path=screenshot_dir / "accident-02-filed.png", full_page=True)

    city = login_in(new_context(), "shijiazhuang")
    confirm(city, url, "city")
    province = login_in(new_context(), "hebei")
    # The province sees no button for the city's step, only its own.
    province.goto(url)
    expect(province.locator('#report-chain tr[data-level="city"] button')).to_have_count(0)
    confirm(province, url, "province")
    province.screenshot(path=screenshot_dir / "accident-03-province.png", full_page=True)

    county.goto(url)
    county.locator("#supplement-link").click()
    county.get_by_label("死亡人数").fill("10")
    county.get_by_label("进展情况").fill("搜救结束，又发现 7 名遇难者。")
    county.get_by_role("button", name="提交续报").click()
    county.wait_for_url(url)
    expect(county.locator("#accident-grade")).to_contain_text("重大事故")
    expect(county.locator('#revisions tr[data-revision="2"]')).to_contain_text("等级由较大事故升为重大事故")
    expect(county.locator('#revisions tr[data-revision="2"] td.table-warning')).to_have_text("10")
    expect(county.locator('#report-chain tr[data-level="national"] .step-status')).to_contain_text("待接收")
    county.screenshot(path=screenshot_dir / "accident-04-supplement.png", full_page=True)

    ministry = login_in(new_context(), "national")
    confirm(ministry, url, "national")
    for level in ("county", "city", "province", "national"):
        expect(ministry.locator(f'#report-chain tr[data-level="{level}"] .step-status')).to_contain_text(
            "已接收"
        )
    ministry.screenshot(path=screenshot_dir / "accident-05-national.png", full_page=True)
