"""The mention model: a small bag-of-words classifier that backs up the mention lexicon.

Decision-maker and impact talk is phrased in endless ways ("I sat in my car and
cried", "the mayor called me at eleven at night"); a lexicon finds the common
phrasings and explains itself, and this model finds much of the rest. It is spaCy's
``textcat_multilabel`` with the bag-of-words architecture (:mod:`worker.nlp.textcat`).

It is trained on sales-call lines written for this project (``tests/data``, never on
the SwDA evaluation file) with ``callscore train-mentions``. A sentence the model
scores at or above the threshold for a type, and in which the lexicon found no
mention of that type, becomes a mention of the whole sentence with label ``model``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from spacy.tokens import Doc, Span

from worker.errors import ConfigError
from worker.lexicon import MENTION_LABELS
from worker.nlp.textcat import BUNDLED, TextModel, digest, labelled_rows, normalise

__all__ = ["BUNDLED", "MODEL_LABEL", "MentionModel", "digest", "normalise", "read_labelled",
           "train"]

MODEL_LABEL = "model"
# A fixed order: the labels are the columns of the weights (a set's order varies by process).
_LABELS = tuple(sorted(MENTION_LABELS))
_COLUMNS = ("text", *_LABELS)


def read_labelled(paths: Iterable[Path]) -> list[tuple[str, frozenset[str]]]:
    """Lines and their mention types from labelled TSV files (``text`` plus a 0/1 column
    per mention type, as in ``tests/data/sales_*.tsv``).

    Raises:
        ConfigError: a file is missing, lacks a column, or has a label other than 0/1.
    """
    out = []
    for path, n, row in labelled_rows(paths, _COLUMNS):
        bad = [c for c in _LABELS if row[c] not in ("0", "1")]
        if bad:
            raise ConfigError(f"{path}, line {n}: column {bad[0]} is {row[bad[0]]!r}; "
                              f"write 0 or 1")
        out.append((row["text"], frozenset(c for c in _LABELS if row[c] == "1")))
    return out


def train(lines: Sequence[tuple[str, frozenset[str]]], *, epochs: int = 12,
          seed: int = 0, progress: bool = False) -> bytes:
    """Train the model on lines and their mention types; the weights as bytes."""
    return MentionModel.train([(text, {label: 1.0 for label in labels})
                               for text, labels in lines],
                              epochs=epochs, seed=seed, progress=progress)


class MentionModel(TextModel):
    """The trained mention classifier, applied sentence by sentence."""

    title = "mention model"
    labels = _LABELS
    exclusive = False
    resource = "mention_model.bin.gz"
    setting = "CALLSCORE_MENTION_MODEL"
    command = "train-mentions"

    def __init__(self, weights: bytes, *, threshold: float = 0.5, veto: float = 0.0) -> None:
        super().__init__(weights, threshold=threshold)
        self.veto = veto

    def revise(self, docs: Sequence[Doc], key: str, blocked_key: str,
               own_side_key: str | None = None) -> None:
        """Add and drop mentions in ``doc.spans[key]``, sentence by sentence.

        A sentence-long mention is added where the model gives a type at least the
        threshold and the lexicon neither found nor blocked (``doc.spans[blocked_key]``:
        "lost you there", "I need to look at the numbers") that type in the sentence. A
        lexicon mention is dropped where the model gives its type less than ``veto`` in
        its sentence ("the line's out the door", "I'm the only one who knows where the
        impact wrench is"): one phrase matched, but the sentence says something else.
        Not in the sentences of ``doc.spans[own_side_key]``: the labelled lines the model
        learned from call the rep's own manager approving a discount no decision-maker
        talk, but a prospect's "I'd have to check with my VP, she signs off" is.
        """
        sents = [(i, sent.start, sent.end, sent.text) for i, doc in enumerate(docs)
                 for sent in doc.sents]
        by_doc: dict[int, list[tuple[int, int, dict[str, float]]]] = {}
        for (i, start, end, _), cats in zip(sents, self.scores([s[3] for s in sents]),
                                            strict=True):
            by_doc.setdefault(i, []).append((start, end, cats))
        for i, scored in by_doc.items():
            doc = docs[i]
            found = list(doc.spans.get(key, ()))
            seen = [*found, *doc.spans.get(blocked_key, ())]
            added = [Span(doc, start, end, label=label, kb_id=MODEL_LABEL)
                     for start, end, cats in scored for label in self.labels
                     if cats[label] >= self.threshold
                     and not any(sp.label_ == label and sp.start < end and sp.end > start
                                 for sp in seen)]
            own = [(sp.start, sp.label_) for sp in doc.spans.get(own_side_key or "", ())]
            kept = [sp for sp in found if not any(
                start <= sp.start < end and cats[sp.label_] < self.veto
                and not any(label == sp.label_ and start <= s < end for s, label in own)
                for start, end, cats in scored)]
            if added or len(kept) < len(found):
                doc.spans[key] = sorted([*kept, *added], key=lambda sp: sp.start)
