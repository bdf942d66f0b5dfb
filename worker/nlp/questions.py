"""``callscore_questions``: finds questions and gives each its form and kind.

Form (open/closed) and detection come from the grammar rules in
:mod:`worker.nlp.rules`; a short "?" fragment that the speaker goes on to answer
("Honestly? We lost two people.") is no question (:func:`answer_lead`), nor, without a "?",
is a request to repeat ("pardon me", "sorry what": :func:`~worker.nlp.rules.repair_request`).
Kind comes from lexicon entries: ``canned`` (leading, scripted, pitch-driven), ``other``
(logistics and rapport); so is a short question in a turn that opens with a greeting
("Hello Ana. Busy week?"). Every other question is ``probing`` (information-seeking).
A rep's negative question or negative tag ("isn't that amazing?", "..., don't you?")
is ``canned`` by its grammar.
Where a body of utterances (a call, ``callscore tag``'s input) is punctuated but holds no
"?" at all, its missing "?"s say nothing and its sentences are read as unpunctuated
speech (:func:`writes_question_marks`).
Pitch-script lines match whole questions fuzzily (rapidfuzz). Questions by
prospects are never ``canned``: a prospect's "does that make sense?" checks
understanding, it does not pitch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from worker.lexicon import KIND_LABELS, LexiconEntry
from worker.nlp.base import LexiconComponent
from worker.nlp.rules import AUX, HESITATIONS, WH, drop_restarts, question_shape, repair_request

__all__ = ["DEFAULT_KIND_REASON", "QuestionDetector", "QuestionFinding", "make_question_detector",
           "writes_question_marks"]

_PUNCT_MARKS = frozenset(".,?!;:")
_MARKS_MIN_LINES = 20
_KIND_ORDER = {"canned": 0, "other": 1, "probing": 2}
# The reason of a question that no lexicon entry or rule gave a kind (the kind model may).
DEFAULT_KIND_REASON = "default:information_seeking"
GREETING_REASON = "rule:greeting"
# A turn that opens with a greeting ("Hello Ana, Ravi from Quay. Busy week?", "Morning Sue!
# Kids back at school yet?"): its short questions are rapport and logistics. In the
# labelled lines 157 of 160 such questions are "other".
_GREETINGS = frozenset({"hi", "hey", "hello", "hiya", "howdy", "morning", "afternoon",
                        "evening", "good"})
_GREETING_NEXT = frozenset({"morning", "afternoon", "evening", "day"})
_GREETING_MAX_WORDS = 10

if not Doc.has_extension("cs_role"):
    Doc.set_extension("cs_role", default="rep")
if not Doc.has_extension("cs_question_marks"):
    # Whether the utterance's source writes "?" (see writes_question_marks); where it does
    # not, a punctuated sentence without "?" is judged by every rule, as unpunctuated
    # speech is.
    Doc.set_extension("cs_question_marks", default=True)
if not Doc.has_extension("cs_questions"):
    Doc.set_extension("cs_questions", default=None)


@dataclass(frozen=True, slots=True)
class QuestionFinding:
    """A question sentence in a doc: character span, form, kind and why."""

    start: int
    end: int
    text: str
    form: str
    kind: str
    cue: str
    kind_reason: str


def words_of(span: Span) -> list[str]:
    """The span's words without punctuation."""
    return [t.text for t in span if not t.is_punct and not t.is_space]


def fluent_words(span: Span) -> list[str] | None:
    """The span's words without hesitations, punctuation and restarts, if it has any.

    "Should I, uh, send the login to, to Mike?" reads "should i send the login to
    mike": kind phrases match the sentence the speaker meant. None when nothing
    changes (the sentence is matched as it is).
    """
    words = words_of(span)
    out: list[str] = []
    for w in words:
        low = w.lower()
        if low not in HESITATIONS and not (out and low == out[-1]):
            out.append(low)
    drop_restarts(out)
    if len(out) == len(words) and not any(t.is_punct for t in span[:-1]):
        return None
    return out


# Words that make a short "?" fragment ask after all: "You go where?", "Adorable, right?".
_ASKING = WH | AUX | frozenset({"you", "your", "right", "correct", "huh", "yeah", "okay", "ok",
                                "no", "yes", "or"})


def answer_lead(words: list[str], after: Span) -> bool:
    """Whether a short "?" fragment only restates what the speaker goes on to answer.

    "Honestly? We lost two people.", "Worst case? We miss the season.", "Denise? She'd
    veto it.": a few words with no wh-word, auxiliary or tag, then the answer (at least
    three words, no question of its own) in the same turn.
    """
    if not 1 <= len(words) <= 3 or any(w.lower() in _ASKING for w in words):
        return False
    rest = words_of(after)
    return len(rest) >= 3 and "?" not in after.text


