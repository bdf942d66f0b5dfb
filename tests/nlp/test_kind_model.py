"""The kind model backs up the kind lexicon on the rep's questions, and is reproducible."""

from __future__ import annotations

import pytest

from worker.core import Scorer
from worker.errors import ConfigError
from worker.nlp.kind_model import KindModel, read_kinds
from worker.nlp.questions import DEFAULT_KIND_REASON
from worker.settings import Settings

from .retrain import ROOT, assert_bundled_is_retrained

# No kind entry matches these; the model reads them as rapport.
SMALL_TALK = ("Did you make it through the Fourth of July weekend alive?",
              "Did the holiday rush finally calm down for you guys?")


def kinds(pipeline, text: str, role: str = "rep") -> list[tuple[str, str]]:
    doc = pipeline.analyse_texts([text], [role])[0]
    return [(q.kind, q.kind_reason) for q in doc._.cs_questions]


def test_the_bundled_model_is_what_train_kinds_writes_from_the_tuning_sets(tmp_path) -> None:
    assert_bundled_is_retrained("train-kinds", KindModel, tmp_path)


@pytest.mark.parametrize("text", SMALL_TALK)
def test_the_model_calls_a_reps_unlisted_small_talk_other(pipeline, text: str) -> None:
    assert kinds(pipeline, text) == [("other", "model:other")]
    # the prospect's same question keeps the default: the model judges the rep's questions
    assert kinds(pipeline, text, role="prospect") == [("probing", DEFAULT_KIND_REASON)]


def test_a_lexicon_entry_or_a_rule_keeps_its_kind() -> None:
    # A model that calls every question small talk changes only the default ones (the
    # lexicon's entries are canned or other; probing is what none of them says).
    scorer = Scorer(Settings(kind_model="none"))
    lines = [(f"how was your {w}", "other") for w in ("weekend", "trip", "audit", "team")]
    scorer.pipeline.kind_model = KindModel(KindModel.train_kinds(lines, epochs=30),
                                           threshold=0.4)
    assert kinds(scorer.pipeline, "Does that make sense?") == [("canned", "canned.make_sense.0")]
    assert kinds(scorer.pipeline, "Wasn't the audit in March?") == [
        ("canned", "rule:negative_question")]
    assert kinds(scorer.pipeline, "What does the wait do to your team?") == [
        ("other", "model:other")]


def test_without_the_model_small_talk_stays_probing() -> None:
    scorer = Scorer(Settings(kind_model="none"))
    assert scorer.pipeline.kind_model is None
    assert kinds(scorer.pipeline, SMALL_TALK[0]) == [("probing", DEFAULT_KIND_REASON)]
    assert scorer.lexicon_version.endswith("+knone")


def test_a_higher_threshold_leaves_more_to_the_default() -> None:
    scorer = Scorer(Settings(kind_threshold=0.99))
    assert kinds(scorer.pipeline, SMALL_TALK[0]) == [("probing", DEFAULT_KIND_REASON)]


def test_the_version_names_the_model(scorer) -> None:
    assert scorer.lexicon_version.endswith("+k" + scorer.pipeline.kind_model.digest)


def test_training_learns_from_the_questions_it_is_given() -> None:
    lines = [(f"how was your {w}", "other") for w in ("weekend", "trip", "holiday", "vacation")]
    lines += [(f"wouldn't you agree {w} matters", "canned") for w in ("speed", "price", "uptime")]
    lines += [(f"how do you handle {w} today", "probing")
              for w in ("returns", "billing", "hiring", "audits")]
    model = KindModel(KindModel.train_kinds(lines, epochs=20))
    other, canned, probing = model.scores(["how was your summer", "wouldn't you agree",
                                           "how do you handle refunds"])
    assert max(other, key=other.get) == "other"
    assert max(canned, key=canned.get) == "canned"
    assert max(probing, key=probing.get) == "probing"
    assert abs(sum(other.values()) - 1) < 1e-5  # one kind per question
    assert KindModel.train_kinds(lines, epochs=20) == KindModel.train_kinds(lines, epochs=20)


def test_only_the_reps_questions_are_read_and_a_bad_kind_is_named(tmp_path) -> None:
    good = tmp_path / "a.tsv"
    good.write_text("role\tis_question\tkind\ttext\n"
                    "rep\t1\tother\thow was the drive\n"
                    "prospect\t1\tprobing\twhat does it cost\n"
                    "rep\t0\t-\twe cut returns in half\n", encoding="utf-8")
    assert read_kinds([good]) == [("how was the drive", "other")]
    bad = tmp_path / "b.tsv"
    bad.write_text("role\tis_question\tkind\ttext\nrep\t1\tpitch\tready to sign\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b\.tsv, line 2: a rep question's kind is 'pitch'"):
        read_kinds([bad])
    no_kind = tmp_path / "c.tsv"
    no_kind.write_text("role\tis_question\ttext\nrep\t1\thi\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.tsv: missing column\(s\) kind"):
        read_kinds([no_kind])


def test_a_model_setting_that_names_no_kind_model_says_what_to_do(tmp_path) -> None:
    assert KindModel.load("none") is None
    with pytest.raises(ConfigError, match=r"kind model .*missing\.gz.*CALLSCORE_KIND_MODEL"):
        KindModel.load(str(tmp_path / "missing.gz"))
    mentions = ROOT / "lexicons" / "mention_model.bin.gz"
    with pytest.raises(ConfigError, match=r"not a file written by `callscore train-kinds`"):
        KindModel.load(str(mentions))
