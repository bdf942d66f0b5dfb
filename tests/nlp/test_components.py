"""The spaCy components inside the real pipeline: kinds, mentions, segmentation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from spacy.matcher import Matcher

from worker.errors import LexiconError
from worker.lexicon import load_lexicon
from worker.nlp.pipeline import Pipeline
from worker.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How are you handling route planning today?", "probing"),
        ("What happens to your margins when a delivery is late?", "probing"),
        ("Who else is involved in signing off on something like this?", "probing"),
        ("do you currently track that in a spreadsheet", "probing"),
        ("Wouldn't you agree that your team deserves better tools?", "canned"),
        ("If I could show you a way to cut no-shows in half, would you be interested?", "canned"),
        ("Does that make sense?", "canned"),
        ("are you happy with your current scheduling system", "canned"),
        ("Can you see how this would help your front desk?", "canned"),
        ("Can you hear me okay?", "other"),
        ("can you see my screen", "other"),
        ("Does Thursday at 2 work for you?", "other"),
        ("How was your weekend?", "other"),
        # leading tags, closes and value-fishing, punctuated or not
        ("This is a no-brainer, isn't it?", "canned"),
        ("You wouldn't want another fine like that, would you?", "canned"),
        ("so which plan should i put you down for the growth or the enterprise", "canned"),
        ("On a scale of one to ten, how excited are you about what you saw?", "canned"),
        ("what's stopping you from signing today", "canned"),
        ("Isn't it time you stopped losing money on expired stock?", "canned"),
        # a tag that confirms a fact asks; one on a claim of value or intent ties down
        ("You're on Salesforce for the CRM side, right?", "probing"),
        ("so it's mostly paper checks right", "probing"),
        ("So you'd want the committee seeing this sooner rather than later, right?", "canned"),
        ("With numbers like these, Martin's sign-off should be a formality, right?", "canned"),
        ("and i'm guessing the return rate is part of your own targets this year right",
         "canned"),
        ("Pretty painless install, right?", "canned"),
        # a positive tag on a negative claim presupposes the answer
        ("So there's nothing stopping the board from approving this in April, is there?",
         "canned"),
        ("you're not still doing all of that by hand are you", "canned"),
        ("What would you want to see in a pilot for it to count as a win?", "probing"),
        # meeting logistics and rapport
        ("Sorry, you cut out for a second there, could you repeat that?", "other"),
        ("is the link i sent working for you", "other"),
        ("Should we push this to next week?", "other"),
        ("Did you catch the game last night?", "other"),
        ("What time zone are you in again?", "other"),
    ],
)
def test_question_kind_for_rep(tag, text: str, kind: str) -> None:
    out = tag(text)
    assert out["is_question"] is True
    assert out["kind"] == kind


def test_rapport_phrase_inside_probing_question_stays_probing(tag) -> None:
    assert tag("How are you handling dispatch when drivers call in sick?")["kind"] == "probing"


@pytest.mark.parametrize(("text", "greets"), [
    ("Morning Sue! Kids back at school yet?", True),
    ("Hello Ana. Busy week?", True),
    ("Good question. Busy week?", False),  # "good" without "morning": no greeting
    # a long question after the greeting is the call's business
    ("Hi Joe. So how does dispatch handle a driver who calls in sick at five in the morning?",
     False),
])
def test_short_questions_in_a_turn_that_greets_are_rapport(pipeline, text: str,
                                                          greets: bool) -> None:
    (doc,) = pipeline.analyse_texts([text], ["rep"])
    (question,) = doc._.cs_questions
    assert (question.kind_reason == "rule:greeting") is greets
    if greets:
        assert question.kind == "other"


def test_prospect_questions_are_never_canned(tag) -> None:
    assert tag("Does that make sense?", role="prospect")["kind"] == "other"
    out = tag("Does that make sense for a clinic our size?", role="prospect")
    assert out["is_question"] and out["kind"] == "probing"


@pytest.mark.parametrize(("text", "is_question"), [
    ("Honestly? We lost two people at the front desk last year.", False),
    ("Worst case? We miss the season and the pros leave.", False),
    ("Denise? She mostly cares about client experience.", False),
    ("Honestly?", True),  # nothing follows: it asks
    ("Friday? No.", True),  # too short an answer to tell
    ("You go where? Uh, to the plant?", True),  # a wh-word: it asks
    ("Adorable, right? Parents go nuts for that feature.", True),  # a tag asks
    ("Wait, penalties? Say more about that.", True),  # the request asks
])
def test_a_short_fragment_the_speaker_answers_is_no_question(tag, text: str,
                                                            is_question: bool) -> None:
    assert tag(text, role="prospect")["is_question"] is is_question


@pytest.mark.parametrize(("text", "is_question"), [
    ("huh", False),
    ("pardon me", False),
    ("im sorry what", False),
    ("uh come again", False),
    ("what did you say", False),
    ("what was the budget", True),  # asks about the matter
    ("sorry what tool is that", True),
    ("sorry who signs", True),
])
def test_a_request_to_repeat_without_a_question_mark_is_no_question(
        tag, text: str, is_question: bool) -> None:
    assert tag(text)["is_question"] is is_question


@pytest.mark.parametrize("text", ["Huh?", "Pardon me?", "I'm sorry, what?", "Uh, come again?",
                                  "What did you say?"])
def test_a_question_mark_always_counts_even_on_a_request_to_repeat(tag, text: str) -> None:
    assert tag(text)["is_question"] is True


def test_non_questions_have_null_form_and_kind(tag) -> None:
    out = tag("We rolled it out to forty clinics last year.")
    assert out == {**out, "is_question": False, "form": None, "kind": None}


@pytest.mark.parametrize(
    ("text", "type_", "span"),
    [
        ("Our CFO signs anything over fifty thousand.", "decision_maker", "CFO"),
        ("It has to go through procurement first.", "decision_maker", "procurement"),
        ("my boss has the final say on that", "decision_maker", "my boss"),
        ("We lose about 20% of orders to late pickups.", "impact", "20%"),
        ("it costs us forty thousand dollars a month", "impact", "forty thousand dollars"),
        ("Dispatch takes us 10 hours a week.", "impact", "10 hours a week"),
        ("Honestly the contract is at risk if this slips.", "impact", "at risk"),
        ("We spend $40k a quarter on overtime.", "impact", "$40k"),
        ("So what would Gloria want to see before she signs off?", "decision_maker", "Gloria"),
        ("what would she need to see", "decision_maker", "she need"),
    ],
)
def test_mentions_have_type_and_character_span(tag, text: str, type_: str, span: str) -> None:
    mentions = tag(text, role="prospect")["mentions"]
    hits = [m for m in mentions if m["type"] == type_]
    assert hits, mentions
    assert any(text[m["start"] : m["end"]] == m["text"] and span in m["text"] for m in hits)


def test_no_mentions_in_small_talk(tag) -> None:
    assert tag("Thanks, talk soon, have a nice evening.")["mentions"] == []


@pytest.mark.parametrize(
    "text",
    [
        "My boss is out this week, so I'm covering for her.",  # a title, no decision
        "I'm the director of operations, I've been here four years.",
        "Is Zoom fine, or do you prefer Teams?",  # "fine" the adjective
        "If I can get you an extra ten percent off, will you commit this month?",  # a price
        "We have about two hundred drivers across four terminals.",
        "Sorry, I'm driving, so I might lose you in the tunnel.",
    ],
)
def test_weak_mentions_need_support_in_their_sentence(tag, text: str) -> None:
    assert tag(text)["mentions"] == []


@pytest.mark.parametrize(
    ("text", "type_", "span"),
    [
        ("Is your CFO going to want to see a business case first?", "decision_maker", "CFO"),
        ("It's a committee thing here: me, the CIO and someone from finance.",
         "decision_maker", "CIO"),
        ("We lose about two hundred orders a week to mis-picks.", "impact", "two hundred orders"),
        ("we got fined last year about eighty thousand for late filings", "impact", "fined"),
        ("If this go-live slips again, someone's head is going to roll.", "impact", "slips"),
        ("we missed our on-time delivery target three months in a row", "impact", "missed"),
    ],
)
def test_weak_mentions_count_next_to_a_cue(tag, text: str, type_: str, span: str) -> None:
    hits = [m for m in tag(text)["mentions"] if m["type"] == type_]
    assert any(span in m["text"] for m in hits), hits


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        ("You still there? I think I lost you for a second.", "impact"),
        # the mention model would read this as decision talk; the block holds for it too
        ("I need to look at the numbers.", "decision_maker"),
        ("Are you able to sign in to the sandbox with the credentials I emailed?",
         "decision_maker"),
        ("Your IT director mentioned he runs marathons, which, respect.", "decision_maker"),
    ],
)
def test_block_phrases_and_one_title_are_no_mention(tag, text: str, type_: str) -> None:
    assert [m for m in tag(text)["mentions"] if m["type"] == type_] == []


@pytest.mark.parametrize("text", [
    "I'd have to check with my VP, she signs off on anything over ten percent.",
    "i can do ten percent and my manager's already approved that",
])
def test_the_reps_own_side_is_no_decision_maker_talk(tag, text: str) -> None:
    assert [m for m in tag(text, role="rep")["mentions"] if m["type"] == "decision_maker"] == []
    said_by_prospect = tag(text, role="prospect")["mentions"]
    assert [m for m in said_by_prospect if m["type"] == "decision_maker"]


def test_one_phrase_can_be_both_kinds_of_talk(tag) -> None:
    types = {m["type"] for m in tag("Would you stick your neck out for this?")["mentions"]}
    assert types == {"decision_maker", "impact"}


def test_block_tier_silences_only_its_own_stretch(tag) -> None:
    hits = tag("Sorry, I lost you. We lost two clients over this last year.")["mentions"]
    assert [m["text"] for m in hits if m["type"] == "impact"] == ["lost two clients"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Should I, uh, send the login to you or to, to Mike in dispatch?", "other"),
        ("should i uh send the login to you or to to mike in dispatch", "other"),
        ("Would Thursday at, like, ten-thirty Central work for a follow-up?", "other"),
        ("What practice wouldn't want, like, a fuller schedule?", "canned"),
        ("If we, um, knocked the onboarding down to a week, would you sign this month?",
         "canned"),
        ("Who else would need to weigh in before you switched vendors?", "probing"),
        # a long if-clause keeps its main clause: the segmenter does not split them
        ("If I could show you a way to see every machine's status right from your phone, "
         "would you be open to taking a look next week?", "canned"),
        ("Did I catch you at a bad time?", "other"),
    ],
)
def test_kinds_read_through_hesitations_and_restarts(tag, text: str, kind: str) -> None:
    assert tag(text)["kind"] == kind


def test_tier_is_for_mention_entries_only(tmp_path: Path) -> None:
    (tmp_path / "ours.jsonl").write_text(
        '{"id": "a", "label": "canned", "phrase": "ok then", "tier": "weak"}\n')
    with pytest.raises(LexiconError, match=r"ours.jsonl:1: .*'tier' applies"):
        load_lexicon(tmp_path)


def test_segmenter_splits_long_unpunctuated_turn_at_question(pipeline) -> None:
    text = ("yeah so we use salesforce today and honestly it's a mess because nobody updates it "
            "and the managers keep asking for reports that take forever to build by hand every "
            "single week how many reps do you have on it right now")
    doc = pipeline.analyse_texts([text], ["rep"])[0]
    sents = [s.text for s in doc.sents]
    assert len(sents) >= 2
    assert sents[-1].startswith("how many reps")
    assert [q.text[:13] for q in doc._.cs_questions] == ["how many reps"]


def test_question_component_patterns_round_trip_to_disk(pipeline, tmp_path: Path) -> None:
    comp = pipeline.questions
    comp.to_disk(tmp_path / "q")
    before = comp.patterns
    comp.from_disk(tmp_path / "q")
    assert comp.patterns == before and len(before) > 100


def test_bad_lexicon_fails_naming_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "ours.jsonl").write_text(
        '{"id": "a", "label": "canned", "phrase": "ok then"}\n'
        '{"id": "b", "label": "canned", "phrase": "x", "colour": "red"}\n'
    )
    with pytest.raises(LexiconError, match=r"ours.jsonl:2: field 'colour'"):
        load_lexicon(tmp_path)


def test_company_pitch_script_matches_fuzzily(tmp_path: Path) -> None:
    (tmp_path / "pitch_script.txt").write_text(
        "# our script\nHow would your agents feel about parcels that track themselves?\n"
    )
    line = "so how would your agents feel about parcels which track themselves"
    (plain,) = Pipeline(Settings()).analyse_texts([line], ["rep"])[0]._.cs_questions
    assert plain.kind == "probing"  # nothing but the company's script makes it canned
    p = Pipeline(Settings(lexicon_dir=tmp_path))
    doc = p.analyse_texts([line], ["rep"])[0]
    (q,) = doc._.cs_questions
    assert q.kind == "canned" and q.kind_reason.startswith("script:")
    assert p.lexicon.version != load_lexicon().version


def test_default_lexicons_hold_no_duplicate_entries() -> None:
    lexicon = load_lexicon()
    seen: set[tuple[str, str, str]] = set()
    strong = {(e.label, e.phrase.lower()) for e in lexicon.entries
              if e.phrase and e.tier == "strong"}
    ids = [e.id for e in lexicon.entries]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for e in lexicon.entries:
        key = (e.label, e.phrase.lower() if e.phrase else repr(e.pattern), e.tier)
        assert key not in seen, f"{e.id} repeats an entry"
        seen.add(key)
        # a strong entry already lets weak ones count: a cue copy of it is dead weight
        assert not (e.tier == "cue" and e.phrase and (e.label, e.phrase.lower()) in strong), e.id


def test_gated_patterns_find_what_one_plain_matcher_finds(pipeline) -> None:
    """Skipping docs that lack a pattern's words loses no match (all labelled lines)."""
    texts = [row["text"] for path in sorted(DATA.glob("sales_*.tsv"))
             for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t")]
    nlp = pipeline.nlp
    for name in ("callscore_questions", "callscore_mentions"):
        component = nlp.get_pipe(name)
        assert len(component.gated) > 0
        plain = Matcher(nlp.vocab)
        for entry in component.entries.values():
            if entry.pattern is not None:
                plain.add(entry.id, [entry.pattern])
        n_found = 0
        for doc in nlp.tokenizer.pipe(texts):
            strings = nlp.vocab.strings
            want = sorted((strings[m], s, e) for m, s, e in plain(doc))
            got = sorted((entry.id, s, e) for entry, s, e in component.matches(doc)
                         if entry.pattern is not None)
            assert got == want, doc.text
            n_found += len(want)
        assert n_found > 100


# A speech-to-text engine that writes full stops and commas but never a "?".
_NO_QUESTION_MARKS = [
    "Thanks for making time, Tom.",
    "Sure, happy to.",
    "You're still on the old dispatch system, right.",
    "Yes, for now.",
    "And the drivers call in sick on the weekend.",
    "Mostly Saturdays, yes.",
    "Okay, good to know.",
    "It costs us a lot.",
    "Got it, that helps.",
    "We should talk again.",
    "Sounds good.",
    "Talk soon.",
] * 2  # a body of 24 utterances


def test_writes_question_marks_judges_a_body_of_utterances() -> None:
    from worker.nlp.questions import writes_question_marks

    assert writes_question_marks(_NO_QUESTION_MARKS) is False
    assert writes_question_marks([*_NO_QUESTION_MARKS, "Is that right?"]) is True
    assert writes_question_marks(_NO_QUESTION_MARKS[:12]) is True  # too few to tell
    assert writes_question_marks([t.rstrip(".").replace(",", "")
                                  for t in _NO_QUESTION_MARKS]) is True  # no punctuation


def test_a_missing_question_mark_counts_only_where_the_source_writes_them(scorer) -> None:
    """Where no utterance has a "?", the rules read punctuated sentences as they read
    unpunctuated speech; where the source writes "?", a missing one is trusted."""
    tag_line = "You're still on the old dispatch system, right."
    untrusted = list(scorer.tag(_NO_QUESTION_MARKS))
    assert [r["text"] for r in untrusted if r["is_question"]] == [tag_line] * 2
    trusted = list(scorer.tag([*_NO_QUESTION_MARKS, "Is that right?"]))
    assert not trusted[2]["is_question"] and trusted[2]["text"] == tag_line
    # one body: a "?" in an earlier batch keeps the missing ones trusted in later batches
    later = list(scorer.tag(["Is that right?", *_NO_QUESTION_MARKS * 2], batch_size=24))
    assert later[27]["text"] == tag_line and not later[27]["is_question"]


def test_a_call_without_question_marks_is_read_as_unpunctuated(pipeline) -> None:
    from tests.factories import transcript
    from worker.analysis import analyse

    turns = [("rep" if i % 2 == 0 else "pro", t) for i, t in enumerate(_NO_QUESTION_MARKS)]
    texts = [q.text for q in analyse(transcript(turns), pipeline).questions]
    assert "You're still on the old dispatch system, right." in texts
    turns.append(("pro", "Is that right?"))
    texts = [q.text for q in analyse(transcript(turns), pipeline).questions]
    assert "You're still on the old dispatch system, right." not in texts
