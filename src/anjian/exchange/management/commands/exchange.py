from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from anjian.audit.events import EventType
from anjian.audit.services import record_event
from anjian.exchange import keys, transport
from anjian.exchange.batches import Rejected
from anjian.exchange.models import Peer, PeerKey, PeerMode


class Command(BaseCommand):
    help = (
        "数据交换：keygen 生成节点密钥；peer add|list|disable 管理对端；push/pull 推送或拉取；"
        "export/import 文件交换；status 状态（JSON）；worker 持续交换。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="生成节点密钥（已有则输出公钥）")
        keygen.add_argument("--rotate", action="store_true", help="轮换：生成新密钥，旧公钥保留")
        peer = sub.add_parser("peer", help="交换对端")
        peer_sub = peer.add_subparsers(dest="peer_action", required=True)
        add = peer_sub.add_parser("add", help="登记对端或为其增加公钥")
        add.add_argument("code")
        add.add_argument("--public-key-file", required=True)
        add.add_argument("--url", default="")
        add.add_argument("--mode", choices=PeerMode.values, default=PeerMode.PUSH)
        peer_sub.add_parser("list", help="列出对端")
        disable = peer_sub.add_parser("disable", help="停用对端（或其一个公钥）")
        disable.add_argument("code")
        disable.add_argument("--key-id", default="", help="只停用这个公钥")
        for name in ("push", "pull"):
            p = sub.add_parser(name, help="推送" if name == "push" else "拉取")
            p.add_argument("--peer", default="", help="只与该对端交换")
        export = sub.add_parser("export", help="把待发送批次写成文件")
        export.add_argument("--to", required=True)
        export.add_argument("--dir", required=True)
        imp = sub.add_parser("import", help="校验并应用批次文件（或对端回执文件）")
        imp.add_argument("files", nargs="+")
        imp.add_argument("--receipts", default="", help="回执文件写入的目录")
        sub.add_parser("status", help="交换状态（JSON）")
        worker = sub.add_parser("worker", help="持续推送和拉取，失败时指数退避")
        worker.add_argument("--cycles", type=int, default=None)
        worker.add_argument("--interval", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "keygen":
                self._keygen(options["rotate"])
            elif action == "peer":
                getattr(self, f"_peer_{options['peer_action']}")(options)
            elif action in ("push", "pull"):
                self._transfer(action, options["peer"])
            elif action == "export":
                self._export(options["to"], Path(options["dir"]))
            elif action == "import":
                self._import(options["files"], options["receipts"])
            elif action == "status":
                self.stdout.write(json.dumps(transport.status(), ensure_ascii=False, indent=2))
            elif action == "worker":
                transport.worker(
                    cycles=options["cycles"], interval=options["interval"], log=self.stdout.write
                )
        except (keys.KeyError_, Rejected, transport.TransportError) as e:
            raise CommandError(str(e)) from e

    def _keygen(self, rotate: bool) -> None:
        pem, created = keys.keygen(rotate=rotate)
        if created:
            record_event(
                EventType.EXCHANGE_KEY,
                username="cli",
                details={"key_id": keys.key_id_of(pem), "rotate": rotate},
            )
        self.stdout.write(pem, ending="")

    @transaction.atomic
    def _peer_add(self, options: dict[str, Any]) -> None:
        code = options["code"].strip()
        if not code or len(code) > 16:
            raise CommandError("节点代码应为 1–16 个字符")
        try:
            pem = Path(options["public_key_file"]).read_text(encoding="ascii")
            suite = keys.public_key_suite(pem)
        except OSError as e:
            raise CommandError(f"无法读取公钥文件：{e.strerror}") from e
        except (keys.KeyError_, UnicodeDecodeError) as e:
            raise CommandError(f"公钥文件无效：{e}") from e
        peer, created = Peer.objects.get_or_create(
            code=code, defaults={"url": options["url"], "mode": options["mode"]}
        )
        if not created:
            peer.url = options["url"] or peer.url
            peer.mode = options["mode"]
            peer.enabled = True
            peer.save(update_fields=["url", "mode", "enabled"])
        key_id = keys.key_id_of(pem)
        PeerKey.objects.update_or_create(
            peer=peer, key_id=key_id, defaults={"suite": suite, "public_key": pem, "enabled": True}
        )
        record_event(
            EventType.EXCHANGE_PEER,
            username="cli",
            details={"peer": code, "action": "add", "key_id": key_id, "mode": peer.mode, "url": peer.url},
        )
        self.stdout.write(f"对端 {code} 已登记（{peer.get_mode_display()}，密钥 {key_id}）")

    def _peer_list(self, options: dict[str, Any]) -> None:
        for peer in Peer.objects.prefetch_related("keys"):
            key_ids = ",".join(k.key_id for k in peer.keys.all() if k.enabled) or "-"
            state = "启用" if peer.enabled else "停用"
            self.stdout.write(f"{peer.code}\t{peer.mode}\t{state}\t{peer.url or '-'}\t{key_ids}")

    @transaction.atomic
    def _peer_disable(self, options: dict[str, Any]) -> None:
        peer = Peer.objects.filter(code=options["code"]).first()
        if peer is None:
            raise CommandError(f"未登记的对端：{options['code']}")
        if options["key_id"]:
            if not PeerKey.objects.filter(peer=peer, key_id=options["key_id"]).update(enabled=False):
                raise CommandError(f"对端 {peer.code} 没有公钥 {options['key_id']}")
            message = f"对端 {peer.code} 的公钥 {options['key_id']} 已停用"
        else:
            peer.enabled = False
            peer.save(update_fields=["enabled"])
            message = f"对端 {peer.code} 已停用"
        record_event(
            EventType.EXCHANGE_PEER,
            username="cli",
            details={"peer": peer.code, "action": "disable", "key_id": options["key_id"]},
        )
        self.stdout.write(message)

    def _transfer(self, action: str, code: str) -> None:
        mode = PeerMode.PUSH if action == "push" else PeerMode.PULL
        peers = Peer.objects.filter(enabled=True)
        peers = peers.filter(code=code) if code else peers.filter(mode=mode)
        if code and not peers.exists():
            raise CommandError(f"未登记或已停用的对端：{code}")
        failed = False
        for peer in peers:
            try:
                result = transport.push(peer) if action == "push" else transport.pull(peer)
            except transport.TransportError as e:
                self.stderr.write(f"{peer.code}: {e}")
                failed = True
                continue
            self.stdout.write(f"{peer.code}: {result.batches} 个批次，{result.records} 条记录")
        if failed:
            raise CommandError("部分对端交换失败")

    def _export(self, code: str, directory: Path) -> None:
        peer = Peer.objects.filter(code=code, enabled=True).first()
        if peer is None:
            raise CommandError(f"未登记或已停用的对端：{code}")
        written = transport.export_files(peer, directory)
        self.stdout.write(f"已导出 {len(written)} 个批次文件到 {directory}")

    def _import(self, files: list[str], receipts: str) -> None:
        receipt_dir = Path(receipts) if receipts else None
        rejected = 0
        for name in files:
            outcome = transport.import_file(Path(name), receipt_dir)
            self.stdout.write(f"{outcome.path.name}: {outcome.message}")
            rejected += not outcome.ok
        if rejected:
            raise CommandError(f"{rejected} 个文件被拒收")
