"""The stream service without a broker: validation at the edge, DLQ, idempotent deals."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest

from models import DLQ_ENVELOPE_HEADER, DeadLetter
from tests.factories import GOOD_CALL, PITCH_CALL, transcript
from worker.service import Inbound, StreamService
from worker.settings import Settings


class RecordingSink:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes, list]] = []
        self.flushed = 0

    async def send(self, topic, key, value, headers=None) -> None:
        self.sent.append((topic, key, value, headers or []))

    async def flush(self) -> None:
        self.flushed += 1

    def on(self, topic: str) -> list:
        return [s for s in self.sent if s[0] == topic]


@pytest.fixture
def make_service(scorer):
    def build(**kw):
        settings = Settings(max_message_bytes=200_000, **kw)

        async def analyse(payloads):
            from models import Transcript
            from worker.pool import results_of

            return results_of(scorer.score_each(
                [Transcript.model_validate_json(p) for p in payloads]))

        sink = RecordingSink()
        return StreamService(settings, analyse=analyse, sink=sink, deals={}), sink
    return build


def msg(value: bytes | None, offset: int = 0, key: bytes | None = b"d1") -> Inbound:
    return Inbound(value=value, key=key, topic="transcripts", partition=0, offset=offset)


def good(call_id: str = "c1", deal_id: str = "d1", turns=GOOD_CALL) -> bytes:
    return transcript(turns, call_id=call_id, deal_id=deal_id).model_dump_json().encode()


BAD = [
    (b"{not json", "invalid JSON"),
    (json.dumps({"call_id": "x"}).encode(), "deal_id"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (json.dumps({"call_id": "x", "deal_id": "d1", "participants": [
        {"speaker": "a", "name": "A", "role": "rep"}], "utterances": [
        {"speaker": "a", "text": "  "}]}).encode(), "empty"),
    (json.dumps({"call_id": "x", "deal_id": "d1", "participants": [
        {"speaker": "a", "name": "A", "role": "prospect"}], "utterances": [
        {"speaker": "a", "text": "hello there"}]}).encode(), "rep"),
    (b"x" * 300_000, "over the limit"),
    (None, "empty message"),
]


@pytest.mark.parametrize(("value", "reason"), BAD)
def test_bad_message_goes_to_dlq_with_reason_and_original_bytes(make_service, value, reason):
    service, sink = make_service()
    asyncio.run(service.handle([msg(value, offset=7)]))
    (dl,) = sink.on("transcripts-dlq")
    headers = dict(dl[3])
    assert reason in headers["callscore-reason"].decode()
    assert headers["callscore-source-offset"] == b"7"
    assert headers["callscore-source-topic"] == b"transcripts"
    assert headers["callscore-error-class"]
    assert dl[2] == (value or b"")
    assert sink.on("call-scores") == []
    envelope = DeadLetter.model_validate_json(headers[DLQ_ENVELOPE_HEADER])
    assert reason in envelope.reason and envelope.source_offset == 7
    assert envelope.error_class == headers["callscore-error-class"].decode()
    assert envelope.value_bytes == len(value or b"")
    assert envelope.value_sha256 == hashlib.sha256(value or b"").hexdigest()


def test_valid_messages_score_and_update_the_deal_once_per_call(make_service):
    service, sink = make_service()
    batch = [msg(good("c1"), 0), msg(good("c2", turns=PITCH_CALL), 1), msg(good("c1"), 2)]
    asyncio.run(service.handle(batch))
    assert len(sink.on("call-scores")) == 3  # at-least-once: the re-sent call is re-scored
    deals = [json.loads(v) for _, _, v, _ in sink.on("deal-scores")]
    assert [d["call_count"] for d in deals] == [1, 2, 2]
    assert [d["version"] for d in deals] == [1, 2, 3]
    assert {c["call_id"] for c in deals[-1]["calls"]} == {"c1", "c2"}
    assert len(sink.on("flagged-calls")) >= 1
    assert sink.flushed == 1
    assert service.metrics.scored_total == 3


def test_every_message_ends_scored_or_dead_lettered(make_service):
    service, sink = make_service()
    values = [good("c1"), BAD[0][0], good("c2"), BAD[2][0], BAD[4][0]]
    asyncio.run(service.handle([msg(v, i) for i, v in enumerate(values)]))
    assert len(sink.on("call-scores")) + len(sink.on("transcripts-dlq")) == len(values)
    assert len(sink.on("transcripts-dlq")) == 3


def test_message_keyed_by_other_than_deal_id_is_rekeyed(make_service):
    service, sink = make_service()
    asyncio.run(service.handle([msg(good("c1", "deal-9"), key=b"wrong")]))
    (resent,) = sink.on("transcripts")
    assert resent[1] == b"deal-9"
    assert sink.on("call-scores") == []


def test_analysis_failure_dead_letters_the_batch_instead_of_losing_it(make_service):
    service, sink = make_service()

    async def broken(payloads):
        raise RuntimeError("pool died")

    service.analyse = broken
    asyncio.run(service.handle([msg(good("c1")), msg(good("c2"))]))
    assert len(sink.on("transcripts-dlq")) == 2


def test_the_live_review_store_keeps_the_latest_scores_and_transcripts(make_service) -> None:
    service, sink = make_service(review_keep=2)
    asyncio.run(service.handle([msg(good(f"c{i}", "d1"), offset=i) for i in range(3)]))
    # the hot path keeps JSON; one call page parses one score
    assert service.review.call("c2").call_id == "c2"
    assert isinstance(service.review._calls["c1"], bytes)
    assert service.review.call("c0") is None
    assert list(service.review.calls) == ["c1", "c2"]  # bounded, newest kept
    assert service.review.calls["c2"].call_id == "c2"
    assert service.review.transcripts["c2"].call_id == "c2"
    assert service.review.deals["d1"].call_count == 3 and service.review.deals["d1"].version == 3
    off, _ = make_service(review_keep=0)
    asyncio.run(off.handle([msg(good("c9"), offset=9)]))
    assert off.review.calls == {} and off.review.deals == {}
