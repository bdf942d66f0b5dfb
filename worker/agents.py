"""The faust agent: a short loop that hands batches to the stream service."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
from typing import Any

from worker import faustfix, tables, topics
from worker.app import app
from worker.pool import AnalysisPool
from worker.service import Inbound, StreamService
from worker.settings import get_settings

__all__ = ["FaustSink", "score_transcripts", "service", "sinks"]

log = logging.getLogger("callscore.agents")
settings = get_settings()
# At-least-once across restarts, and the fetch wait: see worker/faustfix.py.
faustfix.install(fetch_max_wait_ms=settings.fetch_max_wait_ms)


class FaustSink:
    """Sends through faust's producer; ``flush`` waits for the broker's acknowledgements."""

    def __init__(self) -> None:
        self.topics = {t.get_topic_name(): t for t in (
            topics.transcripts, topics.call_scores, topics.deal_scores, topics.flagged_calls,
            topics.dlq)}
        self.pending: list[asyncio.Future[Any]] = []

    async def send(self, topic: str, key: bytes | None, value: bytes,
                   headers: list[tuple[str, bytes]] | None = None) -> None:
        fut = await self.topics[topic].send(key=key, value=value, headers=headers)
        self.pending.append(fut)

    async def flush(self) -> None:
        pending, self.pending = self.pending, []
        if pending:
            await asyncio.gather(*pending)
        # The deal table's changelog records go through faust's producer buffer: they must
        # be on the broker before the batch is acknowledged, or a crash right after the
        # commit would lose deal state.
        await app.producer.flush()


pool = AnalysisPool(settings)
atexit.register(pool.shutdown)
service = StreamService(settings, analyse=pool, sink=FaustSink(), deals=tables.deals)


def inbound(event: Any) -> Inbound:
    """The service's view of a faust event."""
    m = event.message
    return Inbound(value=m.value if isinstance(m.value, bytes | None) else bytes(m.value),
                   key=m.key, topic=m.topic, partition=m.partition, offset=m.offset,
                   produced_at=m.timestamp or None)


# One actor: batches are handled in order, and an offset is committed only after the
# batches before it are done.
@app.agent(topics.transcripts)
async def score_transcripts(stream: Any) -> None:
    """Score transcripts in batches; events are acknowledged only after their outputs land."""
    async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
        try:
            await service.handle([inbound(e) for e in events])
        except Exception:
            # Outputs could not be delivered. Acknowledging now would lose the batch, and
            # faust acknowledges when an agent raises: stop hard, uncommitted, and let the
            # restarted worker consume the batch again (at-least-once).
            log.critical("could not deliver results; stopping without committing",
                         exc_info=True)
            os._exit(70)


sinks: dict[str, Any] = {}
if settings.database_url:
    from worker.sinks import DatabaseSink

    sinks["database"] = DatabaseSink(settings)
if settings.webhook_urls:
    from worker.sinks import WebhookSink

    sinks["webhook"] = WebhookSink(settings)


def _sink_task(name: str, sink: Any) -> None:
    from worker.sinks import SinkConsumer

    consumer = SinkConsumer(settings, name, sink)

    async def run_sink() -> None:
        while True:  # a sink that fails (broker away, bug) starts again; scoring goes on
            try:
                await consumer.run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sink %s stopped; starting it again in 5 s", name)
                await asyncio.sleep(5)

    run_sink.__name__ = run_sink.__qualname__ = f"sink_{name}"
    app.task(run_sink)


for _name, _sink in sinks.items():
    _sink_task(_name, _sink)


@app.task
async def warm_up() -> None:
    """Load the NLP in the analysis processes before the first message arrives."""
    await pool.warm_up()
    log.info("analysis pool ready (%d process(es))", pool.size)
