"""The deal table: per deal, each call's summary keyed by call id (so a call counts once)."""

from __future__ import annotations

from worker.app import app
from worker.settings import get_settings

__all__ = ["deals"]

deals = app.Table("deals", default=None, partitions=get_settings().topic_partitions,
                  key_type=str, value_type=dict, help="deal id -> {version, calls}")
