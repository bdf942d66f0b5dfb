"""Question detection and form rules, on words (no spaCy)."""

from __future__ import annotations

import re

import pytest

from worker.nlp.rules import content_start, is_question_start, question_shape


def shape(text: str, punctuated: bool = False):
    words = text.replace("?", " ").replace(",", " ").replace(".", " ").split()
    return question_shape(words, has_question_mark="?" in text, punctuated=punctuated)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("how are you handling dispatch today", "open"),
        ("what happens when a shipment is late", "open"),
        ("so um who else is involved in the decision", "open"),
        ("so tell me a little about how your team quotes jobs", "open"),
        ("remind me what happened with the audit last spring", "open"),
        ("how exposed do you think you are to that", "open"),
        ("why is that", "open"),
        ("oh why", "open"),
        ("what kind of system do you use", "open"),
        ("how many drivers do you have", "open"),
        ("do you track that in a spreadsheet", "closed"),
        ("did did you go to college", "closed"),
        ("have um have you ever tried it", "closed"),
        ("is there anything you'd like to add", "closed"),
        ("can you hear me", "closed"),
        ("wouldnt you agree this is better", "closed"),
        ("and are you the one who signs", "closed"),
        ("walk me through your process", "open"),
        ("you know what do you think about it", "open"),
        # after an acknowledgement that opens the turn
        ("fair would it be okay if i shared my screen for two minutes", "closed"),
        ("totally what does next week look like for a follow up", "open"),
        ("got it and what would success look like a year from now", "open"),
        ("no worries how was your weekend", "open"),
    ],
)
def test_question_detector_finds_unpunctuated_questions(text: str, form: str) -> None:
    s = shape(text)
    assert s.is_question, s
    assert s.form == form


@pytest.mark.parametrize(
    "text",
    [
        "what i mean is we need it by march",
        "how we did it was by hand",
        "when i was young we lived in dallas",
        "what a mess that was",
        "so do i",
        "we use salesforce today",
        "that's what we need",
        "which is why we called you",
        "i don't know if they do or not",
        "do that first",
        "have a look at the deck",
        "i don't know how my father did it",  # no tag: "did it" is the verb
        "and when uh",  # a bare wh-word other than "why" is cut off
        "uh how how",
        "we don't have it",
    ],
)
def test_question_detector_rejects_look_alikes(text: str) -> None:
    assert not shape(text).is_question


@pytest.mark.parametrize(
    "text",
    ["she needed that didn't she", "you use it every day don't you", "it's expensive isn't it",
     "it doesn't mix well does it", "that wasn't a standard feature was it"],
)
def test_question_detector_handles_unpunctuated_tag_question(text: str) -> None:
    s = shape(text)
    assert s.is_question and s.cue == "tag" and s.form == "closed"


@pytest.mark.parametrize(
    "text",
    ["your team would love this feature don't you think", "that's a game changer wouldnt you say",
     "pretty slick wouldn't you agree"],
)
def test_a_tag_that_asks_the_listener_to_agree_leads(text: str) -> None:
    s = shape(text)
    assert s.is_question and s.cue == "tag" and s.leading == "negative_tag"


@pytest.mark.parametrize(("text", "is_q"), [
    ("did you", True), ("are they", True), ("oh have you", True),
    ("so do we", False),  # agreement
    ("neither can i", False),
    ("is it", False),  # as often a restart as a question
])
def test_a_bare_auxiliary_and_subject_in_unpunctuated_speech(text: str, is_q: bool) -> None:
    assert shape(text).is_question is is_q


@pytest.mark.parametrize(("text", "is_q"), [
    ("well in interviewing have you ever discussed benefits", True),
    ("at any rate do you have color preferences", True),
    ("so for the warehouse side are you still on paper", True),
    ("he goes do you want to dance", False),  # reported speech
    ("so the question was do you get it from people", False),
    ("it didn't do you any good", False),
    ("he likes to lay next to you and have you scratch his head", False),
    ("the way the winds are you take off toward the mountain", False),
    ("not only would you hear it", False),  # only do/have/be after a lead-in
])
def test_a_yes_no_question_after_a_lead_in_in_unpunctuated_speech(text: str, is_q: bool) -> None:
    assert shape(text).is_question is is_q


