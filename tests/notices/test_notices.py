"""In-app notices: idempotent sending, the user's own list, marking read, the navbar badge and
the optional SMS hook."""

from __future__ import annotations

from typing import Any, ClassVar

from django.test import TestCase, override_settings

from anjian.accounts.models import User
from anjian.accounts.roles import RoleCode
from anjian.core.testing import make_user, provincial_inspector
from anjian.notices.models import Notice
from anjian.notices.services import send_notice

SENT: list[Notice] = []


def record_sms(notice: Notice) -> Any:
    SENT.append(notice)


class NoticeTest(TestCase):
    user: ClassVar[User]
    other: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = provincial_inspector("notice_user", "110000")
        cls.other = make_user("notice_other", cls.user.organization, RoleCode.LEADER)

    def test_same_key_is_sent_once_per_user(self) -> None:
        first = send_notice(self.user, "直报提醒", "请报送", "/", "duty:x:2026Q3:1")
        self.assertIsNotNone(first)
        self.assertIsNone(send_notice(self.user, "直报提醒（再次）", "请报送", "/", "duty:x:2026Q3:1"))
        self.assertIsNotNone(send_notice(self.other, "直报提醒", "请报送", "/", "duty:x:2026Q3:1"))
        self.assertEqual(Notice.objects.filter(recipient=self.user).count(), 1)
        self.assertEqual(Notice.objects.get(recipient=self.user).title, "直报提醒")

    def test_list_shows_only_own_notices_and_the_badge_counts_unread(self) -> None:
        send_notice(self.user, "给我的通知", "", "", "a")
        send_notice(self.other, "别人的通知", "", "", "b")
        self.client.force_login(self.user)
        response = self.client.get("/notices/")
        self.assertContains(response, "给我的通知")
        self.assertNotContains(response, "别人的通知")
        self.assertContains(response, 'id="notice-badge"')
        self.assertEqual(response.context["unread_notices"], 1)

    def test_mark_one_read_follows_its_link_and_mark_all(self) -> None:
        one = send_notice(self.user, "一", "", "/obligations/status/", "1")
        send_notice(self.user, "二", "", "", "2")
        theirs = send_notice(self.other, "三", "", "", "3")
        assert one is not None
        assert theirs is not None
        self.client.force_login(self.user)
        response = self.client.post("/notices/read/", {"notice": one.pk})
        self.assertRedirects(response, "/obligations/status/", fetch_redirect_response=False)
        one.refresh_from_db()
        self.assertIsNotNone(one.read_at)
        self.client.post("/notices/read/", {"notice": theirs.pk})
        theirs.refresh_from_db()
        self.assertIsNone(theirs.read_at, "nobody marks another user's notice")
        self.client.post("/notices/read/")
        self.assertFalse(Notice.objects.filter(recipient=self.user, read_at__isnull=True).exists())
        self.assertNotContains(self.client.get("/notices/"), 'id="notice-badge"')

    def test_external_links_are_not_followed(self) -> None:
        notice = send_notice(self.user, "外链", "", "https://example.com/", "ext")
        assert notice is not None
        self.client.force_login(self.user)
        response = self.client.post("/notices/read/", {"notice": notice.pk})
        self.assertRedirects(response, "/notices/", fetch_redirect_response=False)

    def test_no_sms_by_default_and_the_hook_after_commit(self) -> None:
        SENT.clear()
        with self.captureOnCommitCallbacks(execute=True):
            send_notice(self.user, "无短信", "", "", "no-sms")
        self.assertEqual(SENT, [])
        with (
            override_settings(NOTICE_SMS_HOOK="tests.notices.test_notices.record_sms"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            send_notice(self.user, "短信", "", "", "sms")
            send_notice(self.user, "短信", "", "", "sms")
        self.assertEqual([n.title for n in SENT], ["短信"])

    def test_list_requires_login(self) -> None:
        self.assertEqual(self.client.get("/notices/").status_code, 302)
