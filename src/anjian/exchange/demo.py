"""Demo data of the exchange: the node's key pair (so the exchange page, push/pull/export work
once a peer is registered). Idempotent: an existing key is kept."""

from __future__ import annotations

from django.conf import settings

from anjian.exchange import keys
from anjian.exchange.outbox import local_seq


def load_demo() -> str:
    pem, created = keys.keygen()
    state = "已生成" if created else "已存在"
    return (
        f"数据交换：节点 {settings.NODE_CODE} 密钥 {keys.key_id_of(pem)}（{state}），发件箱序号 {local_seq()}"
    )
