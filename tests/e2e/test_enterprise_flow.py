"""The enterprise registry as a provincial inspector uses it, in a real browser against a real server.

Screenshots of every step go to var/e2e/ (look at them: Chinese text must render, the layout
must hold together).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import DEMO_PASSWORD, login

PROJECT_DIR = Path(__file__).resolve().parents[2]
BEIJING_PREFIX = "11"


def _beijing_counties() -> frozenset[str]:
    """Names of Beijing's districts, from the packaged GB/T 2260 table (not from the database)."""
    path = PROJECT_DIR / "src" / "anjian" / "regions" / "data" / "gbt2260.csv"
    with path.open(encoding="utf-8") as f:
        return frozenset(
            row["name"]
            for row in csv.DictReader(f)
            if row["code"].startswith(BEIJING_PREFIX) and row["level"] != "province"
        )


BEIJING_COUNTIES = _beijing_counties()


def shot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / name, full_page=True)


def table_rows(page: Page) -> list[dict[str, str]]:
    """The list table's body rows as {column header: cell text}."""
    rows: list[dict[str, str]] = page.evaluate(
        """() => {
          const table = document.querySelector('#object-table table');
          const heads = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
          return [...table.querySelectorAll('tbody tr')]
            .filter((tr) => tr.querySelectorAll('td').length === heads.length)
            .map((tr) => Object.fromEntries(
              [...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.innerText.trim()])));
        }"""
    )
    return rows


def result_count(page: Page) -> int:
    text = page.locator("#object-table .card-header").inner_text()
    match = re.search(r"共\s*([\d,]+)\s*条", text)
    assert match, f"no result count in {text!r}"
    return int(match.group(1).replace(",", ""))


def api_enterprises(context: BrowserContext, **params: Any) -> dict[str, Any]:
    """The enterprise API, called with the browser session's cookie."""
    response = context.request.get("/api/v1/enterprises/", params=params)
    assert response.status == 200, response.text()
    data: dict[str, Any] = response.json()
    return data


