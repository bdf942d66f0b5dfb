"""The mention model: a small bag-of-words classifier that backs up the mention lexicon.

Decision-maker and impact talk is phrased in endless ways ("I sat in my car and
cried", "the mayor called me at eleven at night"); a lexicon finds the common
phrasings and explains itself, and this model finds much of the rest. It is spaCy's
``textcat_multilabel`` with the bag-of-words architecture (word uni- and bigrams of
the lower-cased text without punctuation, hashed into a linear layer): cheap enough
to run on every sentence, and indifferent to missing punctuation and casing.

It is trained on sales-call lines written for this project (``tests/data``, never on
the SwDA evaluation file) with ``callscore train-mentions``. A sentence the model
scores at or above the threshold for a type, and in which the lexicon found no
mention of that type, becomes a mention of the whole sentence with label ``model``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
import re
import sys
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import minibatch
from tqdm import tqdm

from worker.errors import ConfigError
from worker.lexicon import MENTION_LABELS

__all__ = ["BUNDLED", "MODEL_LABEL", "MentionModel", "digest", "read_labelled", "train"]

BUNDLED = "bundled"
MODEL_LABEL = "model"
_RESOURCE = "mention_model.bin.gz"
_CONFIG = {"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
                     "ngram_size": 2, "no_output_layer": False, "length": 2 ** 18}}
_NOT_WORD = re.compile(r"[^\w' ]+|_+")
# A fixed order: the labels are the columns of the weights (a set's order varies by process).
_LABELS = tuple(sorted(MENTION_LABELS))
_COLUMNS = ("text", *_LABELS)


def normalise(text: str) -> str:
    """What the model sees: lower case, letters (any script), digits and apostrophes only.

    Training and use see the same text whether or not the transcript was punctuated.
    """
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def _blank() -> Language:
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config=_CONFIG)
    for label in _LABELS:
        textcat.add_label(label)
    return nlp


def _doc(nlp: Language, text: str) -> Doc:
    """The text as the model sees it: its normalised words (no tokenizer needed)."""
    return Doc(nlp.vocab, words=normalise(text).split())


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
    """Train the model on labelled lines; the weights as bytes (same input, same bytes)."""
    if not lines:
        raise ConfigError("no labelled lines to train the mention model on")
    spacy.util.fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = _blank()
    examples = [Example.from_dict(_doc(nlp, text),
                                  {"cats": {label: float(label in labels)
                                            for label in _LABELS}})
                for text, labels in lines]
    optimizer = nlp.initialize(lambda: examples)
    for _ in tqdm(range(epochs), desc="training", unit="epoch", disable=not progress,
                  file=sys.stderr):
        rng.shuffle(examples)
        for batch in minibatch(examples, 32):
            nlp.update(batch, sgd=optimizer, drop=0.0)
    return gzip.compress(nlp.get_pipe("textcat_multilabel").to_bytes(), mtime=0)


def digest(weights: bytes) -> str:
    """The model's fingerprint, as scores name it (``lexicon_version``)."""
    return hashlib.sha256(weights).hexdigest()[:12]


class MentionModel:
    """The trained classifier, applied sentence by sentence."""

    def __init__(self, weights: bytes, *, threshold: float = 0.5) -> None:
        self.nlp = _blank()
        self._textcat = self.nlp.get_pipe("textcat_multilabel")
        self._textcat.from_bytes(gzip.decompress(weights))
        self._labels = tuple(self._textcat.labels)
        self.threshold = threshold
        self.digest = digest(weights)

    @classmethod
    def load(cls, where: str, *, threshold: float = 0.5) -> MentionModel | None:
        """The bundled model (``bundled``), one at a path, or none (``none`` or empty).

        Raises:
            ConfigError: the file is missing or is not a mention model.
        """
        if where.strip().lower() in ("", "none", "off"):
            return None
        try:
            if where == BUNDLED:
                weights = resources.files("lexicons").joinpath(_RESOURCE).read_bytes()
            else:
                weights = Path(where).expanduser().read_bytes()
        except OSError as exc:
            raise ConfigError(
                f"mention model {where!r}: {exc.strerror or exc}; set CALLSCORE_MENTION_MODEL "
                f"to 'bundled', to a file written by `callscore train-mentions`, or to 'none'"
            ) from None
        try:
            return cls(weights, threshold=threshold)
        except Exception as exc:  # gzip, msgpack and thinc each raise their own
            raise ConfigError(
                f"mention model {where!r} is not a file written by `callscore train-mentions` "
                f"({exc.__class__.__name__}); retrain it or set CALLSCORE_MENTION_MODEL=bundled"
            ) from None

    def scores(self, texts: Sequence[str], batch_size: int = 256) -> list[dict[str, float]]:
        """The model's probability of each mention type for each text (0 without words)."""
        docs = [_doc(self.nlp, t) for t in texts]
        worded = [d for d in docs if len(d)]
        # The model itself, without the pipeline's per-doc bookkeeping (doc.cats).
        rows = iter(r for i in range(0, len(worded), batch_size)
                    for r in self._textcat.model.predict(worded[i:i + batch_size]).tolist())
        return [dict(zip(self._labels, next(rows), strict=True)) if len(d)
                else dict.fromkeys(_LABELS, 0.0) for d in docs]

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
            new = [label for label in _LABELS if cats[label] >= self.threshold]
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
