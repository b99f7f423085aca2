"""A tank over-temperature from the gateway's readings to the handled alarm, against a real server
with the demo data: 北京燕山华瑞化工有限公司's gateway posts readings over HTTP in the MQTT batch
format (one of them above the high-high limit of 1# 储罐温度, 50 ℃); the live page shows the value,
the enterprise acknowledges and handles the alarm; the Beijing regulator sees the enterprise on
the monitoring overview and the alarm in its list, the Shanghai regulator does not.

Screenshots of every step go to var/e2e/.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.helpers import login_in

ENTERPRISE = "北京燕山华瑞化工有限公司"


@pytest.mark.e2e
def test_an_over_temperature_is_alarmed_handled_and_seen_by_the_regulator(
    new_context: Callable[[], BrowserContext], screenshot_dir: Path
) -> None:
    enterprise = login_in(new_context(), "ent_bj")
    csrf = next(c["value"] for c in enterprise.context.cookies() if c["name"] == "csrftoken")
    now = int(time.time() * 1000)
    readings = [{"t": now - 2000, "v": 31.5, "q": 0}, {"t": now - 1000, "v": 56.2, "q": 0}]
    response = enterprise.request.post(
        "/api/v1/monitoring/readings/",
        data={
            "batches": [{"point": "T101-T", "readings": readings}, {"point": "NO-SUCH", "readings": readings}]
        },
        headers={"X-CSRFToken": csrf},
    )
    assert response.status == 200, response.text()
    result = response.json()
    assert result["accepted"] == 2
    assert result["rejected"] == 2  # the unknown point's readings are counted, not stored

    enterprise.goto("/monitoring/live/")
    expect(enterprise.get_by_text("1# 储罐温度").first).to_be_visible()
    expect(enterprise.get_by_text("56.2").first).to_be_visible()
    enterprise.screenshot(path=str(screenshot_dir / "monitoring-1-live.png"), full_page=True)

    enterprise.goto("/monitoring/alarms/")
    row = enterprise.locator("tr", has_text="1# 储罐温度").first
    expect(row).to_be_visible()
    enterprise.screenshot(path=str(screenshot_dir / "monitoring-2-alarms.png"), full_page=True)
    row.locator("a").first.click()
    enterprise.locator("#acknowledge").click()
    form = enterprise.locator("#handle-form")
    expect(form).to_be_visible()
    form.locator("textarea[name=cause]").fill("夏季高温，1# 储罐喷淋未开启")
    form.locator("textarea[name=measures]").fill("开启喷淋降温，降低储存量至 60%")
    form.get_by_role("button", name="提交处置").click()
    expect(enterprise.get_by_text("开启喷淋降温").first).to_be_visible()
    enterprise.screenshot(path=str(screenshot_dir / "monitoring-3-handled.png"), full_page=True)

    regulator = login_in(new_context(), "beijing")
    regulator.goto("/monitoring/overview/")
    expect(regulator.get_by_text(ENTERPRISE).first).to_be_visible()
    regulator.screenshot(path=str(screenshot_dir / "monitoring-4-overview.png"), full_page=True)
    regulator.goto("/monitoring/alarms/")
    expect(regulator.locator("tr", has_text="1# 储罐温度").first).to_be_visible()

    other = login_in(new_context(), "shanghai")
    other.goto("/monitoring/alarms/")
    expect(other.locator("tr", has_text=ENTERPRISE)).to_have_count(0)
