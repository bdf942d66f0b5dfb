"""Small bag-of-words classifiers that back up the lexicons: their training, loading and use.

Both the mention model (:mod:`worker.nlp.mention_model`) and the kind model
(:mod:`worker.nlp.kind_model`) are spaCy text classifiers with the bag-of-words
architecture: word uni- and bigrams of the lower-cased text without punctuation,
hashed into a linear layer. They are cheap enough to run on every sentence, and
indifferent to missing punctuation and casing. They are trained on sales-call lines
written for this project (``tests/data``), never on the SwDA evaluation file; the same
lines give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import ClassVar, Self

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch
from tqdm import tqdm

from worker.errors import ConfigError

__all__ = ["BUNDLED", "TextModel", "digest", "labelled_rows", "normalise"]

BUNDLED = "bundled"
_NOT_WORD = re.compile(r"[^\w ]+|_+")
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")


def normalise(text: str) -> str:
    """What a model sees: lower case, letters (any script) and digits only.

    Training and use see the same text whether or not the transcript was punctuated,
    and whatever it does with apostrophes: "don't", "don\u2019t" and speech-to-text's
    "dont" are one word.
    """
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


def labelled_rows(paths: Iterable[Path], columns: Sequence[str]
                  ) -> Iterator[tuple[Path, int, dict[str, str]]]:
    """Each row of labelled TSV files (like ``tests/data/sales_*.tsv``): file, line, row.

    Raises:
        ConfigError: a file is missing or its header lacks one of ``columns``.
    """
    for path in map(Path, paths):
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t")
                missing = [c for c in columns if c not in (reader.fieldnames or ())]
                if missing:
                    raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}; a "
                                      f"labelled file has a header with "
                                      f"{', '.join(columns)} (tab-separated)")
                for n, row in enumerate(reader, start=2):
                    yield path, n, row
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read labelled lines ({exc.strerror})") from None


def digest(weights: bytes) -> str:
    """A model's fingerprint, as scores name it (``lexicon_version``)."""
    return hashlib.sha256(weights).hexdigest()[:12]


class TextModel:
    """A trained classifier over short texts; subclasses fix its labels and its name.

    ``labels`` are the weights' columns in a fixed order. ``exclusive`` models give one
    label per text (probabilities summing to 1), the others a probability per label.
    """

    title: ClassVar[str]  # what errors call it: "mention model"
    labels: ClassVar[tuple[str, ...]]
    exclusive: ClassVar[bool]
    resource: ClassVar[str]  # the bundled weights, in the ``lexicons`` package
    setting: ClassVar[str]  # the environment variable that chooses the model
    command: ClassVar[str]  # the CLI command that trains one

    def __init__(self, weights: bytes, *, threshold: float = 0.5) -> None:
        self.nlp = self._blank()
        self._textcat = self.nlp.get_pipe(self._pipe())
        self._textcat.from_bytes(gzip.decompress(weights))
        if tuple(self._textcat.labels) != self.labels:
            raise ValueError(f"labels {self._textcat.labels}, expected {self.labels}")
        self.threshold = threshold
        self.digest = digest(weights)

    @classmethod
    def _pipe(cls) -> str:
        return "textcat" if cls.exclusive else "textcat_multilabel"

    @classmethod
    def _blank(cls) -> Language:
        nlp = spacy.blank("en")
        config = {"model": {"@architectures": "spacy.TextCatBOW.v3",
                            "exclusive_classes": cls.exclusive, "ngram_size": 2,
                            "no_output_layer": False, "length": 2 ** 18}}
        textcat = nlp.add_pipe(cls._pipe(), config=config)
        for label in cls.labels:
            textcat.add_label(label)
        return nlp

    @staticmethod
    def _doc(nlp: Language, text: str) -> Doc:
        """The text as the model sees it: its normalised words (no tokenizer needed)."""
        return Doc(nlp.vocab, words=normalise(text).split())

    @classmethod
    def train(cls, lines: Sequence[tuple[str, Mapping[str, float]]], *, epochs: int = 12,
              seed: int = 0, progress: bool = False) -> bytes:
        """Train on texts and their labels' gold values; the weights as bytes (same input,
        same bytes)."""
        if not lines:
            raise ConfigError(f"no labelled lines to train the {cls.title} on")
        spacy.util.fix_random_seed(seed)
        rng = random.Random(seed)
        nlp = cls._blank()
        examples = [Example.from_dict(cls._doc(nlp, text),
                                      {"cats": {label: float(gold.get(label, 0.0))
                                                for label in cls.labels}})
                    for text, gold in lines]
        optimizer = nlp.initialize(lambda: examples)
        for _ in tqdm(range(epochs), desc="training", unit="epoch", disable=not progress,
                      file=sys.stderr):
            rng.shuffle(examples)
            for batch in minibatch(examples, 32):
                nlp.update(batch, sgd=optimizer, drop=0.0)
        return gzip.compress(nlp.get_pipe(cls._pipe()).to_bytes(), mtime=0)

    @classmethod
    def load(cls, where: str, **options: float) -> Self | None:
        """The bundled model (``bundled``), one at a path, or none (``none`` or empty);
        ``options`` (``threshold``, ...) go to the constructor.

        Raises:
            ConfigError: the file is missing or is not a model of this kind.
        """
        if where.strip().lower() in ("", "none", "off"):
            return None
        try:
            if where == BUNDLED:
                weights = resources.files("lexicons").joinpath(cls.resource).read_bytes()
            else:
                weights = Path(where).expanduser().read_bytes()
        except OSError as exc:
            raise ConfigError(
                f"{cls.title} {where!r}: {exc.strerror or exc}; set {cls.setting} to "
                f"'bundled', to a file written by `callscore {cls.command}`, or to 'none'"
            ) from None
        try:
            return cls(weights, **options)
        except Exception as exc:  # gzip, msgpack and thinc each raise their own
            raise ConfigError(
                f"{cls.title} {where!r} is not a file written by `callscore {cls.command}` "
                f"({exc.__class__.__name__}); retrain it or set {cls.setting}=bundled"
            ) from None

    def scores(self, texts: Sequence[str], batch_size: int = 256) -> list[dict[str, float]]:
        """The model's probability of each label for each text (0 for a text without words)."""
        docs = [self._doc(self.nlp, t) for t in texts]
        worded = [d for d in docs if len(d)]
        # The model itself, without the pipeline's per-doc bookkeeping (doc.cats).
        rows = iter(r for i in range(0, len(worded), batch_size)
                    for r in self._textcat.model.predict(worded[i:i + batch_size]).tolist())
        return [dict(zip(self.labels, next(rows), strict=True)) if len(d)
                else dict.fromkeys(self.labels, 0.0) for d in docs]
