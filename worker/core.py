"""The analysis core's front door: transcripts in, call scores out (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from models import CallScore, Transcript
from worker.analysis import analyse_many, ensure_rep
from worker.errors import CallscoreError
from worker.nlp.mentions import SPANS_KEY
from worker.nlp.pipeline import Pipeline
from worker.nlp.questions import writes_question_marks
from worker.scoring import load_scoring_config, score_call
from worker.settings import Settings, get_settings

__all__ = ["Scorer"]


class Scorer:
    """Loads the NLP once; scores transcripts in batches and tags single utterances."""

    def __init__(self, settings: Settings | None = None, *,
                 pipeline: Pipeline | None = None) -> None:
        self.settings = settings or get_settings()
        self.pipeline = pipeline or Pipeline(self.settings)
        self.config = load_scoring_config(self.settings.scoring_config)

    @property
    def lexicon_version(self) -> str:
        """Digest of the lexicon entries and the mention and kind models in use."""
        return self.pipeline.version

    def score(self, transcript: Transcript, *, scored_at: datetime | None = None) -> CallScore:
        """Score one transcript."""
        return self.score_many([transcript], scored_at=scored_at)[0]

    def score_many(self, transcripts: Sequence[Transcript], *,
                   scored_at: datetime | None = None) -> list[CallScore]:
        """Score transcripts in one NLP batch.

        Raises:
            UnknownRepError: a transcript names no rep (use :meth:`score_each` to keep going).
        """
        findings = analyse_many(transcripts, self.pipeline)
        return [score_call(f, config=self.config, lexicon_version=self.lexicon_version,
                           scored_at=scored_at) for f in findings]

    def score_each(self, transcripts: Sequence[Transcript]
                   ) -> list[CallScore | CallscoreError]:
        """Score a batch; a transcript that cannot be scored yields its error instead."""
        results: list[CallScore | CallscoreError | None] = [None] * len(transcripts)
        good: list[int] = []
        for i, t in enumerate(transcripts):
            try:
                ensure_rep(t)
                good.append(i)
            except CallscoreError as exc:
                results[i] = exc
        for i, score in zip(good, self.score_many([transcripts[i] for i in good]), strict=True):
            results[i] = score
        return [r for r in results if r is not None]

    def tag(self, lines: Iterable[str], *, role: str = "rep",
            batch_size: int = 512) -> Iterator[dict[str, Any]]:
        """The utterance-level contract of ``callscore tag``, one dict per line, in order.

        The lines are one body of text: once any has a "?", a missing "?" is trusted in
        all that follow; until then each batch is judged on its own
        (:func:`~worker.nlp.questions.writes_question_marks`).
        """
        batch: list[str] = []
        seen_mark = False
        for line in lines:
            batch.append(line)
            if len(batch) >= batch_size:
                yield from self._tag_batch(batch, role, seen_mark)
                seen_mark = seen_mark or any("?" in t for t in batch)
                batch = []
        if batch:
            yield from self._tag_batch(batch, role, seen_mark)

    def _tag_batch(self, texts: list[str], role: str,
                   seen_mark: bool = False) -> Iterator[dict[str, Any]]:
        marks = [seen_mark or writes_question_marks(texts)] * len(texts)
        for text, doc in zip(texts, self.pipeline.analyse_texts(texts, [role] * len(texts),
                                                                marks), strict=True):
            qs = doc._.cs_questions
            # The line's question: its first, unless a later one pitches ("Would your
            # patients like shorter waits? I mean, who wouldn't, right?").
            first = next((q for q in qs if q.kind == "canned"), qs[0]) if qs else None
            yield {
                "text": text,
                "is_question": first is not None,
                "form": first.form if first else None,
                "kind": first.kind if first else None,
                "mentions": [{"type": s.label_, "text": s.text, "start": s.start_char,
                              "end": s.end_char, "label": s.kb_id_}
                             for s in doc.spans[SPANS_KEY]],
            }
