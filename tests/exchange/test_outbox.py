"""The outbox: written by the kernel's write path in the change's own transaction."""

from __future__ import annotations

import json

from django.db import transaction
from django.test import TestCase

from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import delete_enterprise, save_enterprise
from anjian.exchange.models import NodeSequence, OutboxEntry
from anjian.exchange.outbox import canonical, local_seq
from anjian.regions.models import Region


class Boom(Exception):
    pass


def new_enterprise(uscc: str = "91110108MA01W3HQ1P", name: str = "北京测试化工有限公司") -> Enterprise:
    return Enterprise(uscc=uscc, name=name, region=Region.objects.get(code="110108"), sector="hazchem")


class OutboxTest(TestCase):
    def test_create_update_delete_write_numbered_lines(self) -> None:
        start = local_seq()
        enterprise = save_enterprise(new_enterprise(), user=None)
        enterprise.address = "海淀区学院路 1 号"
        save_enterprise(enterprise, user=None)
        save_enterprise(enterprise, user=None)  # nothing changed: no version, no outbox row
        delete_enterprise(enterprise, user=None)
        entries = list(OutboxEntry.objects.filter(seq__gt=start))
        self.assertEqual([e.seq for e in entries], [start + 1, start + 2, start + 3])
        self.assertEqual([(e.op, e.version) for e in entries], [("upsert", 1), ("upsert", 2), ("delete", 3)])
        line = json.loads(entries[1].line)
        self.assertEqual(line["data"]["address"], "海淀区学院路 1 号")
        self.assertEqual(line["data"]["region"], "110108")
        self.assertEqual(line["source_node"], "000000")
        self.assertEqual(canonical(line).decode(), entries[1].line)  # stored canonical
        self.assertEqual(json.loads(entries[2].line)["data"], {})
        self.assertEqual(NodeSequence.objects.get().value, start + 3)

    def test_rolled_back_transaction_leaves_no_outbox_row(self) -> None:
        start = local_seq()
        with self.assertRaises(Boom), transaction.atomic():
            save_enterprise(new_enterprise(), user=None)
            self.assertEqual(OutboxEntry.objects.filter(seq__gt=start).count(), 1)
            raise Boom
        self.assertFalse(OutboxEntry.objects.filter(seq__gt=start).exists())
        self.assertFalse(Enterprise.objects.filter(uscc="91110108MA01W3HQ1P").exists())
        self.assertEqual(local_seq(), start)  # the number is not lost: the sequence stays gapless
        save_enterprise(new_enterprise(), user=None)
        self.assertEqual(
            list(OutboxEntry.objects.filter(seq__gt=start).values_list("seq", flat=True)), [start + 1]
        )

    def test_failed_validation_writes_nothing(self) -> None:
        from django.core.exceptions import ValidationError

        start = local_seq()
        with self.assertRaises(ValidationError):
            save_enterprise(new_enterprise(uscc="123"), user=None)
        self.assertEqual(local_seq(), start)

    def test_non_shared_models_write_no_outbox_row(self) -> None:
        from anjian.core.testing import make_org

        start = local_seq()
        make_org("测试机构", "110000")
        self.assertEqual(local_seq(), start)
