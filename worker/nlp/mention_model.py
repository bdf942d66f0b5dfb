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

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from spacy.tokens import Doc, Span

from worker.errors import ConfigError
from worker.lexicon import MENTION_LABELS
from worker.nlp.textcat import BUNDLED, TextModel, digest, normalise

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
    for path in paths:
        try:
            with Path(path).open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t")
                missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
                if missing:
                    raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}; a "
                                      f"labelled file has a header with "
                                      f"{', '.join(_COLUMNS)} (tab-separated)")
                for n, row in enumerate(reader, start=2):
                    bad = [c for c in _LABELS if row[c] not in ("0", "1")]
                    if bad:
                        raise ConfigError(f"{path}, line {n}: column {bad[0]} is "
                                          f"{row[bad[0]]!r}; write 0 or 1")
                    out.append((row["text"],
                                frozenset(c for c in _LABELS if row[c] == "1")))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read labelled lines ({exc.strerror})") from None
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

    def add_mentions(self, docs: Sequence[Doc], key: str, blocked_key: str) -> None:
        """Add a sentence-long mention to ``doc.spans[key]`` where the model finds a type
        the lexicon neither found nor blocked (``doc.spans[blocked_key]``: "lost you
        there", "I need to look at the numbers") in that sentence."""
        sents = [(i, sent.start, sent.end, sent.text) for i, doc in enumerate(docs)
                 for sent in doc.sents]
        if not sents:
            return
        added: dict[int, list[Span]] = {}
        found: dict[int, list[tuple[int, int, str]]] = {}
        for (i, start, end, _), cats in zip(sents, self.scores([s[3] for s in sents]),
                                            strict=True):
            new = [label for label in self.labels if cats[label] >= self.threshold]
            if not new:
                continue
            if i not in found:
                found[i] = [(sp.start, sp.end, sp.label_) for k in (key, blocked_key)
                            for sp in docs[i].spans.get(k, ())]
            have = {label for s, e, label in found[i] if s < end and e > start}
            added.setdefault(i, []).extend(
                Span(docs[i], start, end, label=label, kb_id=MODEL_LABEL)
                for label in new if label not in have)
        for i, spans in added.items():
            if spans:
                doc = docs[i]
                doc.spans[key] = sorted([*doc.spans[key], *spans], key=lambda sp: sp.start)
