"""Transcript → findings: questions, mentions and talk statistics (pure, no I/O).

Transcripts are analysed in batches: every utterance of every transcript goes
through one ``nlp.pipe`` pass of the rule components, then one pass of the
statistical lemmatizer over rep questions and the prospect turns before them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from models import Mention, Question, TalkStats, Transcript
from worker.errors import UnknownRepError
from worker.nlp.mentions import SPANS_KEY
from worker.nlp.pipeline import Pipeline
from worker.nlp.questions import writes_question_marks

__all__ = ["ANALYSER_VERSION", "Findings", "analyse", "analyse_many", "ensure_rep"]

ANALYSER_VERSION = "callscore-analyser/1.0"

# Phrases by which a question announces that it builds on what the prospect said.
_FOLLOW_UP_CUES = re.compile(
    r"\b(you (just )?(mentioned|said|told me|brought up|talked about)|you'?d said|"
    r"tell me more|say more|can you elaborate|elaborate on|what do you mean|"
    r"how so|why is that|what happened|what makes you say|go back to|"
    r"you were saying|when you say|such as|for example|what else|"
    r"earlier you|and then what|what did that|how did that|what was that like)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+")
# A short question pointing back with a pronoun ("Why is that?", "What does that cost you?")
# right after the prospect spoke is about what they said.
_ANAPHORA = frozenset({"that", "it", "this", "those", "they", "them", "he", "she", "there"})
_SHORT_QUESTION_WORDS = 8
_PROSPECT_TAIL_CHARS = 400


@dataclass(frozen=True)
class Findings:
    """What the NLP found in one transcript."""

    transcript: Transcript
    questions: list[Question]
    mentions: list[Mention]
    talk: TalkStats


def ensure_rep(transcript: Transcript) -> None:
    """Raise if the transcript names no rep (scores would be meaningless)."""
    if not transcript.speakers_with_role("rep"):
        speakers = ", ".join(p.name for p in transcript.participants)
        raise UnknownRepError(
            f"call {transcript.call_id}: no participant has role 'rep' (speakers: {speakers}); "
            "set a participant's role, pass --rep NAME, or set CALLSCORE_REP_NAMES"
        )


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def talk_stats(t: Transcript) -> TalkStats:
    """Talk share, monologues and turn-taking of a transcript."""
    roles = {p.speaker: p.role for p in t.participants}
    totals = {"rep": 0, "prospect": 0, "other": 0}
    longest_words, longest_secs, longest_at = 0, None, None
    run_words, run_start, run_at, prev_speaker = 0, None, None, None
    switches = 0
    for i, u in enumerate(t.utterances):
        n = _words(u.text)
        if n == 0:
            continue
        role = roles[u.speaker]
        totals[role] += n
        if prev_speaker is not None and u.speaker != prev_speaker:
            switches += 1
        if role == "rep" and u.speaker == prev_speaker:
            run_words += n
        elif role == "rep":
            run_words, run_start, run_at = n, u.start, i
        else:
            run_words = 0
        if role == "rep" and run_words > longest_words:
            longest_words, longest_at = run_words, run_at
            longest_secs = (u.end - run_start) if (u.end is not None and run_start is not None) \
                else None
        prev_speaker = u.speaker
    all_words = sum(totals.values())
    starts = [u.start for u in t.utterances if u.start is not None]
    ends = [u.end if u.end is not None else u.start for u in t.utterances if u.start is not None]
    duration = (max(ends) - min(starts)) if starts and max(ends) > min(starts) else None
    return TalkStats(
        rep_words=totals["rep"], prospect_words=totals["prospect"], other_words=totals["other"],
        rep_talk_share=round(totals["rep"] / all_words, 4) if all_words else 0.0,
        longest_rep_monologue_words=longest_words,
        longest_rep_monologue_seconds=round(longest_secs, 1) if longest_secs is not None else None,
        longest_monologue_utterance=longest_at,
        speaker_switches=switches,
        duration_seconds=round(duration, 1) if duration else None,
        # A rate over less than a second means nothing (and underflows for tiny spans).
        switches_per_minute=round(switches / (duration / 60), 2) if duration and duration >= 1
        else None,
    )


def analyse(transcript: Transcript, pipeline: Pipeline) -> Findings:
    """Analyse one transcript (see :func:`analyse_many`)."""
    return analyse_many([transcript], pipeline)[0]


def analyse_many(transcripts: Sequence[Transcript], pipeline: Pipeline) -> list[Findings]:
    """Find the questions, mentions and talk statistics of each transcript.

    Raises:
        UnknownRepError: a transcript names no rep.
    """
    for t in transcripts:
        ensure_rep(t)
    texts, roles, marks, where = [], [], [], []
    for ti, t in enumerate(transcripts):
        role_of = {p.speaker: p.role for p in t.participants}
        trusted = writes_question_marks([u.text for u in t.utterances])
        for ui, u in enumerate(t.utterances):
            texts.append(u.text)
            roles.append(role_of[u.speaker])
            marks.append(trusted)
            where.append((ti, ui))
    docs = pipeline.analyse_texts(texts, roles, marks)

    questions: list[list[Question]] = [[] for _ in transcripts]
    mentions: list[list[Mention]] = [[] for _ in transcripts]
    for doc, role, (ti, ui) in zip(docs, roles, where, strict=True):
        u = transcripts[ti].utterances[ui]
        for q in doc._.cs_questions:
            questions[ti].append(Question(
                utterance=ui, speaker=u.speaker, role=role, start=q.start, end=q.end,
                text=q.text, form=q.form, kind=q.kind, cue=q.cue, kind_reason=q.kind_reason,
                time=u.start,
            ))
        for span in doc.spans[SPANS_KEY]:
            mentions[ti].append(Mention(
                type=span.label_, utterance=ui, speaker=u.speaker, role=role,
                start=span.start_char, end=span.end_char, text=span.text, label=span.kb_id_,
            ))
    _mark_follow_ups(transcripts, questions, pipeline)
    return [
        Findings(t, questions[i], mentions[i], talk_stats(t)) for i, t in enumerate(transcripts)
    ]


def _previous_prospect_turn(t: Transcript, ui: int, roles: dict[str, str]) -> int | None:
    """Index of the prospect utterance just before utterance ``ui`` (within two turns)."""
    for j in range(ui - 1, max(ui - 3, -1), -1):
        if roles[t.utterances[j].speaker] == "prospect":
            return j
    return None


def _mark_follow_ups(transcripts: Sequence[Transcript], questions: list[list[Question]],
                     pipeline: Pipeline) -> None:
    """Mark rep questions that build on the prospect's last turn.

    A follow-up names it ("you mentioned ...", "tell me more") or shares a content
    word with the prospect's turn just before it. The statistical tagger picks the
    question's content words; the prospect's turn is only tokenized (a content word of
    the question found there is picked up, whatever its part of speech there).
    """
    pending: list[tuple[int, int, int]] = []  # (transcript, question index, prospect utt)
    texts: list[str] = []
    tails: list[str] = []
    for ti, t in enumerate(transcripts):
        roles = {p.speaker: p.role for p in t.participants}
        for qi, q in enumerate(questions[ti]):
            if q.role != "rep" or q.kind != "probing":
                continue
            prev = _previous_prospect_turn(t, q.utterance, roles)
            if prev is None:
                continue
            # The question and what leads into it in the same turn ("You mentioned X. Why ...?")
            lead_in = t.utterances[q.utterance].text[: q.end]
            words = [w.lower() for w in _WORD.findall(q.text)]
            if _FOLLOW_UP_CUES.search(lead_in) or (
                len(words) <= _SHORT_QUESTION_WORDS and _ANAPHORA.intersection(words)
            ):
                questions[ti][qi] = q.model_copy(update={"follow_up": True,
                                                         "follows_utterance": prev})
                continue
            pending.append((ti, qi, prev))
            # The question itself and the end of the prospect's turn: what a follow-up picks up.
            texts.append(q.text)
            tails.append(t.utterances[prev].text[-_PROSPECT_TAIL_CHARS:])
    lemmas = pipeline.content_lemmas(texts)
    heard = pipeline.word_stems(tails)
    for k, (ti, qi, prev) in enumerate(pending):
        shared = lemmas[k] & heard[k]
        if shared:
            q = questions[ti][qi]
            questions[ti][qi] = q.model_copy(update={"follow_up": True, "follows_utterance": prev})
