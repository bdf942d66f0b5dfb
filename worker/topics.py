"""The topics: raw bytes in and out (validation happens in the agent, not in faust)."""

from __future__ import annotations

from worker.app import app
from worker.settings import get_settings

__all__ = ["call_scores", "deal_scores", "dlq", "flagged_calls", "transcripts"]

_s = get_settings()


def _topic(name: str):  # type: ignore[no-untyped-def]
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw",
                     value_serializer="raw", partitions=_s.topic_partitions)


transcripts = _topic(_s.topic_transcripts)
call_scores = _topic(_s.topic_call_scores)
deal_scores = _topic(_s.topic_deal_scores)
flagged_calls = _topic(_s.topic_flagged)
dlq = _topic(_s.topic_dlq)
