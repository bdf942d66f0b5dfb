"""Counters for /metrics (Prometheus text format), kept in the worker process."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Metrics"]

_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class _Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * (len(_BUCKETS) + 1))
    total: float = 0.0
    n: int = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(_BUCKETS, value)] += 1
        self.total += value
        self.n += 1

    def render(self, name: str, help_: str) -> list[str]:
        lines = [f"# HELP {name} {help_}", f"# TYPE {name} histogram"]
        running = 0
        for bound, count in zip(_BUCKETS, self.counts, strict=False):
            running += count
            lines.append(f'{name}_bucket{{le="{bound}"}} {running}')
        lines.append(f'{name}_bucket{{le="+Inf"}} {self.n}')
        lines += [f"{name}_sum {self.total:.6f}", f"{name}_count {self.n}"]
        return lines


@dataclass
class Metrics:
    """What the worker counts: scored, dead-lettered (by error class), latencies."""

    scored_total: int = 0
    dlq_total: Counter[str] = field(default_factory=Counter)
    rekeyed: int = 0
    analysis: _Histogram = field(default_factory=_Histogram)
    end_to_end: _Histogram = field(default_factory=_Histogram)

    def scored(self, end_to_end_seconds: float) -> None:
        self.scored_total += 1
        self.end_to_end.observe(end_to_end_seconds)

    def dead_lettered(self, error_class: str) -> None:
        self.dlq_total[error_class] += 1

    def observe_batch(self, seconds: float, size: int) -> None:
        """A batch of ``size`` calls took ``seconds``: each call gets its share."""
        for _ in range(size):
            self.analysis.observe(seconds / max(1, size))

    def render(self) -> str:
        """Prometheus text exposition."""
        lines = ["# HELP callscore_calls_scored_total Calls scored.",
                 "# TYPE callscore_calls_scored_total counter",
                 f"callscore_calls_scored_total {self.scored_total}",
                 "# HELP callscore_messages_dead_lettered_total Messages sent to the DLQ.",
                 "# TYPE callscore_messages_dead_lettered_total counter"]
        for cls, n in sorted(self.dlq_total.items()):
            lines.append(f'callscore_messages_dead_lettered_total{{error_class="{cls}"}} {n}')
        if not self.dlq_total:
            lines.append("callscore_messages_dead_lettered_total 0")
        lines += ["# HELP callscore_messages_rekeyed_total Messages re-sent keyed by deal id.",
                  "# TYPE callscore_messages_rekeyed_total counter",
                  f"callscore_messages_rekeyed_total {self.rekeyed}"]
        lines += self.analysis.render("callscore_analysis_seconds",
                                      "Analysis time per call (batched, off the event loop).")
        lines += self.end_to_end.render("callscore_end_to_end_seconds",
                                        "From broker timestamp to scores sent, per call.")
        return "\n".join(lines) + "\n"
