"""``callscore_segmenter``: sentence boundaries that survive speech-to-text output.

Punctuated text splits after ``.``, ``?`` and ``!``. Long unpunctuated stretches
(speech-to-text turns) are also split where a question plainly starts ("... it's a
mess how many reps do you have"), so one run-on turn does not hide its questions.
"""

from __future__ import annotations

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from worker.nlp.rules import content_start, is_question_start

__all__ = ["SentenceSegmenter", "make_segmenter"]

_ENDERS = frozenset({".", "?", "!", "…", "...", "?!", "!?", "??"})


class SentenceSegmenter:
    """Sets ``token.is_sent_start`` on every token of the doc."""

    def __init__(self, nlp: Language, name: str = "callscore_segmenter", *,
                 max_unpunctuated: int = 24) -> None:
        self.name = name
        self.max_unpunctuated = max_unpunctuated

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        stretch: list[int] = []  # word token indices since the last boundary

        def close() -> None:
            if len(stretch) > self.max_unpunctuated:
                self._split_run_on(doc, stretch, starts)
            stretch.clear()

        for i, tok in enumerate(doc):
            if tok.text in _ENDERS or (tok.is_punct and set(tok.text) <= set(".?!")):
                close()
                if i + 1 < n:
                    starts[i + 1] = True
            elif not tok.is_punct and not tok.is_space:
                stretch.append(i)
        close()
        # One array write instead of a property set per token (each set re-checks the
        # doc's annotation: 13% of a long call's analysis).
        flags = numpy.array([1 if s else -1 for s in starts], dtype="int64").astype("uint64")
        doc.from_array(["SENT_START"], flags.reshape(-1, 1))
        return doc

    def _split_run_on(self, doc: Doc, idx: list[int], starts: list[bool]) -> None:
        words = [doc[i].text for i in idx]
        last = 0
        for k in range(3, len(words) - 2):
            # A question runs a few words before its own auxiliary: "how many reps do you ...".
            if k - last < (6 if last else 3):
                continue
            if is_question_start(words[k : k + 8], words[k - 1]):
                head = [w.lower() for w in words[last:k]]
                if head[content_start(head)] in {"if", "suppose", "supposing"}:
                    continue  # the main clause of "if I could ..., would you ...": no split
                starts[idx[k]] = True
                last = k


@Language.factory(
    "callscore_segmenter",
    default_config={"max_unpunctuated": 24},
    assigns=["token.is_sent_start"],
)
def make_segmenter(nlp: Language, name: str, max_unpunctuated: int) -> SentenceSegmenter:
    """Build the segmenter (no patterns: its rules are grammar, not data)."""
    return SentenceSegmenter(nlp, name, max_unpunctuated=max_unpunctuated)
