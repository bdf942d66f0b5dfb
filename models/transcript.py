"""The input contract: one meeting transcript."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["Participant", "Role", "Transcript", "Utterance"]

Role = Literal["rep", "prospect", "other"]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Participant(BaseModel):
    """A person on the call, keyed by the speaker id used in utterances."""

    model_config = _STRICT

    speaker: str = Field(min_length=1, max_length=200, description="Speaker id used in utterances.")
    name: str = Field(min_length=1, max_length=200, description="Display name.")
    role: Role = Field(description="rep (the seller), prospect (the buyer side) or other.")
    title: str | None = Field(default=None, max_length=200, description="Job title, if known.")
    company: str | None = Field(default=None, max_length=200, description="Their company.")


class Utterance(BaseModel):
    """One speaker turn (or transcript segment)."""

    model_config = _STRICT

    speaker: str = Field(min_length=1, max_length=200,
                         description="Speaker id: one of the participants' ids.")
    start: float | None = Field(default=None, ge=0, description="Start, seconds from call start.")
    end: float | None = Field(default=None, ge=0, description="End, seconds from call start.")
    text: str = Field(max_length=200_000, description="What was said.")

    @model_validator(mode="after")
    def _end_after_start(self) -> Utterance:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class Transcript(BaseModel):
    """A finished call: who was there and what each of them said, in order."""

    model_config = _STRICT

    call_id: str = Field(min_length=1, max_length=200, description="Unique id of the call; "
                         "re-sending a call id replaces its earlier result.")
    deal_id: str = Field(min_length=1, max_length=200,
                         description="The deal (opportunity) the call belongs to; the key.")
    started_at: datetime | None = Field(default=None, description="When the call started "
                                        "(orders the deal's calls).")
    title: str | None = Field(default=None, max_length=500, description="Meeting title.")
    participants: list[Participant] = Field(min_length=1, description="Everyone who spoke.")
    utterances: list[Utterance] = Field(description="Speaker turns, in order.")

    @field_validator("utterances")
    @classmethod
    def _has_speech(cls, value: list[Utterance]) -> list[Utterance]:
        if not any(u.text.strip() for u in value):
            raise ValueError("the transcript is empty: no utterance has any text")
        return value

    @model_validator(mode="after")
    def _speakers_known(self) -> Transcript:
        ids = [p.speaker for p in self.participants]
        if len(set(ids)) != len(ids):
            raise ValueError("participants: speaker ids must be unique")
        known = set(ids)
        for i, u in enumerate(self.utterances):
            if u.speaker not in known:
                raise ValueError(
                    f"utterances[{i}].speaker {u.speaker!r} is not among the participants "
                    f"({', '.join(sorted(known))})"
                )
        return self

    def speakers_with_role(self, role: Role) -> set[str]:
        """Speaker ids of the participants with ``role``."""
        return {p.speaker for p in self.participants if p.role == role}
