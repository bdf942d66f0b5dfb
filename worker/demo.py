"""``callscore demo``: broker, worker and the bundled samples, end to end, then a clean stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TextIO

from models import CallScore, DealScore, Transcript
from worker.errors import ServiceError
from worker.kafka import bootstrap_servers, ensure_topics, publish
from worker.settings import Settings
from worker.tansu import EmbeddedBroker, free_port, stop_process_group

__all__ = ["WorkerProcess", "consume_until", "run_demo", "sample_paths", "write_report"]


def sample_paths() -> list[Path]:
    """The bundled sample transcripts (every format)."""
    root = resources.files("worker.samples")
    return sorted(Path(str(p)) for p in root.iterdir()
                  if p.name.rsplit(".", 1)[-1] in {"json", "vtt", "srt", "txt"})


class WorkerProcess:
    """``callscore worker`` as a child process with its own settings (env)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, **env}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "worker", "worker"],
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM (graceful: finish in-flight, commit), then SIGKILL after ``timeout``."""
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        stop_process_group(proc, timeout)
        with contextlib.suppress(ProcessLookupError):  # stray analysis processes
            os.killpg(proc.pid, signal.SIGKILL)
        return proc.returncode

    def kill(self) -> None:
        """SIGKILL the whole process group at once (crash simulation)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


async def consume_until(settings: Settings, topics: list[str],
                        on_record: Callable[[str, bytes | None, bytes, list], bool],
                        timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Read ``topics`` from the beginning until ``on_record`` returns True or time runs out."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap_servers(settings.broker_url),
                                group_id=None, auto_offset_reset="earliest",
                                fetch_max_wait_ms=settings.fetch_max_wait_ms,
                                fetch_max_bytes=max(settings.max_message_bytes * 4, 52428800),
                                max_partition_fetch_bytes=settings.max_message_bytes * 4)
    await consumer.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not alive():
                raise ServiceError("the worker stopped unexpectedly")
            batch = await consumer.getmany(timeout_ms=500)
            for tp, records in batch.items():
                for r in records:
                    if on_record(tp.topic, r.key, r.value, list(r.headers or [])):
                        return True
        return False
    finally:
        await consumer.stop()


def write_report(scores: list[CallScore], transcripts: list[Transcript],
                 deals: dict[str, DealScore], workdir: Path) -> Path:
    """The static review page of the demo's results (same template as the live page)."""
    from worker.review import ReviewData, static_report

    data = ReviewData()
    by_id = {t.call_id: t for t in transcripts}
    for s in scores:
        data.add_call(s, by_id.get(s.call_id))
    for d in deals.values():
        data.add_deal(d)
    path = workdir / "review.html"
    path.write_text(static_report(data, title="callscore demo review"), encoding="utf-8")
    return path


def _print_call(out: TextIO, s: CallScore) -> None:
    flags = " ".join(f.code for f in s.flags) or "-"
    out.write(f"  call  {s.call_id:<24} deal {s.deal_id:<20} score {s.score:5.1f}  "
              f"flags: {flags}\n")


def _print_deal(out: TextIO, d: DealScore) -> None:
    flags = " ".join(f.code for f in d.flags) or "-"
    out.write(f"  deal  {d.deal_id:<24} calls {d.call_count:<2} v{d.version:<3}"
              f"          score {d.score:5.1f}  flags: {flags}\n")


