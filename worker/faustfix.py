"""Two corrections to faust-streaming 0.15 for at-least-once under restarts and kill -9.

Found by the integration test that kills a worker mid-stream and starts another one
(tests/integration/test_worker_stream.py), run in a loop with faust's bookkeeping logged.

1. **Recovery resumed stream partitions before seeking them.** After a rebalance with
   table state to restore, ``Recovery.on_recovery_completed`` (and ``_resume_streams``)
   call ``consumer.resume_partitions(...)`` and only then ``await consumer.perform_seek()``.
   While the seek is in flight the fetcher is already running, so records are fetched
   and handed to the agent, and the seek then resets the fetch position and faust's read
   offsets under them: in about one restart in four the next record of each partition
   never reached the agent (or the stream stalled). Here the seek happens while the
   partitions are still paused, then they are resumed.

2. **The commit could pass a record still in flight.** ``Consumer._new_offset`` commits
   the end of the first run of consecutive acknowledged offsets. It waits only when the
   run starts more than one past the committed offset (``min(acked) - committed > 1``,
   tolerating one offset no stream will see, such as a transaction marker) and not at all
   when nothing is committed yet, so it can commit past a record still being processed.
   Here the commit never passes a record that a stream has and has not acknowledged;
   offsets no stream saw (markers, compacted records) may still be passed.

3. **The fetch wait is hard-coded to 1.5 s.** faust creates its consumer with
   ``fetch_max_wait_ms=1500``. A broker answers a fetch as soon as data arrives, so this
   only matters when idle, except on brokers that do not cut the wait short: the
   embedded Tansu holds every fetch for the full wait, which added 0-1.5 s (0.75 s on
   average) to each call's latency. ``install(fetch_max_wait_ms=...)`` sets it
   (``CALLSCORE_FETCH_MAX_WAIT_MS``).

Also part of 1: aiokafka's ``seek_to_committed`` does not move a partition that has no
committed offset, so the "seek" after recovery left such partitions past the records
fetched early (see :func:`perform_seek`).

``install()`` applies all of it (idempotent); worker/agents.py calls it.
"""

from __future__ import annotations

import logging
from typing import Any

from faust.tables.recovery import Recovery
from faust.transport.consumer import Consumer
from faust.types import TP
from faust.utils.functional import consecutive_numbers

__all__ = ["install", "new_offset"]

log = logging.getLogger("callscore.faustfix")


def new_offset(self: Any, tp: TP) -> int | None:
    """The offset to commit for ``tp`` (the next to read), or None to leave it as is."""
    acked = self._acked[tp]
    if not acked:
        return None
    max_offset = max(acked)
    gaps = self._gap[tp]
    if gaps:
        # Offsets the broker will never deliver (compacted away, transaction markers)
        # count as done: same as faust.
        candidates = sorted(gaps.overlap(0, max_offset), key=lambda iv: iv.begin)
        if candidates:
            filler: list[int] = []
            for iv in candidates:
                filler.extend(range(iv.begin, iv.end))
            acked.extend(filler)
            gaps.chop(0, max(filler[-1], max_offset + 1))
    acked.sort()
    first = acked[0]
    committed = self._committed_offset[tp]
    # Never commit past a record that reached a stream and is not done yet. Offsets that
    # no stream ever saw (transaction markers, compacted records) may be passed: faust's
    # own rule allows one such offset; this allows any number and no in-flight record.
    low = committed if committed is not None else -1
    if first > low and any(m.tp == tp and not m.acked and low <= m.offset < first
                           for m in list(self._unacked_messages)):
        return None
    batch = next(consecutive_numbers(acked))
    acked[: len(batch)] = []
    self._acked_index[tp].difference_update(batch)
    log.debug("commit %s[%d] -> %d (committed was %s)", tp.topic, tp.partition,
              batch[-1] + 1, committed)
    return int(batch[-1]) + 1


