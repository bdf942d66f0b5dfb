"""Deal scoring: each flag, ordering by call time, each call counted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import DealCall
from tests.factories import GOOD_CALL, PITCH_CALL, transcript
from worker.deals import DEAL_FLAG_CODES, order_calls, score_deal, upsert_call

T0 = datetime(2026, 10, 1, 15, tzinfo=UTC)


def call(cid: str, day: int, score: float, **kw) -> DealCall:
    return DealCall(call_id=cid, started_at=T0 + timedelta(days=day), score=score, **kw)


def codes(deal) -> set[str]:
    return {f.code for f in deal.flags}


def test_calls_are_ordered_by_start_time_not_arrival() -> None:
    calls = [call("c3", 9, 50), call("c1", 0, 70), call("c2", 4, 60)]
    assert [c.call_id for c in order_calls(calls)] == ["c1", "c2", "c3"]
    assert [c.call_id for c in score_deal("d", calls).calls] == ["c1", "c2", "c3"]


def test_first_calls_weigh_more_in_discovery_quality() -> None:
    early_good = score_deal("d", [call("a", 0, 90), call("b", 5, 30)])
    late_good = score_deal("d", [call("a", 0, 30), call("b", 5, 90)])
    early, late = (next(c for c in d.components if c.name == "discovery_quality")
                   for d in (early_good, late_good))
    assert early.value > late.value


def test_same_call_twice_counts_once(scorer) -> None:
    s = scorer.score(transcript(GOOD_CALL, call_id="x1"))
    calls = upsert_call({}, s)
    calls = upsert_call(calls, s)
    calls = upsert_call(calls, s.model_copy(update={"score": 10.0}))
    deal = score_deal("d1", calls.values())
    assert deal.call_count == 1 and deal.calls[0].score == 10.0


def test_flag_no_decision_maker_after_calls() -> None:
    d = score_deal("d", [call("a", 0, 50), call("b", 1, 50)])
    assert "no_decision_maker_after_calls" in codes(d)
    d = score_deal("d", [call("a", 0, 50, decision_maker_discussed=True), call("b", 1, 50)])
    assert "no_decision_maker_after_calls" not in codes(d)


def test_flag_impact_never_quantified() -> None:
    d = score_deal("d", [call("a", 0, 50), call("b", 1, 50)])
    assert "impact_never_quantified" in codes(d)
    d = score_deal("d", [call("a", 0, 50), call("b", 1, 50, impact_quantified=True)])
    assert "impact_never_quantified" not in codes(d)


def test_flag_single_threaded_and_multi_threading() -> None:
    d = score_deal("d", [call("a", 0, 50, prospects=["Tom"]), call("b", 1, 50, prospects=["Tom"])])
    assert "single_threaded" in codes(d)
    d = score_deal("d", [call("a", 0, 50, prospects=["Tom"]),
                         call("b", 1, 50, prospects=["Tom", "Ana", "Raj"])])
    assert "single_threaded" not in codes(d)
    mt = next(c for c in d.components if c.name == "multi_threading")
    assert mt.value == 3 and mt.points == mt.max_points


def test_flag_score_dropped() -> None:
    d = score_deal("d", [call("a", 0, 80), call("b", 1, 50)])
    assert "score_dropped" in codes(d)
    assert "score_dropped" not in codes(score_deal("d", [call("a", 0, 50), call("b", 1, 80)]))


def test_flag_pitch_pattern(scorer) -> None:
    pitch = [scorer.score(transcript(PITCH_CALL, call_id=f"p{i}")) for i in range(2)]
    calls = {}
    for s in pitch:
        calls = upsert_call(calls, s)
    d = score_deal("d", calls.values())
    assert "pitch_pattern" in codes(d)
    assert codes(d) <= set(DEAL_FLAG_CODES)


def test_single_call_has_no_deal_flags_and_decision_maker_title_counts() -> None:
    d = score_deal("d", [call("a", 0, 70, prospect_titles=["CFO"], decision_maker_discussed=True)])
    assert d.flags == []
    dm = next(c for c in d.components if c.name == "decision_maker")
    assert dm.value == 0.75 and "CFO" in dm.explanation
