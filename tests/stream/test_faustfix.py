"""worker/faustfix.py: the commit rule, and that install() patches what it says."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from faust.types import TP
from intervaltree import IntervalTree

from worker import faustfix

TOPIC = TP("transcripts", 0)


def consumer(acked: list[int], committed: int | None, in_flight: list[int] = ()):
    c = SimpleNamespace(
        _acked=defaultdict(list, {TOPIC: list(acked)}),
        _acked_index=defaultdict(set, {TOPIC: set(acked)}),
        _gap=defaultdict(IntervalTree),
        _committed_offset=defaultdict(lambda: None, {TOPIC: committed}),
        _unacked_messages=[SimpleNamespace(tp=TOPIC, offset=o, acked=False)
                           for o in in_flight],
    )
    return c


def test_commits_the_consecutive_run_from_the_committed_offset() -> None:
    assert faustfix.new_offset(consumer([4, 5, 6, 8], 4), TOPIC) == 7
    assert faustfix.new_offset(consumer([0, 1, 2], None), TOPIC) == 3
    assert faustfix.new_offset(consumer([], 4), TOPIC) is None


def test_never_commits_past_a_record_still_in_flight() -> None:
    # faust 0.15's rule commits 8 here: 5 - 4 is not > 1, though 4 is being processed.
    assert faustfix.new_offset(consumer([5, 6, 7], 4, in_flight=[4]), TOPIC) is None
    # and with nothing committed yet it does not look at all
    assert faustfix.new_offset(consumer([2, 3], None, in_flight=[1]), TOPIC) is None


def test_passes_offsets_no_stream_saw() -> None:
    # offset 4 was a transaction marker or compacted away: nothing in flight there
    assert faustfix.new_offset(consumer([5, 6], 4), TOPIC) == 7
    assert faustfix.new_offset(consumer([9, 10], 4), TOPIC) == 11


def test_gaps_recorded_by_faust_count_as_done() -> None:
    c = consumer([4, 7], 4)
    c._gap[TOPIC].addi(5, 7)
    assert faustfix.new_offset(c, TOPIC) == 8


def test_install_patches_faust() -> None:
    from faust.tables.recovery import Recovery
    from faust.transport.consumer import Consumer
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    faustfix.install(fetch_max_wait_ms=50)
    assert Consumer._new_offset is faustfix.new_offset
    assert Recovery.on_recovery_completed is faustfix._on_recovery_completed
    assert Recovery._resume_streams is faustfix._resume_streams
    assert AIOKafkaConsumerThread._create_worker_consumer.__name__ == "create_worker_consumer"
