"""Scoring: components, flags, ordering of good over pitch-heavy calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import GOOD_CALL, PITCH_CALL, transcript
from worker.errors import ConfigError
from worker.scoring import FLAG_CODES, load_scoring_config


def test_good_questioning_outscores_pitch_heavy_call(scorer) -> None:
    good = scorer.score(transcript(GOOD_CALL))
    pitch = scorer.score(transcript(PITCH_CALL, call_id="c2"))
    assert good.score > pitch.score + 25


def test_components_sum_to_score_and_weights_to_100(scorer) -> None:
    s = scorer.score(transcript(GOOD_CALL))
    assert sum(c.max_points for c in s.components) == pytest.approx(100)
    assert s.score == pytest.approx(round(sum(c.points for c in s.components), 1))
    names = {c.name for c in s.components}
    assert names == {"probing_questions", "canned_share", "decision_maker", "impact",
                     "follow_ups", "talk_share", "monologue", "interactivity", "spread"}


def test_good_call_has_evidence_for_decision_maker_and_impact(scorer) -> None:
    s = scorer.score(transcript(GOOD_CALL))
    comp = {c.name: c for c in s.components}
    assert comp["decision_maker"].points == comp["decision_maker"].max_points
    assert any("Who else is involved" in e.text for e in comp["decision_maker"].evidence)
    assert comp["impact"].points == comp["impact"].max_points
    assert any("forty thousand dollars" in e.text for e in comp["impact"].evidence)
    assert not {"no_decision_maker_discussed", "no_impact_discussed"} & {f.code for f in s.flags}


def test_follow_up_is_linked_to_the_prospect_turn_it_builds_on(scorer) -> None:
    s = scorer.score(transcript(GOOD_CALL))
    q = next(q for q in s.questions if q.text.startswith("What does that cost you"))
    assert q.follow_up and q.follows_utterance == 1
    q = next(q for q in s.questions if q.text.startswith("Why did nobody use it"))
    assert q.follow_up and q.follows_utterance == 19


def test_pitch_call_raises_its_flags(scorer) -> None:
    s = scorer.score(transcript(PITCH_CALL))
    codes = {f.code for f in s.flags}
    assert {"canned_pitch_heavy", "no_decision_maker_discussed", "rep_dominates_talk",
            "long_monologue", "few_probing_questions"} <= codes
    assert codes <= set(FLAG_CODES)
    canned = [q for q in s.questions if q.kind == "canned"]
    assert len(canned) >= 4
    assert all(f.message for f in s.flags)


def test_call_without_questions_is_flagged(scorer) -> None:
    s = scorer.score(transcript([("rep", "Here is our product."), ("pro", "Okay, thanks.")]))
    assert "no_questions" in {f.code for f in s.flags}
    assert s.score < 40


def test_talk_share_and_monologue_statistics(scorer) -> None:
    s = scorer.score(transcript(PITCH_CALL))
    assert s.talk.rep_talk_share > 0.9
    assert s.talk.longest_rep_monologue_words > 150
    assert s.talk.longest_rep_monologue_seconds is not None


def test_untimed_transcript_still_scores(scorer) -> None:
    s = scorer.score(transcript(GOOD_CALL, seconds_per_word=None))
    assert s.talk.duration_seconds is None and s.score > 50


def test_scoring_config_override_and_bad_weights(tmp_path: Path) -> None:
    good = tmp_path / "ok.toml"
    good.write_text("[components.probing_questions]\ntarget_min = 5\n")
    assert load_scoring_config(good)["components"]["probing_questions"]["target_min"] == 5
    bad = tmp_path / "bad.toml"
    bad.write_text("[components.spread]\nweight = 30\n")
    with pytest.raises(ConfigError, match="sum to"):
        load_scoring_config(bad)
