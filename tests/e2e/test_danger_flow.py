"""A major hidden danger from inspection to delisting, each party in its own browser session
against a real server with the demo data: the Beijing inspector records it during an inspection
at 北京燕山华瑞化工有限公司 and lists it for supervision (挂牌督办); the enterprise submits the
rectification plan, starts rectifying and applies for closure with photos; the inspector reviews
and delists it. The statistics page shows the change: one more found, major, rectified, listed
and delisted hidden danger.

Screenshots of every step go to var/e2e/.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from anjian.dangerstats.models import current_report_period, report_deadline
from anjian.demo import ENT_BJ_USCC
from tests.e2e.helpers import login_in

ENTERPRISE = "北京燕山华瑞化工有限公司"
QUARTERS = {"q1": "第一季度", "q2": "第二季度", "q3": "第三季度", "q4": "第四季度"}
FIGURES = ("found", "rectified", "major", "major-rectified", "listed", "delisted")


def png(path: Path, rgb: tuple[int, int, int]) -> Path:
    """A small real PNG image (a 16 × 16 square of one colour), as a phone photo stands in."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * 16
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * 16))
        + chunk(b"IEND", b"")
    )
    return path


def statistics(page: Page) -> dict[str, int]:
    page.goto("/danger-statistics/")
    expect(page.locator("#stat-found")).to_be_visible()
    return {name: int(page.locator(f"#stat-{name}").inner_text()) for name in FIGURES}


def beijing_row(page: Page) -> dict[str, str]:
    """The 房山区 row of the Beijing inspector's table by region (the enterprise's district)."""
    row = page.locator('#stats-by-region tr[data-key="110111"]')
    if row.count() == 0:
        return {}
    return {col: row.locator(f'td[data-col="{col}"]').inner_text() for col in ("found", "listed", "delisted")}


