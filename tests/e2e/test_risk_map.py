"""The four-colour risk map in a real browser: the enterprise's site plan with its coloured risk
points (demo data), placing a new point by clicking the plan, and the regulators' map.

Screenshots go to var/e2e/risk-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import login

ENT_BJ_NAME = "北京燕山华瑞化工有限公司"


@pytest.mark.e2e
def test_enterprise_plan_shows_coloured_points_and_places_a_new_one(page: Page, screenshot_dir: Path) -> None:
    login(page, "ent_bj")
    page.goto("/risk-points/map/")  # an enterprise user lands on its own plan
    expect(page).to_have_url(re.compile(r"/risk-points/plan/\d+/$"))
    expect(page.locator("h1")).to_contain_text(ENT_BJ_NAME)
    expect(page.locator(".leaflet-image-layer")).to_be_visible()
    for level, count in (("red", 3), ("orange", 2), ("yellow", 3), ("blue", 4)):
        expect(page.locator(f"#count-{level}")).to_have_text(str(count))
        expect(page.locator(f".risk-marker[data-level={level}]")).to_have_count(count)
    page.screenshot(path=screenshot_dir / "risk-plan.png", full_page=True)

    # A new point, graded on save, then placed on the plan by clicking.
    page.goto("/risk-points/add/")
    page.get_by_label("风险点名称").fill("危废暂存间")
    page.get_by_label("风险点类型").select_option("place")
    page.get_by_label("危险有害因素类别").select_option("22")
    page.get_by_label("中毒和窒息").check()
    page.get_by_label("火灾").check()
    page.get_by_label("评价方法").select_option("lec")
    page.get_by_label("L（可能性）").fill("3")
    page.get_by_label("E（暴露频繁程度）").fill("3")
    page.get_by_label("C/S（后果严重程度）").fill("15")
    page.get_by_label("管理措施").fill("危废台账，专人管理")
    page.get_by_label("管控层级").select_option("workshop")
    page.get_by_label("责任人", exact=True).fill("王建国")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#risk-level")).to_have_text("一般风险（黄）")  # D = 135
    expect(page.locator("#risk-score")).to_contain_text("= 135")

    page.get_by_role("link", name="风险四色图").click()
    page.locator("#place-point").select_option(label="危废暂存间")
    box = page.locator("#site-plan .leaflet-image-layer").bounding_box()
    assert box is not None
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.9)
    expect(page.locator(".risk-marker[data-level=yellow]")).to_have_count(4)
    expect(page.locator("#place-controls")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "risk-plan-placed.png", full_page=True)

    page.locator(".risk-marker[data-level=yellow]").last.click()
    expect(page.locator("h1")).to_have_text(re.compile("危废暂存间|燃气锅炉|装卸栈台|高处作业"))


@pytest.mark.e2e
def test_regulator_map_colours_enterprises(page: Page, screenshot_dir: Path) -> None:
    login(page, "beijing")
    page.goto("/risk-points/map/")
    row = page.locator("#enterprise-table tbody tr", has_text=ENT_BJ_NAME)
    expect(row).to_contain_text("重大风险（红）")
    expect(page.locator('#risk-map path[fill="#d63939"]').first).to_be_visible()
    expect(page.locator("#enterprise-table")).not_to_contain_text("上海")
    page.screenshot(path=screenshot_dir / "risk-region-map.png", full_page=True)

    page.locator("select[name=level]").select_option("red")
    page.get_by_role("button", name="筛选").click()
    for badge in page.locator("#enterprise-table tbody .badge").all():
        expect(badge).to_have_text("重大风险（红）")

    page.goto("/risk-points/configs/")
    page.get_by_role("link", name="全国默认风险矩阵（A 方案）").click()
    expect(page.locator("#matrix-grid td.bg-red-lt")).to_have_count(3)  # 20, 20, 25
    page.screenshot(path=screenshot_dir / "risk-matrix.png", full_page=True)
