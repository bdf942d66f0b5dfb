"""pydantic v2 wire models: the input (Transcript) and output (CallScore, DealScore) contract."""

from __future__ import annotations

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
    "Participant",
    "Question",
    "QuestionForm",
    "QuestionKind",
    "Role",
    "TalkStats",
    "Transcript",
    "Utterance",
]
