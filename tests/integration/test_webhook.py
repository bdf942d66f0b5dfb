"""The webhook sink against a real local HTTP receiver (in the test), alone and in the worker."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from models import CallScore
from tests.factories import GOOD_CALL, PITCH_CALL, transcript
from worker.errors import ConfigError
from worker.settings import Settings
from worker.sinks import SIGNATURE_HEADER, WebhookSink

pytestmark = pytest.mark.integration

SECRET = "s3cret-for-tests"


class Receiver:
    """A CRM stand-in: records every request; answers ``status`` ``fail`` times first."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        self.fail = 0
        self.fail_status = 503
        self.always_fail = False
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    failing = receiver.always_fail or receiver.fail > 0
                    if receiver.fail > 0:
                        receiver.fail -= 1
                    status = receiver.fail_status if failing else 200
                    receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted(self) -> list[tuple[dict[str, str], bytes]]:
        with self.lock:
            return [(h, b) for h, b, s in self.requests if s == 200]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def settings_for(receiver: Receiver, **kw) -> Settings:
    return Settings(webhook_urls=[receiver.url], webhook_secret=SECRET, sink_max_backoff=0.5,
                    **kw)


def deliver(sink: WebhookSink, records) -> None:
    async def run() -> None:
        try:
            await sink.deliver(records)
        finally:
            await sink.close()

    asyncio.run(run())


def verify(headers: dict[str, str], body: bytes) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers[SIGNATURE_HEADER], expected)


def test_signature_verifies_and_tampering_does_not(receiver, scorer) -> None:
    s = settings_for(receiver)
    score = scorer.score(transcript(GOOD_CALL, call_id="c1"))
    deliver(WebhookSink(s), [(s.topic_call_scores, score.model_dump_json().encode())])
    [(headers, body)] = receiver.accepted()
    assert verify(headers, body)
    assert not verify(headers, body.replace(b'"c1"', b'"c2"'))
    assert headers["X-Callscore-Event"] == "call_score" and headers["X-Callscore-Id"] == "c1"
    assert CallScore.model_validate_json(body) == score


def test_a_receiver_that_fails_twice_gets_the_record_when_the_retries_land(receiver,
                                                                         scorer) -> None:
    s = settings_for(receiver)
    receiver.fail = 2
    score = scorer.score(transcript(PITCH_CALL, call_id="c9"))
    sink = WebhookSink(s)
    deliver(sink, [(s.topic_call_scores, score.model_dump_json().encode())])
    assert [st for _, _, st in receiver.requests] == [503, 503, 200]
    assert len(receiver.accepted()) == 1 and sink.retries == 2 and sink.delivered == 1
    headers, body = receiver.accepted()[0]
    assert verify(headers, body) and json.loads(body)["call_id"] == "c9"


def test_a_permanent_rejection_is_not_retried(receiver, scorer) -> None:
    s = settings_for(receiver)
    receiver.fail, receiver.fail_status = 5, 422
    score = scorer.score(transcript(GOOD_CALL, call_id="c3"))
    sink = WebhookSink(s)
    deliver(sink, [(s.topic_call_scores, score.model_dump_json().encode())])
    assert len(receiver.requests) == 1 and sink.rejected == 1


def test_urls_without_a_secret_are_refused() -> None:
    with pytest.raises(ConfigError, match="CALLSCORE_WEBHOOK_SECRET"):
        WebhookSink(Settings(webhook_urls=["http://127.0.0.1:1/x"]))


def test_nothing_is_lost_across_a_worker_restart(receiver, stack) -> None:
    stack.extra_env.update({"CALLSCORE_WEBHOOK_URLS": json.dumps([receiver.url]),
                            "CALLSCORE_WEBHOOK_SECRET": SECRET,
                            "CALLSCORE_SINK_MAX_BACKOFF": "1"})
    receiver.always_fail = True  # the CRM is down while the first worker runs
    n = 6
    stack.publish([(f"d{i % 2}".encode(), transcript(
        GOOD_CALL if i % 2 else PITCH_CALL, call_id=f"w{i}", deal_id=f"d{i % 2}")
        .model_dump_json().encode()) for i in range(n)])
    first = stack.start_worker()
    stack.collect(lambda o: len({CallScore.model_validate_json(v).call_id
                                 for _, v, _ in o["call"]}) >= n)
    deadline = time.monotonic() + 60
    while len(receiver.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert receiver.requests and not receiver.accepted()
    first.kill()  # crash while deliveries are still being retried

    receiver.always_fail = False
    second = stack.start_worker()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        got = {h["X-Callscore-Id"] for h, _ in receiver.accepted()
               if h["X-Callscore-Event"] == "call_score"}
        # the latest deal versions (receivers dedupe on id + version)
        latest: dict[str, int] = {}
        for h, _ in receiver.accepted():
            if h["X-Callscore-Event"] == "deal_score":
                latest[h["X-Callscore-Id"]] = max(latest.get(h["X-Callscore-Id"], 0),
                                                  int(h["X-Callscore-Version"]))
        if got == {f"w{i}" for i in range(n)} and latest == {"d0": 3, "d1": 3}:
            break
        time.sleep(0.5)
    assert got == {f"w{i}" for i in range(n)}, f"delivered calls: {sorted(got)}"
    assert all(verify(h, b) for h, b in receiver.accepted())
    assert latest == {"d0": 3, "d1": 3}
    with urllib.request.urlopen(f"http://127.0.0.1:{second.web_port}/metrics",
                                timeout=10) as resp:
        metrics = resp.read().decode()
    delivered = re.search(r'callscore_sink_delivered_total\{sink="webhook"\} (\d+)', metrics)
    assert delivered and int(delivered.group(1)) >= n + 2
