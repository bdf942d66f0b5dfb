"""The faust agent in faust's own test context (memory store, no broker)."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.factories import GOOD_CALL, transcript
from tests.stream.test_service import RecordingSink


@pytest.fixture
def agent_env(scorer):
    """The app finalized with a memory store, its loop set, flow control resumed."""
    from worker import agents
    from worker.app import app

    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    sink = RecordingSink()

    async def analyse(payloads):
        from models import Transcript
        from worker.pool import results_of

        return results_of(scorer.score_each([Transcript.model_validate_json(p)
                                             for p in payloads]))

    saved = (agents.service.sink, agents.service.analyse, agents.service.deals)
    agents.service.sink, agents.service.analyse, agents.service.deals = sink, analyse, {}
    yield agents, sink, loop
    agents.service.sink, agents.service.analyse, agents.service.deals = saved
    loop.close()


def test_agent_scores_valid_and_dead_letters_invalid_messages(agent_env) -> None:
    agents, sink, loop = agent_env
    good = transcript(GOOD_CALL, call_id="c1", deal_id="d1").model_dump_json().encode()

    async def run() -> None:
        async with agents.score_transcripts.test_context() as agent:
            await agent.put(good, key=b"d1")
            await agent.put(b"{broken", key=b"d1")
            for _ in range(100):
                if len(sink.sent) >= 4:
                    break
                await asyncio.sleep(0.05)

    loop.run_until_complete(run())
    topics = [t for t, *_ in sink.sent]
    assert topics.count("call-scores") == 1 and topics.count("deal-scores") == 1
    assert topics.count("transcripts-dlq") == 1
    dl = next(s for s in sink.sent if s[0] == "transcripts-dlq")
    assert "invalid JSON" in dict(dl[3])["callscore-reason"].decode()
    deal = json.loads(next(v for t, _, v, _ in sink.sent if t == "deal-scores"))
    assert deal["deal_id"] == "d1" and deal["call_count"] == 1
