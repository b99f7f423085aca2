"""The MQTT ingest worker: paho's network thread only queues the messages; the calling thread
drains the queue into the pipeline and writes (so every database write uses the caller's
connection). Several workers share the load through an MQTT 5 shared subscription."""

from __future__ import annotations

import logging
import queue
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings
from paho.mqtt.enums import CallbackAPIVersion

from anjian.monitoring import services
from anjian.monitoring.pipeline import Pipeline

log = logging.getLogger("anjian.monitoring.ingest")

TOPIC = "anjian/v1/+/+"


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> Broker:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"ANJIAN_MQTT_URL must be mqtt:// or mqtts://, not {url!r}")
        tls = parts.scheme == "mqtts"
        return cls(
            parts.hostname or "127.0.0.1",
            parts.port or (8883 if tls else 1883),
            tls,
            parts.username,
            parts.password,
        )

    def client(self, client_id: str) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        if self.tls:
            client.tls_set()
        if self.username:
            client.username_pw_set(self.username, self.password)
        client.max_inflight_messages_set(1000)
        return client


def broker_answers(url: str, timeout: float = 1.0) -> bool:
    """Whether an MQTT broker accepts a connection at ``url``."""
    import socket

    try:
        broker = Broker.from_url(url)
        with socket.create_connection((broker.host, broker.port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


@dataclass
class WorkerStats:
    messages: int = 0
    readings: int = 0
    alarms: int = 0
    errors: int = 0  # messages, writes or housekeeping runs that failed (logged, then skipped)
    started: float = 0.0


class IngestWorker:
    def __init__(
        self,
        url: str | None = None,
        *,
        share: str | None = None,
        pipeline: Pipeline | None = None,
        batch_messages: int = 100,
        batch_ms: int = 100,
        aggregate_s: float = 5.0,
        refresh_s: float = 30.0,
    ) -> None:
        self.broker = Broker.from_url(url or settings.MONITORING_MQTT_URL)
        share = share if share is not None else settings.MONITORING_MQTT_SHARE
        self.topic = f"$share/{share}/{TOPIC}" if share else TOPIC
        self.pipeline = pipeline or Pipeline()
        self.batch_messages = batch_messages
        self.batch_s = batch_ms / 1000
        self.aggregate_s = aggregate_s
        self.refresh_s = refresh_s
        self.inbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self.subscribed = False
        self.stats = WorkerStats()
        self.on_ready: Callable[[IngestWorker], object] | None = None
        self._notify_due = 0.0
        self.client = self.broker.client(f"anjian-ingest-{uuid.uuid4().hex[:12]}")
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused: %s", reason)
            return
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, props: Any) -> None:
        self.subscribed = True

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.inbox.put((message.topic, message.payload))

    def start(self, timeout: float = 10.0) -> None:
        self.pipeline.refresh()
        self.client.connect(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_start()
        deadline = time.monotonic() + timeout
        while not self.subscribed:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no subscription on {self.broker.host}:{self.broker.port} within {timeout} s"
                )
            time.sleep(0.01)
        self.stats.started = time.monotonic()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
        self.pipeline.flush()
        self.pipeline.flush_aggregates()

    def step(self, wait: float | None = None) -> int:
        """Drain up to one batch of messages, then write; the readings written."""
        pipeline = self.pipeline
        deadline = time.monotonic() + (self.batch_s if wait is None else wait)
        taken = 0
        while taken < self.batch_messages:
            remaining = deadline - time.monotonic()
            try:
                topic, payload = (
                    self.inbox.get(timeout=max(remaining, 0.0)) if remaining > 0 else self.inbox.get_nowait()
                )
            except queue.Empty:
                break
            taken += 1
            try:
                pipeline.add_topic(topic, payload)
            except Exception:  # one bad message never stops the worker
                self.stats.errors += 1
                log.exception("message on %s could not be processed", topic[:128])
        self.stats.messages += taken
        try:
            written = pipeline.flush(notify=False)
        except Exception:  # kept by the pipeline for the next flush (see Pipeline.flush)
            self.stats.errors += 1
            log.exception("writing a batch failed; it is retried with the next one")
            written = 0
        if pipeline.unnotified and (self.inbox.empty() or time.monotonic() >= self._notify_due):
            try:
                pipeline.send_notices()
            except Exception:
                self.stats.errors += 1
                log.exception("sending alarm notices failed")
            self._notify_due = time.monotonic() + 1.0
        self.stats.readings += written
        self.stats.alarms = pipeline.alarms_opened
        return written

    def run(
        self,
        *,
        until: Callable[[IngestWorker], bool] | None = None,
        on_progress: Callable[[IngestWorker], None] | None = None,
    ) -> None:
        """Ingest until ``until(worker)`` is true (forever without it): batches, the aggregates every
        few seconds, and every ``refresh_s`` the point cache, offline detection and escalation."""
        self.start()
        if self.on_ready is not None:
            self.on_ready(self)
        next_aggregate = time.monotonic() + self.aggregate_s
        next_refresh = time.monotonic() + self.refresh_s
        try:
            while until is None or not until(self):
                self.step()
                now = time.monotonic()
                if now >= next_aggregate:
                    next_aggregate = now + self.aggregate_s
                    self._guarded(self.pipeline.flush_aggregates, "writing the aggregates")
                if now >= next_refresh:
                    next_refresh = now + self.refresh_s
                    self._guarded(self.housekeeping, "housekeeping")
                if on_progress is not None:
                    on_progress(self)
        finally:
            self.stop()

    def _guarded(self, job: Callable[[], object], what: str) -> None:
        try:
            job()
        except Exception:
            self.stats.errors += 1
            log.exception("%s failed", what)

    def housekeeping(self) -> None:
        self.pipeline.refresh()
        self.pipeline.check_offline()
        self.pipeline.flush()
        services.escalate()
        if self.pipeline.rejected:
            log.info("refused readings by source: %s", self.pipeline.rejected_by_source())