async def perform_seek(self: Any) -> None:
    """faust 0.15.3 ``Consumer.perform_seek``, also moving partitions with nothing committed.

    aiokafka's ``seek_to_committed`` leaves a partition with no committed offset (or 0)
    where it is, and that may be past records fetched before the seek and then dropped
    (faust clears its queues when flow resumes): they were lost. Such partitions are
    sent back to their beginning (the worker's ``auto_offset_reset`` is "earliest").
    """
    read_offset = self._read_offset
    committed = await self.seek_to_committed()
    changelogs = self.app.tables.changelog_topics
    fresh = [tp for tp, offset in committed.items()
             if not offset and tp.topic not in changelogs]
    if fresh and self.app.conf.consumer_auto_offset_reset == "earliest":
        await self._thread.seek_to_beginning(*fresh)
    read_offset.update({tp: offset if offset is not None and offset >= 0 else None
                        for tp, offset in committed.items()})
    self._committed_offset.update({tp: offset if offset else None
                                   for tp, offset in committed.items() if offset is not None})


async def _seek_then_resume(recovery: Any, consumer: Any, assignment: set[TP]) -> None:
    stream_tps = {tp for tp in assignment if not recovery._is_changelog_tp(tp)}
    if assignment:
        recovery.log.info("Seek stream partitions to committed offsets.")
        await recovery._wait(consumer.perform_seek(),
                             timeout=recovery.app.conf.broker_request_timeout)
    consumer.resume_partitions(stream_tps)


async def _resume_streams(self: Any, generation_id: int = 0) -> None:
    # faust 0.15.3 Recovery._resume_streams, with the seek before the resume.
    app = self.app
    consumer = app.consumer
    await app.on_rebalance_complete.send()
    assignment = consumer.assignment()
    if self.app.consumer_generation_id != generation_id:
        self.log.warning("Recovery rebalancing again")
        return
    if assignment:
        await _seek_then_resume(self, consumer, assignment)
    else:
        self.log.info("Resuming streams with empty assignment")
    self.completed.set()
    self.log.info("Resuming flow...")
    app.flow_control.resume()
    consumer.resume_flow()
    await app._fetcher.maybe_start()
    self.tables.on_actives_ready()
    self.tables.on_standbys_ready()
    app.on_rebalance_end()
    self.log.info("Worker ready")


async def _on_recovery_completed(self: Any, generation_id: int = 0) -> None:
    # faust 0.15.3 Recovery.on_recovery_completed, with the seek before the resume.
    import asyncio

    consumer = self.app.consumer
    self.log.info("Restore complete!")
    await self.app.on_rebalance_complete.send()
    self._set_recovery_ended()
    callback_coros = [
        asyncio.ensure_future(table.on_recovery_completed(
            self.actives_for_table[table], self.standbys_for_table[table]))
        for table in self.tables.values()
    ]
    if callback_coros:
        await asyncio.wait(callback_coros)
    assignment = consumer.assignment()
    if self.app.consumer_generation_id != generation_id:
        self.log.warning(f"Recovery rebalancing again app id "
                         f"{self.app.consumer_generation_id} param {generation_id}")
        return
    await _seek_then_resume(self, consumer, assignment)
    self.completed.set()
    self.app.flow_control.resume()
    consumer.resume_flow()
    await self.app._fetcher.maybe_start()
    self.tables.on_actives_ready()
    if not self.app.assignor.assigned_standbys():
        self.tables.on_standbys_ready()
    self.app.on_rebalance_end()
    self.log.info("Worker ready")


def _set_fetch_max_wait(ms: int) -> None:
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    cls: Any = AIOKafkaConsumerThread
    original = getattr(cls, "_callscore_create_worker_consumer", None)
    if original is None:
        original = cls._create_worker_consumer
        cls._callscore_create_worker_consumer = original

    def create_worker_consumer(self: Any, transport: Any) -> Any:
        consumer = original(self, transport)
        consumer._fetch_max_wait_ms = ms  # read by AIOKafkaConsumer.start()
        return consumer

    cls._create_worker_consumer = create_worker_consumer


def install(*, fetch_max_wait_ms: int | None = None) -> None:
    """Apply the corrections to faust (idempotent)."""
    import faust

    if not faust.__version__.startswith("0.15."):
        log.warning("worker/faustfix.py was written for faust-streaming 0.15 (found %s); "
                    "check that its corrections still apply", faust.__version__)
    Consumer._new_offset = new_offset  # type: ignore[method-assign]
    Consumer.perform_seek = perform_seek  # type: ignore[method-assign]
    Recovery._resume_streams = _resume_streams  # type: ignore[method-assign]
    Recovery.on_recovery_completed = _on_recovery_completed  # type: ignore[method-assign]
    if fetch_max_wait_ms is not None:
        _set_fetch_max_wait(fetch_max_wait_ms)
