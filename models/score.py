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
    speaker: str | None = Field(default=None, description="Speaker id of the utterance.")
    start: int | None = Field(default=None, ge=0,
                              description="Character offset in the utterance text.")
    end: int | None = Field(default=None, ge=0, description="End offset (exclusive).")
    text: str = Field(description="The words themselves (or what a call-level pointer is).")
    call_id: str | None = Field(default=None, description="Set when evidence spans calls (deals).")


class Question(BaseModel):
    """A question found in the transcript."""

    model_config = _OUT

    utterance: int = Field(ge=0, description="Index into the transcript's utterances.")
    speaker: str = Field(description="Speaker id of who asked.")
    role: Literal["rep", "prospect", "other"] = Field(description="Who asked: rep, prospect "
                                                      "or other.")
    start: int = Field(ge=0, description="Character offset of the question sentence.")
    end: int = Field(ge=0, description="End offset (exclusive) of the question sentence.")
    text: str = Field(description="The question sentence.")
    form: QuestionForm = Field(description="open (invites an answer in the prospect's words: "
                               "what/how/why, 'tell me about') or closed (yes/no, either/or).")
    kind: QuestionKind = Field(description="probing (discovery about the prospect's situation, "
                               "problems, decision, impact), canned (scripted pitch or leading "
                               "question) or other (small talk, logistics).")
    cue: str = Field(description="What made it a question (e.g. 'question_mark', 'wh_start').")
    kind_reason: str = Field(description="Why it got its kind: a lexicon entry id, a rule "
                             "('rule:negative_question'), the kind model ('model:other', "
                             "'model:canned') or 'default:information_seeking'.")
    follow_up: bool = Field(default=False, description="Builds on what the prospect just "
                            "said (their words reused, or a 'you mentioned ...').")
    follows_utterance: int | None = Field(
        default=None, description="The prospect utterance this question builds on."
    )
    time: float | None = Field(default=None, description="Seconds from call start, if known.")


class Mention(BaseModel):
    """Talk of a decision-maker or of business impact."""

    model_config = _OUT

    type: MentionType = Field(description="decision_maker (who decides, signs, approves) or "
                              "impact (money, time, risk, people).")
    utterance: int = Field(ge=0, description="Index into the transcript's utterances.")
    speaker: str = Field(description="Speaker id of who said it.")
    role: Literal["rep", "prospect", "other"] = Field(description="Role of who said it.")
    start: int = Field(ge=0, description="Character offset in the utterance text.")
    end: int = Field(ge=0, description="End offset (exclusive).")
    text: str = Field(description="The words matched.")
    label: str = Field(description="Lexicon entry id that matched (e.g. 'title', 'money'), "
                       "or 'model' when the mention model found it: then the text is the "
                       "whole sentence.")


class TalkStats(BaseModel):
    """Who talked how much, and how the turns went."""

    model_config = _OUT

    rep_words: int = Field(description="Words spoken by the rep(s).")
    prospect_words: int = Field(description="Words spoken by the prospect side.")
    other_words: int = Field(description="Words spoken by others (e.g. a partner).")
    rep_talk_share: float = Field(ge=0, le=1, description="Rep words / all words.")
    longest_rep_monologue_words: int = Field(description="Words in the rep's longest "
                                             "uninterrupted stretch of talk.")
    longest_rep_monologue_seconds: float | None = Field(description="Its length in seconds, "
                                                        "when the transcript has times.")
    longest_monologue_utterance: int | None = Field(description="Utterance where it starts.")
    speaker_switches: int = Field(description="Times the speaker changed.")
    duration_seconds: float | None = Field(description="Call length, when known.")
    switches_per_minute: float | None = Field(description="Speaker switches per minute, "
                                              "when the duration is known.")


class Component(BaseModel):
    """One named part of the score: measured value, target, points earned."""

    model_config = _OUT

    name: str = Field(description="Stable component name, e.g. 'probing_questions'.")
    value: float = Field(description="What was measured (count, share, seconds...).")
    target: str = Field(description="The target in words, e.g. '11-14 questions'.")
    points: float = Field(ge=0, description="Points earned.")
    max_points: float = Field(ge=0, description="Points available (the weights sum to 100).")
    explanation: str = Field(description="Why these points, in a sentence.")
    evidence: list[Evidence] = Field(default_factory=list,
                                     description="The words behind the points.")


