"""Integration fixtures: the real embedded broker (Tansu) and real worker processes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker.demo import WorkerProcess, consume_until
from worker.kafka import ensure_topics, publish
from worker.settings import Settings
from worker.tansu import EmbeddedBroker, free_port


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    b = EmbeddedBroker(log=tmp_path_factory.mktemp("tansu") / "broker.log")
    b.start()
    yield b
    b.stop()


class Stack:
    """Fresh topics and app id on the shared broker; workers started on demand."""

    def __init__(self, broker: EmbeddedBroker, tmp: Path) -> None:
        tag = uuid.uuid4().hex[:8]
        self.settings = Settings(
            broker_url=broker.url, app_id=f"cs-test-{tag}", topic_partitions=2,
            topic_transcripts=f"t-{tag}", topic_call_scores=f"cs-{tag}",
            topic_deal_scores=f"ds-{tag}", topic_flagged=f"fl-{tag}", topic_dlq=f"dlq-{tag}",
            data_dir=tmp / "data", session_timeout=8.0, max_message_bytes=300_000,
        )
        self.tmp = tmp
        self.extra_env: dict[str, str] = {}  # more CALLSCORE_* settings for the workers
        self.workers: list[WorkerProcess] = []
        asyncio.run(ensure_topics(self.settings))

    def env(self) -> dict[str, str]:
        s = self.settings
        return {"CALLSCORE_BROKER_URL": s.broker_url, "CALLSCORE_APP_ID": s.app_id,
                "CALLSCORE_TOPIC_PARTITIONS": str(s.topic_partitions),
                "CALLSCORE_TOPIC_TRANSCRIPTS": s.topic_transcripts,
                "CALLSCORE_TOPIC_CALL_SCORES": s.topic_call_scores,
                "CALLSCORE_TOPIC_DEAL_SCORES": s.topic_deal_scores,
                "CALLSCORE_TOPIC_FLAGGED": s.topic_flagged,
                "CALLSCORE_TOPIC_DLQ": s.topic_dlq, "CALLSCORE_DATA_DIR": str(s.data_dir),
                "CALLSCORE_SESSION_TIMEOUT": str(s.session_timeout),
                "CALLSCORE_MAX_MESSAGE_BYTES": str(s.max_message_bytes),
                "CALLSCORE_WEB_PORT": str(free_port()), **self.extra_env}

    def start_worker(self) -> WorkerProcess:
        w = WorkerProcess(self.env(), self.tmp / f"worker-{len(self.workers)}.log").start()
        w.web_port = int(w.env["CALLSCORE_WEB_PORT"])  # type: ignore[attr-defined]
        self.workers.append(w)
        return w

    def publish(self, records: list[tuple[bytes | None, bytes]]) -> None:
        # A producer that allows more than the worker accepts, to test oversize input.
        big = self.settings.model_copy(update={"max_message_bytes": 4_000_000})
        asyncio.run(publish(big, records))

    def collect(self, until, timeout: float = 120.0) -> dict[str, list]:
        """Read every output topic until ``until(outputs)`` is true; returns the outputs."""
        s = self.settings
        names = {s.topic_call_scores: "call", s.topic_deal_scores: "deal",
                 s.topic_flagged: "flagged", s.topic_dlq: "dlq"}
        out: dict[str, list] = {v: [] for v in names.values()}

        def on_record(topic, key, value, headers) -> bool:
            out[names[topic]].append((key, value, headers))
            return until(out)

        alive = (lambda: any(w.alive() for w in self.workers)) if self.workers else (lambda: True)
        ok = asyncio.run(consume_until(s, list(names), on_record, timeout, alive))
        if not ok:
            logs = "\n".join(w.tail(25) for w in self.workers)
            raise AssertionError(f"timed out; got { {k: len(v) for k, v in out.items()} }\n{logs}")
        return out

    def stop(self) -> None:
        for w in self.workers:
            w.stop()


@pytest.fixture
def stack(broker: EmbeddedBroker, tmp_path: Path) -> Iterator[Stack]:
    s = Stack(broker, tmp_path)
    yield s
    s.stop()