@pytest.mark.e2e
def test_beijing_inspector_lists_filters_opens_and_exports(
    new_context: Callable[[], BrowserContext], screenshot_dir: Path, tmp_path: Path
) -> None:
    context = new_context()
    page = context.new_page()

    page.goto("/login/")
    page.get_by_label("用户名").fill("beijing")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    shot(page, screenshot_dir, "01-login.png")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.locator("#current-user")).to_contain_text("北京市应急管理局")

    # Navigation menu: 行业监管 → 企业.
    page.locator("#main-nav").get_by_role("button", name="行业监管").click()
    page.locator("#main-nav").get_by_role("link", name="企业", exact=True).click()
    page.wait_for_url(re.compile(r"/enterprises/$"))
    expect(page.get_by_role("heading", name="企业", exact=True)).to_be_visible()

    # Only Beijing enterprises, though the demo data covers 14 provinces.
    total = result_count(page)
    rows = table_rows(page)
    assert total > 0
    assert len(rows) == min(total, 25)
    outside = [r for r in rows if r["所在区县"] not in BEIJING_COUNTIES]
    assert not outside, f"rows outside Beijing: {outside}"
    # 通州区 is also a district of Nantong (Jiangsu): confirm by the region code the API reports.
    api = api_enterprises(context, page_size=1000)
    assert api["count"] == total
    region_of = {e["uscc"]: e["region"] for e in api["results"]}
    assert all(region_of[r["统一社会信用代码"]].startswith(BEIJING_PREFIX) for r in rows)
    shot(page, screenshot_dir, "02-list.png")

    # Filter by sector: the form submits through htmx when the selection changes. Picking 工贸
    # first and then 危险化学品 proves a new choice replaces the old one instead of piling up.
    sector = page.get_by_label("监管行业")
    with page.expect_response(lambda r: "sector=industry_trade" in r.url):
        sector.select_option(label="工贸")
    with page.expect_response(lambda r: "sector=hazchem" in r.url):
        sector.select_option(label="危险化学品")
    expect(page).to_have_url(re.compile(r"sector=hazchem"))
    expect(page.locator("#result-count")).not_to_have_text(re.compile(rf"共\s*{total}\s*条"))
    filtered = result_count(page)
    rows = table_rows(page)
    assert 0 < filtered < total
    assert len(rows) == min(filtered, 25)
    assert {r["监管行业"] for r in rows} == {"危险化学品"}
    assert all(r["所在区县"] in BEIJING_COUNTIES for r in rows)
    shown = {r["统一社会信用代码"] for r in rows}
    shot(page, screenshot_dir, "03-filtered.png")

    # Detail page: opened by clicking the enterprise name.
    name = rows[0]["企业名称"]
    page.locator("#object-table tbody").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/enterprises/\d+/$"))
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="变更记录")).to_be_visible()
    expect(page.locator("#changelog tbody tr").first).to_contain_text("新增")
    expect(page.locator("dt", has_text="来源节点")).to_be_visible()
    expect(
        page.locator("dt", has_text="来源节点").locator("xpath=following-sibling::dd[1]")
    ).not_to_be_empty()
    shot(page, screenshot_dir, "04-detail.png")

    # Back to the filtered list (the whole page, not the fragment htmx fetched for the same URL);
    # 导出 Excel exports what the list shows.
    page.go_back()
    page.wait_for_url(re.compile(r"/enterprises/\?.*sector=hazchem"))
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"共\s*{filtered}\s*条"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    header, *data = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    assert {"企业名称", "统一社会信用代码", "所在区县", "区划代码", "监管行业"} <= set(header)
    uscc, county, code = header.index("统一社会信用代码"), header.index("所在区县"), header.index("区划代码")
    assert len(data) == filtered
    assert all(row[code].startswith(BEIJING_PREFIX) and row[county] in BEIJING_COUNTIES for row in data), data
    assert {row[header.index("监管行业")] for row in data} == {"危险化学品"}
    if filtered <= 25:
        assert {row[uscc] for row in data} == shown


@pytest.mark.e2e
def test_home_dashboard_shows_counts_and_map(page: Page, screenshot_dir: Path) -> None:
    login(page, "beijing")
    page.goto("/")
    expect(page.get_by_text("企业总数", exact=True)).to_be_visible()
    assert int(page.locator("#stat-total").inner_text().replace(",", "")) > 0
    page.locator("#chart-map canvas").first.wait_for(state="visible")
    # Let the chart finish drawing (ECharts animates) before the screenshot.
    page.evaluate(
        """() => new Promise((resolve) => {
          const chart = echarts.getInstanceByDom(document.getElementById('chart-map'));
          chart.on('finished', resolve);
          setTimeout(resolve, 1500);
        })"""
    )
    shot(page, screenshot_dir, "05-home.png")


@pytest.mark.e2e
def test_enterprise_outside_the_province_is_not_found(
    new_context: Callable[[], BrowserContext], screenshot_dir: Path
) -> None:
    beijing = new_context().new_page()
    login(beijing, "beijing")
    first = api_enterprises(beijing.context, page_size=1)["results"][0]
    url = f"/enterprises/{first['id']}/"
    response = beijing.goto(url)
    assert response is not None
    assert response.status == 200

    shanghai = new_context().new_page()
    login(shanghai, "shanghai")
    response = shanghai.goto(url)
    # Out of scope answers 404 like a missing record. The e2e server runs with ANJIAN_DEBUG=1
    # (as `make run` does), so the page is Django's technical 404, not templates/404.html.
    assert response is not None
    assert response.status == 404
    expect(shanghai.get_by_text(first["name"])).to_have_count(0)
    expect(shanghai.get_by_text(first["uscc"])).to_have_count(0)
    shot(shanghai, screenshot_dir, "06-404.png")