class Flag(BaseModel):
    """A stable, machine-readable problem code with a human sentence."""

    model_config = _OUT

    code: str = Field(description="Stable machine-readable code, e.g. 'canned_pitch_heavy'.")
    message: str = Field(description="The problem in a sentence, for people.")
    evidence: list[Evidence] = Field(default_factory=list,
                                     description="What shows the problem.")


class CallScore(BaseModel):
    """The questioning-quality score of one call, with its evidence."""

    model_config = _OUT

    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this record's "
                                "schema (major.minor; a major change breaks readers).")
    call_id: str = Field(description="The call's id (from the transcript); the record's key.")
    deal_id: str = Field(description="The deal (opportunity) the call belongs to.")
    started_at: datetime | None = Field(default=None, description="When the call started.")
    title: str | None = Field(default=None, description="Meeting title, if known.")
    rep: list[str] = Field(description="Display names of the rep(s).")
    prospects: list[str] = Field(default_factory=list, description="Prospect-side names.")
    prospect_titles: list[str] = Field(default_factory=list,
                                       description="Job titles on the prospect side, if known.")
    score: float = Field(ge=0, le=100, description="Questioning quality, 0-100: the sum of "
                         "the components' points.")
    components: list[Component] = Field(description="The parts of the score, with points.")
    flags: list[Flag] = Field(description="Problems a manager should look at.")
    questions: list[Question] = Field(description="Every question found, rep's and others'.")
    mentions: list[Mention] = Field(description="Decision-maker and impact talk found.")
    talk: TalkStats = Field(description="Talk share, monologues, turn-taking.")
    utterance_count: int = Field(description="Utterances in the transcript.")
    analyser_version: str = Field(description="callscore version that scored the call.")
    lexicon_version: str = Field(description="Fingerprint of the lexicons, the mention "
                                 "model (+m) and the kind model (+k) used.")
    scored_at: datetime | None = Field(default=None, description="When it was scored; a later "
                                       "result for the same call replaces an earlier one.")


class DealCall(BaseModel):
    """What a deal keeps of each of its calls (enough to score the deal again)."""

    model_config = _OUT

    call_id: str = Field(description="The call's id.")
    started_at: datetime | None = Field(default=None, description="When the call started.")
    scored_at: datetime | None = Field(default=None, description="When it was scored.")
    score: float = Field(description="The call's score, 0-100.")
    flags: list[str] = Field(default_factory=list, description="The call's flag codes.")
    rep: list[str] = Field(default_factory=list, description="Rep display names.")
    prospects: list[str] = Field(default_factory=list, description="Prospect-side names.")
    prospect_titles: list[str] = Field(default_factory=list,
                                       description="Prospect-side job titles.")
    probing_questions: int = Field(default=0, description="Probing questions by the rep.")
    canned_questions: int = Field(default=0, description="Canned questions by the rep.")
    rep_questions: int = Field(default=0, description="All questions by the rep.")
    decision_maker_discussed: bool = Field(default=False, description="Anyone talked about "
                                           "who decides, signs or approves.")
    decision_maker_asked: bool = Field(default=False, description="The rep asked about the "
                                       "decision process.")
    impact_quantified: bool = Field(default=False, description="The prospect put a number "
                                    "(money, %, time, people) on the impact.")
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

    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this record's "
                                "schema (major.minor; a major change breaks readers).")
    deal_id: str = Field(description="The deal's id; the record's key.")
    score: float = Field(ge=0, le=100, description="Deal questioning quality, 0-100.")
    call_count: int = Field(description="Distinct calls of the deal (each counted once).")
    calls: list[DealCall] = Field(description="The deal's calls, in call-time order.")
    components: list[Component] = Field(default_factory=list,
                                        description="The parts of the deal score.")
    flags: list[Flag] = Field(default_factory=list, description="Deal-level problems (stable "
                              "codes, e.g. 'no_decision_maker_after_calls').")
    version: int = Field(default=1, description="Increases with every update of the deal; "
                         "the highest version is the current one.")
    updated_at: datetime | None = Field(default=None, description="When this version was made.")
