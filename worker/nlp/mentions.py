"""``callscore_mentions``: talk of decision-makers and of business impact.

Matches lexicon phrases and token patterns (titles, bodies such as "the board" or
"procurement", "who signs"; money, percentages, time, headcount, risk and
consequences) and keeps the longest of overlapping matches. Results go to
``doc.spans["callscore_mentions"]``: label = mention type, ``kb_id`` = entry id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from worker.lexicon import MENTION_LABELS
from worker.nlp.base import LexiconComponent

__all__ = ["SPANS_KEY", "MentionFinder", "make_mention_finder"]

SPANS_KEY = "callscore_mentions"


def longest_first(spans: Iterable[Span]) -> list[Span]:
    """Overlap policy: of overlapping spans keep the longest (then the earliest)."""
    return filter_spans(list(spans))


class MentionFinder(LexiconComponent):
    """Finds decision-maker and impact mentions."""

    labels = MENTION_LABELS

    def __init__(self, nlp: Language, name: str = "callscore_mentions", *,
                 overlap: Callable[[Iterable[Span]], list[Span]] = longest_first) -> None:
        self.overlap = overlap
        super().__init__(nlp, name)

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s, e, label=entry.label, kb_id=entry.id)
                 for entry, s, e in self.matches(doc)]
        doc.spans[SPANS_KEY] = sorted(self.overlap(spans), key=lambda sp: sp.start)
        return doc


@Language.factory(
    "callscore_mentions",
    assigns=["doc.spans"],
)
def make_mention_finder(nlp: Language, name: str) -> MentionFinder:
    """Build an empty finder; patterns arrive through ``initialize``/``add_patterns``."""
    return MentionFinder(nlp, name)
