"""``anjian ingest``: one MQTT ingest worker (run several: they share the subscription)."""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.monitoring.worker import IngestWorker


class Command(BaseCommand):
    help = "从 MQTT（ANJIAN_MQTT_URL，共享订阅 anjian/v1/+/+）接收监测数据：入库、报警、离线检测、逐级上报。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="MQTT 地址（默认 ANJIAN_MQTT_URL）")
        parser.add_argument("--share", help="共享订阅组名（默认 ANJIAN_MQTT_SHARE；空字符串为普通订阅）")
        parser.add_argument("--batch-ms", type=int, default=100, help="每批最长等待毫秒数")
        parser.add_argument("--seconds", type=float, help="运行多少秒后退出（默认一直运行）")
        parser.add_argument("--exit-after", type=int, help="写入这么多条读数后退出（基准测试用）")
        parser.add_argument("--progress", action="store_true", help="每 0.05 秒向标准输出写一行进度 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            worker = IngestWorker(
                options["url"] or settings.MONITORING_MQTT_URL,
                share=options["share"],
                batch_ms=options["batch_ms"],
            )
        except ValueError as e:
            raise CommandError(str(e)) from e
        stop = {"now": False}

        def request_stop(signum: int, frame: Any) -> None:
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        deadline = time.monotonic() + options["seconds"] if options["seconds"] else None
        exit_after: int | None = options["exit_after"]
        last = [0.0]

        def until(w: IngestWorker) -> bool:
            if stop["now"] or (deadline is not None and time.monotonic() >= deadline):
                return True
            return exit_after is not None and w.stats.readings >= exit_after

        def progress(w: IngestWorker) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.05:
                last[0] = now
                sys.stdout.write(
                    json.dumps({"readings": w.stats.readings, "messages": w.stats.messages}) + "\n"
                )
                sys.stdout.flush()

        if options["progress"]:
            worker.on_ready = lambda w: (sys.stdout.write('{"ready": true}\n'), sys.stdout.flush())
        try:
            worker.run(until=until, on_progress=progress if options["progress"] else None)
        except (OSError, TimeoutError) as e:
            raise CommandError(f"MQTT: {e}") from e
        summary = {
            "messages": worker.stats.messages,
            "readings": worker.stats.readings,
            "alarms_opened": worker.stats.alarms,
            "rejected": worker.pipeline.rejected_by_source(),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
