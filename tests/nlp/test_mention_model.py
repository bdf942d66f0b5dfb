"""The mention model backs up the lexicon, sentence by sentence, and is reproducible."""

from __future__ import annotations

import pytest

from worker.core import Scorer
from worker.errors import ConfigError
from worker.nlp.mention_model import MODEL_LABEL, MentionModel, read_labelled, train
from worker.settings import Settings

from .retrain import assert_bundled_is_retrained

# The lexicon has no entry for this; the model reads it as talk of who signs.
UNLISTED = "Her name has to be on the PO before anything moves."


def test_the_bundled_model_is_what_train_mentions_writes_from_the_tuning_sets(tmp_path) -> None:
    assert_bundled_is_retrained("train-mentions", MentionModel, tmp_path)


def test_the_model_finds_a_sentence_the_lexicon_misses(pipeline, tag) -> None:
    assert pipeline.mention_model is not None
    found = tag(UNLISTED, role="prospect")["mentions"]
    assert [(m["type"], m["label"], m["text"]) for m in found] == [
        ("decision_maker", MODEL_LABEL, UNLISTED)]


def test_the_model_reads_a_word_the_same_with_or_without_its_apostrophe(pipeline) -> None:
    said = ["If this slips I don't get my bonus.", "if this slips i dont get my bonus",
            "If this slips I don\u2019t get my bonus."]
    scores = pipeline.mention_model.scores(said)
    assert scores[0] == scores[1] == scores[2]
    assert scores[0]["impact"] >= pipeline.mention_model.threshold


def test_without_the_model_only_the_lexicon_counts() -> None:
    scorer = Scorer(Settings(mention_model="none"))
    assert scorer.pipeline.mention_model is None
    assert next(iter(scorer.tag([UNLISTED])))["mentions"] == []
    assert "+mnone+k" in scorer.lexicon_version


def test_a_type_the_lexicon_found_in_the_sentence_is_not_added_again(pipeline, tag) -> None:
    text = "I sat in my car and cried after that audit."
    assert pipeline.mention_model.scores([text])[0]["impact"] >= pipeline.mention_model.threshold
    found = tag(text)["mentions"]
    assert found and all(m["label"] != MODEL_LABEL for m in found)


def test_the_model_judges_each_sentence_of_a_turn(tag) -> None:
    text = f"The weather was nice in Denver. {UNLISTED} Anyway, good to see you."
    found = tag(text, role="prospect")["mentions"]
    assert [(m["label"], text[m["start"]:m["end"]]) for m in found] == [(MODEL_LABEL, UNLISTED)]


@pytest.mark.parametrize("text", ["The weather was nice in Denver.", "", "—", "À", "uh, um"])
def test_no_mention_in_small_talk_or_in_text_without_words(tag, text: str) -> None:
    assert tag(text)["mentions"] == []


def test_the_version_names_the_model(scorer) -> None:
    assert f"+m{scorer.pipeline.mention_model.digest}+k" in scorer.lexicon_version


def test_training_learns_from_the_lines_it_is_given() -> None:
    lines = [(f"the {w} signs off on it", frozenset({"decision_maker"}))
             for w in ("director", "owner", "board", "partner")]
    lines += [(f"we lost {w} on that outage", frozenset({"impact"}))
              for w in ("money", "customers", "a week", "a contract")]
    lines += [(f"the {w} was lovely", frozenset()) for w in ("lunch", "view", "hotel", "drive")]
    model = MentionModel(train(lines, epochs=20))
    dm, imp, neither = model.scores(["the cfo signs off", "we lost a client", "lovely lunch"])
    assert dm["decision_maker"] > 0.5 > dm["impact"]
    assert imp["impact"] > 0.5 > imp["decision_maker"]
    assert neither["impact"] < 0.5 and neither["decision_maker"] < 0.5
    assert train(lines, epochs=20) == train(lines, epochs=20)


def test_labelled_files_with_a_missing_column_or_a_bad_label_are_named(tmp_path) -> None:
    no_impact = tmp_path / "a.tsv"
    no_impact.write_text("text\tdecision_maker\nhello\t0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"a\.tsv: missing column\(s\) impact"):
        read_labelled([no_impact])
    bad = tmp_path / "b.tsv"
    bad.write_text("text\tdecision_maker\timpact\nhello\t0\t0\nbye\t0\tyes\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b\.tsv, line 3: column impact is 'yes'; write 0 or 1"):
        read_labelled([bad])
    with pytest.raises(ConfigError, match=r"nope\.tsv: cannot read"):
        read_labelled([tmp_path / "nope.tsv"])


def test_a_model_setting_that_names_no_model_says_what_to_do(tmp_path) -> None:
    assert MentionModel.load("none") is None
    with pytest.raises(ConfigError, match=r"missing\.gz.*CALLSCORE_MENTION_MODEL"):
        MentionModel.load(str(tmp_path / "missing.gz"))
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"not a model")
    with pytest.raises(ConfigError, match=r"junk\.gz.*not a file written by"):
        MentionModel.load(str(junk))


def test_a_blocked_phrase_keeps_the_model_out_of_its_sentence(pipeline, tag) -> None:
    text = "I think we lost the line."
    model = pipeline.mention_model
    assert model.scores([text])[0]["impact"] >= model.threshold
    assert tag(text, role="prospect")["mentions"] == []


def test_a_demo_of_the_product_screen_is_no_decision_maker_talk(pipeline, tag) -> None:
    text = "And this is the analytics view."
    model = pipeline.mention_model
    assert model.scores([text])[0]["decision_maker"] >= model.threshold  # the model errs ...
    assert tag(text)["mentions"] == []  # ... and the block keeps it out of the sentence
    found = tag("This is the approvals screen, and your CFO signs off here.")["mentions"]
    assert {m["text"] for m in found} == {"CFO", "signs off"}


def test_the_model_overrules_a_lexicon_mention_it_scores_below_the_veto(pipeline, tag) -> None:
    text = "Fraud, a little, yeah."
    model = pipeline.mention_model
    assert model.scores([text])[0]["impact"] < model.veto
    assert tag(text, role="prospect")["mentions"] == []
    # only in its own sentence
    turn = f"{text} The chargebacks cost us forty grand last year."
    found = tag(turn, role="prospect")["mentions"]
    assert found and all(m["start"] > len(text) for m in found)
    # a veto of 0 never overrules the lexicon
    keep = Scorer(Settings(mention_veto=0))
    assert [(m["type"], m["text"]) for m in next(iter(keep.tag([text])))["mentions"]] == [
        ("impact", "Fraud")]


def test_the_veto_spares_a_prospects_talk_of_their_own_approver(pipeline, tag) -> None:
    # The labelled lines call the rep's own VP approving a discount no decision-maker
    # talk, so the model scores this low; from the prospect it is about their decider.
    text = "I'd have to check with my VP, she signs off on anything over ten percent."
    model = pipeline.mention_model
    assert model.scores([text])[0]["decision_maker"] < model.veto
    assert [m["label"] for m in tag(text, role="prospect")["mentions"]
            if m["type"] == "decision_maker"]
    assert [m for m in tag(text, role="rep")["mentions"] if m["type"] == "decision_maker"] == []
