"""Enterprise self-registration end to end, in a real browser against a real server: an enterprise
applies on the public page, the county regulator approves it and hands over the initial password,
the enterprise changes it, records a storage unit with 50 t of liquid ammonia and sees it
identified and graded as a major hazard source, and the regulator finds the unit in its list.

Screenshots go to var/e2e/registration-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from anjian.core.uscc import make_uscc
from tests.e2e.helpers import login

NEW_PASSWORD = "Qiye#Anquan-2027"
USCC = make_uscc("91130121MA0E2E7A0")
NAME = "井陉县冀安液氨储运有限公司"
USERNAME = "jxya_admin"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def shot(page: Page, directory: Path, name: str) -> None:
    page.screenshot(path=directory / f"registration-{name}.png", full_page=True)


@pytest.mark.e2e
def test_enterprise_registers_is_approved_and_reports_a_major_hazard(
    new_context: Callable[[], BrowserContext], screenshot_dir: Path
) -> None:
    # 1. The enterprise applies on the public page, reached from the login page.
    applicant = new_context().new_page()
    applicant.goto("/login/")
    applicant.get_by_role("link", name="企业注册").click()
    expect(applicant.locator("#registration-form")).to_be_visible()
    applicant.locator("#id_uscc").fill(USCC)
    applicant.locator("#id_name").fill(NAME)
    applicant.locator("#id_region").select_option("130121")
    applicant.locator("#id_sector").select_option("hazchem")
    applicant.locator("#id_contact_name").fill("赵安全")
    applicant.locator("#id_contact_phone").fill("0311-82019876")
    applicant.locator("#id_username").fill(USERNAME)
    applicant.locator("#id_licence").set_input_files(
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot(applicant, screenshot_dir, "1-apply")
    applicant.get_by_role("button", name="提交申请").click()
    expect(applicant.locator("#status-value")).to_have_text("待审核")
    tracking_number = applicant.locator("#tracking-number").inner_text().strip()
    assert re.fullmatch(r"ZC[A-Z0-9]{12}", tracking_number)
    shot(applicant, screenshot_dir, "2-submitted")

    # 2. The county regulator reviews the application, with its licence, and approves it.
    regulator = new_context().new_page()
    login(regulator, "jingxing", signed_in=False)
    regulator.goto("/registrations/")
    expect(regulator.locator("#object-table")).to_contain_text(tracking_number)
    shot(regulator, screenshot_dir, "3-review-list")
    regulator.get_by_role("link", name=tracking_number).click()
    expect(regulator.locator("#registration-detail")).to_contain_text(USCC)
    with regulator.expect_download() as download:
        regulator.locator("#licence-link").click()
    assert Path(download.value.path()).read_bytes() == PDF
    shot(regulator, screenshot_dir, "4-review-detail")
    regulator.locator("#approve-button").click()
    expect(regulator.locator("#account-username")).to_have_text(USERNAME)
    initial_password = regulator.locator("#password-value").inner_text().strip()
    assert initial_password
    shot(regulator, screenshot_dir, "5-approved")

    # The applicant sees the decision under the tracking number.
    applicant.goto(f"/register/status/?number={tracking_number}")
    expect(applicant.locator("#status-value")).to_have_text("已批准")

    # 3. The enterprise logs in with the initial password and must change it first.
    enterprise = new_context().new_page()
    login(enterprise, USERNAME, initial_password, signed_in=False)
    expect(enterprise.locator("#password-form")).to_be_visible()
    enterprise.locator("#id_old_password").fill(initial_password)
    enterprise.locator("#id_new_password1").fill(NEW_PASSWORD)
    enterprise.locator("#id_new_password2").fill(NEW_PASSWORD)
    shot(enterprise, screenshot_dir, "6-change-password")
    enterprise.get_by_role("button", name="修改密码").click()
    enterprise.wait_for_url(lambda url: "/account/password/" not in url)
    expect(enterprise.locator("#current-user")).to_be_visible()

    # 4. It records a storage unit with 50 t of liquid ammonia: a major hazard source, graded.
    enterprise.goto("/hazards/units/add/")
    enterprise.locator("#id_enterprise").fill(USCC)
    enterprise.locator("#id_name").fill("液氨储罐区")
    enterprise.locator("#id_kind").select_option("storage")
    enterprise.locator("#id_exposed_people").fill("120")
    enterprise.locator("#id_substances-0-cas").fill("7664-41-7")
    enterprise.locator("#id_substances-0-quantity_t").fill("50")
    shot(enterprise, screenshot_dir, "7-hazard-unit-form")
    enterprise.get_by_role("button", name="保存").click()
    expect(enterprise.locator("#hazard-result")).to_contain_text("重大危险源")
    # 50 t against Q = 10 t: S = 5; 120 people outside give α = 2, β = 2: R = 20, grade three.
    expect(enterprise.locator("#hazard-grade")).to_have_text("三级")
    shot(enterprise, screenshot_dir, "8-hazard-unit")

    # 5. The regulator finds the unit in its list.
    regulator.goto("/hazards/units/?q=液氨储罐区")
    expect(regulator.locator("#object-table")).to_contain_text("液氨储罐区")
    expect(regulator.locator("#object-table")).to_contain_text(NAME)
    shot(regulator, screenshot_dir, "9-regulator-units")