def writes_question_marks(texts: Sequence[str]) -> bool:
    """Whether a body of utterances (a call, a batch of lines) uses "?" where it asks.

    Some speech-to-text engines put in commas and full stops but never a "?": there the
    missing "?" says nothing. A body of at least ``_MARKS_MIN_LINES`` utterances, most
    of them punctuated, none with a "?", is taken for such output. Shorter or
    unpunctuated bodies, and any with a "?", are trusted as they are.
    """
    punctuated = 0
    for text in texts:
        if "?" in text:
            return True
        punctuated += any(c in _PUNCT_MARKS for c in text)
    return not (punctuated >= _MARKS_MIN_LINES and punctuated * 2 > len(texts))


def _greets(doc: Doc) -> bool:
    """Whether the turn opens with a greeting ("hi", "hey there", "good morning")."""
    first = [t.lower_ for t in doc[:2] if not t.is_punct]
    return bool(first) and first[0] in _GREETINGS and (
        first[0] != "good" or (len(first) > 1 and first[1] in _GREETING_NEXT))


def _covers_most(span: Span, start: int, end: int) -> bool:
    """Whether tokens [start, end) make up most of the sentence's words."""
    total = len(words_of(span))
    return total > 0 and (end - start) >= 0.6 * total


class QuestionDetector(LexiconComponent):
    """Marks questions in ``doc._.cs_questions``; kind patterns come from lexicons."""

    labels = KIND_LABELS

    def __init__(self, nlp: Language, name: str = "callscore_questions", *,
                 fuzzy_threshold: float = 82.0,
                 rank: Callable[[str], int] = _KIND_ORDER.__getitem__) -> None:
        self.rank = rank
        super().__init__(nlp, name, fuzzy_threshold=fuzzy_threshold)

    def __call__(self, doc: Doc) -> Doc:
        role = doc._.cs_role
        punctuated = doc._.cs_question_marks and any(c in _PUNCT_MARKS for c in doc.text)
        found: list[QuestionFinding] = []
        hits: list[tuple[LexiconEntry, int, int]] | None = None  # matched once, if needed
        for sent in doc.sents:
            has_qm = "?" in sent.text
            words = words_of(sent)
            shape = question_shape(words, has_question_mark=has_qm, punctuated=punctuated)
            if not shape.is_question or (not has_qm and repair_request(words)) or (
                    shape.cue == "question_mark" and answer_lead(words, doc[sent.end:])):
                continue
            if hits is None:  # kind patterns only in docs that hold a question
                hits = self.matches(doc)
            kind, reason = self._kind(sent, hits, role)
            if (kind != "canned" and role == "rep" and shape.leading
                    and (shape.leading != "tie_down" or reason == DEFAULT_KIND_REASON)):
                kind, reason = "canned", f"rule:{shape.leading}"
            elif (reason == DEFAULT_KIND_REASON and len(words) <= _GREETING_MAX_WORDS
                  and _greets(doc)):
                kind, reason = "other", GREETING_REASON
            found.append(QuestionFinding(sent.start_char, sent.end_char, sent.text,
                                         shape.form or "closed", kind, shape.cue, reason))
        doc._.cs_questions = found
        return doc

    def _kind(self, sent: Span, hits: list[tuple[LexiconEntry, int, int]],
              role: str) -> tuple[str, str]:
        found = [(entry, _covers_most(sent, s, e)) for entry, s, e in hits
                 if sent.start <= s and e <= sent.end]
        fluent = fluent_words(sent)
        if fluent:  # also match the sentence without its "uh"s and restarts
            clean = self.nlp.make_doc(" ".join(fluent))
            found += [(entry, (e - s) >= 0.6 * len(clean))
                      for entry, s, e in self.matches(clean)]
        best: tuple[str, str] | None = None
        best_covers_most = False
        for entry, covers_most in found:
            if entry.roles is not None and role not in entry.roles:
                continue
            if entry.scope == "whole" and not covers_most:
                continue
            if best is None or self.rank(entry.label) < self.rank(best[0]):
                best = (entry.label, entry.id)
                best_covers_most = covers_most
        if (best is None or best[0] != "canned") and role == "rep":
            fuzzy = self.script.match(sent.text)
            if fuzzy is not None:
                best = ("canned", fuzzy[0].id)
        if best is None:
            return "probing", DEFAULT_KIND_REASON
        if best[0] == "canned" and role != "rep":
            # A prospect does not pitch: "does that make sense?" checks understanding,
            # "does that make sense for a clinic our size?" asks.
            kind = "other" if best_covers_most else "probing"
            return kind, f"{best[1]} (said by {role}: not a pitch)"
        return best


@Language.factory(
    "callscore_questions",
    default_config={"fuzzy_threshold": 82.0},
    assigns=["doc._.cs_questions"],
    requires=["token.is_sent_start"],
)
def make_question_detector(nlp: Language, name: str, fuzzy_threshold: float) -> QuestionDetector:
    """Build an empty detector; patterns arrive through ``initialize``/``add_patterns``."""
    return QuestionDetector(nlp, name, fuzzy_threshold=fuzzy_threshold)
