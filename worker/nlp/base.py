"""Shared machinery of the lexicon-driven components (like spaCy's span_ruler)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from spacy.attrs import LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from worker.lexicon import FuzzyScript, LexiconEntry

__all__ = ["LexiconComponent"]


class LexiconComponent:
    """Empty matchers at construction; entries arrive through ``initialize``/``add_patterns``."""

    labels: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, nlp: Language, name: str, *, fuzzy_threshold: float = 82.0) -> None:
        self.nlp = nlp
        self.name = name
        self.fuzzy_threshold = fuzzy_threshold
        self.clear()

    def initialize(self, get_examples: Callable[[], Iterable[object]] | None = None, *,
                   nlp: Language | None = None,
                   patterns: Sequence[dict[str, object]] | None = None) -> None:
        """Load entries (lexicon entries as dicts), replacing any loaded before."""
        self.clear()
        if patterns:
            self.add_patterns([LexiconEntry.model_validate(p) for p in patterns])

    def clear(self) -> None:
        """Forget every entry."""
        self.entries: dict[str, LexiconEntry] = {}
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.matcher = Matcher(self.nlp.vocab)  # patterns that may start on any token
        # A pattern that names some of its words runs, in a matcher of its own, only on
        # docs that hold a word of each such token: a Matcher pays for every pattern at
        # every token, and most docs hold the words of few patterns.
        self.gated: list[tuple[Matcher, list[frozenset[int]]]] = []  # matcher, word hashes
        self.script = FuzzyScript([], threshold=self.fuzzy_threshold)

    def add_patterns(self, entries: Iterable[LexiconEntry]) -> None:
        """Add entries whose label this component handles; others are skipped."""
        fuzzy = list(self.script.entries)
        for entry in entries:
            if entry.label not in self.labels:
                continue
            self.entries[entry.id] = entry
            if entry.fuzzy:
                fuzzy.append(entry)
            elif entry.phrase is not None:
                self.phrase_matcher.add(entry.id, [self.nlp.make_doc(entry.phrase)])
            elif required := _required_words(entry.pattern):
                matcher = Matcher(self.nlp.vocab)
                matcher.add(entry.id, [entry.pattern])
                strings = self.nlp.vocab.strings
                self.gated.append((matcher, [frozenset(strings.add(w) for w in words)
                                             for words in required]))
            else:
                self.matcher.add(entry.id, [entry.pattern])
        self.script = FuzzyScript(fuzzy, threshold=self.fuzzy_threshold)

    @property
    def patterns(self) -> list[dict[str, object]]:
        """The loaded entries, as dicts (what ``initialize`` and ``to_disk`` take)."""
        return [e.model_dump(exclude_none=True) for e in self.entries.values()]

    def matches(self, doc: Doc) -> list[tuple[LexiconEntry, int, int]]:
        """Every exact (non-fuzzy) match in the doc: entry, token start, token end."""
        strings = self.nlp.vocab.strings
        found = list(self.phrase_matcher(doc))
        if len(self.matcher):
            found += self.matcher(doc)
        if self.gated:
            words = set(doc.to_array([LOWER, NORM, ORTH]).ravel().tolist())
            for matcher, needs in self.gated:
                if all(not words.isdisjoint(need) for need in needs):
                    found += matcher(doc)
        return [(self.entries[strings[m]], s, e) for m, s, e in found]

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the entries as JSONL into directory ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / "patterns.jsonl").open("w", encoding="utf-8") as f:
            for pattern in self.patterns:
                f.write(json.dumps(pattern) + "\n")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LexiconComponent:
        """Load entries written by :meth:`to_disk`."""
        lines = (Path(path) / "patterns.jsonl").read_text(encoding="utf-8").splitlines()
        self.initialize(patterns=[json.loads(line) for line in lines if line.strip()])
        return self


def _required_words(pattern: list[dict[str, object]]) -> list[frozenset[str]]:
    """For each token a match cannot skip and that names its words: those words.

    A doc can hold a match only if it holds a word of every set. Values of ``ORTH`` and
    ``TEXT`` keep their case; ``LOWER`` and ``NORM`` values are lower-case already.
    """
    required = []
    for token in pattern:
        if token.get("OP") in ("?", "*", "!"):
            continue
        for key in ("LOWER", "NORM", "ORTH", "TEXT"):
            value = token.get(key)
            if isinstance(value, str):
                required.append(frozenset({value}))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                required.append(frozenset(str(w) for w in value["IN"]))  # type: ignore[union-attr]
    return required
