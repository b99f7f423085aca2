"""What every browser test does the same way: sign in as a demo user."""

from __future__ import annotations

import os

from playwright.sync_api import BrowserContext, Page, expect

DEMO_PASSWORD = os.environ.get("ANJIAN_DEMO_PASSWORD", "Anjian@2026")


def login(page: Page, username: str, password: str = DEMO_PASSWORD, *, signed_in: bool = True) -> Page:
    """Sign in on ``page``; ``signed_in`` also checks the user menu is shown (a first login that is
    sent to change its password has none)."""
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if signed_in:
        expect(page.locator("#current-user")).to_be_visible()
    return page


def login_in(context: BrowserContext, username: str) -> Page:
    """A new page of ``context`` (one browser session per user) signed in as ``username``."""
    return login(context.new_page(), username)
