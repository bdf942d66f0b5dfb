"""The dead-letter envelope: why a message on the transcripts topic was not scored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from models.score import SCHEMA_VERSION

__all__ = ["DLQ_ENVELOPE_HEADER", "DeadLetter"]

# A dead-letter record's value is the original message, byte for byte (so it can be fixed
# and re-published); this header holds the envelope below as JSON. The same fields are
# also plain headers (callscore-reason, callscore-error-class, callscore-source-topic,
# callscore-source-partition, callscore-source-offset, callscore-failed-at) for tools that
# route on headers.
DLQ_ENVELOPE_HEADER = "callscore-envelope"


class DeadLetter(BaseModel):
    """Why one input message was dead-lettered, and where it came from."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = Field(default=SCHEMA_VERSION, description="Version of this record's "
                                "schema (major.minor; a major change breaks readers).")
    reason: str = Field(description="What is wrong, naming the field or the problem, e.g. "
                        "\"invalid transcript: utterances.0.speaker: Field required\".")
    error_class: str = Field(description="Stable error class, e.g. InputError, TooLargeError, "
                             "UnknownRepError.")
    source_topic: str = Field(description="Topic the message was consumed from.")
    source_partition: int = Field(ge=0, description="Its partition.")
    source_offset: int = Field(ge=0, description="Its offset.")
    source_key: str | None = Field(default=None, description="Its key (UTF-8, undecodable "
                                   "bytes replaced), normally the deal id.")
    value_bytes: int = Field(ge=0, description="Size of the original value (the record's "
                             "value is the original, unchanged).")
    value_sha256: str = Field(description="SHA-256 of the original value, hex.")
    failed_at: datetime = Field(description="When it was dead-lettered (UTC).")

    @classmethod
    def build(cls, *, reason: str, error_class: str, topic: str, partition: int, offset: int,
              key: bytes | None, value: bytes | None) -> DeadLetter:
        raw = value or b""
        return cls(reason=reason, error_class=error_class, source_topic=topic,
                   source_partition=partition, source_offset=offset,
                   source_key=key.decode("utf-8", "replace") if key is not None else None,
                   value_bytes=len(raw), value_sha256=hashlib.sha256(raw).hexdigest(),
                   failed_at=datetime.now(UTC))
