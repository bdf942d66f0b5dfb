"""Property tests: analysis of arbitrary valid transcripts never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Participant, Transcript, Utterance

_speech = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=200
) | st.lists(st.sampled_from(
    ["how", "what", "do", "you", "we", "the", "cfo", "signs", "$", "40k", "percent", "?", ",",
     ".", "uh", "is", "it", "isn't", "wouldn't", "agree", "hours", "a", "week", "10", "risk"]),
    max_size=60).map(" ".join)


@st.composite
def transcripts(draw) -> Transcript:
    n = draw(st.integers(min_value=1, max_value=12))
    utts = []
    t = 0.0
    for i in range(n):
        text = draw(_speech)
        timed = draw(st.booleans())
        dur = draw(st.floats(min_value=0, max_value=120))
        utts.append(Utterance(speaker=draw(st.sampled_from(["r", "p", "o"])),
                              start=t if timed else None, end=t + dur if timed else None,
                              text=text if i else (text or "hello")))
        t += dur
    return Transcript(
        call_id="prop", deal_id="prop",
        participants=[Participant(speaker="r", name="Rep", role="rep"),
                      Participant(speaker="p", name="Pro", role="prospect"),
                      Participant(speaker="o", name="Other", role="other")],
        utterances=utts,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_analysis_of_any_valid_transcript_never_raises(scorer, t: Transcript) -> None:
    s = scorer.score(t)
    assert 0 <= s.score <= 100
    for q in s.questions:
        assert t.utterances[q.utterance].text[q.start : q.end] == q.text
    for m in s.mentions:
        assert t.utterances[m.utterance].text[m.start : m.end] == m.text


def test_a_call_shorter_than_a_second_has_no_switch_rate(scorer) -> None:
    # Found by the property above: a 5e-324 s span underflowed the rate to a division by 0.
    from models import Participant, Transcript, Utterance

    t = Transcript(call_id="tiny", deal_id="d", participants=[
        Participant(speaker="r", name="Rep", role="rep")],
        utterances=[Utterance(speaker="r", start=0.0, end=5e-324, text="hello")])
    assert scorer.score(t).talk.switches_per_minute is None
