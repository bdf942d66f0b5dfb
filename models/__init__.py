"""pydantic v2 wire models: the input (Transcript) and output (CallScore, DealScore,
DeadLetter) contract."""

from __future__ import annotations

from models.dead_letter import DLQ_ENVELOPE_HEADER, DeadLetter
from models.score import (
    QUANTIFIED_IMPACT,
    SCHEMA_VERSION,
    CallScore,
    Component,
    DealCall,
    DealScore,
    Evidence,
    Flag,
    Mention,
    MentionType,
    Question,
    QuestionForm,
    QuestionKind,
    TalkStats,
)
from models.transcript import Participant, Role, Transcript, Utterance

__all__ = [
    "DLQ_ENVELOPE_HEADER",
    "QUANTIFIED_IMPACT",
    "SCHEMA_VERSION",
    "CallScore",
    "Component",
    "DeadLetter",
    "DealCall",
    "DealScore",
    "Evidence",
    "Flag",
    "Mention",
    "MentionType",
    "Participant",
    "Question",
    "QuestionForm",
    "QuestionKind",
    "Role",
    "TalkStats",
    "Transcript",
    "Utterance",
]