@pytest.mark.parametrize("text", ["Did you,", "Are they."])
def test_a_bare_auxiliary_and_subject_without_its_question_mark_is_cut_off(text) -> None:
    assert not shape(text, punctuated=True).is_question


def test_a_question_mark_makes_a_question() -> None:
    s = shape("The drug problem?", punctuated=True)
    assert s.is_question and s.cue == "question_mark"


def tokens(text: str) -> list[str]:
    """Words split as the pipeline's tokenizer splits them: "don't" -> "do", "n't"."""
    text = re.sub(r"(\w)(n't)\b", r"\1 \2", text)
    text = re.sub(r"(\w)('(?:s|m|re|ve|d|ll))\b", r"\1 \2", text)
    return re.findall(r"[\w']+", text)


def spoken(text: str):
    """The shape of ``text`` as a transcript gives it: punctuated when it has a mark."""
    return question_shape(tokens(text), has_question_mark="?" in text,
                          punctuated=any(c in text for c in ".,?!"))


@pytest.mark.parametrize(("text", "is_q"), [
    ("I said, how are you doing?", False),
    ("So he goes, have you come up with a solution?", False),
    ("so he goes have you come up with a solution", False),
    ("My husband finally said, Look, are we going to take the grass?", False),
    ("She's like, well, what are you digging for?", False),
    ("the guy said, well, can you share it with us?", False),
    ("So I asked, what's the budget?", False),
    ("He thought, what are these fun toys?", False),
    # not retold: the listener's words, a bare echo, a reported statement, no reporter,
    # the speaker's own point resumed or own thinking, a noun that is no speaker
    ("You said, what was it, the CFO signs?", True),
    ("They said what?", True),
    ("They said it takes six months?", True),
    ("Before we go, is the data stored in the US?", True),
    ("I was going to ask, do you exercise any?", True),
    ("Like I said, how many reps do you have?", True),
    ("So we thought, would you be open to a pilot?", True),
    ("The thing is like, are you going to pay for it?", True),
])
def test_a_retold_question_is_none_to_the_listener(text: str, is_q: bool) -> None:
    assert spoken(text).is_question is is_q


@pytest.mark.parametrize(("text", "is_q"), [
    ("I was just wondering whether you'd had a chance to look at the proposal I sent.", True),
    ("i was just wondering whether youd had a chance to look at the proposal i sent", True),
    ("I don't know if you've heard of it.", True),
    ("so i dont know if youre familiar with plano", True),
    ("I'm not sure if you saw the email.", True),
    ("I don't know if you know the area.", True),
    # not to the listener, not at the start, or "you know" as a filler
    ("I wonder if we should have brought your IT lead onto this one.", False),
    ("I went fishing at, I don't know if you've ever heard of, Lake Worth.", False),
    ("I don't know whether, you know, where our money would be best spent.", False),
    ("I don't know if, you know, we could move the date.", False),
    ("I don't know if younger buyers even care about that.", False),
    ("twelve hundred people start wondering if they have jobs", False),
])
def test_an_indirect_question_to_the_listener_is_a_question(text: str, is_q: bool) -> None:
    s = spoken(text)
    assert s.is_question is is_q
    if is_q:
        assert s.form == "closed"


def test_punctuated_text_trusts_missing_question_mark_except_inversion() -> None:
    assert not shape("What I like is the price.", punctuated=True).is_question
    assert not shape("what do you call it.", punctuated=True).is_question
    assert shape("Is she spayed.", punctuated=True).is_question


@pytest.mark.parametrize("text", [
    "What kind of wok do you have,", "how old is your daughter.",
    "Well, how did you get into this program.",
    "What do you think about that.", "each one puts on a few pounds, doesn't it.",
    "Kind of fun, isn't it.",
])
def test_plain_questions_stand_without_their_question_mark(text: str) -> None:
    s = shape(text, punctuated=True)
    assert s.is_question and s.cue in {"wh_start", "tag"}


@pytest.mark.parametrize("text", [
    "Why don't you go first.", "So, uh, what happens is you pay six hundred dollars.",
    "What I do is, you know,", "but that wasn't it.", "The immediacy just isn't there.",
    "what have you done today.", "What is it,",
])
def test_plain_question_rule_leaves_look_alikes(text: str) -> None:
    assert not shape(text, punctuated=True).is_question


