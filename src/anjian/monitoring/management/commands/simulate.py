"""``anjian simulate --points N --rate R --minutes M [--http URL --token T]``."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.monitoring.models import MonitoringPoint
from anjian.monitoring.simulator import Simulator, encode, http_sender
from anjian.monitoring.worker import Broker


class Command(BaseCommand):
    help = "为演示企业的监测点位模拟上传数据（MQTT 或 HTTP），含漂移报警、传感器静默和错误报文。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--points", type=int, default=50, help="模拟的点位数（默认 50）")
        parser.add_argument("--rate", type=float, default=50.0, help="每秒读数总数（默认 50）")
        parser.add_argument("--minutes", type=float, default=10.0, help="运行分钟数（默认 10；0 为一直运行）")
        parser.add_argument("--enterprise", help="只模拟此统一社会信用代码企业的点位")
        parser.add_argument(
            "--http", help="改用 HTTP 上传到此地址，如 http://127.0.0.1:8000/api/v1/monitoring/readings/"
        )
        parser.add_argument("--token", help="HTTP 上传使用的企业账号 API 令牌")
        parser.add_argument("--url", help="MQTT 地址（默认 ANJIAN_MQTT_URL）")

    def handle(self, *args: Any, **options: Any) -> None:
        points = (
            MonitoringPoint.objects.filter(active=True)
            .select_related("enterprise")
            .order_by("enterprise_id", "code")
        )
        if options["enterprise"]:
            points = points.filter(enterprise__uscc=options["enterprise"])
        chosen = list(points[: options["points"]])
        if not chosen:
            raise CommandError("没有可模拟的监测点位：请先运行 anjian demo 或登记点位。")
        if options["http"] and not options["token"]:
            raise CommandError("HTTP 上传需要 --token（企业账号的 API 令牌）。")
        sim = Simulator.for_points(chosen, options["rate"])
        end = time.monotonic() + options["minutes"] * 60 if options["minutes"] else None
        publish = self._publisher(options)
        self.stdout.write(f"simulating {len(chosen)} points at {options['rate']}/s")
        next_tick = time.monotonic()
        try:
            while end is None or time.monotonic() < end:
                publish(sim.tick(time.time()))
                next_tick += 1.0
                time.sleep(max(0.0, next_tick - time.monotonic()))
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"sent {sim.sent} readings and {sim.bad} bad payloads")

    def _publisher(self, options: dict[str, Any]) -> Any:
        if options["http"]:
            send = http_sender(options["http"], options["token"])
            return lambda messages: send(messages)
        broker = Broker.from_url(options["url"] or settings.MONITORING_MQTT_URL)
        client = broker.client(f"anjian-simulator-{int(time.time())}")
        try:
            client.connect(broker.host, broker.port, keepalive=30)
        except OSError as e:
            raise CommandError(f"MQTT {broker.host}:{broker.port}: {e}") from e
        client.loop_start()

        def publish(messages: list[tuple[str, Any]]) -> None:
            for topic, payload in messages:
                client.publish(topic, encode(payload), qos=1)

        return publish
