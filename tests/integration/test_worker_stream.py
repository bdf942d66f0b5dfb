"""The worker against the real embedded broker: nothing lost, nothing counted twice."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from models import CallScore, DealScore
from tests.factories import GOOD_CALL, PITCH_CALL, transcript

pytestmark = pytest.mark.integration


def call(call_id: str, deal_id: str, turns=GOOD_CALL) -> tuple[bytes, bytes]:
    t = transcript(turns, call_id=call_id, deal_id=deal_id)
    return deal_id.encode(), t.model_dump_json().encode()


INVALID = [
    (b"d-x", b"{not json"),
    (b"d-x", json.dumps({"call_id": "missing-deal"}).encode()),
    (b"d-x", b"\xff\xfe binary"),
    (b"d-x", json.dumps({"call_id": "n", "deal_id": "d-x", "participants": [
        {"speaker": "a", "name": "A", "role": "prospect"}],
        "utterances": [{"speaker": "a", "text": "no rep here"}]}).encode()),
    (b"d-x", b"x" * 400_000),
]


def latest_deals(out) -> dict[str, DealScore]:
    deals: dict[str, DealScore] = {}
    for _, value, _ in out["deal"]:
        d = DealScore.model_validate_json(value)
        if d.deal_id not in deals or d.version >= deals[d.deal_id].version:
            deals[d.deal_id] = d
    return deals


def test_valid_and_invalid_messages_end_as_scores_or_dlq_records(stack) -> None:
    valid = [call(f"c{i}", f"d{i % 2}") for i in range(5)]
    stack.publish(valid + INVALID)
    w = stack.start_worker()
    out = stack.collect(lambda o: len(o["call"]) >= 5 and len(o["dlq"]) >= len(INVALID))
    time.sleep(2)  # anything extra would show up now
    out2 = stack.collect(lambda o: len(o["call"]) >= 5 and len(o["dlq"]) >= len(INVALID))
    assert len(out2["call"]) == 5 and len(out2["dlq"]) == len(INVALID)
    assert {CallScore.model_validate_json(v).call_id for _, v, _ in out["call"]} == {
        f"c{i}" for i in range(5)}
    reasons = [dict(h)["callscore-reason"].decode() for _, _, h in out2["dlq"]]
    assert all(reasons)
    assert any("invalid JSON" in r for r in reasons)
    assert any("not UTF-8" in r for r in reasons)
    assert any("over the limit" in r for r in reasons)
    assert any("rep" in r for r in reasons)
    headers = dict(out2["dlq"][0][2])
    assert headers["callscore-source-topic"].decode() == stack.settings.topic_transcripts
    assert {"callscore-source-partition", "callscore-source-offset",
            "callscore-error-class"} <= set(headers)
    assert {v for _, v, _ in out2["dlq"]} == {v for _, v in INVALID}  # original bytes

    health = json.loads(urllib.request.urlopen(
        f"http://127.0.0.1:{w.web_port}/health", timeout=5).read())
    assert health["status"] == "ok" and health["scored"] == 5
    metrics = urllib.request.urlopen(
        f"http://127.0.0.1:{w.web_port}/metrics", timeout=5).read().decode()
    assert "callscore_calls_scored_total 5" in metrics
    assert "callscore_analysis_seconds_count 5" in metrics
    assert w.stop() == 0  # graceful SIGTERM


def test_duplicate_calls_are_counted_once_per_deal(stack) -> None:
    records = [call("a1", "deal-a"), call("a2", "deal-a", PITCH_CALL), call("a1", "deal-a"),
               call("b1", "deal-b"), call("a2", "deal-a", PITCH_CALL)]
    stack.publish(records)
    stack.start_worker()
    out = stack.collect(lambda o: len(o["deal"]) >= len(records))
    deals = latest_deals(out)
    assert deals["deal-a"].call_count == 2
    assert sorted(c.call_id for c in deals["deal-a"].calls) == ["a1", "a2"]
    assert deals["deal-b"].call_count == 1
    assert deals["deal-a"].version == 4


def test_kill_9_mid_stream_then_restart_loses_nothing_and_double_counts_nothing(stack) -> None:
    n = 24
    records = [call(f"k{i}", f"deal-{i % 3}", GOOD_CALL if i % 2 else PITCH_CALL)
               for i in range(n)]
    stack.publish(records)
    first = stack.start_worker()
    stack.collect(lambda o: len(o["call"]) >= 3)
    first.kill()  # SIGKILL: no shutdown, no final commit
    stack.start_worker()
    seen: dict = {}

    def done(o) -> bool:
        seen["calls"] = {CallScore.model_validate_json(v).call_id for _, v, _ in o["call"]}
        seen["deals"] = {k: (d.version, d.call_count) for k, d in latest_deals(o).items()}
        return (len(seen["calls"]) >= n and len(seen["deals"]) == 3
                and all(c == n // 3 for _, c in seen["deals"].values()))

    try:
        out = stack.collect(done, timeout=120)
    except AssertionError as exc:
        raise AssertionError(f"{len(seen.get('calls', ()))} calls scored; latest deals "
                             f"(version, calls): {seen.get('deals')}") from exc
    ids = {CallScore.model_validate_json(v).call_id for _, v, _ in out["call"]}
    assert ids == {f"k{i}" for i in range(n)}
    for d in latest_deals(out).values():
        assert d.call_count == n // 3
        assert len({c.call_id for c in d.calls}) == n // 3