def test_content_start_skips_fillers_and_markers() -> None:
    words = ["so", "uh", "you", "know", "how", "do", "you"]
    assert words[content_start(words)] == "how"


def test_is_question_start_respects_embedding_verbs() -> None:
    assert is_question_start(["how", "many", "reps", "do", "you", "have"], "mess")
    assert not is_question_start(["how", "many", "reps", "we", "have"], "know")
    assert not is_question_start(["what", "we", "need"], "exactly")


@pytest.mark.parametrize(("text", "is_q"), [
    ("you're on salesforce today right", True),
    ("and the invoices go to accounts payable correct", True),
    ("but i guess it didn't pan out huh", True),
    ("yeah that's right", False),
    ("you're absolutely right", False),
    ("pretty slick huh", True),  # three words are enough
    ("you're damn right", False),
    ("the timing matters more to you than the rate is that fair", True),
    ("counting is just part of running a tight kitchen does that make sense", True),
    ("so the sync runs nightly is that right", True),
    ("we want to do it right", False),
    ("then you turn right", False),
    ("it's all right", False),
])
def test_confirmation_tags_at_the_end_of_unpunctuated_speech(text, is_q) -> None:
    s = shape(text)
    assert s.is_question is is_q
    if is_q:
        assert s.cue == "tag" and s.form == "closed"


@pytest.mark.parametrize("text", [
    "how shall i say it",
    "so people uh how shall i say it made much more effort to notice you",
    "it was how should i put it a learning experience",
])
def test_the_speakers_own_hedge_is_not_a_question(text) -> None:
    assert not shape(text).is_question


def test_a_real_question_after_a_hedge_is_still_found() -> None:
    assert shape("how should i put it how do you handle returns today").is_question


@pytest.mark.parametrize(("text", "cue", "form"), [
    # a wh-question after a name or a preposition
    ("so beverly what do you think about drug testing", "wh_start", "open"),
    ("jay where do you live in texas", "wh_start", "open"),
    ("well from where are you calling", "wh_start", "open"),
    ("about how many calls have you made on this system", "wh_start", "open"),
    # inversion with a name as subject, or after a restarted auxiliary
    ("uh does dallas have a curbside recycling program yet", "aux_inversion", "closed"),
    ("so did ryder get out of the business", "aux_inversion", "closed"),
    ("um are do you have a family", "aux_inversion", "closed"),
    ("do would you prefer all trials by a judge", "aux_inversion", "closed"),
    # a yes/no question after a name, "you guys", or the subject said twice
    ("well steve did you go to college", "aux_inversion", "closed"),
    ("okay um chuck do you have any pets there at your home", "aux_inversion", "closed"),
    ("you guys uh do you get much of a chance to hunt", "aux_inversion", "closed"),
    ("you are you from florida originally", "aux_inversion", "closed"),
    # a short "where in ..." and "what X is your Y"
    ("where in indiana", "wh_start", "open"),
    ("well where at", "wh_start", "open"),
    ("what color is your dog", "wh_start", "open"),
])
def test_question_after_a_name_preposition_or_restart(text: str, cue: str, form: str) -> None:
    s = shape(text)
    assert s.is_question and s.cue == cue and s.form == form


@pytest.mark.parametrize("text", [
    "so uh what happens is you pay six hundred dollars", "the what did you call it the tax",
    "now what i was you know",
    "uh you can you know marinate it in any barbecue sauce", "one is you often see it",
    "so mine are you know i use mine for recreation",
    "where in the world they found it i will never know", "what happened was my car broke",
])
def test_no_question_after_a_name_look_alike(text: str) -> None:
    assert not shape(text).is_question


@pytest.mark.parametrize("text", ["do volunteer work and be in clubs",
                                  "did too but only once", "does so when it has to"])
def test_do_with_no_name_after_it_is_no_question(text: str) -> None:
    assert not shape(text).is_question


