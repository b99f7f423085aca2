"""Seed a node with generated enterprises through the exchange outbox writer (bulk), for the
two-node tests: ``python tests/exchange/seed.py COUNT [--update N]``.

Creates ``COUNT`` enterprises owned by this node (``ANJIAN_NODE_CODE``) in one transaction and
appends their outbox rows through ``outbox.append_many``, the writer ``save_object`` uses; with
``--update N`` it changes the first N of them instead (version + 1, new address)."""

from __future__ import annotations

import os
import sys

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    django.setup()
    from django.conf import settings
    from django.db import transaction

    from anjian.core.bench import _counties, _enterprise, generated_rows
    from anjian.enterprises.models import Enterprise
    from anjian.exchange.outbox import append_many

    count = int(argv[0])
    with transaction.atomic():
        if len(argv) > 2 and argv[1] == "--update":
            changed = list(
                Enterprise.objects.filter(source_node=settings.NODE_CODE).order_by("id")[: int(argv[2])]
            )
            for enterprise in changed:
                enterprise.version += 1
                enterprise.address = f"{enterprise.address}（迁址 v{enterprise.version}）"
            Enterprise.objects.bulk_update(changed, ["version", "address"], batch_size=1000)
            append_many(changed, "upsert")
            return
        prefix = settings.NODE_CODE[:2] if settings.NODE_CODE != "000000" else ""
        rows = generated_rows(count, _counties(prefix), seed=int(settings.NODE_CODE[:2] or 0) + 7)
        created = Enterprise.objects.bulk_create([_enterprise(row) for row in rows], batch_size=1000)
        append_many(created, "upsert")


if __name__ == "__main__":
    main(sys.argv[1:])
