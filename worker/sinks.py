"""Sinks fed from the output topics: PostgreSQL and webhooks (CRM).

Each sink reads ``call-scores`` and ``deal-scores`` with its own consumer group
(``<app id>-sink-<name>``; the worker runs it as a task, see worker/agents.py) and
commits a batch's offsets only after the batch has been delivered. A database or
receiver that is down delays delivery (retries with backoff) without losing anything
across restarts, and without holding up scoring: scoring is another consumer group, and
faust never waits for a sink (not at shutdown, not at a rebalance).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import ValidationError

from models import CallScore, DealScore
from worker.db import Database
from worker.settings import Settings

__all__ = ["DatabaseSink", "SinkConsumer", "WebhookSink", "render_metrics", "retry", "sign"]

log = logging.getLogger("callscore.sinks")

SIGNATURE_HEADER = "X-Callscore-Signature"


class Permanent(Exception):
    """A failure that retrying cannot fix (the record is logged and skipped)."""


async def retry(op: Callable[[], Awaitable[None]], what: str, *, first: float = 0.5,
                most: float = 30.0, on_retry: Callable[[], None] | None = None) -> None:
    """Run ``op`` until it succeeds, waiting longer after each failure (jittered, capped).

    ``Permanent`` and cancellation are not retried.
    """
    delay = first
    attempt = 0
    while True:
        try:
            await op()
            if attempt:
                log.info("%s: delivered after %d retries", what, attempt)
            return
        except (Permanent, asyncio.CancelledError):
            raise
        except Exception as exc:
            attempt += 1
            if on_retry:
                on_retry()
            log.warning("%s failed (attempt %d): %s: %s; retrying in %.1f s", what, attempt,
                        type(exc).__name__, exc, delay)
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(most, delay * 2)


def parse_records(records: Sequence[tuple[str, bytes]], settings: Settings
                  ) -> tuple[list[CallScore], list[DealScore]]:
    """Call and deal scores from (topic, value) pairs; a record that is not one is logged."""
    calls: list[CallScore] = []
    deals: list[DealScore] = []
    for topic, value in records:
        try:
            if topic == settings.topic_call_scores:
                calls.append(CallScore.model_validate_json(value))
            elif topic == settings.topic_deal_scores:
                deals.append(DealScore.model_validate_json(value))
        except ValidationError as exc:
            log.error("skipping a record on %s that is not a valid score: %s", topic,
                      str(exc).splitlines()[0])
    return calls, deals


class DatabaseSink:
    """Upserts batches of scores into PostgreSQL, retrying while the database is away."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        if not settings.database_url:
            raise ValueError("DatabaseSink needs CALLSCORE_DATABASE_URL")
        self.settings = settings
        self.db = db or Database(settings.database_url, public_url=settings.public_url)
        self.retries = 0
        self.delivered = 0  # records written
        self.rejected = 0  # never: a database write is retried until it lands

    async def deliver(self, records: Sequence[tuple[str, bytes]]) -> None:
        calls, deals = parse_records(records, self.settings)
        # Keep the latest of each id in the batch (the upsert would do the same, slower).
        latest_calls = {c.call_id: c for c in calls}
        latest_deals: dict[str, DealScore] = {}
        for d in deals:
            if d.deal_id not in latest_deals or d.version >= latest_deals[d.deal_id].version:
                latest_deals[d.deal_id] = d
        if not latest_calls and not latest_deals:
            return

        async def write() -> None:
            try:
                await self.db.write(list(latest_calls.values()), list(latest_deals.values()))
            except Exception:
                await self.db.close()  # reconnect on the next attempt
                raise

        await retry(write, f"database write of {len(latest_calls)} call(s) and "
                           f"{len(latest_deals)} deal(s)", most=self.settings.sink_max_backoff,
                    on_retry=self._count)
        self.delivered += len(latest_calls) + len(latest_deals)

    def _count(self) -> None:
        self.retries += 1

    async def close(self) -> None:
        await self.db.close()