@pytest.mark.e2e
def test_major_danger_listed_rectified_and_delisted_shows_in_statistics(
    new_context: Callable[[], BrowserContext], screenshot_dir: Path, tmp_path: Path
) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    place = f"罐区 E2E-{datetime.now().strftime('%H%M%S')}"
    description = "液氯储罐区可燃有毒气体检测报警装置失效"

    inspector = login_in(new_context(), "beijing")
    before = statistics(inspector)
    district_before = beijing_row(inspector)
    inspector.screenshot(path=screenshot_dir / "danger-01-statistics-before.png", full_page=True)

    # 1. The inspector records a major hidden danger found during an inspection.
    inspector.goto("/hidden-dangers/add/")
    inspector.get_by_label("企业（统一社会信用代码）").fill(ENT_BJ_USCC)
    inspector.get_by_label("隐患部位").fill(place)
    inspector.get_by_label("隐患描述").fill(description)
    inspector.get_by_label("隐患级别").select_option("major")
    inspector.get_by_label("发现途径").select_option("inspection")
    inspector.get_by_label("发现人").fill("北京监管员")
    inspector.get_by_label("发现日期").fill(today.isoformat())
    inspector.get_by_label("整改期限").fill((today + timedelta(days=30)).isoformat())
    inspector.get_by_label("整改责任人", exact=True).fill("王建国")
    inspector.get_by_label("整改措施", exact=True).fill("更换检测报警装置，停用相关储罐")
    inspector.get_by_label("整改资金（万元）").fill("12.5")
    inspector.get_by_label("隐患现状及其产生原因").fill("报警装置老化失效，未按期检定")
    inspector.get_by_label("隐患危害程度和整改难易程度分析").fill(
        "泄漏不能及时发现，可能导致中毒；整改需停产更换"
    )
    inspector.screenshot(path=screenshot_dir / "danger-02-record.png", full_page=True)
    inspector.get_by_role("button", name="保存").click()
    inspector.wait_for_url(lambda url: "/hidden-dangers/" in url and url.rstrip("/").split("/")[-1].isdigit())
    danger_url = inspector.url
    expect(inspector.locator("#danger-status")).to_contain_text("已登记")

    # 2. ... and lists it for supervision.
    inspector.locator("#danger-list-for-supervision").click()
    inspector.get_by_label("重大隐患").select_option(label=f"{ENTERPRISE}｜{place}：{description[:30]}")
    inspector.get_by_label("督办文号").fill(f"京应急督〔{today.year}〕E2E 号")
    inspector.get_by_label("挂牌日期").fill(today.isoformat())
    inspector.get_by_label("督办整改期限").fill((today + timedelta(days=60)).isoformat())
    inspector.get_by_label("督办要求").fill("立即停用相关储罐，60 日内完成整改并申请销号。")
    inspector.get_by_role("button", name="保存").click()
    inspector.wait_for_url(
        lambda url: "/supervision-listings/" in url and url.rstrip("/").split("/")[-1].isdigit()
    )
    listing_url = inspector.url
    expect(inspector.locator("#listing-status")).to_contain_text("督办中")
    inspector.screenshot(path=screenshot_dir / "danger-03-listed.png", full_page=True)

    # 3. The enterprise submits the rectification plan and starts rectifying.
    enterprise = login_in(new_context(), "ent_bj")
    enterprise.goto(danger_url)
    expect(enterprise.locator("#danger-listing")).to_be_visible()
    enterprise.get_by_role("link", name="编辑").click()
    enterprise.get_by_label("治理的目标和任务").fill("恢复可燃有毒气体检测报警功能")
    enterprise.get_by_label("采取的方法和措施").fill("更换全部报警探头并联锁切断")
    enterprise.get_by_label("经费和物资的落实").fill("安全生产费用列支 12.5 万元")
    enterprise.get_by_label("负责治理的机构和人员").fill("设备部，负责人王建国")
    enterprise.get_by_label("治理的时限和要求").fill("30 日内完成并经检定合格")
    enterprise.get_by_label("安全措施和应急预案").fill("整改期间储罐停用，配备便携式检测仪")
    enterprise.get_by_role("button", name="保存").click()
    enterprise.wait_for_url(danger_url)
    enterprise.locator("#move-rectifying").click()
    expect(enterprise.locator("#danger-status")).to_contain_text("整改中")
    enterprise.screenshot(path=screenshot_dir / "danger-04-plan.png", full_page=True)

    # 4. ... and applies for closure with photos.
    enterprise.goto(listing_url)
    enterprise.get_by_label("整改完成情况说明").fill("报警探头已全部更换并检定合格，联锁测试正常。")
    enterprise.get_by_label("整改完成照片或证明材料").set_input_files(
        [png(tmp_path / "after-1.png", (30, 160, 60)), png(tmp_path / "after-2.png", (40, 90, 200))]
    )
    enterprise.get_by_role("button", name="提交销号申请").click()
    expect(enterprise.locator("#listing-status")).to_contain_text("已申请销号")
    enterprise.screenshot(path=screenshot_dir / "danger-05-closure-applied.png", full_page=True)

    # 5. The inspector reviews on site and delists it: the hidden danger is closed.
    inspector.goto(listing_url)
    inspector.locator("#review-delist").click()
    expect(inspector.locator("#listing-status")).to_contain_text("已摘牌")
    inspector.screenshot(path=screenshot_dir / "danger-06-delisted.png", full_page=True)
    inspector.goto(danger_url)
    expect(inspector.locator("#danger-status")).to_contain_text("已销号")
    expect(inspector.locator("#attachments")).to_contain_text("after-1.png")

    # 6. The statistics page shows the change.
    after = statistics(inspector)
    inspector.screenshot(path=screenshot_dir / "danger-07-statistics-after.png", full_page=True)
    assert after == {name: value + 1 for name, value in before.items()}, (before, after)
    district_after = beijing_row(inspector)
    assert int(district_after["found"]) == int(district_before.get("found", "0")) + 1
    assert int(district_after["delisted"]) == int(district_before.get("delisted", "0")) + 1

    # 7. The enterprise sends its quarterly statistical table (the demo draft of the last quarter);
    # the inspector sees it in the submission status of the period.
    year, period = current_report_period(today)
    title = f"{ENTERPRISE} {year}年{QUARTERS[period]}隐患统计表"
    expected = "逾期报送" if today > report_deadline(year, period) else "按时报送"
    enterprise.goto("/danger-statistics/reports/")
    enterprise.get_by_role("link", name=title).click()
    expect(enterprise.locator("#report-status")).to_contain_text("未报送")
    enterprise.locator("#report-submit").click()
    expect(enterprise.locator("#report-status")).to_contain_text(expected)
    expect(enterprise.locator("#report-submit")).to_have_count(0)
    enterprise.screenshot(path=screenshot_dir / "danger-08-table-submitted.png", full_page=True)
    inspector.goto(f"/danger-statistics/reports/summary/?year={year}&period={period}")
    expect(inspector.locator(f'#submission-table tr[data-uscc="{ENT_BJ_USCC}"]')).to_contain_text(expected)
    inspector.screenshot(path=screenshot_dir / "danger-09-summary.png", full_page=True)