def run_demo(*, keep_running: bool = False, timeout: float = 150.0,
             out: TextIO = sys.stdout) -> int:
    """Start the embedded broker and a worker, publish the samples, print scores, stop."""
    from worker.ingest import load_transcript

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="callscore-demo-"))
    broker = EmbeddedBroker(log=workdir / "broker.log")
    web_port = free_port()
    settings = Settings(broker_url=broker.url, app_id=f"callscore-demo-{uuid.uuid4().hex[:8]}",
                        web_port=web_port, data_dir=workdir / "data", topic_partitions=2,
                        public_url=f"http://127.0.0.1:{web_port}")
    transcripts: list[Transcript] = [load_transcript(p) for p in sample_paths()]
    calls_by_deal: dict[str, set[str]] = {}
    for t in transcripts:
        calls_by_deal.setdefault(t.deal_id, set()).add(t.call_id)
    env = {"CALLSCORE_BROKER_URL": settings.broker_url, "CALLSCORE_APP_ID": settings.app_id,
           "CALLSCORE_WEB_PORT": str(web_port), "CALLSCORE_DATA_DIR": str(settings.data_dir),
           "CALLSCORE_TOPIC_PARTITIONS": str(settings.topic_partitions),
           "CALLSCORE_PUBLIC_URL": settings.public_url}
    worker = WorkerProcess(env, workdir / "worker.log")
    out.write(f"callscore demo: {len(transcripts)} sample calls in {len(calls_by_deal)} deals "
              f"(logs in {workdir})\n")
    try:
        broker.start()
        out.write(f"- embedded broker (Tansu) on {broker.bootstrap}\n")
        asyncio.run(ensure_topics(settings))
        worker.start()
        out.write(f"- worker started; review page at {settings.public_url}/review "
                  "(while the demo runs; --keep-running keeps it up), health and metrics at "
                  "/health, /metrics\n")
        records = [(t.deal_id.encode(), t.model_dump_json().encode()) for t in transcripts]
        asyncio.run(publish(settings, records))
        out.write(f"- published {len(records)} transcripts to '{settings.topic_transcripts}'\n")
        out.flush()

        scored: dict[str, CallScore] = {}
        deals: dict[str, DealScore] = {}

        def on_record(topic: str, key: bytes | None, value: bytes, headers: list) -> bool:
            if topic == settings.topic_call_scores:
                s = CallScore.model_validate_json(value)
                if s.call_id not in scored:
                    _print_call(out, s)
                scored[s.call_id] = s
            elif topic == settings.topic_deal_scores:
                d = DealScore.model_validate_json(value)
                deals[d.deal_id] = d
                _print_deal(out, d)
            elif topic == settings.topic_dlq:
                reason = dict(headers).get("callscore-reason", b"?").decode()
                out.write(f"  dead-lettered: {reason}\n")
            out.flush()
            return len(scored) == len(transcripts) and all(
                d in deals and deals[d].call_count == len(c) for d, c in calls_by_deal.items())

        done = asyncio.run(consume_until(
            settings, [settings.topic_call_scores, settings.topic_deal_scores,
                       settings.topic_dlq], on_record, timeout, worker.alive))
        if not done:
            raise ServiceError(f"timed out after {timeout:.0f} s with {len(scored)} of "
                               f"{len(transcripts)} calls scored; worker log:\n{worker.tail()}")
        out.write("\nDeals (best first):\n")
        for d in sorted(deals.values(), key=lambda x: -x.score):
            out.write(f"  {d.deal_id:<22} {d.score:5.1f}  "
                      + ", ".join(f"{c.call_id} {c.score:.0f}" for c in d.calls)
                      + (f"  [{' '.join(f.code for f in d.flags)}]" if d.flags else "") + "\n")
        (workdir / "call-scores.jsonl").write_text(
            "".join(s.model_dump_json() + "\n" for s in scored.values()))
        report = write_report(list(scored.values()), transcripts, deals, workdir)
        out.write(f"\nAll {len(scored)} calls scored in {time.monotonic() - started:.0f} s. "
                  f"Scores saved to {workdir / 'call-scores.jsonl'}\n"
                  f"Review page saved as one offline file: {report}\n")
        if keep_running:
            out.write(f"Worker still running at {settings.public_url} — Ctrl-C to stop.\n")
            out.flush()
            with contextlib.suppress(KeyboardInterrupt):
                while worker.alive():
                    time.sleep(0.5)
        return 0
    finally:
        code = worker.stop()
        broker.stop()
        out.write(f"- stopped worker (exit {code}) and broker\n")
        out.flush()