def sign(secret: str, body: bytes) -> str:
    """The signature header value: ``sha256=`` + hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSink:
    """POSTs each call and deal score to every configured URL, signed, with retries.

    Receivers should dedupe on (``X-Callscore-Id``, ``X-Callscore-Version``): delivery is
    at-least-once. A 4xx answer other than 408/429 is permanent: logged, not retried.
    """

    def __init__(self, settings: Settings) -> None:
        if not settings.webhook_urls:
            raise ValueError("WebhookSink needs CALLSCORE_WEBHOOK_URLS")
        if not settings.webhook_secret:
            from worker.errors import ConfigError

            raise ConfigError("CALLSCORE_WEBHOOK_URLS is set but CALLSCORE_WEBHOOK_SECRET is "
                              "not: set a shared secret to sign the requests with")
        self.settings = settings
        self.session: Any = None
        self.delivered = 0
        self.rejected = 0
        self.retries = 0

    async def _session(self) -> Any:
        import aiohttp

        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.webhook_timeout))
        return self.session

    async def deliver(self, records: Sequence[tuple[str, bytes]]) -> None:
        for topic, value in records:
            kind = "call_score" if topic == self.settings.topic_call_scores else "deal_score"
            try:
                data = json.loads(value)
            except ValueError:
                log.error("skipping a record on %s that is not JSON", topic)
                continue
            ident = data.get("call_id") if kind == "call_score" else data.get("deal_id")
            version = (str(data.get("scored_at") or "") if kind == "call_score"
                       else str(data.get("version")))
            for url in self.settings.webhook_urls:
                await self._post(url, kind, str(ident), version, value)

    async def _post(self, url: str, kind: str, ident: str, version: str, body: bytes) -> None:
        assert self.settings.webhook_secret
        headers = {"Content-Type": "application/json",
                   SIGNATURE_HEADER: sign(self.settings.webhook_secret, body),
                   "X-Callscore-Event": kind, "X-Callscore-Id": ident,
                   "X-Callscore-Version": version,
                   "X-Callscore-Delivery": uuid.uuid4().hex}

        async def post() -> None:
            session = await self._session()
            async with session.post(url, data=body, headers=headers) as resp:
                if resp.status < 300:
                    return
                text = (await resp.text())[:200]
                if 400 <= resp.status < 500 and resp.status not in (408, 429):
                    raise Permanent(f"{url} answered {resp.status}: {text}")
                raise ConnectionError(f"{url} answered {resp.status}: {text}")

        try:
            await retry(post, f"webhook {kind} {ident} to {url}",
                        most=self.settings.sink_max_backoff, on_retry=self._count)
            self.delivered += 1
        except Permanent as exc:
            self.rejected += 1
            log.error("webhook rejected %s %s (not retried): %s", kind, ident, exc)

    def _count(self) -> None:
        self.retries += 1

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


class SinkConsumer:
    """Feeds one sink from the output topics; offsets are committed after delivery."""

    def __init__(self, settings: Settings, name: str, sink: Any) -> None:
        self.settings = settings
        self.name = name
        self.sink = sink
        self.group_id = f"{settings.app_id}-sink-{name}"
        self.batches = 0

    async def run(self) -> None:
        """Consume, deliver, commit, until cancelled (the worker stopping)."""
        from aiokafka import AIOKafkaConsumer
        from aiokafka.errors import CommitFailedError

        from worker.kafka import bootstrap_servers, client_options, start_client

        s = self.settings
        consumer = AIOKafkaConsumer(
            s.topic_call_scores, s.topic_deal_scores,
            bootstrap_servers=bootstrap_servers(s.broker_url), group_id=self.group_id,
            client_id=f"callscore-sink-{self.name}", enable_auto_commit=False,
            auto_offset_reset="earliest", session_timeout_ms=int(s.session_timeout * 1000),
            fetch_max_wait_ms=s.fetch_max_wait_ms,
            heartbeat_interval_ms=int(min(3.0, s.session_timeout / 3) * 1000),
            max_partition_fetch_bytes=s.max_message_bytes * 4,
            fetch_max_bytes=max(s.max_message_bytes * 4, 52428800),
            **client_options(s))
        await start_client(consumer, s)
        log.info("sink %s consuming %s, %s as group %s", self.name, s.topic_call_scores,
                 s.topic_deal_scores, self.group_id)
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=1000, max_records=200)
                records = [(tp.topic, r.value) for tp, rs in batch.items() for r in rs
                           if r.value is not None]
                if not batch:
                    continue
                if records:
                    await self.sink.deliver(records)
                try:
                    # The positions just past what was fetched, and all of it is delivered.
                    await consumer.commit()
                    self.batches += 1
                except CommitFailedError as exc:  # rebalanced meanwhile: redelivered elsewhere
                    log.warning("sink %s: commit after delivery failed (%s); the records "
                                "will be delivered again (receivers dedupe)", self.name, exc)
        finally:
            await consumer.stop()
            await self.sink.close()


def render_metrics(sinks: dict[str, Any]) -> str:
    """Prometheus counters of the sinks (delivered, retried, rejected), by sink name."""
    if not sinks:
        return ""
    lines: list[str] = []
    for metric, attr, text in (
            ("callscore_sink_delivered_total", "delivered", "Records a sink delivered."),
            ("callscore_sink_retries_total", "retries", "Failed delivery attempts, retried."),
            ("callscore_sink_rejected_total", "rejected",
             "Records a receiver rejected for good (4xx other than 408/429).")):
        lines += [f"# HELP {metric} {text}", f"# TYPE {metric} counter"]
        lines += [f'{metric}{{sink="{name}"}} {getattr(sink, attr)}'
                  for name, sink in sorted(sinks.items())]
    return "\n".join(lines) + "\n"
