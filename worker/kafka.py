"""Plain Kafka clients (aiokafka) for the CLI, the demo and the tests: topics, publishing."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterable, Sequence
from typing import Any

from worker.errors import ServiceError
from worker.settings import Settings

__all__ = ["bootstrap_servers", "client_options", "ensure_topics", "output_topics", "publish",
           "start_client"]


def bootstrap_servers(url: str) -> str:
    """``kafka://a:9092;b:9092`` (faust style) → ``a:9092,b:9092`` (Kafka style)."""
    hosts = []
    for part in url.replace(";", ",").split(","):
        part = part.strip()
        if "://" in part:
            part = part.split("://", 1)[1]
        if part:
            hosts.append(part.rstrip("/"))
    if not hosts:
        raise ServiceError(f"broker URL {url!r} names no host; use kafka://HOST:PORT")
    return ",".join(hosts)


def client_options(settings: Settings) -> dict[str, Any]:
    """Security options for aiokafka clients, from the settings."""
    opts: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if settings.security_protocol in {"SSL", "SASL_SSL"}:
        opts["ssl_context"] = ssl.create_default_context(
            cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None)
    if settings.security_protocol.startswith("SASL"):
        opts.update(sasl_mechanism=settings.sasl_mechanism,
                    sasl_plain_username=settings.sasl_username,
                    sasl_plain_password=settings.sasl_password)
    return opts


def output_topics(settings: Settings) -> list[str]:
    """Every topic callscore reads or writes."""
    return [settings.topic_transcripts, settings.topic_call_scores, settings.topic_deal_scores,
            settings.topic_flagged, settings.topic_dlq]


async def start_client(client: Any, settings: Settings) -> None:
    """Start an aiokafka client; an unreachable broker becomes a ServiceError that says why."""
    from aiokafka.errors import KafkaConnectionError

    try:
        await client.start()
    except KafkaConnectionError as exc:
        raise ServiceError(f"cannot reach the broker at {settings.broker_url} ({exc}); start "
                           "one (callscore broker) or set CALLSCORE_BROKER_URL") from None


async def ensure_topics(settings: Settings, names: Iterable[str] | None = None) -> None:
    """Create callscore's topics if they do not exist yet."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings.broker_url),
                                **client_options(settings))
    await start_client(admin, settings)
    try:
        existing = set(await admin.list_topics())
        wanted = [n for n in (names or output_topics(settings)) if n not in existing]
        if wanted:
            topics = [NewTopic(name=n, num_partitions=settings.topic_partitions,
                               replication_factor=settings.topic_replication) for n in wanted]
            with contextlib.suppress(TopicAlreadyExistsError):  # created meanwhile
                await admin.create_topics(topics)
    finally:
        await admin.close()


async def publish(settings: Settings, records: Sequence[tuple[bytes | None, bytes]],
                  topic: str | None = None, *, progress: Any = None) -> None:
    """Send (key, value) records and wait until the broker has them all."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(settings.broker_url),
                                max_request_size=settings.max_message_bytes, acks="all",
                                **client_options(settings))
    await start_client(producer, settings)
    try:
        futures = []
        for key, value in records:
            futures.append(await producer.send(topic or settings.topic_transcripts, value,
                                               key=key))
        for fut in futures:
            await fut
            if progress is not None:
                progress.update(1)
    finally:
        await producer.stop()
