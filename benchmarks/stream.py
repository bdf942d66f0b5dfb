"""Streaming vs batch throughput, and end-to-end latency, through the embedded broker.

    python -m benchmarks.stream [--copies 24] [--rounds 3] [--latency-calls 30]

In one run: (1) batch — the analysis core scores a corpus in this process; (2) stream —
the same corpus is published to a fresh Tansu broker and a real ``callscore worker``
(one analysis process) scores it; calls/s and words/s of both and their ratio;
(3) latency — 30-minute calls are sent one by one at half the measured streaming
capacity, and the time from send to the call score arriving is measured: p50 and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from models import Transcript, Utterance
from worker.core import Scorer
from worker.demo import WorkerProcess, sample_paths
from worker.ingest import load_transcript
from worker.kafka import bootstrap_servers, ensure_topics
from worker.settings import Settings
from worker.tansu import EmbeddedBroker, free_port


def corpus(copies: int) -> list[Transcript]:
    """The samples, ``copies`` times; each copy is its own set of deals (2-3 calls each,
    as real deals are: one deal of hundreds of calls would measure deal re-scoring)."""
    base = [load_transcript(p) for p in sample_paths()]
    return [t.model_copy(update={"call_id": f"{t.call_id}-{i}", "deal_id": f"{t.deal_id}-{i}"})
            for i in range(copies) for t in base]


def thirty_minute_call(base: Transcript, call_id: str, words: int = 4500) -> Transcript:
    """A call of about ``words`` words (30 minutes at 150 words/min) built from a sample."""
    utts: list[Utterance] = []
    t = 0.0
    while sum(len(u.text.split()) for u in utts) < words:
        for u in base.utterances:
            dur = len(u.text.split()) / 2.5
            utts.append(u.model_copy(update={"start": t, "end": t + dur}))
            t += dur + 0.5
    return base.model_copy(update={"call_id": call_id, "utterances": utts})


def words_of(ts: list[Transcript]) -> int:
    return sum(len(u.text.split()) for t in ts for u in t.utterances)


async def stream_run(settings: Settings, transcripts: list[Transcript], *,
                     rate: float | None = None) -> tuple[float, list[float]]:
    """Publish (all at once, or at ``rate`` calls/s) and wait for every call score.

    Returns the wall time from the first send to the last score, and per-call latencies.
    """
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    from models import CallScore

    boot = bootstrap_servers(settings.broker_url)
    # The probe must not add its own delay: Tansu holds a fetch for its full max wait
    # even when records arrive (aiokafka's default is 500 ms), so keep that short.
    consumer = AIOKafkaConsumer(settings.topic_call_scores, bootstrap_servers=boot,
                                group_id=None, auto_offset_reset="latest",
                                fetch_max_wait_ms=10,
                                max_partition_fetch_bytes=50_000_000,
                                fetch_max_bytes=100_000_000)
    await consumer.start()
    await consumer.seek_to_end()
    producer = AIOKafkaProducer(bootstrap_servers=boot, max_request_size=50_000_000,
                                linger_ms=0)
    await producer.start()
    sent: dict[str, float] = {}
    latencies: list[float] = []
    pending = {t.call_id for t in transcripts}

    payloads = [(t.call_id, t.deal_id.encode(), t.model_dump_json().encode())
                for t in transcripts]

    async def send_all() -> None:
        futures = []
        for call_id, key, value in payloads:
            sent[call_id] = time.perf_counter()
            if rate:  # one at a time, paced
                await producer.send_and_wait(settings.topic_transcripts, value, key=key)
                await asyncio.sleep(1 / rate)
            else:  # as a recorder backlog would arrive: all at once
                futures.append(await producer.send(settings.topic_transcripts, value, key=key))
        await asyncio.gather(*futures)

    start = time.perf_counter()
    sender = asyncio.create_task(send_all())
    deadline = time.monotonic() + 600
    while pending and time.monotonic() < deadline:
        batch = await consumer.getmany(timeout_ms=200)
        now = time.perf_counter()
        for records in batch.values():
            for r in records:
                cid = CallScore.model_validate_json(r.value).call_id
                if cid in pending:
                    pending.discard(cid)
                    latencies.append(now - sent[cid])
    elapsed = time.perf_counter() - start
    await sender
    await producer.stop()
    await consumer.stop()
    if pending:
        raise SystemExit(f"{len(pending)} calls never came back")
    return elapsed, latencies


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=24, help="repeats of the sample set")
    ap.add_argument("--rounds", type=int, default=3,
                    help="batch/stream measurements, interleaved (the median ratio counts)")
    ap.add_argument("--latency-calls", type=int, default=30, help="30-minute calls to time")
    args = ap.parse_args(argv)

    transcripts = corpus(args.copies)
    words = words_of(transcripts)
    scorer = Scorer()
    scorer.score_many(transcripts[:2])

    def batch_once() -> float:
        t0 = time.perf_counter()
        for i in range(0, len(transcripts), 8):
            scorer.score_many(transcripts[i : i + 8])
        return time.perf_counter() - t0

    tmp = Path(tempfile.mkdtemp(prefix="callscore-bench-"))
    broker = EmbeddedBroker(log=tmp / "broker.log").start()
    tag = uuid.uuid4().hex[:8]
    settings = Settings(broker_url=broker.url, app_id=f"bench-{tag}",
                        topic_transcripts=f"bench-t-{tag}", topic_call_scores=f"bench-cs-{tag}",
                        topic_deal_scores=f"bench-ds-{tag}", topic_flagged=f"bench-f-{tag}",
                        topic_dlq=f"bench-dlq-{tag}", max_message_bytes=10_000_000)
    env = {"CALLSCORE_BROKER_URL": settings.broker_url, "CALLSCORE_APP_ID": settings.app_id,
           "CALLSCORE_TOPIC_TRANSCRIPTS": settings.topic_transcripts,
           "CALLSCORE_TOPIC_CALL_SCORES": settings.topic_call_scores,
           "CALLSCORE_TOPIC_DEAL_SCORES": settings.topic_deal_scores,
           "CALLSCORE_TOPIC_FLAGGED": settings.topic_flagged,
           "CALLSCORE_TOPIC_DLQ": settings.topic_dlq, "CALLSCORE_WEB_PORT": str(free_port()),
           "CALLSCORE_DATA_DIR": str(tmp / "data")}
    worker = WorkerProcess(env, tmp / "worker.log")
    try:
        asyncio.run(ensure_topics(settings))
        worker.start()
        # Warm up: the worker joins the group and loads its model.
        warm = [t.model_copy(update={"call_id": f"warm-{i}"}) for i, t in
                enumerate(transcripts[:2])]
        asyncio.run(stream_run(settings, warm))
        # This machine is noisy: batch and stream alternate, and each round is one ratio.
        rounds: list[tuple[float, float]] = []
        for r in range(args.rounds):
            batch_r = batch_once()
            fresh = [t.model_copy(update={"call_id": f"{t.call_id}-r{r}",
                                          "deal_id": f"{t.deal_id}-r{r}"}) for t in transcripts]
            stream_r, _ = asyncio.run(stream_run(settings, fresh))
            rounds.append((batch_r, stream_r))
        batch_s, stream_s = sorted(rounds, key=lambda bs: bs[0] / bs[1])[len(rounds) // 2]

        long_calls = [thirty_minute_call(transcripts[0], f"long-{i}")
                      for i in range(args.latency_calls)]
        long_words = words_of(long_calls[:1])
        capacity = (words / stream_s) / long_words  # 30-minute calls per second
        _, lat = asyncio.run(stream_run(settings, long_calls, rate=capacity / 2))
    finally:
        worker.stop()
        broker.stop()

    n = len(transcripts)
    print(f"corpus: {n} calls, {words} words (samples x {args.copies})")
    print(f"batch   : {n / batch_s:8.1f} calls/s  {words / batch_s:10.0f} words/s")
    print(f"stream  : {n / stream_s:8.1f} calls/s  {words / stream_s:10.0f} words/s "
          "(publish -> all call scores back, 1 analysis process)")
    print(f"stream/batch ratio: {batch_s / stream_s:.2f}  (median of {len(rounds)} rounds: "
          + ", ".join(f"{b / st:.2f}" for b, st in rounds) + "; target >= 0.80)")
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
    print(f"latency of {len(lat)} 30-minute calls (~{long_words} words each) sent at "
          f"{capacity / 2:.2f} calls/s (half capacity): p50 {statistics.median(lat):.3f} s, "
          f"p99 {p99:.3f} s  (target p99 < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
