"""The stream's logic, apart from faust: validate at the edge, score off the loop, emit.

Invariant: every inbound message ends as a call score or as a dead-letter record
carrying its reason. Nothing here raises on bad input; outputs are idempotent
(keyed by call id and deal id), so redelivery under at-least-once is harmless.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import ValidationError

from models import DLQ_ENVELOPE_HEADER, DeadLetter, DealCall, Transcript
from worker.deals import score_deal
from worker.errors import CallscoreError, InputError, TooLargeError
from worker.ingest import resolve_reps
from worker.metrics import Metrics
from worker.review import ReviewData
from worker.settings import Settings

__all__ = ["Inbound", "Sink", "StreamService", "parse_message"]

log = logging.getLogger("callscore.stream")

# Transcript JSON payloads -> ("ok", CallScore JSON, DealCall JSON) | ("error", reason, "")
Analyse = Callable[[list[str]], Awaitable[list[tuple[str, str, str]]]]


@dataclass(frozen=True)
class Inbound:
    """One consumed message, as the service sees it."""

    value: bytes | None
    key: bytes | None
    topic: str
    partition: int
    offset: int
    received: float = field(default_factory=time.monotonic)
    produced_at: float | None = None  # broker timestamp, seconds since the epoch


class Sink(Protocol):
    """Where results go: ``send`` queues a record, ``flush`` waits until all are delivered."""

    async def send(self, topic: str, key: bytes | None, value: bytes,
                   headers: list[tuple[str, bytes]] | None = None) -> None: ...

    async def flush(self) -> None: ...


def _validation_reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "message"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - 3
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def parse_message(value: bytes | None, settings: Settings, source: str) -> Transcript:
    """Validate one raw message into a Transcript with a known rep.

    Raises:
        InputError: with a reason naming the field or the problem.
    """
    if value is None:
        raise InputError("empty message (no value)")
    if len(value) > settings.max_message_bytes:
        raise TooLargeError(f"message is {len(value)} bytes, over the limit of "
                            f"{settings.max_message_bytes} (CALLSCORE_MAX_MESSAGE_BYTES)")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (invalid byte 0x{value[exc.start]:02x} at offset "
                         f"{exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") \
            from None
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"invalid transcript: {_validation_reason(exc)}") from None
    return resolve_reps(transcript, (), settings.rep_names, source)


class StreamService:
    """Handles batches of inbound messages; faust's agent is a thin loop around it."""

    def __init__(self, settings: Settings, *, analyse: Analyse, sink: Sink,
                 deals: MutableMapping[bytes, bytes], metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.analyse = analyse
        self.sink = sink
        self.deals = deals
        self.metrics = metrics or Metrics()
        # What the live review page shows: the latest calls this worker scored, with their
        # transcripts, and the deals they belong to (bounded; see settings.review_keep).
        self.review = ReviewData(limit=settings.review_keep)

    async def dead_letter(self, msg: Inbound, exc: BaseException) -> None:
        """Send the original bytes to the DLQ with the reason in headers (and an envelope)."""
        reason = str(exc) or exc.__class__.__name__
        cls = getattr(exc, "error_class", exc.__class__.__name__)
        log.warning("dead-lettered %s[%d]@%d: %s: %s", msg.topic, msg.partition, msg.offset,
                    cls, reason)  # never the transcript text
        envelope = DeadLetter.build(reason=reason[:4000], error_class=cls, topic=msg.topic,
                                    partition=msg.partition, offset=msg.offset, key=msg.key,
                                    value=msg.value)
        headers = [
            ("callscore-reason", reason.encode("utf-8", "replace")[:4000]),
            ("callscore-error-class", cls.encode()),
            ("callscore-source-topic", msg.topic.encode()),
            ("callscore-source-partition", str(msg.partition).encode()),
            ("callscore-source-offset", str(msg.offset).encode()),
            ("callscore-failed-at", envelope.failed_at.isoformat().encode()),
            (DLQ_ENVELOPE_HEADER, envelope.model_dump_json().encode()),
        ]
        await self.sink.send(self.settings.topic_dlq, msg.key, msg.value or b"", headers)
        self.metrics.dead_lettered(cls)

    async def handle(self, batch: Sequence[Inbound]) -> None:
        """Validate, score and emit a batch; returns once every output is delivered.

        Never raises for bad input. A failure to deliver raises: the caller must not
        acknowledge the batch then (it will be consumed again).
        """
        await self._handle(batch)
        await self.sink.flush()

    async def _handle(self, batch: Sequence[Inbound]) -> None:
        valid: list[tuple[Inbound, Transcript]] = []
        for msg in batch:
            source = f"{msg.topic}[{msg.partition}]@{msg.offset}"
            try:
                t = parse_message(msg.value, self.settings, source)
            except CallscoreError as exc:
                await self.dead_letter(msg, exc)
                continue
            if msg.key is not None and msg.key != t.deal_id.encode():
                # Deal state lives in the partition of the deal id: re-key and re-send.
                await self.sink.send(msg.topic, t.deal_id.encode(), msg.value or b"")
                self.metrics.rekeyed += 1
                continue
            valid.append((msg, t))
        if not valid:
            return
        # Analysis is submitted in small chunks, all at once: while the pool works on the
        # next chunk, this loop emits the results of the previous one (in order).
        size = self.settings.pipeline_chunk
        chunks = [valid[i : i + size] for i in range(0, len(valid), size)]
        started = time.monotonic()
        pending = [asyncio.ensure_future(self.analyse([t.model_dump_json() for _, t in c]))
                   for c in chunks]
        for chunk, task in zip(chunks, pending, strict=True):
            try:
                results = await task
            except Exception as exc:  # the pool died: dead-letter rather than lose the calls
                log.exception("analysis failed for %d call(s)", len(chunk))
                for msg, _ in chunk:
                    await self.dead_letter(msg, exc)
                continue
            self.metrics.observe_batch(time.monotonic() - started, len(chunk))
            started = time.monotonic()
            for (msg, t), (status, payload, summary) in zip(chunk, results, strict=True):
                if status != "ok":
                    cls, _, reason = payload.partition(": ")
                    await self.dead_letter(msg, _AnalysisError(cls, reason))
                    continue
                await self.emit(msg, t, payload.encode(), DealCall.model_validate_json(summary))

    async def emit(self, msg: Inbound, transcript: Transcript, score: bytes,
                   call: DealCall) -> None:
        """Send the call score (JSON), its flags, and the deal score it updates."""
        key = call.call_id.encode()
        await self.sink.send(self.settings.topic_call_scores, key, score)
        if call.flags:
            await self.sink.send(self.settings.topic_flagged, key, score)
        deal_key = transcript.deal_id.encode()
        raw = self.deals.get(deal_key)
        state = json.loads(raw) if raw else {"version": 0, "calls": {}}
        calls = dict(state["calls"])
        calls[call.call_id] = call.model_dump(mode="json")
        version = int(state["version"]) + 1
        self.deals[deal_key] = json.dumps({"version": version, "calls": calls}).encode()
        deal = score_deal(transcript.deal_id,
                          [DealCall.model_validate(c) for c in calls.values()], version=version)
        await self.sink.send(self.settings.topic_deal_scores, deal_key,
                             deal.model_dump_json().encode())
        if self.review.limit:
            self.review.add_call(score, transcript, call_id=call.call_id)  # parsed on view
            self.review.add_deal(deal)
        end_to_end = (time.time() - msg.produced_at) if msg.produced_at else \
            (time.monotonic() - msg.received)
        self.metrics.scored(end_to_end)


class _AnalysisError(CallscoreError):
    """An error raised inside an analysis process, carried back by class name."""

    def __init__(self, error_class: str, reason: str) -> None:
        super().__init__(reason)
        self.error_class = error_class