@pytest.mark.parametrize(("text", "is_q"), [
    ("if i could get you live in six weeks would you sign this month", True),
    ("if it slips again what does that cost you", True),
    ("if the pilot works what happens next", True),
    ("when a unit goes down in august what does that do to your schedule", True),
    ("when the numbers land at month end who looks at them", True),
    ("once the pilot is over what would the board need to see", True),
    # a story, not a question to the listener
    ("when i asked him where do i sign up he laughed", False),
    ("when i was around the house i played that music too", False),
    ("if the price were right is this something you'd want to do", True),
    ("when she looks at this what number is she going to care about most", True),
    ("when you bought that last cmms who made the final call", True),
    ("if i threw in the training for free would that get us over the line today", True),
    ("when a unit goes down how long does it take your crew to get there", True),
    ("if you're around the home the problem is is that the news runs twenty minutes", False),
    ("if you have somebody who will do it with you", False),
    ("if somebody is unfamiliar with it human nature being what it is we don't like to change",
     False),
    ("if the numbers work is there anything stopping you from signing today", True),
    ("if you don't have anything to hide you're not going to mind it", False),
    ("and if there's anything he'll hurt we just don't put it out there", False),
    ("if i am there and the choice is there i would take the recycled one", False),
])
def test_a_question_after_an_if_or_when_clause(text: str, is_q: bool) -> None:
    s = shape(text)
    assert s.is_question is is_q
    if is_q:
        assert s.cue == "conditional"


@pytest.mark.parametrize(("text", "is_q"), [
    ("is thursday at ten still good for the demo", True),
    ("would phil have a say in this", True),
    ("is delmar up for renewal", True),
    ("could go either way you know", False),
    ("is pretty close to new orleans", False),
    ("sure is nice up there this time of year", False),
])
def test_an_auxiliary_then_a_name_in_unpunctuated_speech(text: str, is_q: bool) -> None:
    assert shape(text).is_question is is_q
    assert not shape(text.capitalize() + ".", punctuated=True).is_question


@pytest.mark.parametrize(("text", "is_q"), [
    ("you ever been out to the plant in reno", True),
    ("you ready to get started", True),
    ("you mean the renewal in march", True),
    ("oh you mean the second site", True),
    ("anything else", True),
    ("so you mean it", False),
    ("you mean a lot to this team", False),
    ("you never know with them", False),
])
def test_a_question_without_its_auxiliary_in_unpunctuated_speech(text: str, is_q: bool) -> None:
    assert shape(text).is_question is is_q
    if is_q:
        assert shape(text).form == "closed"
        # Punctuated text keeps its own "?"s: there a sentence like this without one is none.
        assert not shape(text.capitalize() + ".", punctuated=True).is_question


@pytest.mark.parametrize(("text", "is_q"), [
    ("you said the drivers hate the app what do they hate about it", True),
    ("and on the money side what does that do to your margin", True),
    ("hey brianna how is the store", True),
    ("i have a daughter who's a nurse", False),  # relative, not asking
    ("i know what you mean", False),
    ("i'll tell you what's possible", False),
    ("he says why don't you come over", False),  # reported
    ("i'm wondering you know um what is this", False),
    ("no worries at all how is the week treating you so far", True),
    ("good catch and on the budget side what would your cfo need to see", True),
    ("and i was like laura how did you get all this stuff", False),  # quoted
    ("i said you've been very nice what's your name", False),
])
def test_a_wh_question_after_a_lead_in_in_unpunctuated_speech(text: str, is_q: bool) -> None:
    s = shape(text)
    assert s.is_question is is_q
    if is_q:
        assert (s.cue, s.form) == ("wh_start", "open")
        # Punctuated text keeps its own "?"s: there a sentence like this without one is none.
        assert not shape(text.capitalize() + ".", punctuated=True).is_question


@pytest.mark.parametrize(("text", "is_q"), [
    ("so that's included in the base price or is it an addon", True),
    ("has money been set aside for this yet or would you need to get it approved", True),
    ("hi marcus thanks for hopping on did you have a good weekend", True),
    ("hannah hi can you hear me alright my headset's been weird today", True),
    ("there's so many times i've had to move them or do this or that", False),
    ("anybody who sings or does you know some other instrument", False),
    ("but if everyone did we'd probably have over a hundred", False),
    ("there is you know a place you can take those", False),
])
def test_a_later_yes_no_question_in_unpunctuated_speech(text: str, is_q: bool) -> None:
    s = shape(text)
    assert s.is_question is is_q
    if is_q:
        assert (s.cue, s.form) == ("aux_inversion", "closed")
        assert not shape(text.capitalize() + ".", punctuated=True).is_question
