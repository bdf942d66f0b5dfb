"""The deal table: per deal, each call's summary keyed by call id (so a call counts once).

Keys are the raw deal-id bytes, the same bytes the transcripts topic is keyed by, and
the producer's partitioner places each changelog record: so a deal's state lives in
the changelog partition of the same number as its transcripts. (Batched streams have
no "current event" for faust to take the partition from.)
"""

from __future__ import annotations

from worker.app import app
from worker.settings import get_settings

__all__ = ["deals"]

deals = app.Table(
    "deals", default=None, partitions=get_settings().topic_partitions, use_partitioner=True,
    key_type=bytes, value_type=bytes,  # raw both ways; values are JSON the service writes
    help="deal id -> JSON {version, calls}",
)
