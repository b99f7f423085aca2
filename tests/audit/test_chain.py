"""Tamper-evident audit log: append-only in the database, hash-chained, verifiable, archivable."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import ClassVar

import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.accounts.models import User
from anjian.audit import sql
from anjian.audit.archive import verify_archive_file, verify_chain
from anjian.audit.events import EventType
from anjian.audit.models import AuditEvent
from anjian.audit.services import record_event
from anjian.core.testing import PASSWORD, provincial_inspector
from anjian.enterprises.models import Enterprise
from tests.enterprises.test_views import sample_enterprises


def tamper(sql_text: str, params: list[int | str]) -> None:
    """What an attacker with database access does: switch the trigger off, change a row, switch it on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute(sql_text, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql_text, params)
            cursor.execute(sql.SQLITE_NO_UPDATE)
            cursor.execute(sql.SQLITE_NO_DELETE)


def verify_output() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as e:
        return False, str(e)
    return True, out.getvalue()


class ChainTest(TestCase):
    def setUp(self) -> None:
        self.events = [
            record_event(EventType.CONFIG_CHANGE, details={"n": n, "text": "配置"}) for n in range(5)
        ]

    def test_each_event_links_to_the_previous(self) -> None:
        self.assertEqual(self.events[0].prev_hash, "")
        for before, after in zip(self.events, self.events[1:], strict=False):
            self.assertEqual(after.prev_hash, before.hash)
        self.assertEqual(len({e.hash for e in self.events}), 5)

    def test_intact_chain_verifies(self) -> None:
        ok, output = verify_output()
        self.assertTrue(ok)
        self.assertIn("5 条事件校验通过", output)

    def test_update_and_delete_are_refused_by_the_database(self) -> None:
        event = self.events[2]
        for statement in (
            "UPDATE audit_auditevent SET username = 'x' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
        ):
            with self.subTest(statement=statement), self.assertRaises(DatabaseError), transaction.atomic():
                connection.cursor().execute(statement, [event.pk])
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(username="x")
        self.assertTrue(verify_output()[0])

    def test_an_edited_event_is_named(self) -> None:
        event = self.events[2]
        tamper("UPDATE audit_auditevent SET username = %s WHERE id = %s", ["attacker", event.pk])
        ok, message = verify_output()
        self.assertFalse(ok)
        self.assertIn(f"事件 {event.pk}：内容摘要不符", message)

    def test_a_removed_event_is_named(self) -> None:
        tamper("DELETE FROM audit_auditevent WHERE id = %s", [self.events[2].pk])
        ok, message = verify_output()
        self.assertFalse(ok)
        self.assertIn(f"事件 {self.events[3].pk}：前序摘要不符", message)

    def test_removing_the_newest_event_is_detected(self) -> None:
        tamper("DELETE FROM audit_auditevent WHERE id = %s", [self.events[-1].pk])
        ok, message = verify_output()
        self.assertFalse(ok)
        self.assertIn("链尾事件缺失", message)

    @override_settings(CRYPTO_SUITE="intl")
    def test_sha256_suite(self) -> None:
        event = record_event(EventType.CONFIG_CHANGE)
        self.assertEqual(len(event.hash), 64)
        self.assertFalse(verify_chain()[1] is None)  # older events were hashed with SM3


