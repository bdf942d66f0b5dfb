"""Web endpoints on the faust web server: /health and Prometheus /metrics."""

from __future__ import annotations

from typing import Any

from faust.web import Request, Response, View

from worker.agents import service
from worker.app import app

__all__ = ["HealthView", "MetricsView"]


@app.page("/health")
class HealthView(View):
    """Liveness and a few counters."""

    async def get(self, request: Request) -> Response:
        m = service.metrics
        body: dict[str, Any] = {"status": "ok", "scored": m.scored_total,
                                "dead_lettered": sum(m.dlq_total.values())}
        return self.json(body)


@app.page("/metrics")
class MetricsView(View):
    """Prometheus text exposition."""

    async def get(self, request: Request) -> Response:
        return self.text(service.metrics.render(),
                         content_type="text/plain")
