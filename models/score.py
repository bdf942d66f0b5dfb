"""The output contract: findings, per-call scores and per-deal scores."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "QUANTIFIED_IMPACT",
    "SCHEMA_VERSION",
    "CallScore",
    "Component",
    "DealCall",
    "DealScore",
    "Evidence",
    "Flag",
    "Mention",
    "MentionType",
    "Question",
    "QuestionForm",
    "QuestionKind",
    "TalkStats",
]

SCHEMA_VERSION = "1.0"
# Lexicon id prefixes of impact mentions that put a number on it (money, %, time, people).
QUANTIFIED_IMPACT = ("impact.money", "impact.percent", "impact.time", "impact.headcount",
                     "impact.multiplier")

QuestionForm = Literal["open", "closed"]
QuestionKind = Literal["probing", "canned", "other"]
MentionType = Literal["decision_maker", "impact"]

_OUT = ConfigDict(extra="forbid")


class Evidence(BaseModel):
    """A pointer to the words behind a point: utterance index and character span.

    Deal-level evidence may point at a whole call: then only ``call_id`` and ``text``.
    """

    model_config = _OUT

    utterance: int | None = Field(default=None, ge=0,
                                  description="Index into the transcript's utterances.")
    speaker: str | None = None
    start: int | None = Field(default=None, ge=0,
                              description="Character offset in the utterance text.")
    end: int | None = Field(default=None, ge=0)
    text: str
    call_id: str | None = Field(default=None, description="Set when evidence spans calls (deals).")


class Question(BaseModel):
    """A question found in the transcript."""

    model_config = _OUT

    utterance: int = Field(ge=0)
    speaker: str
    role: Literal["rep", "prospect", "other"]
    start: int = Field(ge=0, description="Character offset of the question sentence.")
    end: int = Field(ge=0)
    text: str
    form: QuestionForm
    kind: QuestionKind
    cue: str = Field(description="What made it a question (e.g. 'question_mark', 'wh_start').")
    kind_reason: str = Field(description="Why it got its kind (lexicon entry id or rule).")
    follow_up: bool = False
    follows_utterance: int | None = Field(
        default=None, description="The prospect utterance this question builds on."
    )
    time: float | None = Field(default=None, description="Seconds from call start, if known.")


class Mention(BaseModel):
    """Talk of a decision-maker or of business impact."""

    model_config = _OUT

    type: MentionType
    utterance: int = Field(ge=0)
    speaker: str
    role: Literal["rep", "prospect", "other"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    label: str = Field(description="Lexicon entry id that matched (e.g. 'title', 'money').")


class TalkStats(BaseModel):
    """Who talked how much, and how the turns went."""

    model_config = _OUT

    rep_words: int
    prospect_words: int
    other_words: int
    rep_talk_share: float = Field(ge=0, le=1, description="Rep words / all words.")
    longest_rep_monologue_words: int
    longest_rep_monologue_seconds: float | None
    longest_monologue_utterance: int | None
    speaker_switches: int
    duration_seconds: float | None
    switches_per_minute: float | None


class Component(BaseModel):
    """One named part of the score: measured value, target, points earned."""

    model_config = _OUT

    name: str
    value: float
    target: str = Field(description="The target in words, e.g. '11-14 questions'.")
    points: float = Field(ge=0)
    max_points: float = Field(ge=0)
    explanation: str
    evidence: list[Evidence] = Field(default_factory=list)


class Flag(BaseModel):
    """A stable, machine-readable problem code with a human sentence."""

    model_config = _OUT

    code: str
    message: str
    evidence: list[Evidence] = Field(default_factory=list)


class CallScore(BaseModel):
    """The questioning-quality score of one call, with its evidence."""

    model_config = _OUT

    schema_version: str = SCHEMA_VERSION
    call_id: str
    deal_id: str
    started_at: datetime | None = None
    title: str | None = None
    rep: list[str] = Field(description="Display names of the rep(s).")
    prospects: list[str] = Field(default_factory=list, description="Prospect-side names.")
    prospect_titles: list[str] = Field(default_factory=list)
    score: float = Field(ge=0, le=100)
    components: list[Component]
    flags: list[Flag]
    questions: list[Question]
    mentions: list[Mention]
    talk: TalkStats
    utterance_count: int
    analyser_version: str
    lexicon_version: str
    scored_at: datetime | None = None


class DealCall(BaseModel):
    """What a deal keeps of each of its calls (enough to score the deal again)."""

    model_config = _OUT

    call_id: str
    started_at: datetime | None = None
    scored_at: datetime | None = None
    score: float
    flags: list[str] = Field(default_factory=list)
    rep: list[str] = Field(default_factory=list)
    prospects: list[str] = Field(default_factory=list)
    prospect_titles: list[str] = Field(default_factory=list)
    probing_questions: int = 0
    canned_questions: int = 0
    rep_questions: int = 0
    decision_maker_discussed: bool = False
    decision_maker_asked: bool = False
    impact_quantified: bool = False
    evidence: list[Evidence] = Field(
        default_factory=list, description="Decision-maker and impact evidence of the call."
    )

    @classmethod
    def from_call_score(cls, s: CallScore) -> DealCall:
        """Summarise a call score for its deal."""
        comp = {c.name: c for c in s.components}
        dm = comp.get("decision_maker")
        imp = comp.get("impact")  # evidence only
        rep_qs = [q for q in s.questions if q.role == "rep"]
        evidence = [e.model_copy(update={"call_id": s.call_id})
                    for c in (dm, imp) if c is not None for e in c.evidence[:3]]
        return cls(
            call_id=s.call_id, started_at=s.started_at, scored_at=s.scored_at, score=s.score,
            flags=[f.code for f in s.flags], rep=s.rep, prospects=s.prospects,
            prospect_titles=s.prospect_titles,
            probing_questions=sum(q.kind == "probing" for q in rep_qs),
            canned_questions=sum(q.kind == "canned" for q in rep_qs), rep_questions=len(rep_qs),
            decision_maker_discussed=any(m.type == "decision_maker" for m in s.mentions),
            decision_maker_asked=bool(dm and dm.value >= 1),
            impact_quantified=any(m.type == "impact" and m.role == "prospect"
                                  and m.label.startswith(QUANTIFIED_IMPACT) for m in s.mentions),
            evidence=evidence,
        )


class DealScore(BaseModel):
    """The questioning-quality score of a deal across its calls."""

    model_config = _OUT

    schema_version: str = SCHEMA_VERSION
    deal_id: str
    score: float = Field(ge=0, le=100)
    call_count: int
    calls: list[DealCall]
    components: list[Component] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    version: int = Field(default=1, description="Increases with every update of the deal.")
    updated_at: datetime | None = None