class ArchiveTest(TestCase):
    def test_archive_exports_signs_prunes_and_the_chain_still_verifies(self) -> None:
        old = timezone.now() - timedelta(days=400)
        with time_machine.travel(old, tick=False):
            old_events = [record_event(EventType.CONFIG_CHANGE, details={"n": n}) for n in range(3)]
        recent = [record_event(EventType.CONFIG_CHANGE, details={"n": n}) for n in range(2)]
        with TemporaryDirectory() as directory:
            day = (timezone.localtime() - timedelta(days=300)).strftime("%Y-%m-%d")
            out = io.StringIO()
            call_command("audit", "archive", "--before", day, "--dir", directory, stdout=out)
            self.assertIn("已归档 3 条事件", out.getvalue())
            path = next(Path(directory).glob("*.jsonl"))
            self.assertTrue(verify_archive_file(path))
            self.assertEqual(len(path.read_text(encoding="utf-8").splitlines()), 3)
            path.write_text(path.read_text(encoding="utf-8").replace('"n": 0', '"n": 7'), encoding="utf-8")
            self.assertFalse(verify_archive_file(path))
        self.assertFalse(AuditEvent.objects.filter(pk__in=[e.pk for e in old_events]).exists())
        self.assertTrue(AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).exists())
        self.assertTrue(AuditEvent.objects.filter(event_type=EventType.AUDIT_ARCHIVE).exists())
        ok, output = verify_output()
        self.assertTrue(ok, output)

    def test_events_inside_the_retention_period_are_not_archived(self) -> None:
        record_event(EventType.CONFIG_CHANGE)
        day = (timezone.localtime() - timedelta(days=10)).strftime("%Y-%m-%d")
        with self.assertRaisesMessage(CommandError, "180 天前"):
            call_command("audit", "archive", "--before", day)
        self.assertEqual(AuditEvent.objects.count(), 1)


class SecurityEventsTest(TestCase):
    beijing_objects: ClassVar[list[Enterprise]]
    shanghai_objects: ClassVar[list[Enterprise]]
    user: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.beijing_objects, cls.shanghai_objects = sample_enterprises()
        cls.user = provincial_inspector("bj", "110000")

    def test_login_success_failure_and_logout(self) -> None:
        self.client.post(reverse("login"), {"username": "bj", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
        failed = AuditEvent.objects.get(event_type=EventType.LOGIN_FAILED)
        self.assertEqual((failed.username, failed.result, failed.source_ip), ("bj", "failure", "10.1.2.3"))
        self.client.post(reverse("login"), {"username": "bj", "password": PASSWORD}, HTTP_USER_AGENT="UA/1")
        login = AuditEvent.objects.get(event_type=EventType.LOGIN)
        self.assertEqual(
            (login.user_id, login.user_agent, login.organization),
            (self.user.pk, "UA/1", str(self.user.organization)),
        )
        self.client.post(reverse("logout"))
        self.assertTrue(AuditEvent.objects.filter(event_type=EventType.LOGOUT, user_id=self.user.pk).exists())

    def test_idor_attempts_are_404_and_audited(self) -> None:
        other = self.shanghai_objects[0]
        self.client.force_login(self.user)
        self.assertEqual(
            self.client.get(reverse("enterprises:enterprise_detail", args=[other.pk])).status_code, 404
        )
        api = APIClient()
        api.force_authenticate(self.user)
        self.assertEqual(api.get(reverse("api:enterprise-detail", args=[other.pk])).status_code, 404)
        events = AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED, object_id=str(other.pk))
        self.assertEqual(events.count(), 2)
        self.assertEqual(events.first().result, "denied")  # type: ignore[union-attr]
        # A non-existent id is a plain 404, not an IDOR attempt.
        self.client.get(reverse("enterprises:enterprise_detail", args=[999999]))
        self.assertEqual(AuditEvent.objects.filter(event_type=EventType.ACCESS_DENIED).count(), 2)

    def test_exports_are_audited(self) -> None:
        self.client.force_login(self.user)
        self.client.get(reverse("enterprises:enterprise_export"), {"export": "xlsx", "sector": "hazchem"})
        event = AuditEvent.objects.get(event_type=EventType.EXPORT)
        self.assertEqual(event.details["rows"], 1)
        self.assertEqual(event.details["format"], "xlsx")


class RolledBackEventTest(TestCase):
    """An event written inside a transaction that rolls back leaves the chain consistent."""

    def test_rolled_back_event_does_not_break_the_chain(self) -> None:
        record_event(EventType.CONFIG_CHANGE, details={"n": 1})
        try:
            with transaction.atomic():
                record_event(EventType.CONFIG_CHANGE, details={"n": 2})
                raise RuntimeError("the business operation failed")
        except RuntimeError:
            pass
        record_event(EventType.CONFIG_CHANGE, details={"n": 3})
        self.assertEqual(verify_chain(), (2, None))
