"""Print every shared record of a node as canonical JSON lines (uid, model, version, source
node, shared data), sorted by uid, for comparing two nodes: ``python tests/exchange/dump.py``."""

from __future__ import annotations

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    django.setup()
    from anjian.exchange.testing import dump_shared

    for line in dump_shared():
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
