"""``callscore_mentions``: talk of decision-makers and of business impact.

Matches lexicon phrases and token patterns (titles, bodies such as "the board" or
"procurement", "who signs"; money, percentages, time, headcount, risk and
consequences) and keeps the longest of overlapping matches of one type. Results go to
``doc.spans["callscore_mentions"]``: label = mention type, ``kb_id`` = entry id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from worker.lexicon import MENTION_LABELS, LexiconEntry
from worker.nlp.base import LexiconComponent

__all__ = ["BLOCKED_KEY", "OWN_SIDE_KEY", "SPANS_KEY", "MentionFinder", "make_mention_finder"]

SPANS_KEY = "callscore_mentions"
BLOCKED_KEY = "callscore_mentions_blocked"
# Sentences that a block for another role silences (a rep's "my VP signs off on the
# discount"), said by this speaker, where they are about the speaker's own deciders.
OWN_SIDE_KEY = "callscore_mentions_own_side"


def longest_first(spans: Iterable[Span]) -> list[Span]:
    """Overlap policy: of overlapping spans of one type keep the longest (then the earliest).

    Spans of different types may overlap: "stick your neck out" is talk of who answers
    for the decision and of what it may cost them.
    """
    by_label: dict[int, list[Span]] = {}
    for span in spans:
        by_label.setdefault(span.label, []).append(span)
    return [span for group in by_label.values() for span in filter_spans(group)]


class MentionFinder(LexiconComponent):
    """Finds decision-maker and impact mentions."""

    labels = MENTION_LABELS

    def __init__(self, nlp: Language, name: str = "callscore_mentions", *,
                 overlap: Callable[[Iterable[Span]], list[Span]] = longest_first) -> None:
        self.overlap = overlap
        super().__init__(nlp, name)

    def __call__(self, doc: Doc) -> Doc:
        role = doc._.cs_role
        matches = self.matches(doc)
        hits = [(entry, s, e) for entry, s, e in matches
                if entry.roles is None or role in entry.roles]
        doc.spans[OWN_SIDE_KEY] = [
            Span(doc, doc[s].sent.start, doc[s].sent.end, label=entry.label, kb_id=entry.id)
            for entry, s, e in matches if entry.tier == "block" and entry.scope == "sentence"
            and entry.roles is not None and role not in entry.roles]
        blocks = [(entry, s, e) for entry, s, e in hits if entry.tier == "block"]
        if any(entry.scope == "sentence" for entry, _, _ in blocks):
            # A sentence-wide block stretches over its whole sentence.
            blocks = [(entry, doc[s].sent.start, doc[s].sent.end) if entry.scope == "sentence"
                      else (entry, s, e) for entry, s, e in blocks]
        # Kept for the mention model: it adds nothing of a type blocked in a sentence.
        doc.spans[BLOCKED_KEY] = [Span(doc, s, e, label=entry.label, kb_id=entry.id)
                                  for entry, s, e in blocks]
        blocked = {(entry.label, i) for entry, s, e in blocks for i in range(s, e)}
        if blocked:  # "I lost you there", "who has time for that": no entry counts inside
            hits = [(entry, s, e) for entry, s, e in hits if entry.tier != "block"
                    and not any((entry.label, i) in blocked for i in range(s, e))]
        spans = [Span(doc, s, e, label=entry.label, kb_id=entry.id)
                 for entry, s, e in hits if entry.tier == "strong"]
        weak = [(entry, s, e) for entry, s, e in hits if entry.tier == "weak"]
        if weak:
            spans += self._supported(doc, weak, hits)
        doc.spans[SPANS_KEY] = sorted(self.overlap(spans), key=lambda sp: sp.start)
        return doc

    @staticmethod
    def _supported(doc: Doc, weak: list[tuple[LexiconEntry, int, int]],
                   hits: list[tuple[LexiconEntry, int, int]]) -> list[Span]:
        """Weak matches with a strong or cue match of their label in or next to their sentence.

        "Your CFO" is talk of a decision-maker next to "approve" or "budget", not in
        "my boss is out this week"; "forty thousand" is impact next to "cost" or
        "lose", not as a price. Two different decision roles support each other
        ("the CIO and someone from finance").
        """
        sent_of: dict[int, int] = {}
        for k, sent in enumerate(doc.sents):
            sent_of.update(dict.fromkeys(range(sent.start, sent.end), k))
        # Support comes from another stretch of the sentence or a neighbouring one
        # ("... forward it to my director? She'll want to see it before it's signed."):
        # a word is never its own cue.
        out = []
        for entry, s, e in weak:
            text = doc[s:e].text.lower()
            near = [(o, os_, oe) for o, os_, oe in hits if o.label == entry.label
                    and abs(sent_of.get(os_, 0) - sent_of.get(s, 0)) <= 1]
            for other, os_, oe in near:
                apart = oe <= s or os_ >= e
                # Two roles support each other only as two people, not as one title
                # ("the CIO and finance", not "your IT director").
                if apart and (other.tier != "weak" or (entry.label == "decision_maker"
                                                       and (oe < s or os_ > e)
                                                       and doc[os_:oe].text.lower() != text)):
                    out.append(Span(doc, s, e, label=entry.label, kb_id=entry.id))
                    break
        return out


@Language.factory(
    "callscore_mentions",
    assigns=["doc.spans"],
)
def make_mention_finder(nlp: Language, name: str) -> MentionFinder:
    """Build an empty finder; patterns arrive through ``initialize``/``add_patterns``."""
    return MentionFinder(nlp, name)
