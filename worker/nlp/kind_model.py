"""The kind model: a bag-of-words classifier that backs up the kind lexicon.

A rep's question that no kind entry matches is probing by default. Rapport and
logistics ("did you make it down to the Cape this weekend?", "still good for twenty
minutes?") and scripted pitch are phrased in more ways than a lexicon lists; this
model reads the question's words and, when it is confident that such a question is
``other`` or ``canned``, says so. It never overrides a lexicon entry or a grammar
rule, and it judges only the rep's questions (a prospect does not pitch).

It is spaCy's ``textcat`` (one label per text) with the bag-of-words architecture
(:mod:`worker.nlp.textcat`), trained with ``callscore train-kinds`` on the rep
questions of the sales-call lines written for this project.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from spacy.tokens import Doc

from worker.errors import ConfigError
from worker.lexicon import KIND_LABELS
from worker.nlp.questions import DEFAULT_KIND_REASON
from worker.nlp.textcat import TextModel, labelled_rows

__all__ = ["KindModel", "read_kinds"]

_COLUMNS = ("role", "is_question", "kind", "text")
# Reasons the model gives: "model:other", "model:canned".
REASON_PREFIX = "model:"


def read_kinds(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """The rep's questions and their kinds from labelled TSV files (``role``,
    ``is_question``, ``kind``, ``text`` columns, as in ``tests/data/sales_*.tsv``).

    Raises:
        ConfigError: a file is missing, lacks a column, or a rep question's kind is not
            one of probing, canned, other.
    """
    out = []
    for path, n, row in labelled_rows(paths, _COLUMNS):
        if row["role"] != "rep" or row["is_question"] != "1":
            continue
        if row["kind"] not in KIND_LABELS:
            raise ConfigError(f"{path}, line {n}: a rep question's kind is {row['kind']!r}; "
                              f"write one of {', '.join(sorted(KIND_LABELS))}")
        out.append((row["text"], row["kind"]))
    return out


class KindModel(TextModel):
    """The trained kind classifier, applied to the rep's questions the lexicon left alone."""

    title = "kind model"
    labels = tuple(sorted(KIND_LABELS))
    exclusive = True
    resource = "kind_model.bin.gz"
    setting = "CALLSCORE_KIND_MODEL"
    command = "train-kinds"

    @classmethod
    def train_kinds(cls, lines: Sequence[tuple[str, str]], *, epochs: int = 12,
                    seed: int = 0, progress: bool = False) -> bytes:
        """Train on questions and their kinds; the weights as bytes."""
        return cls.train([(text, {kind: 1.0}) for text, kind in lines],
                         epochs=epochs, seed=seed, progress=progress)

    def revise(self, docs: Sequence[Doc]) -> None:
        """Give the rep's default-probing questions in ``docs`` the kind the model is sure of.

        A question becomes ``other`` or ``canned`` (reason ``model:<kind>``) where that is
        the model's most likely kind at or above the threshold.
        """
        todo = [(doc, i, q) for doc in docs if doc._.cs_role == "rep"
                for i, q in enumerate(doc._.cs_questions or ())
                if q.kind_reason == DEFAULT_KIND_REASON]
        if not todo:
            return
        for (doc, i, q), cats in zip(todo, self.scores([q.text for _, _, q in todo]),
                                     strict=True):
            kind = max(cats, key=cats.__getitem__)
            if kind != "probing" and cats[kind] >= self.threshold:
                doc._.cs_questions[i] = dataclasses.replace(
                    q, kind=kind, kind_reason=REASON_PREFIX + kind)
